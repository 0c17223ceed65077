// What every text-format parser implements: fed one line at a time (without its line
// ending), it emits each function as soon as it is complete, holding only the current one.
import type { DumpDiagnosticCode } from './diagnostics.js';
import { DumpParseError, type DumpFunction } from './types.js';

export type Emit = (fn: DumpFunction) => void;

export interface LineParser {
  line(text: string, lineNo: number, emit: Emit): void;
  /** End of input; `lineNo` is the number of the last line. */
  end(lineNo: number, emit: Emit): void;
  /** Whether any data line gave bytes so far. */
  readonly sawData: boolean;
}

export function fail(code: DumpDiagnosticCode, file: string | undefined, line: number, column: number, reason: string): never {
  throw new DumpParseError(code, file ?? '<input>', line, column, reason);
}
