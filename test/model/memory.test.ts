import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SparseGuestMemory } from '../../src/model/memory.js';

describe('SparseGuestMemory', () => {
  it('reads zeros from pages nobody wrote and allocates only written pages', () => {
    const m = new SparseGuestMemory();
    expect(m.readU64(0xffff_ffff_0000n)).toBe(0n);
    expect(m.readBytes(0x1234n, 9000)).toEqual(new Uint8Array(9000));
    expect(m.pageCount).toBe(0);
    m.writeU8(0x1_0000_0000n, 7);
    expect(m.pageCount).toBe(1);
    expect(m.readU8(0x1_0000_0000n)).toBe(7);
  });

  it('stores little-endian values that straddle a page boundary', () => {
    const m = new SparseGuestMemory();
    m.writeU32(0xffen, 0x11223344);
    expect(m.readU8(0xffen)).toBe(0x44);
    expect(m.readU8(0x1001n)).toBe(0x11);
    expect(m.readU32(0xffen)).toBe(0x11223344);
    m.writeU64(0x1ffcn, 0x8877665544332211n);
    expect(m.readU64(0x1ffcn)).toBe(0x8877665544332211n);
    expect(m.readU16(0x2002n)).toBe(0x8877);
    expect(m.pageCount).toBe(3);
  });

  it('rejects addresses outside the 64-bit space', () => {
    const m = new SparseGuestMemory();
    expect(() => m.readU32(0xffff_ffff_ffff_fffen)).toThrow(RangeError);
    expect(() => m.writeU8(-1n, 0)).toThrow(RangeError);
    expect(m.readU8(0xffff_ffff_ffff_ffffn)).toBe(0);
  });

  // The model of memory is a flat byte array: any sequence of writes then reads agrees with it.
  test.prop(
    [
      fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 3 * 4096 - 8 }),
          kind: fc.constantFrom(1, 2, 4, 8, 0),
          value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          data: fc.uint8Array({ maxLength: 40 }),
        }),
        { maxLength: 30 },
      ),
      fc.bigInt({ min: 0n, max: (1n << 50n) }),
    ],
    { numRuns: 1000 },
  )('agrees with a flat array', (ops, base) => {
    const m = new SparseGuestMemory();
    const flat = new Uint8Array(3 * 4096 + 64);
    for (const op of ops) {
      const a = base + BigInt(op.at);
      if (op.kind === 0) {
        m.writeBytes(a, op.data);
        flat.set(op.data, op.at);
      } else if (op.kind === 8) {
        m.writeU64(a, op.value);
        for (let i = 0; i < 8; i++) flat[op.at + i] = Number((op.value >> BigInt(8 * i)) & 0xffn);
      } else {
        const v = Number(op.value & ((1n << BigInt(8 * op.kind)) - 1n));
        m.writeWidth(a, op.kind as 1 | 2 | 4, v);
        for (let i = 0; i < op.kind; i++) flat[op.at + i] = (v >>> (8 * i)) & 0xff;
      }
    }
    const got = m.readBytes(base, flat.length);
    let firstDiff = -1;
    for (let i = 0; i < flat.length && firstDiff < 0; i++) if (got[i] !== flat[i]) firstDiff = i;
    expect(firstDiff).toBe(-1);
    for (const op of ops) {
      const a = base + BigInt(op.at);
      const expect32 = (flat[op.at] | (flat[op.at + 1] << 8) | (flat[op.at + 2] << 16) | (flat[op.at + 3] << 24)) >>> 0;
      expect(m.readU32(a)).toBe(expect32);
    }
  });
});
