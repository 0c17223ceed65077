// The test setup's own checks: the typed-array equality tester gives vitest's verdicts, and the
// quick run's cap stops test.prop properties (only those) without hiding a failure.
import { afterAll, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { integerArraysEqual } from './byte-equality.js';
import { capRuns } from './quick-runs.js';

describe('integerArraysEqual', () => {
  it('equal, unequal and different lengths', () => {
    expect(integerArraysEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(integerArraysEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(integerArraysEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(integerArraysEqual(new BigUint64Array([1n]), new BigUint64Array([2n]))).toBe(false);
  });

  it("leaves to vitest's default what it does not decide the same way", () => {
    expect(integerArraysEqual(Buffer.from([1]), new Uint8Array([1]))).toBeUndefined();
    expect(integerArraysEqual(new Float64Array([0]), new Float64Array([-0]))).toBeUndefined();
    expect(integerArraysEqual([1], [1])).toBeUndefined();
    const extra = Object.assign(new Uint8Array(2), { note: 1 });
    expect(integerArraysEqual(extra, new Uint8Array(2))).toBeUndefined();
  });

  it('toEqual through it: the first differing byte of a 4 KiB image fails, as before', () => {
    const a = new Uint8Array(4096);
    const b = a.slice();
    expect(a).toEqual(b);
    b[4095] = 1;
    expect(a).not.toEqual(b);
    expect({ image: [a] }).not.toStrictEqual({ image: [b] });
    expect(Buffer.from(a)).not.toEqual(a);
  });
});

describe('capRuns', () => {
  let capped = 0;
  test.prop([fc.nat()], { numRuns: 1000, plugins: [capRuns<[number]>(5)] })('stops a test.prop after its runs', () => {
    capped++;
  });
  afterAll(() => {
    // Another cap installed for the whole run (npm run test:quick) may only lower it further.
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThanOrEqual(5);
  });

  it('leaves fc.assert and fc.check written out in a test alone', () => {
    let n = 0;
    fc.assert(fc.property(fc.nat(), () => void n++), { numRuns: 300, plugins: [capRuns(5)] });
    expect(n).toBe(300);
  });

  it('a failure within the cap still fails and is shrunk past the cap', () => {
    // The first run fails; shrinking it to 10 takes more runs than the cap of 1.
    const r = fc.check(fc.property(fc.nat(1000), (v) => v < 10), { numRuns: 1000, seed: 1, plugins: [capRuns(1, () => true)] });
    expect(r.failed).toBe(true);
    expect(r.counterexample).toEqual([10]);
  });

  it('a cap reached without a failure passes, after exactly its runs', () => {
    let n = 0;
    const r = fc.check(fc.property(fc.nat(), () => void n++), { numRuns: 1000, plugins: [capRuns(20, () => true)] });
    expect(r.failed).toBe(false);
    expect(n).toBe(20);
  });
});
