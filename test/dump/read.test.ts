import { describe, expect, it } from 'vitest';
import { DumpParseError, DumpReader, iterateDump, iterateDumpAsync, readDump, writeLspci, type DumpFunction } from '../../src/dump/index.js';

function parseError(input: string | Uint8Array, options: Parameters<typeof readDump>[1] = {}): DumpParseError {
  try {
    readDump(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(DumpParseError);
    return e as DumpParseError;
  }
  throw new Error('expected a DumpParseError');
}

const enc = (s: string) => new TextEncoder().encode(s);

function image(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  b[0] = 0; // a control byte, so auto-detection sees binary
  return b;
}

describe('binary images', () => {
  it.each([64, 256, 4096])('reads %i bytes without a warning', (len) => {
    const { format, functions } = readDump(image(len, 1));
    expect(format).toBe('binary');
    expect(functions[0].length).toBe(len);
    expect(functions[0].bytes.length).toBe(len === 4096 ? 4096 : 256);
    expect(functions[0].slot).toBeNull();
    expect(functions[0].diagnostics).toEqual([]);
  });

  it('reads other lengths with a warning', () => {
    const [fn] = readDump(image(288, 2)).functions;
    expect(fn.length).toBe(288);
    expect(fn.bytes.length).toBe(4096);
    expect(fn.diagnostics.map((d) => d.code)).toEqual(['DUMP_BINARY_LENGTH']);
  });

  it('rejects more than 4096 bytes and empty input', () => {
    expect(parseError(image(4097, 3), { file: 'big.bin' }).message).toBe(
      'big.bin:1:4097: binary image longer than the 4096 bytes of configuration space',
    );
    expect(parseError(new Uint8Array(0)).code).toBe('DUMP_EMPTY');
    expect(parseError('').code).toBe('DUMP_EMPTY');
    expect(parseError('\n\n  \n').code).toBe('DUMP_EMPTY');
  });

  it('reads a binary image made of printable bytes only when asked to', () => {
    const b = enc('ABCDEFGH'.repeat(8));
    expect(parseError(b).code).toBe('DUMP_UNKNOWN_FORMAT');
    expect(readDump(b, { format: 'binary' }).functions[0].length).toBe(64);
  });
});

describe('format detection', () => {
  it.each([
    ['00:04.0 x\n00: 01\n', 'lspci'],
    ['some prose first\n\n00:04.0 x\n00: 01\n', 'lspci'],
    ['00: 01 02\n', 'lspci'],
    ['00000000  01 02  |..|\n00000002\n', 'hexdump'],
    ['0000000 0201\n0000002\n', 'hexdump'],
    ['00000000: 0102  ..\n', 'xxd'],
    ['0102030405\n', 'xxd'],
  ])('%j is %s', (text, format) => {
    expect(readDump(text).format).toBe(format);
    expect(readDump(enc(text)).format).toBe(format);
  });

  it('the format must show within the first 65536 lines and 4 MiB: lines kept until then stay bounded', () => {
    // Prose of 65535 lines, then a function: read (the prose is ignored).
    const prose = 'not a dump line\n'.repeat(65535);
    expect(readDump(prose + '00:04.0 x\n00: 01\n').functions.map((f) => f.description)).toEqual(['x']);
    // One line more, or 4 MiB in fewer lines, and the text is not a dump: an error at its first line.
    const e = parseError('\n' + prose + 'and one more\n00:04.0 x\n00: 01\n', { file: 'p.txt' });
    expect([e.code, e.line, e.column]).toEqual(['DUMP_UNKNOWN_FORMAT', 2, 1]);
    expect(e.message).toMatch(/^p\.txt:2:1: no line among the first 65537 tells the format/);
    expect(parseError(('x'.repeat(1 << 20) + '\n').repeat(5) + '00:04.0 x\n00: 01\n').code).toBe('DUMP_UNKNOWN_FORMAT');
  });

  for (const kind of ['bytes', 'text'] as const) {
    it(`a line longer than 8 MiB is an error as soon as it is that long, not held to its end (${kind} chunks)`, () => {
      const head = '00:04.0 x\n00: 01\n';
      const MiB = 1 << 20;
      let fed = 0;
      function* source(lineLength: number) {
        yield kind === 'bytes' ? enc(head) : head;
        const piece = 'y'.repeat(1 << 16);
        for (let n = 0; n < lineLength; n += piece.length) {
          fed += piece.length;
          yield kind === 'bytes' ? enc(piece) : piece;
        }
        yield kind === 'bytes' ? enc('\n00:05.0 z\n00: 02\n') : '\n00:05.0 z\n00: 02\n';
      }
      // 8 MiB is read (the line is prose, ignored) …
      expect([...iterateDump(source(8 * MiB), { file: 'l.txt' })].map((f) => f.description)).toEqual(['x', 'z']);
      // … one piece more is not, and the rest of the line is never asked for.
      fed = 0;
      const err = (() => {
        try {
          [...iterateDump(source(64 * MiB), { file: 'l.txt' })];
        } catch (e) {
          return e as DumpParseError;
        }
      })();
      expect(err).toBeInstanceOf(DumpParseError);
      expect([err!.code, err!.line, err!.column]).toEqual(['DUMP_LINE_TOO_LONG', 3, 8 * MiB + 1]);
      expect(fed).toBeLessThanOrEqual(8 * MiB + (1 << 16));
      // Whole, the same line gives the same error.
      expect(parseError(head + 'y'.repeat(8 * MiB + 1) + '\n').code).toBe('DUMP_LINE_TOO_LONG');
    });
  }

  it('a chosen format overrides detection', () => {
    // With format 'lspci' an xxd -g1 line is an lspci data line with an 8-digit offset.
    const { format, functions } = readDump('00000010: 01 02\n', { format: 'lspci' });
    expect(format).toBe('lspci');
    expect(functions[0].bytes[0x11]).toBe(2);
  });

  it('clear errors for unknown text, QEMU info pci, binary asked as text, text asked as binary', () => {
    const unknown = parseError('hello\nworld\n', { file: 'x.txt' });
    expect(unknown.message).toBe('x.txt:1:1: not recognised as lspci -x text, hexdump -C, hexdump, xxd or a binary image');
    const qemu = parseError('(qemu) info pci\n  Bus  0, device   4, function 0:\n    SCSI controller: PCI device 1af4:1001\n');
    expect(qemu.code).toBe('DUMP_NOT_A_DUMP');
    expect(qemu.line).toBe(2);
    expect(parseError(image(64, 4), { format: 'lspci' }).code).toBe('DUMP_BINARY_TEXT');
    expect(parseError('00: 01\n', { format: 'binary' }).code).toBe('DUMP_BINARY_TEXT');
  });
});

describe('streaming', () => {
  const fns: DumpFunction[] = [];
  for (let i = 0; i < 40; i++) {
    const bytes = new Uint8Array(i % 3 === 0 ? 4096 : 256).fill(0xff);
    const known = new Uint8Array(bytes.length);
    const length = i % 3 === 0 ? 4096 : i % 3 === 1 ? 256 : 64;
    for (let k = 0; k < length; k++) {
      bytes[k] = (k ^ i) & 0xff;
      known[k] = 1;
    }
    fns.push({ slot: { domain: 0, bus: i, device: i & 0x1f, function: i & 7 }, description: `fn ${i}`, bytes, length, known, source: { line: 0 }, format: 'lspci', diagnostics: [] });
  }
  const text = writeLspci(fns);
  const whole = readDump(text).functions;

  it('gives the same functions whatever the chunking (strings or bytes, split anywhere)', () => {
    for (const size of [1, 7, 100, 4093]) {
      const chunks: Array<string | Uint8Array> = [];
      for (let i = 0; i < text.length; i += size) chunks.push(i % 2 ? text.slice(i, i + size) : enc(text.slice(i, i + size)));
      // Mixed string/bytes chunks are not allowed once decoding started; use one kind per run.
      const asText = [...iterateDump(chunks.map((c) => (typeof c === 'string' ? c : new TextDecoder().decode(c))))];
      const asBytes = [...iterateDump(chunks.map((c) => (typeof c === 'string' ? enc(c) : c)))];
      expect(asText).toEqual(whole);
      expect(asBytes).toEqual(whole);
    }
  });

  it('a malformed line: every function completed before it is yielded, then the error, whatever the chunking', () => {
    const lines = text.split('\n');
    const bad = lines.findIndex((l, i) => i > lines.length / 2 && /^[0-9a-f]{2,3}: /.test(l));
    lines[bad] = lines[bad].replace(/: ([0-9a-f]{2})/, ': x$1');
    const broken = lines.join('\n');
    const complete = whole.filter((f) => f.source.line < bad + 1 && !lines.slice(f.source.line, bad).every((l) => l !== ''));
    expect(complete.length).toBeGreaterThan(5);
    for (const size of [1, 64, 1000, 65536, broken.length]) {
      for (const asBytes of [false, true]) {
        const chunks: Array<string | Uint8Array> = [];
        for (let i = 0; i < broken.length; i += size) chunks.push(asBytes ? enc(broken.slice(i, i + size)) : broken.slice(i, i + size));
        const got: DumpFunction[] = [];
        let error: unknown = null;
        try {
          for (const f of iterateDump(chunks)) got.push(f);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DumpParseError);
        expect((error as DumpParseError).line).toBe(bad + 1);
        expect(got).toEqual(complete);
      }
    }
  });

  it('yields each function before the rest of the input is read', () => {
    const lines = text.split('\n').map((l) => l + '\n');
    let consumed = 0;
    function* source() {
      for (const l of lines) {
        consumed++;
        yield l;
      }
    }
    const it = iterateDump(source());
    const first = it.next();
    expect(first.done).toBe(false);
    expect((first.value as DumpFunction).description).toBe('fn 0');
    // fn 0 has 256 data lines + header + blank; the reader must not have gone much further.
    expect(consumed).toBeLessThan(260 + 2);
  });

  it('DumpReader.push returns functions as they complete; end() the rest', () => {
    const r = new DumpReader({ file: 'f' });
    expect(r.push('00:01.0 a\n00: 01\n')).toEqual([]);
    const done = r.push('\n00:02.0 b\n');
    expect(done.map((f) => f.description)).toEqual(['a']);
    expect(r.push('00: 02')).toEqual([]);
    expect(r.end().map((f) => f.description)).toEqual(['b']);
    expect(r.format).toBe('lspci');
  });

  it('feed/next/finish: one function at a time, then the end; a chunk must be read before the next is fed', () => {
    const r = new DumpReader({ file: 'f' });
    r.feed(enc('00:01.0 a\n00: 01\n\n00:02.0 b\n00: 02\n\n00:03.0 c\n'));
    expect(() => r.feed('00: 03\n')).toThrow(/before the last chunk was read/);
    expect(r.next()?.description).toBe('a');
    expect(r.next()?.description).toBe('b');
    expect(r.next()).toBeUndefined();
    r.feed('00: 03');
    expect(r.next()).toBeUndefined();
    r.finish();
    expect(r.next()?.description).toBe('c');
    expect(r.next()).toBeUndefined();
    expect(() => r.feed('x')).toThrow(/after end/);
  });

  it('feed/next: the functions before a bad line come first, then the error, every time after', () => {
    const r = new DumpReader({ file: 'f' });
    r.feed('00:01.0 a\n00: 01\n\n00:02.0 b\n00: 0g\n00:03.0 c\n00: 03\n');
    expect(r.next()?.description).toBe('a');
    expect(() => r.next()).toThrow(DumpParseError);
    expect(() => r.next()).toThrow('f:5:6');
    expect(() => r.finish()).toThrow('f:5:6');
  });

  for (const kind of ['bytes', 'text'] as const) {
    it(`a large ${kind} chunk's functions are made a few at a time, not all before the first is taken, and all come`, () => {
      // 60000 header-only functions in one chunk (about 17 MB): made all at once they would
      // hold tens of MB (about 700 bytes each) until taken; made as taken, a window's worth.
      const fns = Array.from({ length: 60000 }, (_, i) => `0000:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${((i >> 3) & 31).toString(16).padStart(2, '0')}.${i & 7} x\n00: f4 1a 00 10 00 00 00 00 00 00 00 01 00 00 00 00\n10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n20: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n`).join('');
      const chunk = kind === 'bytes' ? enc(fns) : fns;
      const r = new DumpReader();
      r.feed(chunk.slice(0, 100)); // the format is known: the reader's own set-up is not counted
      while (r.next()) continue;
      const before = process.memoryUsage().heapUsed;
      r.feed(chunk.slice(100));
      const first = r.next();
      const grown = process.memoryUsage().heapUsed - before;
      expect(first?.slot).toEqual({ domain: 0, bus: 0, device: 0, function: 0 });
      // Measured on bytes only (what the CLI feeds): a garbage collection while the text is cut
      // into lines can free more than the functions take, which would hide them.
      if (kind === 'bytes') expect(grown).toBeLessThan(8 << 20);
      let n = 1;
      while (r.next()) n++;
      r.finish();
      while (r.next()) n++;
      expect(n).toBe(60000);
    });
  }

  it('reads from an async source', async () => {
    async function* src() {
      for (let i = 0; i < text.length; i += 1000) yield enc(text.slice(i, i + 1000));
    }
    const got: DumpFunction[] = [];
    for await (const fn of iterateDumpAsync(src())) got.push(fn);
    expect(got).toEqual(whole);
  });

  it('a UTF-8 description split across byte chunks is decoded intact', () => {
    const b = enc('00:01.0 Contrôleur réseau\n00: 01\n');
    const parts = [b.slice(0, 12), b.slice(12, 13), b.slice(13)];
    const [fn] = [...iterateDump(parts)];
    expect(fn.description).toBe('Contrôleur réseau');
  });
});
