// A register file laid out by a field table, with live values: each read asks the device for
// the current value of the fields it touches, each write hands the device the new value of
// every writable field it touches. Bytes are composed little-endian, so an access of any
// width at any offset works; a write that covers part of a field merges with the field's
// current value (how 32-bit halves of a 64-bit queue address arrive).
import type { FieldInfo, Struct } from '../layout/struct.js';
import type { ModelAccessWidth } from './config-space.js';

export interface ModelRegisterValues {
  get(field: string): number | bigint;
  set(field: string, value: number | bigint): void;
}

export class ModelStructRegisters {
  constructor(
    readonly struct: Struct<any>,
    private readonly values: ModelRegisterValues,
    /** Value of bytes past the structure or claimed by no field. */
    private readonly outside = 0,
  ) {}

  read(offset: number, width: ModelAccessWidth): number {
    let v = 0;
    let cacheField: FieldInfo | undefined;
    let cacheValue = 0n;
    for (let i = width - 1; i >= 0; i--) {
      const o = offset + i;
      const f = this.struct.fieldAt(o);
      let b = this.outside;
      if (f && f.kind !== 'bytes' && f.access !== 'wo') {
        if (f !== cacheField) {
          cacheField = f;
          cacheValue = BigInt(this.values.get(f.name));
        }
        b = Number((cacheValue >> BigInt(8 * (o - f.offset))) & 0xffn);
      } else if (f) b = 0;
      v = (v << 8) | b;
    }
    return v >>> 0;
  }

  write(offset: number, width: ModelAccessWidth, value: number): void {
    const touched = new Map<FieldInfo, Array<[number, number]>>();
    for (let i = 0; i < width; i++) {
      const f = this.struct.fieldAt(offset + i);
      if (!f || f.kind === 'bytes' || (f.access !== 'rw' && f.access !== 'wo' && f.access !== 'rw1c')) continue;
      let list = touched.get(f);
      if (!list) touched.set(f, (list = []));
      list.push([offset + i - f.offset, (value >>> (8 * i)) & 0xff]);
    }
    for (const [f, bytes] of touched) {
      let v = bytes.length === f.size ? 0n : BigInt(this.values.get(f.name));
      for (const [at, b] of bytes) {
        const shift = BigInt(8 * at);
        v = (v & ~(0xffn << shift)) | (BigInt(b) << shift);
      }
      this.values.set(f.name, f.kind === 'u64' ? v : Number(v));
    }
  }
}
