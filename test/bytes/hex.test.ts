import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { hex, hexBytes, hexDigits, parseBigInt } from '../../src/bytes/index.js';

describe('hex formatting', () => {
  it('known vectors', () => {
    expect(hex(0)).toBe('0x0');
    expect(hex(0x1af4, 4)).toBe('0x1af4');
    expect(hex(0x10, 4)).toBe('0x0010');
    expect(hex(0x12345, 2)).toBe('0x12345'); // never truncates
    expect(hex(0xfe00b000n, 8)).toBe('0xfe00b000');
    expect(hex(0xffffffff_ffffffffn)).toBe('0xffffffffffffffff');
    expect(hexDigits(0xa, 2)).toBe('0a');
    expect(hexBytes(Uint8Array.of(0xf4, 0x1a, 0x00, 0x10))).toBe('f4 1a 00 10');
    expect(hexBytes(Uint8Array.of(1, 2, 3, 4), 1, 3)).toBe('02 03');
    expect(hexBytes(new Uint8Array(0))).toBe('');
  });

  test.prop([fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(20)], { numRuns: 1000 })(
    'hex() is lowercase, zero-padded to at least `digits`, and parses back to the value',
    (v, digits) => {
      const s = hex(v, digits);
      expect(s).toMatch(/^0x[0-9a-f]+$/);
      expect(s.length - 2).toBe(Math.max(digits, v.toString(16).length));
      expect(parseBigInt(s)).toBe(v);
      expect(hexDigits(v, digits)).toBe(s.slice(2));
      if (v <= BigInt(Number.MAX_SAFE_INTEGER)) expect(hex(Number(v), digits)).toBe(s);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 1000 })('hexBytes() writes two digits per byte, space-separated', (b) => {
    const s = hexBytes(b);
    if (b.length === 0) expect(s).toBe('');
    else expect(s.split(' ').map((x) => parseInt(x, 16))).toEqual(Array.from(b));
    expect(s.length).toBe(b.length === 0 ? 0 : 3 * b.length - 1);
  });
});

describe('parseBigInt', () => {
  it('reads 0x hex and decimal, with surrounding space', () => {
    expect(parseBigInt('0xFE00B000')).toBe(0xfe00b000n);
    expect(parseBigInt(' 4096\n')).toBe(4096n);
    expect(parseBigInt('0x0')).toBe(0n);
    expect(parseBigInt('18446744073709551615')).toBe((1n << 64n) - 1n);
  });

  it.each(['', '0x', 'x10', '12g', '-1', '1 2', '0x-1', '1e3', '0b101', '+5'])('rejects %j', (text) => {
    expect(parseBigInt(text)).toBeNull();
  });

  test.prop([fc.bigInt({ min: 0n, max: (1n << 80n) }), fc.constantFrom('', ' ', '\t')], { numRuns: 1000 })('decimal text round trips', (v, pad) => {
    expect(parseBigInt(pad + v.toString() + pad)).toBe(v);
  });

  test.prop([fc.string({ maxLength: 12 })], { numRuns: 1000 })('never throws; a result is always a non-negative bigint', (text) => {
    const v = parseBigInt(text);
    if (v !== null) expect(v >= 0n).toBe(true);
  });
});
