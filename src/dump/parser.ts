// What every text-format parser implements: fed one line at a time (without its line
// ending), it emits each function as soon as it is complete, holding only the current one.
import type { DumpDiagnosticCode } from './diagnostics.js';
import { DumpParseError, type DumpFunction } from './types.js';

export type Emit = (fn: DumpFunction) => void;

/** Where a byte fast path is: the next line starts at `pos` and `line` lines were read before it. */
export interface LineCursor {
  pos: number;
  line: number;
}

export interface LineParser {
  line(text: string, lineNo: number, emit: Emit): void;
  /**
   * Optional fast path for the common lines: take whole lines straight from `buf`, starting at
   * `cursor.pos` (the start of line `cursor.line + 1`), each ended by '\n' (a CR just before it
   * is not part of the line); advance the cursor past each line taken. Stop at the first line
   * that is not plainly well-formed (headers, non-ASCII, anything an error could come from) or
   * that has no '\n' in `buf`: the reader gives it to `line` as a string. Whatever was done to
   * the line stopped at must be what `line` does to it again (setting the same bytes).
   */
  bytesLines?(buf: Uint8Array, cursor: LineCursor, emit: Emit): void;
  /** End of input; `lineNo` is the number of the last line. */
  end(lineNo: number, emit: Emit): void;
  /** Whether any data line gave bytes so far. */
  readonly sawData: boolean;
}

export function fail(code: DumpDiagnosticCode, file: string | undefined, line: number, column: number, reason: string): never {
  throw new DumpParseError(code, file ?? '<input>', line, column, reason);
}
