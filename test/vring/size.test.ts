// Queue sizes are device data (queue_size registers): any value gives a layout and
// diagnostics, never an exception.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { legacySplitVringLayout, packedVringLayout, splitVringLayout } from '../../src/vring/index.js';

const anySize = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0, max: 15 }).map((k) => 2 ** k),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 32768, 32769, 65535, 65536, 1.5),
);

describe('queue sizes', () => {
  test.prop([anySize, fc.constantFrom('split', 'legacy', 'packed')], { numRuns: 1000 })(
    'every size gives a layout; the codes say exactly what is wrong with it',
    (n, kind) => {
      const l = kind === 'split' ? splitVringLayout(n) : kind === 'legacy' ? legacySplitVringLayout(n) : packedVringLayout(n);
      const codes = l.diagnostics.map((d) => d.code);
      const u16 = Number.isInteger(n) && n >= 0 && n <= 0xffff;
      const pow2 = u16 && n > 0 && (n & (n - 1)) === 0;
      expect(codes.includes('VRING_SIZE_INVALID')).toBe(!u16);
      expect(codes.includes('VRING_SIZE_ZERO')).toBe(n === 0);
      expect(codes.includes('VRING_SIZE_TOO_LARGE')).toBe(u16 && n > 32768);
      expect(codes.includes('VRING_SIZE_NOT_POWER_OF_TWO')).toBe(kind !== 'packed' && u16 && n > 0 && !pow2);
      // The layout is computed for the size when it fits 16 bits, else for 0.
      expect(l.queueSize === (u16 ? n : 0)).toBe(true); // -0 counts as 0
      expect(Number.isSafeInteger(l.total)).toBe(true);
      expect(l.total).toBeGreaterThan(0);
      for (const d of l.diagnostics) expect(d.message).not.toMatch(/\n/);
    },
  );
});
