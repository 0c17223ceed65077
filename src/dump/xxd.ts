// `xxd` text: `OFFSET: ` then groups of bytes (2 per group by default, any group size with
// -g), two spaces and the ASCII column; `*` from `xxd -a`; and `xxd -p` (bare hex lines).
import { CONFIG_SPACE_MAX, FunctionBuilder, HEX_VALUE, hexVal, isHex, showChar } from './builder.js';
import { fail, type Emit, type LineParser } from './parser.js';
import { RepeatingDumpParser } from './repeat.js';

const OFFSET = /^([0-9a-fA-F]+): /;
const PLAIN = /^[0-9a-fA-F]+$/;

export class XxdParser extends RepeatingDumpParser implements LineParser {
  /** Next offset for `xxd -p` lines, which carry none. */
  private plainNext = 0;
  private variant: 'offsets' | 'plain' | null = null;

  constructor(private readonly file?: string) {
    super();
  }

  line(raw: string, lineNo: number, emit: Emit): void {
    const text = raw.replace(/[\r\n]+$/, '');
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
    }
    // Anything else (prompts, file names, blank lines) is ignored.
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
    if (i === start || i - start > 8 || i + 1 >= end || buf[i] !== 58 /* : */ || buf[i + 1] !== 32 || this.variant === 'plain') return false;
    let offset = 0;
    for (let k = start; k < i; k++) offset = offset * 16 + HEX_VALUE[buf[k]];
    const from = i + 2;
    // The hex area ends at the first two spaces (before the ASCII column) or the end of the line.
    let areaEnd = from;
    while (areaEnd < end && !(buf[areaEnd] === 32 && areaEnd + 1 < end && buf[areaEnd + 1] === 32)) areaEnd++;
    const bytes: number[] = [];
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
      for (let k = i; k < j; k += 2) bytes.push(HEX_VALUE[buf[k]] * 16 + HEX_VALUE[buf[k + 1]]);
      i = j;
    }
    if (bytes.length === 0 || offset + bytes.length > CONFIG_SPACE_MAX) return false;
    this.variant = 'offsets';
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    this.store(this.builder(lineNo), offset, bytes);
    return true;
  }

  private builder(lineNo: number): FunctionBuilder {
    if (!this.cur) this.cur = new FunctionBuilder('xxd', null, '', this.file, lineNo);
    return this.cur;
  }

  private offsetLine(s: string, offset: number, from: number, lineNo: number, emit: Emit): void {
    // The hex area ends at the first two spaces (before the ASCII column) or the end of the line.
    let end = s.indexOf('  ', from);
    if (end < 0) end = s.length;
    const bytes: number[] = [];
    const cols: number[] = [];
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
      for (let k = i; k < j; k += 2) {
        bytes.push(hexVal(s.charCodeAt(k)) * 16 + hexVal(s.charCodeAt(k + 1)));
        cols.push(k + 1);
      }
      i = j;
    }
    if (bytes.length === 0) return;
    if (offset + bytes.length > CONFIG_SPACE_MAX) {
      const bad = CONFIG_SPACE_MAX - offset;
      fail('DUMP_OFFSET_RANGE', this.file, lineNo, bad <= 0 ? 1 : cols[bad], `byte at offset 0x${Math.max(offset, CONFIG_SPACE_MAX).toString(16)} is beyond the 4096 bytes of configuration space`);
    }
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    this.store(this.builder(lineNo), offset, bytes);
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
