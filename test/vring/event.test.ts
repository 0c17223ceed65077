import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { packedNeedEvent, vringNeedEvent } from '../../src/vring/index.js';

const mod = (x: number, m: number) => ((x % m) + m) % m;

// Reference: the event index was crossed when it lies among the indices old, old+1, ..., new-1
// (all mod 2^16), i.e. its distance from old is smaller than the batch size.
function crossed(event: number, newIdx: number, oldIdx: number): boolean {
  return mod(event - oldIdx, 65536) < mod(newIdx - oldIdx, 65536);
}

describe('vringNeedEvent', () => {
  it('known cases, including the 16-bit wrap', () => {
    expect(vringNeedEvent(0, 1, 0)).toBe(true);
    expect(vringNeedEvent(1, 1, 0)).toBe(false);
    expect(vringNeedEvent(5, 10, 5)).toBe(true);
    expect(vringNeedEvent(10, 10, 5)).toBe(false);
    expect(vringNeedEvent(0xffff, 2, 0xfffe)).toBe(true);
    expect(vringNeedEvent(0, 2, 0xfffe)).toBe(true);
    expect(vringNeedEvent(2, 2, 0xfffe)).toBe(false);
    expect(vringNeedEvent(7, 7, 7)).toBe(false);
  });

  const u16 = fc.integer({ min: 0, max: 0xffff });
  test.prop([u16, u16, u16], { numRuns: 1000 })('agrees with explicit modular arithmetic', (e, n, o) => {
    expect(vringNeedEvent(e, n, o)).toBe(crossed(e, n, o));
  });

  test.prop([u16, fc.integer({ min: 1, max: 0xffff })], { numRuns: 1000 })(
    'a batch that starts at the event always fires, one that ends at it never does',
    (old, len) => {
      const n = (old + len) & 0xffff;
      expect(vringNeedEvent(old, n, old)).toBe(true);
      expect(vringNeedEvent(n, n, old)).toBe(false);
    },
  );
});

describe('packedNeedEvent', () => {
  it('uses the wrap bit to place the event offset in the current or previous lap', () => {
    // N=8, batch from ring index 6 across the end to 2 (driver wrap flipped to 0).
    // Event at 7 recorded under the old wrap (1): crossed.
    expect(packedNeedEvent(0x8007, 2, 6 - 8, false, 8)).toBe(true);
    // Event at 1 under the new wrap (0): crossed.
    expect(packedNeedEvent(0x0001, 2, 6 - 8, false, 8)).toBe(true);
    // Event at 3 under the new wrap: not yet.
    expect(packedNeedEvent(0x0003, 2, 6 - 8, false, 8)).toBe(false);
    // Event at 5 under the old wrap: before the batch.
    expect(packedNeedEvent(0x8005, 2, 6 - 8, false, 8)).toBe(false);
  });

  test.prop([fc.integer({ min: 1, max: 32768 }), fc.nat(), fc.integer({ min: 0, max: 32768 }), fc.nat()], { numRuns: 1000 })(
    'agrees with a reference on absolute positions',
    (n, startRaw, batchRaw, eventRaw) => {
      // Absolute descriptor counters; ring index = abs mod n, wrap counter = 1 on even laps.
      const batch = batchRaw % (n + 1);
      const start = startRaw % (4 * n);
      const end = start + batch;
      // An event somewhere within one lap before `end` (what off_wrap can express).
      const eventAbs = end - 1 - (eventRaw % n);
      const wrapOf = (abs: number) => Math.floor(abs / n) % 2 === 0;
      if (eventAbs < 0) return;
      const offWrap = (eventAbs % n) | (wrapOf(eventAbs) ? 0x8000 : 0);
      const newIdx = end % n;
      const oldIdx = newIdx - batch;
      expect(packedNeedEvent(offWrap, newIdx, oldIdx, wrapOf(end), n)).toBe(eventAbs >= start && eventAbs < end);
    },
  );
});
