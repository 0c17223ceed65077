// Slab-backed byte arrays: each is zeroed, never shares a byte with another, and a copy is what
// slice() gives.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { allocBytes, copyBytes } from '../../src/bytes/slab.js';

describe('slab byte arrays', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 40000 }), { minLength: 1, maxLength: 200 })])('are zeroed and never overlap', (sizes) => {
    const arrays = sizes.map((n) => allocBytes(n));
    arrays.forEach((a, i) => {
      expect(a.length).toBe(sizes[i]);
      expect(a.every((b) => b === 0)).toBe(true);
      a.fill((i % 255) + 1);
    });
    arrays.forEach((a, i) => expect(a.every((b) => b === (i % 255) + 1), `array ${i} of ${sizes[i]} bytes was overwritten`).toBe(true));
  });

  test.prop([fc.uint8Array({ maxLength: 5000 }), fc.nat(6000), fc.nat(6000)])('copyBytes(src, start, end) equals src.slice(start, end) and is a copy', (src, start, end) => {
    const c = copyBytes(src, start, end);
    expect(c).toEqual(src.slice(start, end));
    if (c.length > 0) {
      c[0] ^= 0xff;
      expect(src[start]).not.toBe(c[0]);
    }
  });
});
