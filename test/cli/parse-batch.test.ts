// Functions packed by the parse thread come back unchanged: every field, every byte, the
// known mask where bytes are missing (null where none are), and diagnostics in place.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbDumpDescription, arbPciAddress } from '../../src/arbitraries/dump.js';
import type { DumpFunction } from '../../src/dump/types.js';
import { decodeBatch, encodeBatch } from '../../src/cli/parse-batch.js';

const arbFunction: fc.Arbitrary<DumpFunction> = fc
  .record({
    slot: fc.option(arbPciAddress, { nil: null }),
    description: arbDumpDescription,
    size: fc.constantFrom(256, 4096),
    fill: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    length: fc.integer({ min: 0, max: 4096 }),
    holes: fc.array(fc.tuple(fc.nat(4095), fc.integer({ min: 1, max: 300 })), { maxLength: 3 }),
    line: fc.integer({ min: 1, max: 1 << 30 }),
    diagnostics: fc.array(fc.record({ code: fc.constantFrom('DUMP_HOLES', 'DUMP_SHORT'), severity: fc.constantFrom('warning', 'info'), offset: fc.option(fc.nat(4095), { nil: null }), message: fc.string() }), { maxLength: 2 }),
  })
  .map(({ slot, description, size, fill, length, holes, line, diagnostics }) => {
    const bytes = new Uint8Array(size).map((_, i) => fill[i % fill.length]);
    const known = new Uint8Array(size);
    const len = Math.min(length, size);
    known.fill(1, 0, len);
    for (const [at, n] of holes) known.fill(0, Math.min(at, size), Math.min(at + n, size));
    return { slot, description, bytes, length: len, known, source: { file: 'big.txt', line }, format: 'lspci', diagnostics } as DumpFunction;
  });

describe('parse thread batches', () => {
  // A reused buffer (decode hands them back to the thread) is larger than needed and holds an
  // earlier batch's bytes.
  const arbTake = fc.option(fc.tuple(fc.nat(5000), fc.constantFrom(0, 1, -1, 0x7f7f7f7f)), { nil: undefined });
  test.prop([fc.array(arbFunction, { minLength: 1, maxLength: 12 }), arbTake])('decodeBatch(encodeBatch(fns)) gives the functions back, in a fresh or a reused buffer', (fns, reuse) => {
    const take = reuse && ((size: number) => {
      const b = new ArrayBuffer(size + reuse[0]);
      new Int32Array(b, 0, b.byteLength >> 2).fill(reuse[1]);
      return b;
    });
    const back = decodeBatch(encodeBatch(fns, take));
    expect(back).toHaveLength(fns.length);
    back.forEach((b, i) => {
      const f = fns[i];
      const full = f.known.subarray(0, f.length).every((k) => k === 1);
      expect({ ...b, bytes: [...b.bytes], known: b.known && [...b.known] }).toEqual({ ...f, bytes: [...f.bytes], known: full ? null : [...f.known] });
    });
  });

  test('the unpacked arrays are views of the one transferred buffer, not copies', () => {
    const f: DumpFunction = { slot: null, description: '', bytes: new Uint8Array(256).fill(7), length: 200, known: new Uint8Array(256).fill(1, 0, 100), source: { line: 1 }, format: 'lspci', diagnostics: [] };
    const batch = encodeBatch([f, { ...f, length: 256, known: new Uint8Array(256).fill(1) }]);
    const [a, b] = decodeBatch(batch);
    expect(a.bytes.buffer).toBe(batch.buffer);
    expect(a.known!.buffer).toBe(batch.buffer);
    expect(b.known).toBeNull();
    expect(a.source).toEqual({ line: 1 });
  });
});
