import { describe, expect, it } from 'vitest';
import { DumpParseError, knownRanges, readDump, type DumpFunction } from '../../src/dump/index.js';

/** Run a read that must fail; return the error. */
function parseError(text: string, options: Parameters<typeof readDump>[1] = {}): DumpParseError {
  try {
    readDump(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(DumpParseError);
    return e as DumpParseError;
  }
  throw new Error('expected a DumpParseError');
}

const codes = (fn: DumpFunction) => fn.diagnostics.map((d) => d.code);

// A small made-up function: vendor 1af4, device 1042, a capability list at 0x40.
const ONE = [
  '00:04.0 SCSI storage controller: Example storage (rev 01)',
  '00: f4 1a 42 10 07 05 10 00 01 00 00 01 00 00 00 00',
  '10: 01 c1 00 00 00 20 00 fe 00 00 00 00 00 00 00 00',
  '20: 0c 00 00 fd 00 00 00 00 00 00 00 00 f4 1a 02 00',
  '30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00',
  '',
].join('\n');

describe('lspci text reader', () => {
  it('reads one -x function: slot, description, bytes, length, known', () => {
    const { format, functions } = readDump(ONE, { file: 'one.lspci' });
    expect(format).toBe('lspci');
    expect(functions).toHaveLength(1);
    const fn = functions[0];
    expect(fn.slot).toEqual({ domain: 0, bus: 0, device: 4, function: 0 });
    expect(fn.description).toBe('SCSI storage controller: Example storage (rev 01)');
    expect(fn.length).toBe(64);
    expect(fn.bytes.length).toBe(256);
    expect(Array.from(fn.bytes.slice(0, 4))).toEqual([0xf4, 0x1a, 0x42, 0x10]);
    expect(fn.bytes[0x34]).toBe(0x40);
    expect(fn.bytes[0x40]).toBe(0xff); // unknown bytes are 0xff…
    expect(fn.known[0x40]).toBe(0); // …and marked unknown
    expect(knownRanges(fn)).toEqual([{ offset: 0, length: 64 }]);
    expect(fn.source).toEqual({ file: 'one.lspci', line: 1 });
    expect(fn.diagnostics).toEqual([]);
  });

  it('reads several functions, with and without a domain of 4, 5 or 6 digits', () => {
    const text = [
      '0000:00:01.0 first',
      '00: 01 02',
      '',
      '10000:02:03.4 second',
      '00: 03',
      '',
      'abcdef:ff:1f.7 third',
      '00: 04',
      '',
      '05:00.1 fourth',
      '00: 05',
    ].join('\n');
    const fns = readDump(text).functions;
    expect(fns.map((f) => f.slot)).toEqual([
      { domain: 0, bus: 0, device: 1, function: 0 },
      { domain: 0x10000, bus: 2, device: 3, function: 4 },
      { domain: 0xabcdef, bus: 0xff, device: 0x1f, function: 7 },
      { domain: 0, bus: 5, device: 0, function: 1 },
    ]);
    expect(fns.map((f) => f.description)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(fns.map((f) => f.length)).toEqual([2, 1, 1, 1]);
    expect(fns.map((f) => f.source.line)).toEqual([1, 4, 7, 10]);
    expect(codes(fns[0])).toEqual(['DUMP_SHORT']);
  });

  it('ignores lspci -v text between the header and the hex lines', () => {
    const text = [
      '00:05.0 Ethernet controller: Example NIC',
      '\tSubsystem: Example',
      '\tControl: I/O+ Mem+ BusMaster+',
      '\tRegion 0: I/O ports at c000 [size=64]',
      '\tCapabilities: [40] Power Management version 3',
      '\t\tFlags: PMEClk- DSI- D1- D2-',
      '00: 86 80 0e 10 07 00 10 00',
      '',
    ].join('\n');
    const [fn] = readDump(text).functions;
    expect(fn.length).toBe(8);
    expect(fn.bytes[2]).toBe(0x0e);
  });

  it('reads offsets past 0xff (3 digits) into a 4096-byte image, bytes at any offset, sparse lines', () => {
    const text = ['00:02.0 x', '00: aa bb', '123: 01 02 03', 'ff0: 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f', '07: 77', '8: 88', ''].join('\n');
    const [fn] = readDump(text).functions;
    expect(fn.bytes.length).toBe(4096);
    expect(fn.length).toBe(4096);
    expect(fn.bytes[7]).toBe(0x77);
    expect(fn.known[8]).toBe(0); // a 1-digit offset is not a data line (pciutils ignores it too)
    expect(fn.bytes[0x124]).toBe(0x02);
    expect(fn.bytes[0xfff]).toBe(0x1f);
    expect(knownRanges(fn)).toEqual([
      { offset: 0, length: 2 },
      { offset: 7, length: 1 },
      { offset: 0x123, length: 3 },
      { offset: 0xff0, length: 16 },
    ]);
    expect(codes(fn).filter((c) => c === 'DUMP_HOLES')).toHaveLength(3);
    expect(fn.diagnostics.find((d) => d.code === 'DUMP_HOLES')).toMatchObject({ offset: 2, severity: 'info' });
  });

  it('accepts CRLF, a missing final newline, uppercase hex, one trailing space, and an empty data line', () => {
    const text = '00:04.0 x\r\n00: F4 1A \r\n10: \r\n20: 0a';
    const [fn] = readDump(text).functions;
    expect(fn.length).toBe(0x21);
    expect(fn.bytes[0]).toBe(0xf4);
    expect(fn.bytes[0x20]).toBe(0x0a);
    expect(fn.description).toBe('x');
  });

  it('keeps a header without a description (no trailing space needed)', () => {
    const [fn] = readDump('0000:00:04.0\n00: 01\n').functions;
    expect(fn.slot).toEqual({ domain: 0, bus: 0, device: 4, function: 0 });
    expect(fn.description).toBe('');
  });

  it('a blank line ends a device; data lines with no header make an anonymous function', () => {
    const fns = readDump('00: 01 02\n10: 03\n\n00: 04\n').functions;
    expect(fns).toHaveLength(2);
    expect(fns[0].slot).toBeNull();
    expect(fns[0].length).toBe(0x11);
    expect(fns[1].length).toBe(1);
  });

  it('reads indented dumps and ASCII columns, and Linux pci=earlydump headers', () => {
    const text = [
      '    00:03.0 Communication controller: Example console',
      '  00: f4 1a 03 10 07 04 10 00 00 00 80 07 00 00 00 00  "................"',
      '  10: 21 c0  "!."',
      '[    0.000000] pci 0000:00:05.0 config space:',
      '  00: 86 80 c0 29',
      '[    0.000000]  00 00 00 00 00',
      '  10: 01',
    ].join('\n');
    const fns = readDump(text).functions;
    expect(fns).toHaveLength(2);
    expect(fns[0].slot?.device).toBe(3);
    expect(fns[0].length).toBe(0x12);
    expect(fns[0].bytes[0x11]).toBe(0xc0);
    expect(fns[1].slot).toEqual({ domain: 0, bus: 0, device: 5, function: 0 });
    expect(fns[1].description).toBe('');
    expect(knownRanges(fns[1])).toEqual([
      { offset: 0, length: 4 },
      { offset: 0x10, length: 1 },
    ]);
  });

  it('keeps a duplicate slot as a second function, with a warning', () => {
    const fns = readDump('00:04.0 a\n00: 01\n\n00:04.0 b\n00: 02\n').functions;
    expect(fns).toHaveLength(2);
    expect(codes(fns[1])).toContain('DUMP_DUPLICATE_SLOT');
    expect(codes(fns[0])).not.toContain('DUMP_DUPLICATE_SLOT');
  });

  it('warns about a header with no data among functions with data', () => {
    const fns = readDump('00:04.0 a\n\n00:05.0 b\n00: 01\n').functions;
    expect(fns[0].length).toBe(0);
    expect(codes(fns[0])).toContain('DUMP_NO_DATA');
  });
});

describe('lspci text errors: FILE:LINE:COL', () => {
  const cases: Array<[string, string, string]> = [
    ['00:04.0 x\n00: f4 1g\n', 'DUMP_MALFORMED_LINE', 'f.lspci:2:9: expected a second hex digit, found \'g\''],
    ['00:04.0 x\n00: f4  1a\n', 'DUMP_MALFORMED_LINE', 'f.lspci:2:8: expected a byte (two hex digits), found a space'],
    ['00:04.0 x\n00: f41a\n', 'DUMP_MALFORMED_LINE', 'f.lspci:2:7: expected a space or the end of the line after a byte, found \'1\''],
    ['00:04.0 x\n00: f\n', 'DUMP_MALFORMED_LINE', 'f.lspci:2:6: expected a second hex digit, found end of line'],
    ['00:04.0 x\n\n\n10: 00 01 zz\n', 'DUMP_MALFORMED_LINE', 'f.lspci:4:11: expected a byte (two hex digits), found \'z\''],
    ['00:04.0 x\n00: 01\tff\n', 'DUMP_MALFORMED_LINE', 'f.lspci:2:7: expected a space or the end of the line after a byte, found a tab'],
    ['00:04.0 x\nff8: 00 01 02 03 04 05 06 07 08 09\n', 'DUMP_OFFSET_RANGE', 'f.lspci:2:30: byte at offset 0x1000 is beyond the 4096 bytes of configuration space'],
    ['00:04.0 x\n1000: 00\n', 'DUMP_OFFSET_RANGE', 'f.lspci:2:7: byte at offset 0x1000 is beyond the 4096 bytes of configuration space'],
    ['00:04.8 x\n00: 00\n', 'DUMP_BAD_SLOT', 'f.lspci:1:7: function number must be 0-7, found \'8\''],
    ['00:20.0 x\n00: 00\n', 'DUMP_BAD_SLOT', 'f.lspci:1:4: device number must be 00-1f, found 20'],
  ];
  it.each(cases)('%j → %s', (text, code, message) => {
    const e = parseError(text, { file: 'f.lspci' });
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    const [, line, col] = /^f\.lspci:(\d+):(\d+):/.exec(message)!;
    expect([e.file, e.line, e.column]).toEqual(['f.lspci', Number(line), Number(col)]);
  });

  it('names <input> when no file is given', () => {
    expect(parseError('00:04.0 x\n00: 0g\n').message).toBe("<input>:2:6: expected a second hex digit, found 'g'");
  });

  it('rejects lspci -v text without hex lines', () => {
    const e = parseError('00:04.0 SCSI storage controller: x\n\tControl: I/O+\n\n00:05.0 y\n', { file: 'v.txt' });
    expect(e.code).toBe('DUMP_NOT_A_DUMP');
    expect(e.line).toBe(1);
  });
});
