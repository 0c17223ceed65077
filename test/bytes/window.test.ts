import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  ByteWindow,
  readU16,
  readU32,
  readU64,
  readU8,
  readUint,
  writeU16,
  writeU32,
  writeU64,
  writeU8,
  writeUint,
} from '../../src/bytes/index.js';

// DataView is the independent reading here: the window uses plain byte arithmetic.
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A buffer and an offset where a value of `width` bytes fits. */
const bufAt = (width: number) =>
  fc.uint8Array({ minLength: width, maxLength: 64 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: b.length - width })));

describe('little-endian reads', () => {
  it('known vectors', () => {
    const b = Uint8Array.of(0x78, 0x56, 0x34, 0x12, 0xf0, 0xde, 0xbc, 0x9a);
    expect(readU8(b, 7)).toBe(0x9a);
    expect(readU16(b, 0)).toBe(0x5678);
    expect(readU32(b, 0)).toBe(0x12345678);
    // Bit 31 set: still an unsigned number, not a negative int32.
    expect(readU32(b, 4)).toBe(0x9abcdef0);
    expect(readU64(b, 0)).toBe(0x9abcdef0_12345678n);
    expect(readU64(new Uint8Array(8).fill(0xff), 0)).toBe(0xffffffff_ffffffffn);
  });

  test.prop([bufAt(8)], { numRuns: 1000 })('agree with DataView at any offset, 64-bit as an exact bigint', ([b, o]) => {
    const dv = view(b);
    expect(readU8(b, o)).toBe(dv.getUint8(o));
    expect(readU16(b, o)).toBe(dv.getUint16(o, true));
    expect(readU32(b, o)).toBe(dv.getUint32(o, true));
    expect(readU64(b, o)).toBe(dv.getBigUint64(o, true));
    expect(readUint(b, o, 1)).toBe(dv.getUint8(o));
    expect(readUint(b, o, 2)).toBe(dv.getUint16(o, true));
    expect(readUint(b, o, 4)).toBe(dv.getUint32(o, true));
  });
});

describe('little-endian writes', () => {
  it('keep only the low bits of a too-wide value; 64-bit wraps modulo 2^64', () => {
    const b = new Uint8Array(8);
    writeU16(b, 0, 0x12345);
    expect(Array.from(b.slice(0, 3))).toEqual([0x45, 0x23, 0]);
    writeU64(b, 0, -1n);
    expect(Array.from(b)).toEqual(new Array(8).fill(0xff));
    writeU64(b, 0, (1n << 64n) + 0x0102n);
    expect(Array.from(b)).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
  });

  test.prop([bufAt(8), fc.nat(0xff), fc.nat(0xffff), fc.nat(0xffffffff), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })], { numRuns: 1000 })(
    'write then read gives the value back and touches only its own bytes',
    ([b, o], v8, v16, v32, v64) => {
      const cases: Array<[number, (x: Uint8Array) => void, (x: Uint8Array) => unknown, unknown]> = [
        [1, (x) => writeU8(x, o, v8), (x) => readU8(x, o), v8],
        [2, (x) => writeU16(x, o, v16), (x) => readU16(x, o), v16],
        [4, (x) => writeU32(x, o, v32), (x) => readU32(x, o), v32],
        [8, (x) => writeU64(x, o, v64), (x) => readU64(x, o), v64],
        [2, (x) => writeUint(x, o, 2, v16), (x) => readUint(x, o, 2), v16],
        [4, (x) => writeUint(x, o, 4, v32), (x) => view(x).getUint32(o, true), v32],
      ];
      for (const [width, write, read, want] of cases) {
        const x = b.slice();
        write(x);
        expect(read(x)).toBe(want);
        for (let i = 0; i < x.length; i++) if (i < o || i >= o + width) expect(x[i]).toBe(b[i]);
      }
    },
  );
});

describe('ByteWindow', () => {
  it('answers null past the known length, never filler', () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    const w = new ByteWindow(b, 6);
    expect(w.u8(5)).toBe(6);
    expect(w.u8(6)).toBeNull();
    expect(w.u16(4)).toBe(0x0605);
    expect(w.u16(5)).toBeNull();
    expect(w.u32(2)).toBe(0x06050403);
    expect(w.u32(3)).toBeNull();
    expect(w.u64(0)).toBeNull();
    expect(new ByteWindow(b).u64(2)).toBe(0x0a09080706050403n);
    expect(Array.from(w.slice(4, 2)!)).toEqual([5, 6]);
    expect(w.slice(4, 3)).toBeNull();
    expect(w.u8(-1)).toBeNull();
    expect(w.has(6, 0)).toBe(true);
    expect(w.has(2, -1)).toBe(false);
  });

  it('a slice is a copy', () => {
    const b = Uint8Array.of(1, 2, 3);
    const s = new ByteWindow(b).slice(0, 3)!;
    s[0] = 9;
    expect(b[0]).toBe(1);
  });

  it('rejects an impossible length (a programming error)', () => {
    const b = new Uint8Array(4);
    for (const bad of [-1, 5, 1.5, Number.NaN]) expect(() => new ByteWindow(b, bad)).toThrow(RangeError);
  });

  test.prop(
    [fc.uint8Array({ minLength: 0, maxLength: 48 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: b.length }), fc.uint8Array({ minLength: 48, maxLength: 48 })))],
    { numRuns: 1000 },
  )('reads depend only on the known bytes: a read is its raw value when it fits the length and null otherwise', ([b, length, filler]) => {
    // Same known prefix, different bytes past it.
    const other = b.slice();
    other.set(filler.subarray(0, b.length - length), length);
    const w = new ByteWindow(b, length);
    const w2 = new ByteWindow(other, length);
    const dv = view(b);
    for (let o = -2; o <= b.length + 1; o++) {
      const fits = (n: number) => o >= 0 && o + n <= length;
      expect(w.u8(o)).toBe(fits(1) ? b[o] : null);
      expect(w.u16(o)).toBe(fits(2) ? dv.getUint16(o, true) : null);
      expect(w.u32(o)).toBe(fits(4) ? dv.getUint32(o, true) : null);
      expect(w.u64(o)).toBe(fits(8) ? dv.getBigUint64(o, true) : null);
      expect(w2.u8(o)).toBe(w.u8(o));
      expect(w2.u16(o)).toBe(w.u16(o));
      expect(w2.u32(o)).toBe(w.u32(o));
      expect(w2.u64(o)).toBe(w.u64(o));
      expect(w2.slice(o, 3)).toEqual(w.slice(o, 3));
    }
  });
});
