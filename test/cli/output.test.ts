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

  // A chunk is filled again only after a stream that says it wrote it at once (writableLength
  // 0); a stream that keeps chunks until later must find each one as it was handed over.
  test.prop([fc.array(piece, { maxLength: 60 }), fc.boolean()], { numRuns: 200 })('chunks are reused only when the stream is done with them', async (pieces, immediate) => {
    const held: Uint8Array[] = [];
    let reused = 0;
    const seen = new Set<ArrayBufferLike>();
    const sink = {
      writableLength: 0,
      write(c: string | Uint8Array) {
        const b = typeof c === 'string' ? Buffer.from(c) : c;
        if (seen.has(b.buffer)) reused++;
        seen.add(b.buffer);
        // An immediate stream is done with the bytes now (copy them); a slow one still holds them.
        held.push(immediate ? Buffer.from(b) : b);
        if (!immediate) sink.writableLength += b.length;
        return true;
      },
    };
    const out = new Output(sink);
    for (const p of pieces) await out.write(p);
    await out.line('end');
    await out.flush();
    expect(Buffer.concat(held).equals(Buffer.from(pieces.join('') + 'end\n'))).toBe(true);
    if (!immediate) expect(reused).toBe(0);
  });

  // The reader flushes while the input waits, and the command may be writing at that moment:
  // a write between a flush's hand-over and its return starts a new chunk, which the flush
  // must not replace with the one it handed over.
  test.prop([fc.array(piece, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(2), { minLength: 1, maxLength: 30 })], { numRuns: 200 })(
    'flushes that overlap writes lose nothing and keep the order',
    async (pieces, flushAt) => {
      const got: Buffer[] = [];
      const out = new Output({ writableLength: 0, write: (c: string | Uint8Array) => void got.push(Buffer.from(c)) });
      // One writer awaits each write; one flush at a time comes from elsewhere, not awaited by it.
      let other: Promise<void> | null = null;
      for (let i = 0; i < pieces.length; i++) {
        if (flushAt[i % flushAt.length] === 0 && other === null) other = out.flush().then(() => void (other = null));
        await out.write(pieces[i]);
      }
      await other;
      await out.flush();
      expect(Buffer.concat(got).toString()).toBe(Buffer.from(pieces.join('')).toString());
    },
  );

  test('a stream that writes at once gets the same chunk back, refilled', async () => {
    const buffers = new Set<ArrayBufferLike>();
    const out = new Output({ writableLength: 0, write: (c: string | Uint8Array) => void buffers.add((c as Uint8Array).buffer) });
    for (let i = 0; i < 40; i++) await out.write('x'.repeat(10_000));
    await out.flush();
    expect(buffers.size).toBe(1);
  });
});
