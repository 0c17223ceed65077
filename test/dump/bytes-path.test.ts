// The byte path of DumpReader (lines split and, where plain, parsed on the bytes themselves)
// must give exactly what the string path gives for the same text: the same functions, or the
// same DumpParseError, however the bytes are cut into chunks.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DumpParseError, DumpReader, writeHexdumpC, writeLspci, writeXxd, type DumpFunction } from '../../src/dump/index.js';
import { arbFullDumpFunction, arbSparseDumpFunction } from '../../src/arbitraries/index.js';

const N = { numRuns: 400 };
const enc = new TextEncoder();

type Outcome = { functions: DumpFunction[]; format: string | null } | { error: { code: string; message: string; line: number; column: number } };

function outcome(read: (r: DumpReader) => DumpFunction[], format: Format): Outcome {
  const r = new DumpReader({ format, file: 'f.txt' });
  try {
    const functions = read(r);
    functions.push(...r.end());
    return { functions, format: r.format };
  } catch (e) {
    if (!(e instanceof DumpParseError)) throw e;
    return { error: { code: e.code, message: e.message, line: e.line, column: e.column } };
  }
}

/** The reference: the whole input decoded as one string (TextDecoder drops a leading BOM, as a byte read does). */
const viaString = (bytes: Uint8Array, format: Format) => outcome((r) => r.push(new TextDecoder().decode(bytes)), format);

/** The byte path: the input cut at `cuts` (positions, any order, repeats allowed). */
function viaBytes(bytes: Uint8Array, cuts: readonly number[], format: Format): Outcome {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  return outcome((r) => {
    const out: DumpFunction[] = [];
    let prev = 0;
    for (const c of [...at, bytes.length]) {
      if (c < prev) continue;
      out.push(...r.push(bytes.subarray(prev, c)));
      prev = c;
    }
    return out;
  }, format);
}

function expectSame(bytes: Uint8Array, cuts: readonly number[], format: Format): void {
  const want = viaString(bytes, format);
  const got = viaBytes(bytes, cuts, format);
  if ('error' in want) {
    expect(got).toEqual(want);
    return;
  }
  if ('error' in got) throw new Error(`byte path failed with ${got.error.message}; string path read ${want.functions.length} functions`);
  expect(got.format).toBe(want.format);
  expect(got.functions.length).toBe(want.functions.length);
  got.functions.forEach((f, i) => expect(f).toEqual(want.functions[i]));
}

type Format = 'auto' | 'lspci' | 'hexdump' | 'xxd';
const arbFormat = fc.constantFrom<Format>('auto', 'auto', 'lspci', 'hexdump', 'xxd');

/** Cut positions: none, a few anywhere, or many (down to one byte a chunk). */
const arbCuts: fc.Arbitrary<readonly number[]> = fc.oneof(fc.constant([]), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 200 }));

// Descriptions with non-ASCII text (2-, 3- and 4-byte UTF-8), so header lines take the decoder.
const arbDescription = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 12 })).map((s) => s.trim());

const arbText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.tuple(arbSparseDumpFunction, arbDescription), { minLength: 1, maxLength: 3 }).map((fs) => writeLspci(fs.map(([f, description]) => ({ ...f, description })))),
  arbFullDumpFunction.map((f) => writeHexdumpC(f)),
  fc.tuple(arbFullDumpFunction, fc.constantFrom(1, 2, 4, 8, 16)).map(([f, group]) => writeXxd(f, { group })),
  // xxd -p: bare hex, 30 bytes a line
  arbFullDumpFunction.map((f) => {
    let s = '';
    for (let i = 0; i < f.length; i += 30) s += Array.from(f.bytes.subarray(i, Math.min(i + 30, f.length)), (b) => b.toString(16).padStart(2, '0')).join('') + '\n';
    return s;
  }),
);

// Lines near the edges of what the parsers take: offsets of 1 to 9 digits up to past 0x1000,
// rows that run past 0x1000, trailing blanks, ASCII columns, headers, blank lines, prose.
const hex = (v: number, digits: number) => v.toString(16).padStart(digits, '0');
const arbRow = fc.tuple(fc.integer({ min: 0, max: 0x1010 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }));
// A line put together from an offset, a separator, hex groups of any width with blanks of
// any kind between them, and a tail: what all three grammars read, and their near misses.
const arbGroups = fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.constantFrom(2, 2, 2, 4, 4, 1, 3, 6), fc.constantFrom(' ', ' ', ' ', '  ', '\t', '')), { maxLength: 20 });
const arbMixedLine = fc
  .tuple(
    fc.integer({ min: 0, max: 0x1010 }),
    fc.constantFrom(2, 3, 7, 8, 8, 1, 9),
    fc.constantFrom(': ', ': ', '  ', ' ', ':  ', ':', '\t', ': \t'),
    arbGroups,
    fc.constantFrom('', '', ' ', '  ', '\t', '  |ab.|', ' |', '|', '  ..ab', '  "x"', '\f', ' \u00a0', '\r'),
  )
  .map(([off, digits, sep, groups, tail]) => hex(off, digits) + sep + groups.map(([v, w, gap], i) => (i > 0 ? gap : '') + hex(v, w).slice(-w)).join('') + tail);
const arbLine: fc.Arbitrary<string> = fc.oneof(
  arbMixedLine,
  arbRow.map(([off, digits, bytes]) => `${hex(off, digits)}: ${bytes.map((b) => hex(b, 2)).join(' ')}`),
  fc.tuple(arbRow, fc.constantFrom(' ', '  ', '\t', ' \t ', '  |ab.|', '  "x"', ' |', '\f')).map(([[off, digits, bytes], tail]) => `${hex(off, digits)}: ${bytes.map((b) => hex(b, 2)).join(' ')}${tail}`),
  arbRow.map(([off, _d, bytes]) => `${hex(off, 8)}  ${bytes.map((b) => hex(b, 2)).join(' ')}  |${'.'.repeat(bytes.length)}|`),
  arbRow.map(([off, _d, bytes]) => `${hex(off, 7)} ${bytes.map((b) => hex(b, 2)).join('')}`),
  arbRow.map(([off, _d, bytes]) => `${hex(off, 8)}: ${bytes.map((b) => hex(b, 2)).join('')}  ${'.'.repeat(bytes.length)}`),
  arbRow.map(([, , bytes]) => bytes.map((b) => hex(b, 2)).join('')),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 9 }), arbDescription).map(([bus, dev, fn, d]) => `0000:${hex(bus, 2)}:${hex(dev, 2)}.${fn} ${d}`),
  fc.constantFrom('', ' ', '*', ' * ', 'prose', '  indented: 01', '\t00: 01 02', hex(0x100, 8), hex(0x40, 7), `${hex(0x1000, 8)} `),
);
const arbLines = fc.array(arbLine, { minLength: 1, maxLength: 30 }).map((ls) => ls.join('\n') + '\n');

/** Line endings as written, or all CR LF. */
const arbEndings = fc.boolean().map((crlf) => (s: string) => (crlf ? s.replace(/\n/g, '\r\n') : s));

// What a mutation inserts or writes over: the characters of dumps, line ends, blanks, and
// bytes that are not ASCII: valid UTF-8 (2, 3, 4 bytes, a BOM, NBSP), stray continuation
// bytes, truncated sequences, bytes never valid in UTF-8. No control bytes other than tab,
// CR, LF and FF: those make a byte read binary, which a string read cannot be.
const PIECES: number[][] = [
  ...'0 1 9 a f A F g x : . * | " \t \n \r \f'.split(' ').map((c) => [c.charCodeAt(0)]),
  [0x20],
  [0x20, 0x20],
  [0x0d, 0x0a],
  [0x0a, 0x0a],
  [0xc3, 0xa9], // é
  [0xe2, 0x82, 0xac], // €
  [0xf0, 0x9f, 0x98, 0x80], // U+1F600
  [0xef, 0xbb, 0xbf], // BOM
  [0xc2, 0xa0], // NBSP (\s in a regex)
  [0xe2, 0x80, 0xa8], // LINE SEPARATOR (\s, and a line terminator for JS regexes)
  [0x80],
  [0xbf],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xff],
  [0xc0, 0xaf], // overlong
  [0xed, 0xa0, 0x80], // a surrogate, invalid in UTF-8
  Array.from(enc.encode('x'.repeat(300))), // a long line when it lands on one
  Array.from(enc.encode('00: ')),
  Array.from(enc.encode('0000:00:04.0 ')),
  Array.from(enc.encode('fff: 00 01')),
  Array.from(enc.encode('00000010  ')),
  Array.from(enc.encode('00000000: ')),
];

const arbEdits = fc.array(fc.tuple(fc.nat(), fc.constantFrom('ins', 'del', 'rep'), fc.nat({ max: PIECES.length - 1 })), { minLength: 1, maxLength: 4 });

function mutate(bytes: Uint8Array, edits: Array<[number, string, number]>): Uint8Array {
  let b = Array.from(bytes);
  for (const [pos, op, k] of edits) {
    const p = b.length === 0 ? 0 : pos % b.length;
    const piece = PIECES[k];
    if (op === 'ins') b = [...b.slice(0, p), ...piece, ...b.slice(p)];
    else if (op === 'del') b = [...b.slice(0, p), ...b.slice(p + 1)];
    else b = [...b.slice(0, p), ...piece, ...b.slice(p + piece.length)];
  }
  return Uint8Array.from(b);
}

describe('byte path = string path', () => {
  test.prop([arbText, arbEndings, arbCuts, arbFormat], N)('generated dumps', (text, endings, cuts, format) => {
    expectSame(enc.encode(endings(text)), cuts, format);
  });

  test.prop([arbText, arbEndings, arbEdits, arbCuts, arbFormat], N)('mutated dumps (non-ASCII, invalid UTF-8, CR, blanks)', (text, endings, edits, cuts, format) => {
    expectSame(mutate(enc.encode(endings(text)), edits), cuts, format);
  });

  test.prop([arbLines, arbEndings, fc.option(arbEdits), arbCuts, arbFormat], N)('lines at the edges of the grammar', (text, endings, edits, cuts, format) => {
    const bytes = enc.encode(endings(text));
    expectSame(edits ? mutate(bytes, edits) : bytes, cuts, format);
  });

  test.prop([fc.array(fc.nat({ max: PIECES.length - 1 }), { maxLength: 60 }), arbCuts, arbFormat], N)('text made of the pieces alone', (ks, cuts, format) => {
    expectSame(Uint8Array.from(ks.flatMap((k) => PIECES[k])), cuts, format);
  });

  it('strings and bytes may be mixed in one read', () => {
    const parts: Array<string | Uint8Array> = [enc.encode('0000:00:04.0 caf\u00e9\n00: 0'), '1 02\n10', enc.encode(': 03 04\r\n\n'), '00:05.0 x\n00: 05\n'];
    const mixed = outcome((r) => parts.flatMap((p) => r.push(p)), 'auto');
    expect(mixed).toEqual(viaString(enc.encode(parts.map((p) => (typeof p === 'string' ? p : new TextDecoder().decode(p))).join('')), 'auto'));
    expect('functions' in mixed && mixed.functions.map((f) => f.description)).toEqual(['caf\u00e9', 'x']);
  });

  it('a BOM is dropped only at the start of the bytes, even when cut inside it', () => {
    const text = enc.encode('\ufeff00:04.0 x\n00: 01 02\n\ufeff00: 03\n');
    for (let cut = 0; cut <= 8; cut++) expectSame(text, [cut, cut + 1], 'auto');
    const onlyBom = Uint8Array.of(0xef, 0xbb, 0xbf);
    expectSame(onlyBom, [1], 'lspci');
    expectSame(onlyBom, [], 'auto');
  });
});
