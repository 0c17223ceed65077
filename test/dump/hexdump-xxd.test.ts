import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DumpParseError, isFullyKnown, knownRanges, readDump, writeHexdumpC, writeXxd } from '../../src/dump/index.js';

function parseError(text: string, format: 'hexdump' | 'xxd' | 'auto' = 'auto'): DumpParseError {
  try {
    readDump(text, { format, file: 'd.txt' });
  } catch (e) {
    expect(e).toBeInstanceOf(DumpParseError);
    return e as DumpParseError;
  }
  throw new Error('expected a DumpParseError');
}

const has = (tool: string) => {
  try {
    execFileSync(tool, [tool === 'xxd' ? '-v' : '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// 0x50 bytes: a made-up header start, then 0x30 zero bytes squeezed by hexdump into '*', then 3 bytes.
const HEXDUMP_C = [
  '00000000  f4 1a 41 10 07 00 10 00  01 00 00 02 00 00 00 00  |..A.............|',
  '00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
  '*',
  '00000040  09 00 10 01 04 00 00 00  00 00 00 00 00 10 00 00  |................|',
  '00000050  ab cd ef                                          |...|',
  '00000053',
  '',
].join('\n');

describe('hexdump -C reader', () => {
  it('reads bytes, expands the * marker up to the next offset, ends at the final offset', () => {
    const { format, functions } = readDump(HEXDUMP_C);
    expect(format).toBe('hexdump');
    expect(functions).toHaveLength(1);
    const fn = functions[0];
    expect(fn.slot).toBeNull();
    expect(fn.length).toBe(0x53);
    expect(isFullyKnown(fn)).toBe(true);
    expect(Array.from(fn.bytes.slice(0, 4))).toEqual([0xf4, 0x1a, 0x41, 0x10]);
    expect(Array.from(fn.bytes.slice(0x10, 0x40)).every((b) => b === 0)).toBe(true);
    expect(fn.bytes[0x40]).toBe(9);
    expect(fn.bytes[0x52]).toBe(0xef);
    expect(fn.diagnostics).toEqual([]);
  });

  it('repeats a non-uniform line pattern across several squeezed lines', () => {
    const line = '01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10';
    const text = `00000000  ${line}  |................|\n*\n00000040\n`;
    const [fn] = readDump(text).functions;
    expect(fn.length).toBe(0x40);
    for (let i = 0; i < 0x40; i++) expect(fn.bytes[i]).toBe((i % 16) + 1);
  });

  it('warns when a * is not followed by an offset (bytes stay unknown)', () => {
    const [fn] = readDump('00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n').functions;
    expect(fn.length).toBe(16);
    expect(fn.diagnostics.map((d) => d.code)).toContain('DUMP_REPEAT_UNRESOLVED');
  });

  it('warns when the final offset disagrees with the data', () => {
    const [fn] = readDump('00000000  01 02  |..|\n00000004\n').functions;
    expect(fn.length).toBe(2);
    expect(fn.diagnostics.map((d) => d.code)).toContain('DUMP_END_OFFSET');
  });

  it('reads two hexdumps one after the other as two functions', () => {
    const one = '00000000  01 02 03  |...|\n00000003\n';
    const fns = readDump(one + '$ hexdump -C other\n' + one).functions;
    expect(fns).toHaveLength(2);
    expect(fns.map((f) => f.length)).toEqual([3, 3]);
    expect(fns[1].source.line).toBe(4);
  });

  it('reads plain hexdump (16-bit little-endian words), dropping the pad byte of an odd length', () => {
    const text = ['0000000 1af4 1041 0007 0010', '0000008 0001 0200 0000 0000', '*', '0000020 00ab', '0000021', ''].join('\n');
    const [fn] = readDump(text).functions;
    expect(fn.format).toBe('hexdump');
    expect(fn.length).toBe(0x21);
    expect(Array.from(fn.bytes.slice(0, 8))).toEqual([0xf4, 0x1a, 0x41, 0x10, 0x07, 0x00, 0x10, 0x00]);
    expect(Array.from(fn.bytes.slice(0x10, 0x20))).toEqual(Array.from(fn.bytes.slice(0x08, 0x18)));
    expect(fn.bytes[0x20]).toBe(0xab);
    expect(fn.known[0x21]).toBe(0);
    expect(fn.diagnostics.map((d) => d.code)).toEqual(['DUMP_WORD_ORDER', 'DUMP_SHORT']);
  });

  it('errors: FILE:LINE:COL of the bad token', () => {
    expect(parseError('00000000  01 0g 03  |...|\n').message).toBe("d.txt:1:15: expected hex digits or a space, found 'g'");
    expect(parseError('00000000  01 023 03  |...|\n').message).toBe('d.txt:1:14: expected a byte (two hex digits), found 3 hex digits');
    expect(parseError('*\n00000000  01\n', 'hexdump').message).toBe("d.txt:1:1: '*' (repeated lines) before any data line");
    expect(parseError('00000ff8  00 01 02 03 04 05 06 07  08 09 0a  |...........|\n').message).toBe(
      'd.txt:1:36: byte at offset 0x1000 is beyond the 4096 bytes of configuration space',
    );
    expect(parseError('0000000 1af4 10\n').message).toBe('d.txt:1:14: expected a 16-bit word (four hex digits), found 2 hex digits');
  });
});

const XXD = [
  '00000000: f41a 4110 0700 1000 0100 0002 0000 0000  ..A.............',
  '00000010: 6162 6320 2020 3031  abc   01',
  '',
].join('\n');

describe('xxd reader', () => {
  it('reads xxd groups of 2 bytes; the ASCII column (even with spaces and hex-looking text) is skipped', () => {
    const { format, functions } = readDump(XXD);
    expect(format).toBe('xxd');
    const [fn] = functions;
    expect(fn.length).toBe(0x18);
    expect(Array.from(fn.bytes.slice(0x10, 0x18))).toEqual([0x61, 0x62, 0x63, 0x20, 0x20, 0x20, 0x30, 0x31]);
  });

  it('reads -g1, -g4 and -c 32 layouts, and xxd -a with *', () => {
    const g1 = readDump('00000000: 01 02 03 04  ....\n').functions[0];
    const g4 = readDump('00000000: 01020304 05060708  ........\n').functions[0];
    expect(Array.from(g1.bytes.slice(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(g4.bytes.slice(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const a = readDump('00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n*\n00000030: 0102  ..\n').functions[0];
    expect(a.length).toBe(0x32);
    expect(isFullyKnown(a)).toBe(true);
  });

  it('reads xxd -p (bare hex, 30 bytes a line)', () => {
    const line1 = 'f41a41100700100001000002000000000000000000000000000000000000';
    const { format, functions } = readDump(`${line1}\n0102\n`);
    expect(format).toBe('xxd');
    expect(functions[0].length).toBe(32);
    expect(functions[0].bytes[30]).toBe(1);
  });

  it('leaves offsets that no line gave unknown', () => {
    const [fn] = readDump('00000000: 0102  ..\n00000010: 0304  ..\n').functions;
    expect(knownRanges(fn)).toEqual([
      { offset: 0, length: 2 },
      { offset: 16, length: 2 },
    ]);
  });

  it('errors', () => {
    expect(parseError('00000000: 01x2 0304  ....\n').message).toBe("d.txt:1:13: expected hex digits or a space, found 'x'");
    expect(parseError('00000000: 010 0304  ....\n').message).toBe('d.txt:1:13: a group of bytes needs an even number of hex digits (found 3)');
    expect(parseError('00000ffe: 0102 0304  ....\n').message).toBe('d.txt:1:16: byte at offset 0x1000 is beyond the 4096 bytes of configuration space');
    expect(parseError('f41a41100\n', 'xxd').message).toBe('d.txt:1:9: xxd -p line has an odd number of hex digits (9)');
  });
});

describe.skipIf(!has('hexdump') || !has('xxd'))('against the real hexdump and xxd', () => {
  // Images made here: a header-like start, runs of zeros (squeezed by hexdump), a repeated
  // pattern, printable text and an odd tail.
  const images: Uint8Array[] = [];
  for (const len of [1, 15, 16, 17, 64, 100, 256, 300, 4096]) {
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = i < 8 ? 0xf0 + i : i >= 0x40 && i < 0xc0 ? 0 : i >= 0xc0 && i < 0x100 ? 0x41 + (i % 3) : (i * 7) & 0xff;
    images.push(b);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pcicfg-hd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (tool: string, args: string[], b: Uint8Array) => {
    const f = join(dir, 'img.bin');
    writeFileSync(f, b);
    return execFileSync(tool, [...args, f], { encoding: 'utf8' });
  };

  it('writeHexdumpC and writeXxd print exactly what the tools print', () => {
    for (const b of images) {
      const fn = { bytes: b, length: b.length };
      expect(writeHexdumpC(fn)).toBe(run('hexdump', ['-C'], b));
      expect(writeXxd(fn)).toBe(run('xxd', [], b));
      expect(writeXxd(fn, { group: 1 })).toBe(run('xxd', ['-g1'], b));
      expect(writeXxd(fn, { group: 4 })).toBe(run('xxd', ['-g4'], b));
    }
  });

  it('reads what hexdump -C, hexdump, hexdump -x, xxd, xxd -g1/-g4/-a/-p/-u/-c32 print', () => {
    const variants: Array<[string, string[]]> = [
      ['hexdump', ['-C']],
      ['hexdump', []],
      ['hexdump', ['-x']],
      ['xxd', []],
      ['xxd', ['-g1']],
      ['xxd', ['-g4']],
      ['xxd', ['-a']],
      ['xxd', ['-p']],
      ['xxd', ['-u']],
      ['xxd', ['-c', '32']],
    ];
    for (const b of images) {
      for (const [tool, args] of variants) {
        const { functions } = readDump(run(tool, args, b));
        expect(functions, `${tool} ${args.join(' ')} of ${b.length} bytes`).toHaveLength(1);
        const fn = functions[0];
        expect(fn.length, `${tool} ${args.join(' ')} of ${b.length} bytes`).toBe(b.length);
        expect(isFullyKnown(fn)).toBe(true);
        expect(fn.bytes.slice(0, b.length)).toEqual(b);
      }
    }
  });

  it('xxd -e and xxd -e -a of config-like images read back in memory order; with nothing printable, a diagnostic says the order is unknown', () => {
    for (const len of [64, 256, 4096]) {
      const b = new Uint8Array(len);
      b.set([0xf4, 0x1a, 0x01, 0x10, 0x07, 0x00, 0x10, 0x00]);
      for (let i = 0x30; i < len; i++) b[i] = i < 0x60 ? (i * 7) & 0xff : 0;
      for (const args of [['-e'], ['-e', '-a']]) {
        const fn = readDump(run('xxd', args, b)).functions[0];
        expect(fn.bytes.slice(0, len), `xxd ${args.join(' ')} of ${len} bytes`).toEqual(b);
        expect(fn.diagnostics.map((d) => d.code)).toContain('DUMP_WORD_ORDER');
      }
    }
    // A truncated image: xxd -e right-aligns the last, partial group in its slot.
    for (const len of [67, 70, 250]) {
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) b[i] = 0x30 + ((i * 7) % 75);
      const fn = readDump(run('xxd', ['-e'], b)).functions[0];
      expect(fn.length, `xxd -e of ${len} bytes`).toBe(len);
      expect(fn.bytes.slice(0, len)).toEqual(b);
    }
    const fn = readDump(run('xxd', ['-e'], new Uint8Array(64).fill(0x80))).functions[0];
    expect(fn.diagnostics.map((d) => d.code)).toEqual(['DUMP_GROUP_ORDER_UNKNOWN']);
  });
});
