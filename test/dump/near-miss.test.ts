// Lines that start like data lines but match no format's grammar: a DUMP_LINE_IGNORED warning
// naming FILE:LINE (an error under `strict`), never silence; prose and lspci -v text stay quiet.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DumpParseError, readDump, type DumpFunction } from '../../src/dump/index.js';

const warnings = (fns: DumpFunction[]) => fns.flatMap((f) => f.diagnostics.filter((d) => d.code === 'DUMP_LINE_IGNORED').map((d) => d.message));

function strictError(text: string): DumpParseError {
  try {
    readDump(text, { file: 'd.txt', strict: true });
  } catch (e) {
    expect(e).toBeInstanceOf(DumpParseError);
    return e as DumpParseError;
  }
  throw new Error('expected a DumpParseError');
}

describe('near-miss lines', () => {
  it.each([
    ['lspci', '00:04.0 x\n00: f4 1a 01 10\n', '0x10: 01 c0 00 00', 1],
    ['lspci', '00:04.0 x\n00: f4 1a 01 10\n', '10 : 01 c0 00 00', 1],
    ['lspci', '00:04.0 x\n00: f4 1a 01 10\n', '000000010: 01 c0 00 00', 1],
    ['lspci', '00:04.0 x\n00: f4 1a 01 10\n', '  0x10 : 01', 3],
    ['hexdump', '00000000  f4 1a 01 10\n', '00000010:  01 c0 00 00', 1],
    ['hexdump', '00000000  f4 1a 01 10\n', '0x00000010  01 c0', 1],
    ['xxd', '00000000: f41a 0110\n', '0x00000010: 01c0 0000', 1],
    ['xxd', '00000000: f41a 0110\n', '00000010 : 01c0 0000', 1],
  ])('%s: %j', (format, head, bad, col) => {
    const text = `${head}${bad}\n`;
    const r = readDump(text, { file: 'd.txt' });
    expect(r.format).toBe(format);
    const lineNo = head.split('\n').length;
    expect(warnings(r.functions)).toEqual([expect.stringMatching(new RegExp(`^d\\.txt:${lineNo}: a line that starts like a data line is not one \(.*\); ignored, its bytes are unknown$`))]);
    const e = strictError(text);
    expect([e.code, e.line, e.column]).toEqual(['DUMP_LINE_IGNORED', lineNo, col]);
  });

  it('before any function: carried by the next one', () => {
    const r = readDump('$ lspci -xxx\n0x00: f4 1a\n00:04.0 x\n00: f4 1a 01 10\n\n0x10: 00\n00:05.0 y\n00: f4 1a\n', { file: 'd.txt' });
    expect(r.functions.map((f) => warnings([f]).map((m) => m.slice(0, 8)))).toEqual([['d.txt:2:'], ['d.txt:6:']]);
  });

  it('at most 8 listed per function, then one more', () => {
    const bad = Array.from({ length: 20 }, (_, i) => `0x${(i * 16).toString(16)}: 00\n`).join('');
    const w = warnings(readDump(`00:04.0 x\n00: f4\n${bad}`, { file: 'd.txt' }).functions);
    expect(w).toHaveLength(9);
    expect(w[8]).toMatch(/^more lines that start like data lines were ignored from line 11 on/);
  });

  it.each([
    'Subsystem: Red Hat, Inc. Device 1100',
    '\tCapabilities: [40] Vendor Specific Information: VirtIO: CommonCfg',
    '\t\tAddress: 00000000fee00000  Data: 0000',
    '\tBad: xx yy',
    '\tBadge: 1 2',
    'Added ab cd',
    '10 ab cd',
    '$ lspci -xxx -s 00:04.0',
    '[    0.123456] pci 0000:00:04.0: [1af4:1001] type 00 class 0x010000',
    'Kernel driver in use: virtio-pci',
  ])('prose and lspci -v lines stay quiet: %j', (line) => {
    const text = `00:04.0 x\n00: f4 1a 01 10\n${line}\n`;
    expect(warnings(readDump(text).functions)).toEqual([]);
    expect(readDump(text, { strict: true }).functions).toHaveLength(1);
  });

  it('no warning in any spec vector', () => {
    const dirs = ['spec-vectors/qemu', 'spec-vectors/spec', 'spec-vectors/malformed'];
    let read = 0;
    for (const d of dirs) {
      for (const n of readdirSync(d)) {
        if (!n.endsWith('.lspci')) continue;
        let fns: DumpFunction[];
        try {
          fns = readDump(readFileSync(`${d}/${n}`), { strict: true }).functions;
        } catch (e) {
          expect((e as DumpParseError).code, `${d}/${n}`).not.toBe('DUMP_LINE_IGNORED');
          continue;
        }
        read++;
        expect(warnings(fns), `${d}/${n}`).toEqual([]);
      }
    }
    expect(read).toBeGreaterThan(50);
  });
});
