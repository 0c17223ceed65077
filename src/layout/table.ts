// The table-driven decoders: a loop over a structure's fields or a register's bits. They
// serve what is sized at run time (vendor-specific bodies, structures users declare); every
// structure the package declares decodes through code generated from its table at build time
// (`npm run gen`, the *.gen.ts files), and a property test keeps both forms equal.
// Internal: not exported from the package.
import { copyBytes, NO_BYTES } from '../bytes/slab.js';
import { readU64Fast } from './codec.js';
import type { Kind } from './struct.js';

/** What a field of a structure needs for decoding (FieldInfo has more). */
export interface DecodeField {
  readonly name: string;
  readonly kind: Kind;
  readonly offset: number;
  readonly size: number;
}

/** What a named bit range needs for decoding (BitSpec has more). */
export interface DecodeBit {
  readonly name: string;
  readonly lo: number;
  readonly width: number;
}

export type StructDecoder<V = Record<string, unknown>> = (b: Uint8Array, at: number) => V;
export type BitsDecoder = (register: number) => Record<string, number | boolean>;

/** Value of a bit range of a register (all 32 bits for a width of 32 or more). */
export function bitValue(register: number, b: Pick<DecodeBit, 'lo' | 'width'>): number {
  return b.width >= 32 ? register >>> 0 : (register >>> b.lo) & ((1 << b.width) - 1 || 0xffffffff);
}

const KIND_U8 = 0;
const KIND_U16 = 1;
const KIND_U32 = 2;
const KIND_U64 = 3;
const KIND_BYTES = 4;
const KIND_CODES = { u8: KIND_U8, u16: KIND_U16, u32: KIND_U32, u64: KIND_U64, bytes: KIND_BYTES } as const;

/** A decoder for a structure's fields (in the order given); the caller checks that the bytes exist. */
export function tableStructDecoder(fields: readonly DecodeField[]): StructDecoder {
  // Every property first with a placeholder of its kind, so the values below overwrite
  // properties of one stable shape (in table order) instead of adding them one by one (an
  // object grown by many computed-key stores drops to dictionary mode). A u32 starts as a heap
  // number, so no value widens its representation. The table as flat arrays for the loop.
  const template = Object.fromEntries(fields.map((f) => [f.name, f.kind === 'u64' ? 0n : f.kind === 'bytes' ? NO_BYTES : f.kind === 'u32' ? 0x80000000 : 0]));
  const kinds = Uint8Array.from(fields, (f) => KIND_CODES[f.kind]);
  const offsets = Int32Array.from(fields, (f) => f.offset);
  const sizes = Int32Array.from(fields, (f) => f.size);
  const names = fields.map((f) => f.name);
  return (b, at) => {
    const out: Record<string, unknown> = { ...template };
    for (let i = 0; i < kinds.length; i++) {
      const o = at + offsets[i];
      let v: unknown;
      switch (kinds[i]) {
        case KIND_U8:
          v = b[o];
          break;
        case KIND_U16:
          v = b[o] | (b[o + 1] << 8);
          break;
        case KIND_U32:
          v = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          break;
        case KIND_U64:
          v = readU64Fast(b, o);
          break;
        default:
          v = copyBytes(b, o, o + sizes[i]);
      }
      out[names[i]] = v;
    }
    return out;
  };
}

/** A decoder for a register's named bits: 1-bit ranges as booleans, wider ones as numbers. */
export function tableBitsDecoder(specs: readonly DecodeBit[]): BitsDecoder {
  const template = Object.fromEntries(specs.map((b) => [b.name, b.width === 1 ? false : b.width >= 30 ? 0x80000000 : 0]));
  return (register) => {
    const out: Record<string, number | boolean> = { ...template };
    for (const b of specs) {
      const v = bitValue(register, b);
      out[b.name] = b.width === 1 ? v === 1 : v;
    }
    return out;
  };
}
