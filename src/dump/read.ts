// Reading a dump: format detection, then line-by-line parsing that emits each function as
// soon as it is complete. Memory holds one function at a time, whatever the dump's size.
import { concatBytes } from '../bytes/window.js';
import { CONFIG_SPACE_MAX } from './builder.js';
import { looksBinary, readBinaryDump } from './binary.js';
import { classifyLine } from './detect.js';
import { HexdumpParser } from './hexdump.js';
import { LspciParser } from './lspci.js';
import { fail, type LineCursor, type LineParser } from './parser.js';
import { DumpParseError, type DumpFormat, type DumpFunction } from './types.js';
import { XxdParser } from './xxd.js';

export interface ReadDumpOptions {
  /** Default 'auto': binary when the bytes hold control characters, else the text format the first telling line shows. */
  readonly format?: 'auto' | DumpFormat;
  /** Used in error messages (`FILE:LINE:COL: …`) and in each function's `source`. */
  readonly file?: string;
  /** A line that starts like a data line but is not one is an error (DUMP_LINE_IGNORED) instead of a warning. */
  readonly strict?: boolean;
}

export interface DumpReadResult {
  readonly format: DumpFormat;
  readonly functions: DumpFunction[];
}

function makeParser(format: Exclude<DumpFormat, 'binary'>, file: string | undefined, strict: boolean): LineParser {
  switch (format) {
    case 'lspci':
      return new LspciParser(file, strict);
    case 'hexdump':
      return new HexdumpParser(file, strict);
    case 'xxd':
      return new XxdParser(file, strict);
  }
}

/**
 * Incremental reader. `feed` a chunk (text or bytes, split anywhere), take the functions it
 * completes one at a time with `next` until it returns undefined, feed the next chunk, and
 * call `finish` after the last (then `next` gives the rest). Only the functions of a few KiB
 * of input wait in the reader, so memory does not grow with what one chunk holds. `push` and
 * `end` do the same and return the functions as an array. Errors are thrown as DumpParseError,
 * after the functions completed before the bad line were taken.
 *
 * A fed byte chunk is read in place: keep it unchanged until `next` returned undefined.
 */
export class DumpReader {
  private readonly file?: string;
  private readonly strict: boolean;
  private readonly wanted: 'auto' | DumpFormat;
  private mode: 'undecided' | 'text' | 'binary' | 'done' = 'undecided';
  /** `finish` was called: once the pending chunk is read, the end of the input is. */
  private ending = false;
  /** Text of an unfinished line from string pushes. */
  private partial = '';
  /** Bytes of an unfinished line from byte pushes (pieces, joined when its newline comes). */
  private carry: Uint8Array[] = [];
  private carryLength = 0;
  /** True until the first byte of a byte push was placed in a line: a UTF-8 BOM there is dropped, as TextDecoder does. */
  private bomPending = true;
  private readonly cursor: LineCursor = { pos: 0, line: 0 };
  private lineNo = 0;
  private parser: LineParser | null = null;
  private chosen: DumpFormat | null = null;
  /** Lines seen before any line told the format (replayed into the parser once it is known). */
  private undecided: string[] = [];
  private undecidedChars = 0;
  private firstTextLine = 0;
  private binaryChunks: Uint8Array[] = [];
  private binaryLength = 0;
  /** The fed chunk not read yet: its lines from `pendingPos` on. */
  private pendingBytes: Uint8Array | null = null;
  private pendingText: string | null = null;
  private pendingPos = 0;
  /** Functions completed and not taken yet: out[head..]. */
  private out: Array<DumpFunction | undefined> = [];
  private head = 0;
  /** A parse error held back until the functions completed before it were taken. */
  private failed: DumpParseError | null = null;
  private emitted = 0;
  private firstHeaderLine = 0;
  private readonly emit = (fn: DumpFunction) => {
    this.emitted++;
    if (!this.firstHeaderLine) this.firstHeaderLine = fn.source.line;
    this.out.push(fn);
  };

  constructor(options: ReadDumpOptions = {}) {
    this.file = options.file;
    this.strict = options.strict ?? false;
    this.wanted = options.format ?? 'auto';
    if (this.wanted !== 'auto' && this.wanted !== 'binary') this.choose(this.wanted);
  }

  /** The format in use (null until a telling line or byte was seen). */
  get format(): DumpFormat | null {
    return this.chosen;
  }

  /** Hand over the next chunk; the previous one must have been read (`next` returned undefined). */
  feed(chunk: string | Uint8Array): void {
    if (this.mode === 'done' || this.ending) throw new Error('DumpReader: push after end');
    if (this.failed) throw this.failed;
    if (this.pendingBytes !== null || this.pendingText !== null) throw new Error('DumpReader: feed before the last chunk was read');
    this.guard(() => this.pushChunk(chunk));
  }

  /** The end of the input: `next` then gives the last functions (or throws what is wrong with the end). */
  finish(): void {
    if (this.failed) throw this.failed;
    if (this.mode !== 'done') this.ending = true;
  }

  /** The next complete function, or undefined when the reader needs the next chunk (or the input is done). */
  next(): DumpFunction | undefined {
    for (;;) {
      if (this.head < this.out.length) {
        const fn = this.out[this.head]!;
        this.out[this.head++] = undefined;
        if (this.head === this.out.length) {
          this.out.length = 0;
          this.head = 0;
        }
        return fn;
      }
      if (this.failed) throw this.failed;
      if (this.pendingBytes !== null) this.guard(() => this.readBytes());
      else if (this.pendingText !== null) this.guard(() => this.readText());
      else if (this.ending) {
        this.ending = false;
        // What the end finds wrong is about the whole input: the last function is not given.
        this.guard(() => this.endInput(), false);
      } else return undefined;
    }
  }

  /** `feed` and every function the chunk completes. */
  push(chunk: string | Uint8Array): DumpFunction[] {
    this.feed(chunk);
    return this.drain();
  }

  /** `finish` and the last functions. */
  end(): DumpFunction[] {
    this.finish();
    return this.drain();
  }

  private drain(): DumpFunction[] {
    const fns: DumpFunction[] = [];
    try {
      for (let fn; (fn = this.next()) !== undefined; ) fns.push(fn);
    } catch (e) {
      // The functions before the bad line come first; the next call throws the error again.
      if (!(e instanceof DumpParseError) || fns.length === 0) throw e;
    }
    return fns;
  }

  /**
   * Run a step; a parse error stops reading, and is thrown once the functions completed before
   * the bad line were taken (or at once, dropping them, without `keep`).
   */
  private guard(step: () => void, keep = true): void {
    try {
      step();
    } catch (e) {
      this.pendingBytes = null;
      this.pendingText = null;
      if (!(e instanceof DumpParseError)) throw e;
      this.failed = e;
      if (!keep) {
        this.out.length = 0;
        this.head = 0;
      }
      if (this.head === this.out.length) throw e;
    }
  }

  private pushChunk(chunk: string | Uint8Array): void {
    if (typeof chunk === 'string') {
      if (this.wanted === 'binary') fail('DUMP_BINARY_TEXT', this.file, 1, 1, 'binary format asked for, but the input is text');
      if (this.mode === 'undecided') this.mode = 'text';
      if (this.mode === 'binary') throw new Error('DumpReader: text pushed into a binary read');
      // Bytes of an unfinished line come first (an incomplete UTF-8 character there reads as U+FFFD).
      if (this.carryLength > 0) this.partial += this.carryText();
      if (chunk.length > 0) {
        this.pendingText = chunk;
        this.pendingPos = 0;
      }
    } else if (chunk.length > 0) {
      if (this.mode === 'undecided') {
        const binary = this.wanted === 'binary' || (this.wanted === 'auto' && looksBinary(chunk));
        if (!binary && this.wanted !== 'auto' && looksBinary(chunk)) {
          fail('DUMP_BINARY_TEXT', this.file, 1, 1, `${this.wanted} text asked for, but the input holds control bytes (a binary image?)`);
        }
        this.mode = binary ? 'binary' : 'text';
        if (binary) this.chosen = 'binary';
      }
      if (this.mode === 'binary') {
        this.binaryLength += chunk.length;
        if (this.binaryLength > CONFIG_SPACE_MAX) {
          fail('DUMP_BINARY_TOO_LONG', this.file, 1, CONFIG_SPACE_MAX + 1, `binary image longer than the 4096 bytes of configuration space`);
        }
        this.binaryChunks.push(new Uint8Array(chunk)); // a copy (a Node Buffer's slice would be a view)
      } else {
        this.bytes(chunk);
      }
    }
  }

  /** The end of the input: a last line without a newline, the parser's last function, what the whole input lacked. */
  private endInput(): void {
    if (this.mode === 'binary') {
      const all = concatBytes(this.binaryChunks, this.binaryLength);
      this.binaryChunks = [];
      this.emit(readBinaryDump(all, this.file));
    } else {
      if (this.carryLength > 0) {
        // A last line without a newline (nothing when it was only a BOM).
        const buf = this.joinCarry();
        const start = this.skipBom(buf, 0, buf.length);
        if (this.partial.length > 0 || start < buf.length) this.byteLine(buf, start, buf.length);
      } else if (this.partial.length > 0) this.line(this.partial); // a last line without a newline
      this.partial = '';
      if (!this.parser) {
        if (this.mode === 'undecided' || this.firstTextLine === 0) fail('DUMP_EMPTY', this.file, 1, 1, 'the input is empty');
        fail('DUMP_UNKNOWN_FORMAT', this.file, this.firstTextLine, 1, 'not recognised as lspci -x text, hexdump -C, hexdump, xxd or a binary image');
      }
      this.parser.end(this.lineNo, this.emit);
      if (!this.parser.sawData) {
        if (this.chosen === 'lspci' && this.emitted > 0) {
          fail('DUMP_NOT_A_DUMP', this.file, this.firstHeaderLine, 1, 'lspci text without hex data lines (produce it with lspci -xxx or -xxxx)');
        }
        fail('DUMP_EMPTY', this.file, Math.max(1, this.lineNo), 1, `no data lines found in the ${this.chosen} text`);
      }
    }
    this.mode = 'done';
  }

  private choose(format: Exclude<DumpFormat, 'binary'>): void {
    this.chosen = format;
    this.parser = makeParser(format, this.file, this.strict);
  }

  /** The lines of the pending text, up to the first that completes a function. */
  private readText(): void {
    const s = this.pendingText!;
    let start = this.pendingPos;
    while (this.head === this.out.length) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) {
        this.checkLineLength(this.partial.length + s.length - start);
        this.partial += s.slice(start);
        this.pendingText = null;
        return;
      }
      const piece = this.partial ? this.partial + s.slice(start, nl) : s.slice(start, nl);
      this.partial = '';
      start = nl + 1;
      this.line(piece);
    }
    this.pendingPos = start;
  }

  /**
   * Split bytes into lines on the bytes themselves ('\n' never occurs inside a UTF-8
   * character, so each line decodes alone exactly as the whole stream would). The line that
   * ends a carried one is read here; the rest is read by `next`.
   */
  private bytes(chunk: Uint8Array): void {
    let start = 0;
    if (this.carryLength > 0 || this.partial.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry.push(new Uint8Array(chunk)); // a copy (a Node Buffer's slice would be a view)
        this.carryLength += chunk.length;
        this.checkLineLength(this.carryLength + this.partial.length);
        return;
      }
      this.carry.push(chunk.subarray(0, nl + 1));
      this.carryLength += nl + 1;
      this.lines(this.joinCarry(), 0, false); // exactly one line, with its '\n'
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes = chunk;
      this.pendingPos = start;
    }
  }

  /** The lines of the pending bytes, a window at a time, until functions are complete. */
  private readBytes(): void {
    const buf = this.pendingBytes!;
    const start = this.lines(buf, this.pendingPos, true);
    if (start < 0) {
      this.pendingBytes = null;
      return;
    }
    this.pendingPos = start;
  }

  /**
   * Read the lines of `buf` from `start`; with `stop`, only until a function is complete.
   * Returns where to go on, or -1 when every line ending with '\n' was read (the unfinished
   * rest is carried to the next chunk).
   */
  private lines(buf: Uint8Array, start: number, stop: boolean): number {
    const cursor = this.cursor;
    for (;;) {
      if (stop && this.head < this.out.length) return start;
      const p = this.parser;
      if (p !== null && p.bytesLines !== undefined && !this.bomPending && this.partial.length === 0) {
        // The fast path reads as far as it is given: a window of whole lines, so that the
        // functions of a large chunk are not all made before the first is taken.
        const end = windowEnd(buf, start);
        cursor.pos = start;
        cursor.line = this.lineNo;
        p.bytesLines(end === buf.length ? buf : buf.subarray(0, end), cursor, this.emit);
        start = cursor.pos;
        this.lineNo = cursor.line;
        if (start === end && end < buf.length) continue;
      }
      const nl = buf.indexOf(10, start);
      if (nl < 0) {
        if (start < buf.length) {
          this.checkLineLength(buf.length - start);
          this.carry.push(new Uint8Array(buf.subarray(start)));
          this.carryLength += buf.length - start;
        }
        return -1;
      }
      this.byteLine(buf, start, nl);
      start = nl + 1;
    }
  }

  /** The carried pieces as one array. */
  private joinCarry(): Uint8Array {
    const buf = this.carry.length === 1 ? this.carry[0] : concatBytes(this.carry, this.carryLength);
    this.carry = [];
    this.carryLength = 0;
    return buf;
  }

  /** The carried bytes decoded (a string push follows them). */
  private carryText(): string {
    const buf = this.joinCarry();
    return lineText(buf, this.skipBom(buf, 0, buf.length), buf.length);
  }

  /** Where text starts in the first bytes of a byte push: after a UTF-8 BOM, which TextDecoder drops. */
  private skipBom(buf: Uint8Array, start: number, end: number): number {
    if (!this.bomPending) return start;
    this.bomPending = false;
    return end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? start + 3 : start;
  }

  /** One line from bytes (without its '\n'), decoded for the string path. */
  private byteLine(buf: Uint8Array, start: number, end: number): void {
    start = this.skipBom(buf, start, end);
    this.line(this.partial.length > 0 ? this.partial + lineText(buf, start, end) : lineText(buf, start, end));
    this.partial = '';
  }

  /** An unfinished line may not grow past MAX_LINE: it is held whole until its end comes. */
  private checkLineLength(length: number): void {
    if (length > MAX_LINE) fail('DUMP_LINE_TOO_LONG', this.file, this.lineNo + 1, MAX_LINE + 1, `line longer than ${MAX_LINE >> 20} MiB; no dump format has lines that long`);
  }

  private line(raw: string): void {
    if (raw.length > MAX_LINE) this.checkLineLength(raw.length);
    this.lineNo++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.parser) {
      this.parser.line(text, this.lineNo, this.emit);
      return;
    }
    if (!this.firstTextLine && text.trim() !== '') this.firstTextLine = this.lineNo;
    const verdict = classifyLine(text);
    if (verdict === 'qemu-info-pci') {
      fail('DUMP_NOT_A_DUMP', this.file, this.lineNo, 1, 'this is QEMU `info pci` text, which holds BAR ranges but no configuration bytes (read it with parseQemuInfoPci)');
    }
    this.undecided.push(text);
    this.undecidedChars += text.length;
    if (verdict === null) {
      // Kept lines are bounded, so that text which never tells its format cannot fill memory.
      if (this.undecided.length > UNDECIDED_LINES || this.undecidedChars > UNDECIDED_CHARS) {
        fail('DUMP_UNKNOWN_FORMAT', this.file, this.firstTextLine || 1, 1, `no line among the first ${this.undecided.length} tells the format: not recognised as lspci -x text, hexdump -C, hexdump, xxd or a binary image`);
      }
      return;
    }
    this.choose(verdict);
    const first = this.lineNo - this.undecided.length + 1;
    const lines = this.undecided;
    this.undecided = [];
    this.undecidedChars = 0;
    for (let i = 0; i < lines.length; i++) this.parser!.line(lines[i], first + i, this.emit);
  }
}

/** The longest line read (a data line of 4096 bytes with an ASCII column is about 16 KiB). */
const MAX_LINE = 8 << 20;

/** At most this many lines, or characters in them, may come before the first line that tells the format. */
const UNDECIDED_LINES = 65536;
const UNDECIDED_CHARS = 4 << 20;

/** Bytes the byte fast path is given at a time (then up to the end of the line there). */
const WINDOW = 1 << 14;

/** Where the window from `start` ends: just after the first '\n' from WINDOW bytes on, or the end of `buf`. */
function windowEnd(buf: Uint8Array, start: number): number {
  if (buf.length - start <= WINDOW) return buf.length;
  const nl = buf.indexOf(10, start + WINDOW - 1);
  return nl < 0 ? buf.length : nl + 1;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes of one line as text: ASCII directly, anything else through TextDecoder (invalid UTF-8 as U+FFFD). */
function lineText(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 256) {
    let i = start;
    while (i < end && buf[i] < 0x80) i++;
    if (i === end) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(buf.subarray(start, end));
}

/** Read a whole dump. */
export function readDump(input: string | Uint8Array, options: ReadDumpOptions = {}): DumpReadResult {
  const r = new DumpReader(options);
  const functions = r.push(input);
  functions.push(...r.end());
  return { format: r.format!, functions };
}

const SLICE = 1 << 16;

/**
 * Yield functions one by one from a text, bytes, or an iterable of chunks (lines or pieces of
 * any size), without holding more than the function being read.
 */
export function* iterateDump(input: string | Uint8Array | Iterable<string | Uint8Array>, options: ReadDumpOptions = {}): Generator<DumpFunction, DumpFormat> {
  const r = new DumpReader(options);
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i += SLICE) yield* fed(r, input.slice(i, i + SLICE));
    if (input.length === 0) yield* fed(r, '');
  } else if (input instanceof Uint8Array) {
    yield* fed(r, input);
  } else {
    for (const chunk of input) yield* fed(r, chunk);
  }
  r.finish();
  yield* taken(r);
  return r.format!;
}

/** The same from an async source (a Node stream, a fetch body reader, …). */
export async function* iterateDumpAsync(input: AsyncIterable<string | Uint8Array>, options: ReadDumpOptions = {}): AsyncGenerator<DumpFunction, DumpFormat> {
  const r = new DumpReader(options);
  for await (const chunk of input) yield* fed(r, chunk);
  r.finish();
  yield* taken(r);
  return r.format!;
}

function* fed(r: DumpReader, chunk: string | Uint8Array): Generator<DumpFunction> {
  r.feed(chunk);
  yield* taken(r);
}

function* taken(r: DumpReader): Generator<DumpFunction> {
  for (let fn; (fn = r.next()) !== undefined; ) yield fn;
}
