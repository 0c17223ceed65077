// The `*` marker of hexdump and `xxd -a`: the previous line repeats until the next offset.
import type { FunctionBuilder } from './builder.js';
import type { Emit, LineCursor } from './parser.js';

export class RepeatTracker {
  private last: { offset: number; bytes: number[] } | null = null;
  private pendingLine = 0;

  hasLine(): boolean {
    return this.last !== null;
  }

  mark(lineNo: number): void {
    this.pendingLine = lineNo;
  }

  /** The line a pending `*` repeats (its offset and length), or null when none is pending. */
  pending(): { offset: number; period: number } | null {
    return this.pendingLine && this.last ? { offset: this.last.offset, period: this.last.bytes.length } : null;
  }

  remember(offset: number, bytes: number[]): void {
    this.last = { offset, bytes };
  }

  /** Fill the repeated lines up to `upTo` (exclusive), if a `*` is pending. */
  resolve(b: FunctionBuilder, upTo: number): void {
    if (!this.pendingLine || !this.last) return;
    const { offset, bytes } = this.last;
    const period = bytes.length;
    if (period > 0) for (let p = offset + period; p < upTo; p++) b.set(p, bytes[(p - offset) % period]);
    this.pendingLine = 0;
  }

  unresolved(b: FunctionBuilder, _lineNo: number): void {
    if (!this.pendingLine) return;
    b.warn('DUMP_REPEAT_UNRESOLVED', b.length, `'*' on line ${this.pendingLine} is not followed by an offset; the repeated bytes are unknown`);
    this.pendingLine = 0;
  }

  reset(): void {
    this.last = null;
    this.pendingLine = 0;
  }
}

/** What hexdump and xxd parsers share: the function being built, its `*` tracker, and closing it. */
export abstract class RepeatingDumpParser {
  protected cur: FunctionBuilder | null = null;
  protected readonly repeat = new RepeatTracker();
  sawData = false;

  /** A line's bytes at `offset`: a pending `*` is filled up to it first, then remembered for the next. */
  protected store(b: FunctionBuilder, offset: number, bytes: number[]): void {
    this.repeat.resolve(b, offset);
    for (let i = 0; i < bytes.length; i++) b.set(offset + i, bytes[i]);
    this.repeat.remember(offset, bytes);
    this.sawData = true;
  }

  end(lineNo: number, emit: Emit): void {
    this.flush(emit, lineNo);
  }

  /**
   * Plain lines straight from the bytes (what each format calls plain is its `lineFromBytes`);
   * the first line that is not stops it, unchanged, for the string path. The cursor is
   * updated line by line (see LspciParser.bytesLines for why).
   */
  bytesLines(buf: Uint8Array, cursor: LineCursor, emit: Emit): void {
    for (;;) {
      const pos = cursor.pos;
      const nl = buf.indexOf(10, pos);
      if (nl < 0) return;
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > pos && !this.lineFromBytes(buf, pos, end, cursor.line + 1, emit)) return;
      cursor.line++;
      cursor.pos = nl + 1;
    }
  }

  /** One line from bytes, or false (nothing changed) when the string path must read it. */
  protected abstract lineFromBytes(buf: Uint8Array, start: number, end: number, lineNo: number, emit: Emit): boolean;

  protected flush(emit: Emit, lineNo: number): void {
    if (this.cur) {
      this.repeat.unresolved(this.cur, lineNo);
      emit(this.cur.finish());
    }
    this.cur = null;
    this.repeat.reset();
  }
}
