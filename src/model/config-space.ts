// Configuration space with register semantics. Each placed structure's access column
// becomes per-bit masks, the way a device keeps them next to its config bytes:
//   wmask    bits an ordinary write replaces      (rw, wo)
//   w1cmask  bits a write of 1 clears             (rw1c)
//   romask   bits that always read as 0           (wo)
// Read-only and reserved bits keep their stored value. Bytes that no placed structure
// claims are read-only. Accesses of 1, 2 or 4 bytes at any offset go byte by byte through
// the masks, so unaligned and straddling accesses behave like byte enables on real hardware.
import type { Access, BitSpec, FieldInfo, Struct } from '../layout/struct.js';
import { region, type Region } from '../layout/annotate.js';

export type ModelAccessWidth = 1 | 2 | 4;

/** A structure placed in config space, with optional per-field access overrides. */
export interface ModelPlacedStruct {
  readonly struct: Struct<any>;
  readonly offset: number;
  readonly label?: string;
  /** Replaces the table's access of these fields (bit overrides of the table still apply). */
  readonly access?: Readonly<Record<string, Access>>;
  /** How many bytes of the structure are present (a capability shorter than its struct). */
  readonly length?: number;
}

/**
 * Side effects attached to a byte range: `beforeRead` may refresh the stored bytes the read
 * is about to return (a data window); `afterWrite` sees the access once the masks applied.
 */
export interface ModelConfigHook {
  readonly offset: number;
  readonly length: number;
  beforeRead?(offset: number, width: ModelAccessWidth): void;
  afterWrite?(offset: number, width: ModelAccessWidth, value: number): void;
}

export class ConfigSpaceModel {
  /** The stored image (what reads return, modulo write-only bits). */
  readonly bytes: Uint8Array;
  readonly wmask: Uint8Array;
  readonly w1cmask: Uint8Array;
  readonly romask: Uint8Array;
  readonly regions: Region[] = [];
  private readonly hooks: ModelConfigHook[] = [];

  /**
   * @param image initial bytes (256 or 4096 usually); copied.
   * @param placed structures whose access columns make bits writable.
   */
  constructor(image: Uint8Array, placed: readonly ModelPlacedStruct[] = []) {
    this.bytes = Uint8Array.from(image);
    const n = image.length;
    this.wmask = new Uint8Array(n);
    this.w1cmask = new Uint8Array(n);
    this.romask = new Uint8Array(n);
    for (const p of placed) this.place(p);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Apply a structure's access column at its offset (later placements override earlier). */
  place(p: ModelPlacedStruct): void {
    const len = Math.min(p.length ?? p.struct.size, p.struct.size);
    if (p.offset < 0 || p.offset + len > this.size) {
      throw new RangeError(`${p.struct.name} at 0x${p.offset.toString(16)} does not fit in ${this.size} bytes of config space`);
    }
    for (const f of p.struct.fields) {
      if (f.offset + f.size > len) continue;
      const access = p.access?.[f.name] ?? f.access;
      this.applyField(p.offset + f.offset, f, access);
    }
    this.regions.push(region(p.struct, p.offset, p.label, len));
  }

  /** Set the masks of a register directly (BARs, whose writable bits depend on the size). */
  setMasks(offset: number, length: number, masks: { write?: number | bigint; w1c?: number | bigint; readZero?: number | bigint }): void {
    for (let i = 0; i < length; i++) {
      const shift = BigInt(8 * i);
      const byte = (m: number | bigint | undefined) => (m === undefined ? 0 : Number((BigInt(m) >> shift) & 0xffn));
      this.wmask[offset + i] = byte(masks.write);
      this.w1cmask[offset + i] = byte(masks.w1c);
      this.romask[offset + i] = byte(masks.readZero);
    }
  }

  addHook(h: ModelConfigHook): void {
    this.hooks.push(h);
  }

  /** A guest read. Bytes past the end of config space read as 0xff. */
  read(offset: number, width: ModelAccessWidth): number {
    checkAccess(offset, width);
    for (const h of this.hooks) if (h.beforeRead && overlaps(h, offset, width)) h.beforeRead(offset, width);
    let v = 0;
    for (let i = width - 1; i >= 0; i--) {
      const o = offset + i;
      const b = o < this.size ? this.bytes[o] & ~this.romask[o] : 0xff;
      v = (v << 8) | b;
    }
    return v >>> 0;
  }

  /** A guest write through the masks. Bytes past the end are dropped. */
  write(offset: number, width: ModelAccessWidth, value: number): void {
    checkAccess(offset, width);
    for (let i = 0; i < width; i++) {
      const o = offset + i;
      if (o >= this.size) break;
      const b = (value >>> (8 * i)) & 0xff;
      let x = (this.bytes[o] & ~this.wmask[o]) | (b & this.wmask[o]);
      x &= ~(b & this.w1cmask[o]);
      this.bytes[o] = x & 0xff;
    }
    for (const h of this.hooks) if (h.afterWrite && overlaps(h, offset, width)) h.afterWrite(offset, width, value >>> 0);
  }

  /** Device-side access: the stored bytes, no masks, no hooks. */
  peek(offset: number, width: ModelAccessWidth): number {
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = (v << 8) | this.bytes[offset + i];
    return v >>> 0;
  }

  poke(offset: number, width: ModelAccessWidth, value: number): void {
    for (let i = 0; i < width; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  /** A copy of the image a guest would read byte by byte, without running hooks. */
  snapshot(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.bytes[i] & ~this.romask[i];
    return out;
  }

  private applyField(at: number, f: FieldInfo, access: Access): void {
    this.applyBits(at, 0, f.size * 8, access);
    for (const b of f.bits ?? []) if (b.access) this.applyBits(at, b.lo, b.width, b.access);
  }

  private applyBits(at: number, lo: number, width: number, access: Access): void {
    for (let bit = lo; bit < lo + width; bit++) {
      const o = at + (bit >> 3);
      const m = 1 << (bit & 7);
      this.wmask[o] &= ~m;
      this.w1cmask[o] &= ~m;
      this.romask[o] &= ~m;
      if (access === 'rw' || access === 'wo') this.wmask[o] |= m;
      if (access === 'wo') this.romask[o] |= m;
      if (access === 'rw1c') this.w1cmask[o] |= m;
    }
  }
}

function overlaps(h: ModelConfigHook, offset: number, width: number): boolean {
  return offset < h.offset + h.length && h.offset < offset + width;
}

function checkAccess(offset: number, width: number): void {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`bad config offset ${offset}`);
  if (width !== 1 && width !== 2 && width !== 4) throw new RangeError(`bad access width ${width}`);
}

/** Bits of a BitSpec list with a given access, as a mask (for tests and callers). */
export function modelBitsWithAccess(specs: readonly BitSpec[], access: Access): number {
  let m = 0;
  for (const b of specs) if (b.access === access) m |= (b.width >= 32 ? 0xffffffff : ((1 << b.width) - 1) << b.lo) >>> 0;
  return m >>> 0;
}
