// `hexdump -C` (canonical: bytes and an |ASCII| column) and plain `hexdump` / `hexdump -x`
// (16-bit words), both with the `*` squeezed-line marker and the final offset line.
import { CONFIG_SPACE_MAX, FunctionBuilder, HEX_VALUE, hexVal, isHex, showChar } from './builder.js';
import { IgnoredLines } from './ignored.js';
import { fail, type Emit, type LineParser } from './parser.js';
import { RepeatingDumpParser } from './repeat.js';

const OFFSET = /^[0-9a-fA-F]{7,8}(?=$|\s)/;

export class HexdumpParser extends RepeatingDumpParser implements LineParser {
  /** 'bytes' for -C, 'words' for plain hexdump; fixed by the first data line. */
  private variant: 'bytes' | 'words' | null = null;

  private readonly ignored: IgnoredLines;

  constructor(
    private readonly file?: string,
    strict = false,
  ) {
    super();
    this.ignored = new IgnoredLines(file, strict, 'hexdump lines are an offset of 7-8 hex digits, then bytes or 16-bit words');
  }

  line(raw: string, lineNo: number, emit: Emit): void {
    const text = raw.trimEnd(); // not /\s+$/, which is quadratic in a long run of inner blanks
    if (text === '*') {
      if (!this.repeat.hasLine()) fail('DUMP_REPEAT_WITHOUT_LINE', this.file, lineNo, 1, "'*' (repeated lines) before any data line");
      this.repeat.mark(lineNo);
      return;
    }
    const m = OFFSET.exec(text);
    if (!m) {
      this.ignored.skipped(text, lineNo, this.cur); // not a hexdump line (a prompt, a file name): ignored, unless it looks like data
      return;
    }
    const offset = parseInt(m[0], 16);
    if (text.length === m[0].length) {
      this.endOffset(offset, lineNo, emit);
      return;
    }
    const tokens = this.tokens(text, m[0].length, lineNo);
    if (tokens.length === 0) return;
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    const b = this.builder(lineNo);
    const bytes: number[] = [];
    for (const t of tokens) {
      if (this.variant === 'words') bytes.push(t.value & 0xff, t.value >> 8);
      else bytes.push(t.value);
    }
    if (offset + bytes.length > CONFIG_SPACE_MAX) {
      const firstBad = this.variant === 'words' ? tokens[Math.floor((CONFIG_SPACE_MAX - offset) / 2)] ?? tokens[0] : tokens[Math.max(0, CONFIG_SPACE_MAX - offset)] ?? tokens[0];
      fail('DUMP_OFFSET_RANGE', this.file, lineNo, offset >= CONFIG_SPACE_MAX ? 1 : firstBad.col, `byte at offset 0x${Math.max(offset, CONFIG_SPACE_MAX).toString(16)} is beyond the 4096 bytes of configuration space`);
    }
    this.store(b, offset, bytes);
  }

  /** One line from bytes, or false (nothing changed) when the string path must read it. */
  protected lineFromBytes(buf: Uint8Array, start: number, end: number, lineNo: number, emit: Emit): boolean {
    let i = start;
    let offset = 0;
    while (i < end && i - start < 9) {
      const v = HEX_VALUE[buf[i]];
      if (v < 0) break;
      offset = offset * 16 + v;
      i++;
    }
    if (i - start < 7 || i - start > 8 || i === end || (buf[i] !== 32 && buf[i] !== 9)) return false;
    let variant = this.variant;
    const bytes: number[] = [];
    while (i < end) {
      const c = buf[i];
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (c === 124 /* | */) {
        if (variant !== 'bytes') return false;
        break; // the ASCII column (with no byte before it, an error: see below)
      }
      let j = i;
      let v = 0;
      while (j < end && HEX_VALUE[buf[j]] >= 0) v = v * 16 + HEX_VALUE[buf[j++]];
      if (j < end && buf[j] !== 32 && buf[j] !== 9) return false;
      if (variant === null) variant = j - i === 2 ? 'bytes' : j - i === 4 ? 'words' : null;
      if (variant === 'bytes' && j - i === 2) bytes.push(v);
      else if (variant === 'words' && j - i === 4) bytes.push(v & 0xff, v >> 8);
      else return false;
      i = j;
    }
    if (bytes.length === 0 || offset + bytes.length > CONFIG_SPACE_MAX) return false;
    this.variant = variant;
    if (offset === 0 && this.cur && this.cur.length > 0) this.flush(emit, lineNo);
    this.store(this.builder(lineNo), offset, bytes);
    return true;
  }

  private builder(lineNo: number): FunctionBuilder {
    if (!this.cur) {
      this.cur = new FunctionBuilder('hexdump', null, '', this.file, lineNo);
      this.ignored.started(this.cur);
      if (this.variant === 'words') this.cur.warn('DUMP_WORD_ORDER', null, 'hexdump 16-bit words read as little-endian');
    }
    return this.cur;
  }

  private endOffset(end: number, lineNo: number, emit: Emit): void {
    if (!this.cur) return; // an offset alone, with no data before it: nothing to end
    if (end > CONFIG_SPACE_MAX) {
      fail('DUMP_OFFSET_RANGE', this.file, lineNo, 1, `end offset 0x${end.toString(16)} is beyond the 4096 bytes of configuration space`);
    }
    const b = this.cur;
    this.repeat.resolve(b, end);
    // Plain hexdump pads an odd last byte into a whole word; the end offset says where it ends.
    if (this.variant === 'words' && b.length === end + 1) b.unset(end);
    if (b.length !== end) {
      b.warn('DUMP_END_OFFSET', end, `final offset 0x${end.toString(16)} (line ${lineNo}) but the lines gave bytes up to 0x${b.length.toString(16)}`);
    }
    this.flush(emit, lineNo);
  }

  /** The byte (or word) tokens after the offset, up to an |ASCII| column. */
  private tokens(s: string, from: number, lineNo: number): Array<{ value: number; col: number }> {
    const out: Array<{ value: number; col: number }> = [];
    let i = from;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (c === 124 /* | */) {
        if (this.variant === 'words' || out.length === 0) fail('DUMP_MALFORMED_LINE', this.file, lineNo, i + 1, `unexpected '|'`);
        return out; // ASCII column
      }
      let j = i;
      while (j < n && isHex(s.charCodeAt(j))) j++;
      const len = j - i;
      if (j < n && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9) {
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, j + 1, `expected hex digits or a space, found ${showChar(s, j)}`);
      }
      if (this.variant === null) {
        if (len === 2) this.variant = 'bytes';
        else if (len === 4) this.variant = 'words';
      }
      const want = this.variant === 'words' ? 4 : 2;
      if (len !== want) {
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, i + 1, `expected ${want === 2 ? 'a byte (two hex digits)' : 'a 16-bit word (four hex digits)'}, found ${len} hex digits`);
      }
      let v = 0;
      for (let k = i; k < j; k++) v = v * 16 + hexVal(s.charCodeAt(k));
      out.push({ value: v, col: i + 1 });
      i = j;
    }
    return out;
  }
}
