// Lines a text parser skips: prose, prompts and `lspci -v` text are skipped without a word, as
// pciutils does, but a line that starts like a data line (an offset, then a byte) and still is
// not one of the format's (`0x10: 00`, `10 : 00`, `000000010: 00` in lspci text) most likely
// lost bytes from the dump: it becomes a DUMP_LINE_IGNORED warning on the function being read
// (or the next one), or, under `strict`, an error at its place.
import type { FunctionBuilder } from './builder.js';
import { hexRun } from './detect.js';
import { fail } from './parser.js';

/** What follows a near-miss offset: a colon with blanks around it, or blanks, then a byte or a group of bytes (xxd's `01c0`). */
const AFTER_OFFSET = /^(?:[ \t]*:[ \t]*|[ \t]+)(?:[0-9a-fA-F]{2}){1,8}(?:[ \t]|$)/;

/**
 * Where a line that starts like a data line begins (0-based column), or -1. Narrow on
 * purpose: an offset of hex digits with at least one decimal digit (or a `0x` prefix), so a
 * word such as `Face` or `Added` is no offset, then a colon or (after 4 or more digits) blanks,
 * then a byte or group of bytes (an even number of hex digits) standing alone.
 */
export function dataLikeAt(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const start = i;
  const prefixed = (line.charCodeAt(i) === 48 /* 0 */ && (line.charCodeAt(i + 1) | 0x20) === 120) /* x */;
  if (prefixed) i += 2;
  const h = hexRun(line, i);
  if (h === 0) return -1;
  let digit = prefixed;
  for (let k = i; k < i + h && !digit; k++) digit = line.charCodeAt(k) <= 57;
  if (!digit) return -1;
  // Bounded slice: the pattern never runs over a megabyte line.
  const after = line.slice(i + h, i + h + 80);
  if (!AFTER_OFFSET.test(after)) return -1;
  if (!prefixed && h < 4 && !after.trimStart().startsWith(':')) return -1;
  return start;
}

/** At most this many warnings per function; the rest are counted in one more. */
const MAX_WARNINGS = 8;

export class IgnoredLines {
  /** Near-miss lines seen while no function was being read, for the next one. */
  private pending: number[] = [];
  private readonly warned = new WeakMap<FunctionBuilder, number>();

  constructor(
    private readonly file: string | undefined,
    private readonly strict: boolean,
    /** What the format's data lines look like, for the message. */
    private readonly grammar: string,
  ) {}

  /** A line the parser is about to skip; `cur` is the function being read, if any. */
  skipped(text: string, lineNo: number, cur: FunctionBuilder | null): void {
    const at = dataLikeAt(text);
    if (at < 0) return;
    if (this.strict) fail('DUMP_LINE_IGNORED', this.file, lineNo, at + 1, `a line that starts like a data line is not one (${this.grammar})`);
    if (cur) this.warn(cur, lineNo);
    else if (this.pending.length <= MAX_WARNINGS) this.pending.push(lineNo);
  }

  /** A function starts: it carries the warnings about near-miss lines before it. */
  started(b: FunctionBuilder): void {
    if (this.pending.length === 0) return;
    for (const lineNo of this.pending) this.warn(b, lineNo);
    this.pending = [];
  }

  private warn(b: FunctionBuilder, lineNo: number): void {
    const n = (this.warned.get(b) ?? 0) + 1;
    this.warned.set(b, n);
    if (n <= MAX_WARNINGS) {
      b.warn('DUMP_LINE_IGNORED', null, `${this.file ?? '<input>'}:${lineNo}: a line that starts like a data line is not one (${this.grammar}); ignored, its bytes are unknown`);
    } else if (n === MAX_WARNINGS + 1) {
      b.warn('DUMP_LINE_IGNORED', null, `more lines that start like data lines were ignored from line ${lineNo} on (only the first ${MAX_WARNINGS} are listed)`);
    }
  }
}
