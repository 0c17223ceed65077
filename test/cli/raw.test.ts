// `raw` in decode --json and the hex of byte fields: Node's hex encoder with '--' over the
// holes must give what one pair per byte gives.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { bytesToHex } from '../../src/cli/json-values.js';
import { rawFromJson, rawToJson } from '../../src/cli/raw.js';

const pair = (v: number) => v.toString(16).padStart(2, '0');

describe('raw and byte-field hex', () => {
  const image = fc.integer({ min: 0, max: 4096 }).chain((length) =>
    fc.record({
      length: fc.constant(length),
      bytes: fc.uint8Array({ minLength: length > 256 ? 4096 : 256, maxLength: length > 256 ? 4096 : 256 }),
      // Runs of holes anywhere, including at both ends.
      known: fc.option(fc.array(fc.tuple(fc.nat(4095), fc.integer({ min: 1, max: 64 })), { maxLength: 6 }), { nil: null }),
      offset: fc.nat(16),
    }),
  );

  test.prop([image])('rawToJson is one pair per byte, "--" where the dump gave nothing', ({ length, bytes, known, offset }) => {
    // A view at a non-zero offset, as the slab-backed images are.
    const backing = new Uint8Array(bytes.length + offset);
    backing.set(bytes, offset);
    const view = backing.subarray(offset);
    let mask: Uint8Array | null = null;
    if (known) {
      mask = new Uint8Array(bytes.length).fill(1);
      for (const [at, n] of known) mask.fill(0, at, at + n);
    }
    const want = Array.from({ length }, (_, i) => (mask && mask[i] !== 1 ? '--' : pair(view[i]))).join('');
    const got = rawToJson(view, mask, length);
    expect(got).toBe(want);
    const back = rawFromJson(got)!;
    expect(back.length).toBe(length);
    for (let i = 0; i < length; i++) if (!mask || mask[i] === 1) expect(back.bytes[i]).toBe(view[i]);
  });

  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300)])('bytesToHex(b, start, end) is the pairs of b.subarray(start, end)', (b, start, end) => {
    expect(bytesToHex(b, start, end)).toBe(Array.from(b.subarray(start, end), pair).join(''));
  });
});
