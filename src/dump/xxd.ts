// `xxd` text: `OFFSET: ` then groups of bytes (2 per group by default, any group size with
// -g), two spaces and the ASCII column; `*` from `xxd -a`; and `xxd -p` (bare hex lines).
// `xxd -e` prints each group as a little-endian word, its bytes reversed, in the layout of
// `-g 4`: only the ASCII column, which keeps memory order, tells the two apart (see order).
import { CONFIG_SPACE_MAX, FunctionBuilder, HEX_VALUE, hexVal, isHex, showChar } from './builder.js';
import { IgnoredLines } from './ignored.js';
import { fail, type Emit, type LineParser } from './parser.js';
import { RepeatingDumpParser } from './repeat.js';
import { shownByte } from './write.js';

const OFFSET = /^([0-9a-fA-F]+): /;
const PLAIN = /^[0-9a-fA-F]+$/;

export class XxdParser extends RepeatingDumpParser implements LineParser {
  /** Next offset for `xxd -p` lines, which carry none. */
  private plainNext = 0;
  private variant: 'offsets' | 'plain' | null = null;
  /**
   * The byte order of the groups in the current image: 'reversed' for `xxd -e`. Decided by the
   * first line whose ASCII column matches one order and not the other; until then lines are
   * stored as printed and remembered (with the copies a `*` made of them), to be turned round
   * if the answer is 'reversed'.
   */
  private order: 'printed' | 'reversed' | null = null;
  private undecided: Array<{ offset: number; groups: number[] }> = [];
  /** Bytes per group of the lines so far (4, xxd -e's, before any). */
  private groupSize = 4;

  private readonly ignored: IgnoredLines;

  constructor(
    private readonly file?: string,
    strict = false,
  ) {
    super();
    this.ignored = new IgnoredLines(file, strict, "xxd lines are an offset of hex digits, ': ' and groups of bytes, or xxd -p's bare hex");
  }

  line(raw: string, lineNo: number, emit: Emit): void {
    const text = withoutLineEnd(raw);
    if (text.trim() === '*') {
      if (!this.repeat.hasLine()) fail('DUMP_REPEAT_WITHOUT_LINE', this.file, lineNo, 1, "'*' (repeated lines) before any data line");
      this.repeat.mark(lineNo);
      return;
    }
    const m = OFFSET.exec(text);
    if (m && this.variant !== 'plain') {
      this.variant = 'offsets';
      this.offsetLine(text, parseInt(m[1], 16), m[0].length, lineNo, emit);
      return;
    }
    const t = text.trim();
    if (PLAIN.test(t) && this.variant !== 'offsets') {
      this.variant = 'plain';
      this.plainLine(t, text.indexOf(t), lineNo);
      return;
    }
    // Anything else (prompts, file names, blank lines) is ignored, unless it looks like data.
    this.ignored.skipped(text, lineNo, this.cur);
  }

  /** One line from bytes, or false (nothing changed) when the string path must read it. */
  protected lineFromBytes(buf: Uint8Array, start: number, end: number, lineNo: number, emit: Emit): boolean {
    let i = start;
    while (i < end && HEX_VALUE[buf[i]] >= 0) i++;
    if (i === end) {
      // xxd -p: hex digits only
      if (this.variant === 'offsets' || (end - start) % 2 !== 0 || this.plainNext + (end - start) / 2 > CONFIG_SPACE_MAX) return false;
      this.variant = 'plain';
      const b = this.builder(lineNo);
      for (let k = start; k < end; k += 2) b.set(this.plainNext++, HEX_VALUE[buf[k]] * 16 + HEX_VALUE[buf[k + 1]]);
      this.sawData = true;
      return true;
    }
    if (i === start || i - start > 8 || i + 1 >= end || buf[i] !== 58 /* : */ || buf[i + 1] !== 32 || this.variant === 'plain' || this.order !== 'printed') return false;
    let offset = 0;
    for (let k = start; k < i; k++) offset = offset * 16 + HEX_VALUE[buf[k]];
    const from = i + 2;
    // The hex area ends at the first two spaces (before the ASCII column) or the end of the line.
    let areaEnd = from;
    while (areaEnd < end && !(buf[areaEnd] === 32 && areaEnd + 1 < end && buf[areaEnd + 1] === 32)) areaEnd++;
    const bytes: number[] = [];
    let first = 0;
    i = from;
    while (i < areaEnd) {
      if (buf[i] === 32) {
        if (i === from) return false;
        i++;
        continue;
      }
      let j = i;
      while (j < areaEnd && HEX_VALUE[buf[j]] >= 0) j++;
      if ((j < areaEnd && buf[j] !== 32) || (j - i) % 2 !== 0) return false;
      if (first === 0) first = (j - i) / 2;
      for (let k = i; k < j; k += 2) bytes.push(HEX_VALUE[buf[k]] * 16 + HEX_VALUE[buf[k + 1]]);
      i = j;
    }
    if (bytes.length === 0 || offset + bytes.length > CONFIG_SPACE_MAX) return false;
    // Anything but the two blanks and a full line's ASCII column after the hex area (a padded
    // last line, xxd -e's right-aligned partial group) is for the string path.
    if (areaEnd < end && end - areaEnd !== bytes.length + 2) return false;
    this.groupSize = first;
    this.variant = 'offsets';
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    this.store(this.builder(lineNo), offset, bytes);
    return true;
  }

  private builder(lineNo: number): FunctionBuilder {
    if (!this.cur) {
      this.cur = new FunctionBuilder('xxd', null, '', this.file, lineNo);
      this.ignored.started(this.cur);
    }
    return this.cur;
  }

  private offsetLine(s: string, offset: number, from: number, lineNo: number, emit: Emit): void {
    // The hex area ends at the first two spaces (before the ASCII column) or the end of the line.
    let end = s.indexOf('  ', from);
    if (end < 0) end = s.length;
    const bytes: number[] = [];
    const cols: number[] = [];
    const groups: number[] = [];
    let i = from;
    while (i < end) {
      if (s.charCodeAt(i) === 32) {
        // A single space between groups; a leading space right after ": " is a bad group.
        if (i === from) fail('DUMP_MALFORMED_LINE', this.file, lineNo, i + 1, `expected hex digits, found a space`);
        i++;
        continue;
      }
      let j = i;
      while (j < end && isHex(s.charCodeAt(j))) j++;
      if (j < end && s.charCodeAt(j) !== 32) {
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, j + 1, `expected hex digits or a space, found ${showChar(s, j)}`);
      }
      if ((j - i) % 2 !== 0) fail('DUMP_MALFORMED_LINE', this.file, lineNo, j, `a group of bytes needs an even number of hex digits (found ${j - i})`);
      groups.push((j - i) / 2);
      for (let k = i; k < j; k += 2) {
        bytes.push(hexVal(s.charCodeAt(k)) * 16 + hexVal(s.charCodeAt(k + 1)));
        cols.push(k + 1);
      }
      i = j;
    }
    // xxd -e right-aligns a last, partial group in its slot (a truncated image): `0004` after
    // blanks, where the hex area seemed to end.
    const slot = groups.length ? end + 1 : end;
    const g = groups.length ? groups[0] : this.groupSize;
    const tail = g > 1 ? rightAlignedGroup(s, slot, g, bytes.length) : null;
    if (tail) {
      groups.push((tail.end - tail.start) / 2);
      for (let k = tail.start; k < tail.end; k += 2) {
        bytes.push(hexVal(s.charCodeAt(k)) * 16 + hexVal(s.charCodeAt(k + 1)));
        cols.push(k + 1);
      }
      end = tail.end;
    }
    if (bytes.length === 0) return;
    if (groups.length > 1 || !tail) this.groupSize = groups[0];
    if (offset + bytes.length > CONFIG_SPACE_MAX) {
      const bad = CONFIG_SPACE_MAX - offset;
      fail('DUMP_OFFSET_RANGE', this.file, lineNo, bad <= 0 ? 1 : cols[bad], `byte at offset 0x${Math.max(offset, CONFIG_SPACE_MAX).toString(16)} is beyond the 4096 bytes of configuration space`);
    }
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    const b = this.builder(lineNo);
    if (this.order === null) {
      const told = groupOrder(bytes, groups, s.slice(end));
      if (told === 'reversed') this.turnRound(b);
      this.order = told;
    }
    if (this.order === 'reversed') reverseGroups(bytes, 0, groups);
    else if (this.order === null) {
      const p = this.repeat.pending();
      if (p) for (let at = p.offset + p.period; at + p.period <= offset; at += p.period) this.undecided.push({ offset: at, groups: this.undecided[this.undecided.length - 1].groups });
      this.undecided.push({ offset, groups });
    }
    this.store(b, offset, bytes);
  }

  /** The image is `xxd -e` after all: turn round the groups stored so far. */
  private turnRound(b: FunctionBuilder): void {
    for (const l of this.undecided) reverseGroups(b.bytes, l.offset, l.groups);
    const last = this.undecided[this.undecided.length - 1];
    if (last) {
      const total = last.groups.reduce((a, g) => a + g, 0);
      this.repeat.remember(last.offset, Array.from(b.bytes.subarray(last.offset, last.offset + total)));
    }
    this.undecided = [];
    b.warn('DUMP_WORD_ORDER', null, 'xxd -e groups (little-endian words, told by the ASCII column) read in memory order');
  }

  protected override flush(emit: Emit, lineNo: number): void {
    if (this.cur && this.order === null && this.undecided.some((l) => l.groups.some((g) => g > 1))) {
      this.cur.warn('DUMP_GROUP_ORDER_UNKNOWN', null, 'the ASCII column does not tell xxd from xxd -e (reversed groups): groups read as printed');
    }
    super.flush(emit, lineNo);
    this.order = null;
    this.undecided = [];
  }

  private plainLine(t: string, indent: number, lineNo: number): void {
    if (t.length % 2 !== 0) fail('DUMP_MALFORMED_LINE', this.file, lineNo, indent + t.length, `xxd -p line has an odd number of hex digits (${t.length})`);
    const b = this.builder(lineNo);
    for (let k = 0; k < t.length; k += 2) {
      if (this.plainNext >= CONFIG_SPACE_MAX) {
        fail('DUMP_OFFSET_RANGE', this.file, lineNo, indent + k + 1, 'byte at offset 0x1000 is beyond the 4096 bytes of configuration space');
      }
      b.set(this.plainNext++, hexVal(t.charCodeAt(k)) * 16 + hexVal(t.charCodeAt(k + 1)));
    }
    this.sawData = true;
  }
}

/**
 * A group right-aligned in its slot of `2 * g` characters from `slot` (blanks, then fewer
 * hex digits than a full group), followed by blanks and the ASCII column of all the line's
 * bytes: where its digits are, or null when the line is not laid out so.
 */
function rightAlignedGroup(s: string, slot: number, g: number, before: number): { start: number; end: number } | null {
  const stop = slot + 2 * g;
  if (stop > s.length || s.charCodeAt(slot) !== 32) return null;
  let start = slot;
  while (start < stop && s.charCodeAt(start) === 32) start++;
  for (let k = start; k < stop; k++) if (!isHex(s.charCodeAt(k))) return null;
  const digits = stop - start;
  if (digits === 0 || digits % 2 !== 0) return null;
  // Then blanks, and the ASCII column: one character per byte of the line, the last ones.
  const column = before + digits / 2;
  const gap = s.length - column - stop;
  if (gap < 2) return null;
  for (let k = stop; k < stop + gap; k++) if (s.charCodeAt(k) !== 32) return null;
  return { start, end: stop };
}

/**
 * Which order of the groups' bytes the line's ASCII column (what follows the hex area) shows:
 * null when it shows both (no group of two bytes or more, or only dots) or neither (no
 * column, or an edited line).
 */
function groupOrder(bytes: readonly number[], groups: readonly number[], rest: string): 'printed' | 'reversed' | null {
  if (rest.length < bytes.length + 2 || !groups.some((g) => g > 1)) return null;
  const col = rest.slice(rest.length - bytes.length);
  let printed = true;
  let reversed = true;
  let at = 0;
  for (const g of groups) {
    for (let k = 0; k < g; k++) {
      const c = col.charCodeAt(at + k);
      if (c !== shownByte(bytes[at + k])) printed = false;
      if (c !== shownByte(bytes[at + g - 1 - k])) reversed = false;
    }
    at += g;
  }
  return printed === reversed ? null : printed ? 'printed' : 'reversed';
}

/** Reverse the bytes of each group in place; the line starts at `offset` in `a`. */
function reverseGroups(a: { [i: number]: number }, offset: number, groups: readonly number[]): void {
  let at = offset;
  for (const g of groups) {
    for (let i = at, j = at + g - 1; i < j; i++, j--) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    at += g;
  }
}

/** The line without trailing CR/LF characters (a loop: /[\r\n]+$/ is quadratic in a long run of inner CRs). */
function withoutLineEnd(raw: string): string {
  let end = raw.length;
  while (end > 0 && (raw.charCodeAt(end - 1) === 13 || raw.charCodeAt(end - 1) === 10)) end--;
  return end === raw.length ? raw : raw.slice(0, end);
}
