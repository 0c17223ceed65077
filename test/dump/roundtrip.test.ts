// Properties: whatever a writer writes, the reader reads back byte for byte (bytes, length,
// known map, slot, description); and reading any text never fails with anything but DumpParseError.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DumpParseError, readDump, writeBinary, writeHexdumpC, writeLspci, writeLspciFunction, writeXxd } from '../../src/dump/index.js';
import { arbFullDumpFunction as fullImageArb, arbSparseDumpFunction as sparseImageArb } from '../../src/arbitraries/index.js';
import { expectSameBytes } from './arbitraries.js';

const N = { numRuns: 1000 };

describe('write → read round trips', () => {
  test.prop([sparseImageArb], N)('lspci -xxxx text (with holes, slot, description)', (fn) => {
    const { format, functions } = readDump(writeLspciFunction(fn));
    expect(format).toBe('lspci');
    expect(functions).toHaveLength(1);
    const back = functions[0];
    expect(back.slot).toEqual(fn.slot);
    expect(back.description).toBe(fn.description);
    expect(back.length).toBe(fn.length);
    expectSameBytes(back.known, fn.known, 'known');
    expectSameBytes(back.bytes, fn.bytes);
  });

  test.prop([fc.array(sparseImageArb, { minLength: 1, maxLength: 4 })], N)('several functions in one lspci text', (fns) => {
    const back = readDump(writeLspci(fns)).functions;
    expect(back.map((f) => [f.slot, f.length])).toEqual(fns.map((f) => [f.slot, f.length]));
    back.forEach((f, i) => {
      expectSameBytes(f.bytes, fns[i].bytes);
      expectSameBytes(f.known, fns[i].known, 'known');
    });
  });

  test.prop([fullImageArb], N)('hexdump -C', (fn) => {
    const [back] = readDump(writeHexdumpC(fn)).functions;
    expect(back.format).toBe('hexdump');
    expect(back.length).toBe(fn.length);
    expectSameBytes(back.known, fn.known, 'known');
    expectSameBytes(back.bytes, fn.bytes);
    expect(back.diagnostics.filter((d) => d.code !== 'DUMP_SHORT')).toEqual([]);
  });

  test.prop([fullImageArb, fc.constantFrom(1, 2, 4, 8, 16)], N)('xxd (any -g group size)', (fn, group) => {
    const [back] = readDump(writeXxd(fn, { group })).functions;
    expect(back.format).toBe('xxd');
    expect(back.length).toBe(fn.length);
    expectSameBytes(back.known, fn.known, 'known');
    expectSameBytes(back.bytes, fn.bytes);
  });

  test.prop([fullImageArb], N)('raw binary', (fn) => {
    const [back] = readDump(writeBinary(fn), { format: 'binary' }).functions;
    expect(back.length).toBe(fn.length);
    expectSameBytes(back.known, fn.known, 'known');
    expectSameBytes(back.bytes, fn.bytes);
  });
});

function readsOrParseError(input: string | Uint8Array, format?: 'auto' | 'lspci' | 'hexdump' | 'xxd' | 'binary') {
  try {
    const { functions } = readDump(input, { format });
    for (const f of functions) {
      expect(f.length).toBeLessThanOrEqual(f.bytes.length);
      expect(f.known.length).toBe(f.bytes.length);
      if (f.length > 0) expect(f.known[f.length - 1]).toBe(1);
    }
  } catch (e) {
    if (!(e instanceof DumpParseError)) throw e;
    expect(e.message).toMatch(/^<input>:\d+:\d+: \S/);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
  }
}

// Text made of the characters dumps are made of, so the parsers' deeper paths are reached.
const dumpishText = fc
  .array(fc.constantFrom('0', '1', 'a', 'f', 'F', 'g', ':', '.', ' ', '  ', '\t', '\n', '\r\n', '*', '|', '"', '00:04.0 ', '0000', '00: ', '00000010  ', '00000000: ', 'ff0: ', 'fff: 00 01', '[ 0.1] pci 0000:00:01.0 config space:'), { maxLength: 80 })
  .map((parts) => parts.join(''));

/** Apply random edits (insert, delete, replace) to a valid text. */
const mutated = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), fc.constantFrom('ins', 'del', 'rep'), fc.constantFrom('0', 'z', ' ', '\n', ':', '*', '|', '.', '\t', 'f')), { minLength: 1, maxLength: 6 }))
    .map(([text, edits]) => {
      let t = text;
      for (const [pos, op, ch] of edits) {
        const p = t.length === 0 ? 0 : pos % t.length;
        t = op === 'ins' ? t.slice(0, p) + ch + t.slice(p) : op === 'del' ? t.slice(0, p) + t.slice(p + 1) : t.slice(0, p) + ch + t.slice(p + 1);
      }
      return t;
    });

describe('totality: reads or throws DumpParseError, never anything else', () => {
  const formats = fc.constantFrom<'auto' | 'lspci' | 'hexdump' | 'xxd' | 'binary'>('auto', 'lspci', 'hexdump', 'xxd', 'binary');
  test.prop([fc.string({ unit: 'binary', maxLength: 300 }), formats], N)('arbitrary strings', (s, format) => readsOrParseError(s, format));
  test.prop([dumpishText, formats], N)('dump-like text', (s, format) => readsOrParseError(s, format));
  test.prop([fc.uint8Array({ maxLength: 5000 }), formats], N)('arbitrary bytes', (b, format) => readsOrParseError(b, format));
  test.prop([mutated(sparseImageArb.map((f) => writeLspciFunction(f)))], N)('mutated lspci text', (s) => readsOrParseError(s));
  test.prop([mutated(fullImageArb.map((f) => writeHexdumpC(f)))], N)('mutated hexdump -C text', (s) => readsOrParseError(s));
  test.prop([mutated(fullImageArb.map((f) => writeXxd(f)))], N)('mutated xxd text', (s) => readsOrParseError(s));
});
