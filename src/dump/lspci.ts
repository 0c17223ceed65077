// lspci -x / -xxx / -xxxx text (the grammar pciutils' dump back-end reads with `lspci -F`),
// with the friendlier extensions listed in docs/formats.md.
import type { PciAddress } from '../pci/bus.js';
import { CONFIG_SPACE_MAX, FunctionBuilder, HEX_VALUE, hexVal, isHex, showChar } from './builder.js';
import { IgnoredLines } from './ignored.js';
import { fail, type Emit, type LineCursor, type LineParser } from './parser.js';
import { formatPciAddress } from '../pci/bus.js';
import { RecentSlots } from './recent-slots.js';

// `BB:DD.F` or `DDDD:BB:DD.F` (domain of 4–6 hex digits); the function is checked separately
// so a bad one gets a precise error instead of the line being ignored.
const HEADER = /^(?:([0-9a-fA-F]{4,6}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-9a-zA-Z])(?=$|[ \t])/;
// Linux `pci=earlydump`: `[    0.000000] pci 0000:00:03.0 config space:`
const EARLYDUMP = /^(?:\[[^\]]*\]\s*)?pci ([0-9a-fA-F]{4,6}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7]) config space:\s*$/;
// An offset of 2–8 hex digits, a colon and a space: what pciutils takes for a data line.
const DATA = /^[0-9a-fA-F]{2,8}: /;
// Indented lines are data only if a well-formed byte follows (so `lspci -v` text is never taken for data).
const INDENTED_DATA = /^[ \t]+[0-9a-fA-F]{2,8}: [0-9a-fA-F]{2}(?: |$)/;
// A trailing ASCII column some tools append: two or more spaces, then "…" or |…|.
const ASCII_COLUMN = /^ +(?:"[^]*"|\|[^]*\|)\s*$/;

export interface LspciHeader {
  slot: PciAddress;
  description: string;
}

/** Parse a device header line, or null when the line is not one. Throws on a bad function number. */
export function parseLspciHeader(text: string, lineNo: number, file?: string): LspciHeader | null {
  const indent = /^[ \t]*/.exec(text)![0].length;
  const s = indent ? text.slice(indent) : text;
  const m = HEADER.exec(s);
  if (!m) {
    const e = EARLYDUMP.exec(s);
    if (!e) return null;
    return { slot: { domain: parseInt(e[1], 16), bus: parseInt(e[2], 16), device: parseInt(e[3], 16), function: parseInt(e[4], 10) }, description: '' };
  }
  const f = m[4];
  if (f < '0' || f > '7') {
    fail('DUMP_BAD_SLOT', file, lineNo, indent + m[0].length, `function number must be 0-7, found ${showChar(f, 0)}`);
  }
  const device = parseInt(m[3], 16);
  if (device > 0x1f) fail('DUMP_BAD_SLOT', file, lineNo, indent + m[0].length - 3, `device number must be 00-1f, found ${m[3]}`);
  const rest = s.slice(m[0].length);
  return {
    slot: { domain: m[1] === undefined ? 0 : parseInt(m[1], 16), bus: parseInt(m[2], 16), device, function: f.charCodeAt(0) - 48 },
    description: rest.length > 0 ? rest.slice(1).trimEnd() : '',
  };
}

function leadingHexDigits(s: string): number {
  let i = 0;
  while (i < 9 && isHex(s.charCodeAt(i))) i++;
  return i;
}

/** Grow a builder to 4096 bytes before a direct write at `at` (256 <= at < 4096). */
function growTo4096(b: FunctionBuilder, at: number): void {
  if (at > b.length) b.length = at;
  b.set(at, 0);
}

export class LspciParser implements LineParser {
  private cur: FunctionBuilder | null = null;
  private readonly recent = new RecentSlots();
  sawData = false;
  private readonly ignored: IgnoredLines;

  constructor(
    private readonly file?: string,
    strict = false,
  ) {
    this.ignored = new IgnoredLines(file, strict, "lspci data lines are an offset of 2-8 hex digits, ': ' and bytes of two hex digits");
  }

  /** A new function (a header, or data without one): it carries warnings about lines skipped before it. */
  private begin(slot: LspciHeader['slot'] | null, description: string, lineNo: number): FunctionBuilder {
    const b = new FunctionBuilder('lspci', slot, description, this.file, lineNo);
    this.ignored.started(b);
    return b;
  }

  line(text: string, lineNo: number, emit: Emit): void {
    // Most lines of a dump are data lines: 2–8 hex digits, ": ". A slot header never has a
    // blank after its first colon, so such a line cannot be one; skip the header regexes.
    const offsetDigits = leadingHexDigits(text);
    if (offsetDigits >= 2 && offsetDigits <= 8 && text.charCodeAt(offsetDigits) === 58 && text.charCodeAt(offsetDigits + 1) === 32) {
      this.data(text, 0, lineNo);
      return;
    }
    if (text.length === 0 || /^[ \t]*$/.test(text)) {
      this.flush(emit);
      return;
    }
    const header = parseLspciHeader(text, lineNo, this.file);
    if (header) {
      this.flush(emit);
      this.cur = this.begin(header.slot, header.description, lineNo);
      if (this.recent.repeats(header.slot)) this.cur.warn('DUMP_DUPLICATE_SLOT', null, `slot ${formatPciAddress(header.slot)} (line ${lineNo}) appeared before`);
      return;
    }
    if (DATA.test(text)) this.data(text, 0, lineNo);
    else if (INDENTED_DATA.test(text)) this.data(text, /^[ \t]*/.exec(text)![0].length, lineNo);
    // Anything else (lspci -v text, prompts, prose) is ignored, as pciutils does; a line that
    // looks like data is not ignored without a word.
    else this.ignored.skipped(text, lineNo, this.cur);
  }

  /**
   * Data lines at column 0 (offset, ": ", bytes of two hex digits each followed by one blank
   * or the line end) and blank lines, straight from the bytes. Anything else (headers, an
   * ASCII column, trailing blanks, errors, non-ASCII) stops it; the string path then reads
   * that line and sets again the bytes this set before stopping.
   */
  bytesLines(buf: Uint8Array, cursor: LineCursor, emit: Emit): void {
    const n = buf.length;
    // The cursor is updated line by line, not once after the loop: code after a long loop has
    // no type feedback when the engine optimises inside the loop, and V8 then deoptimises at
    // every exit from it.
    while (cursor.pos < n) {
      const pos = cursor.pos;
      let next: number;
      const c = buf[pos];
      if (c === 10 || (c === 13 && pos + 1 < n && buf[pos + 1] === 10)) {
        this.flush(emit); // a blank line ends the function
        next = c === 10 ? pos + 1 : pos + 2;
      } else {
        next = this.dataBytes(buf, pos, cursor.line + 1);
        if (next < 0) return;
      }
      cursor.line++;
      cursor.pos = next;
    }
  }

  /**
   * One data line from `pos`: where the next line starts, or -1 for the string path. Kept
   * apart from the loop over lines so the engine optimises it early and cheaply.
   */
  private dataBytes(buf: Uint8Array, pos: number, lineNo: number): number {
    const n = buf.length;
    let z = pos;
    let offset = 0;
    const digitsEnd = n - pos > 9 ? pos + 9 : n;
    while (z < digitsEnd) {
      const v = HEX_VALUE[buf[z]];
      if (v < 0) break;
      offset = offset * 16 + v;
      z++;
    }
    if (z - pos < 2 || z - pos > 8 || z + 2 >= n || buf[z] !== 58 /* : */ || buf[z + 1] !== 32) return -1;
    z += 2;
    const b = (this.cur ??= this.begin(null, '', lineNo));
    if (offset > b.length) b.dense = false;
    let bytes = b.bytes;
    let known = b.known;
    let at = offset;
    while (z + 2 < n) {
      const hi = HEX_VALUE[buf[z]];
      const lo = HEX_VALUE[buf[z + 1]];
      const sep = buf[z + 2];
      if ((hi | lo) < 0 || (sep !== 32 && sep !== 10 && sep !== 13)) break;
      if (at >= bytes.length) {
        if (at >= CONFIG_SPACE_MAX) break;
        growTo4096(b, at);
        bytes = b.bytes;
        known = b.known;
      }
      bytes[at] = hi * 16 + lo;
      known[at] = 1;
      at++;
      z += sep === 32 ? 3 : 2;
    }
    if (at > offset) {
      this.sawData = true;
      if (at > b.length) b.length = at;
    }
    // The end of the line, or something for the string path.
    const c = z < n ? buf[z] : 0;
    if (c === 10) return z + 1;
    if (c === 13 && z + 1 < n && buf[z + 1] === 10) return z + 2;
    return -1;
  }

  end(_lineNo: number, emit: Emit): void {
    this.flush(emit);
  }

  private flush(emit: Emit): void {
    if (this.cur) emit(this.cur.finish());
    this.cur = null;
  }

  /** A data line from column `start` (0-based): pciutils' rules, reported with the bad column. */
  private data(s: string, start: number, lineNo: number): void {
    let z = start;
    let offset = 0;
    while (s.charCodeAt(z) !== 58 /* : */) offset = offset * 16 + hexVal(s.charCodeAt(z++));
    z += 2; // ": "
    if (!this.cur) this.cur = this.begin(null, '', lineNo);
    const b = this.cur;
    const n = s.length;
    let count = 0;
    while (z < n) {
      const c0 = s.charCodeAt(z);
      const c1 = s.charCodeAt(z + 1);
      // The common case in one test: two hex digits, then a blank or the end of the line, in range.
      const hi = c0 < 128 ? HEX_VALUE[c0] : -1;
      const lo = c1 < 128 ? HEX_VALUE[c1] : -1;
      if ((hi | lo) >= 0 && (z + 2 >= n || s.charCodeAt(z + 2) === 32) && offset + count < CONFIG_SPACE_MAX) {
        b.set(offset + count, hi * 16 + lo);
        this.sawData = true;
        count++;
        z += 3;
        continue;
      }
      // Otherwise the checks below say what is wrong, in pciutils' order.
      if (!isHex(c0)) {
        if (count > 0 && ASCII_COLUMN.test(s.slice(z - 1))) return;
        if (/^\s+$/.test(s.slice(z))) return; // trailing blanks
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, z + 1, `expected a byte (two hex digits), found ${showChar(s, z)}`);
      }
      if (!isHex(s.charCodeAt(z + 1))) {
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, z + 2, `expected a second hex digit, found ${showChar(s, z + 1)}`);
      }
      if (z + 2 < n && s.charCodeAt(z + 2) !== 32) {
        fail('DUMP_MALFORMED_LINE', this.file, lineNo, z + 3, `expected a space or the end of the line after a byte, found ${showChar(s, z + 2)}`);
      }
      const at = offset + count;
      if (at >= CONFIG_SPACE_MAX) {
        fail('DUMP_OFFSET_RANGE', this.file, lineNo, z + 1, `byte at offset 0x${at.toString(16)} is beyond the 4096 bytes of configuration space`);
      }
      b.set(at, hexVal(c0) * 16 + hexVal(s.charCodeAt(z + 1)));
      this.sawData = true;
      count++;
      z += 3;
    }
  }
}
