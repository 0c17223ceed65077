// The CLI's output buffer encodes text into chunks as it comes: whatever the pieces (short,
// longer than a chunk, any Unicode), the stream receives exactly the UTF-8 of their
// concatenation, in chunks of bounded size.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Output } from '../../src/cli/io.js';

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) }, // lone surrogates too
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 120_000 }).map((n) => 'é'.repeat(n)) },
);

describe('Output', () => {
  test.prop([fc.array(piece, { maxLength: 60 })], { numRuns: 200 })('the stream gets the UTF-8 of the text written, in order', async (pieces) => {
    const got: Buffer[] = [];
    const out = new Output({ write: (c: string | Uint8Array) => void got.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)) });
    for (const p of pieces) await out.write(p);
    await out.line('end');
    await out.flush();
    expect(Buffer.concat(got).equals(Buffer.from(pieces.join('') + 'end\n'))).toBe(true);
    // Buffered: never more writes to the stream than pieces written.
    expect(got.length).toBeLessThanOrEqual(pieces.length + 1);
  });
});
