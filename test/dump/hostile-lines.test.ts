// Megabyte lines: every reader ends in time linear in the line, with functions or a
// DumpParseError, never a RangeError from the regex engine (a 6 MB line of '0' overflowed
// V8's backtracking stack in format detection) nor minutes in a quadratic pattern.
import { describe, expect, it } from 'vitest';
import { classifyLine } from '../../src/dump/detect.js';
import { DumpParseError, readDump } from '../../src/dump/index.js';
import { parseQemuInfoPci } from '../../src/dump/qemu-info-pci.js';

/**
 * Lines built to hit each pattern's worst case: long runs of what a pattern repeats, then a
 * character that makes it fail. Made at two sizes: 100 kB, where a quadratic pattern takes
 * seconds (and linear ones milliseconds), then 6 MB, where a backtracking stack overflows;
 * the 6 MB reads run only when no 100 kB read was slow (one quadratic read of 6 MB would run
 * for hours, and no test timeout can stop synchronous code).
 */
const lines = (N: number): Record<string, string> => ({
  'hex digits': '0'.repeat(N),
  'hex digits, odd count': '0'.repeat(N + 1),
  'hex digits then x': '0'.repeat(N) + 'x',
  'blanks then x': ' '.repeat(N) + 'x',
  'tabs then x': '\t'.repeat(N) + 'x',
  'CRs then x': '\r'.repeat(N) + 'x',
  'double blanks then x': '  '.repeat(N / 2) + 'x',
  'xxd offset, CRs': '0000000: 00' + '\r'.repeat(N) + 'x',
  'hexdump -C offset, blanks': '00000000  00' + ' '.repeat(N) + 'x',
  'hexdump offset, blanks': '0000000 0000' + ' \t'.repeat(N / 2) + 'x',
  'lspci data, blanks': '00: 00' + ' '.repeat(N) + 'x',
  'lspci data, ASCII column': '00: 00' + ' "'.repeat(N / 2) + 'x',
  'lspci header, blanks': '00:04.0 x' + ' '.repeat(N) + 'x',
  'bracketed earlydump prefix': '['.repeat(N),
});

const FORMATS = ['auto', 'lspci', 'hexdump', 'xxd'] as const;

/** Read `text`; the result or the DumpParseError, anything else fails the test. */
function outcome(text: string, format: (typeof FORMATS)[number], strict = false): string {
  try {
    return `${readDump(text, { format, strict }).functions.length} functions`;
  } catch (e) {
    if (e instanceof DumpParseError) return e.code;
    throw e;
  }
}

let slow: string | null = null;

/** Milliseconds `f` took. */
function timed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

describe.each([
  ['100 kB', 100_000, 2000],
  ['6 MB', 6_000_000, 15_000],
])('%s lines', (_size, N, budgetMs) => {
  const LINES = lines(N);
  const guard = () => {
    if (slow) expect.fail(`not run: the 100 kB line "${slow}" was already slow`);
  };
  const note = (name: string, ms: number) => {
    if (ms >= budgetMs) slow ??= name;
    // Linear takes milliseconds; a quadratic pattern takes seconds at 100 kB, hours at 6 MB.
    expect(ms).toBeLessThan(budgetMs);
  };

  it.each(Object.keys(LINES))('classifyLine: %s', (name) => {
    guard();
    note(name, timed(() => classifyLine(LINES[name])));
  });

  it.each(Object.keys(LINES))('every reader: %s', (name) => {
    guard();
    for (const format of FORMATS) {
      const text = `${LINES[name]}\n`;
      note(name, timed(() => expect(outcome(text, format)).toMatch(/^(\d+ functions|DUMP_[A-Z_]+)$/)));
      // After a first line that tells the format: the parser of that format reads it.
      const lead = format === 'hexdump' ? '00000000  00\n' : format === 'xxd' ? '00000000: 00\n' : '00: 00\n';
      note(name, timed(() => expect(outcome(lead + text, format)).toMatch(/^(\d+ functions|DUMP_[A-Z_]+)$/)));
      // --strict looks at every skipped line for a near miss.
      note(name, timed(() => expect(outcome(lead + text, format, true)).toMatch(/^(\d+ functions|DUMP_[A-Z_]+)$/)));
    }
  }, 120_000);

  it('a line of hex digits is read as xxd -p and fails on the 4097th byte, not with a RangeError', () => {
    expect(outcome(`${LINES['hex digits']}\n`, 'auto')).toBe('DUMP_OFFSET_RANGE');
  });

  it.each(Object.keys(LINES))('QEMU info pci: %s', (name) => {
    guard();
    const text = `Bus  0, device   4, function 0:\n${LINES[name]}\n  ${' \t'.repeat(N / 2)}x: PCI\n`;
    note(
      name,
      timed(() => {
        try {
          parseQemuInfoPci(text);
        } catch (e) {
          expect(e).toBeInstanceOf(DumpParseError);
        }
      }),
    );
  }, 60_000);
});
