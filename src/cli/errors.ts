// The ways a command can fail, each with its exit code (docs/cli.md lists them).
import { systemMessage } from './system-message.js';

/** Exit 1: the command line itself is wrong (unknown option, missing argument, bad number). */
export class CliUsageError extends Error {
  readonly exitCode = 1;
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * Exit 2: an input cannot be read or parsed. `where` is `FILE:LINE:COL` for malformed text,
 * or just the file name when the file cannot be opened.
 */
export class CliInputError extends Error {
  readonly exitCode = 2;
  constructor(readonly where: string | null, message: string) {
    super(message);
    this.name = 'CliInputError';
  }

  /** The one line printed on stderr. */
  line(): string {
    return this.where === null ? this.message : `${whereText(this.where)}: ${this.message}`;
  }
}

/** A file name at the start of an error line: an empty one given on the command line as '' (not a line that starts with ': '). */
export function whereText(where: string): string {
  return where === '' ? "''" : where;
}

/**
 * Exit 4: an output cannot be written (a full disk, an I/O error, a closed descriptor, an
 * `-o` file that cannot be created). `where` is the file for `-o`, null for standard output.
 * A reader that went away (EPIPE, `pcicfg decode | head`) is not an error: exit 0.
 */
export class CliOutputError extends Error {
  readonly exitCode = 4;
  constructor(readonly where: string | null, message: string) {
    super(message);
    this.name = 'CliOutputError';
  }
}

/** A failed write as the CLI reports it. */
export function outputError(e: unknown, where: string | null = null): CliOutputError {
  return new CliOutputError(where, `cannot write${where === null ? ' the output' : ''}: ${systemMessage(e)}`);
}

/** Exit codes of `pcicfg`, in one place. */
export const EXIT = { ok: 0, usage: 1, input: 2, internal: 3, output: 4 } as const;
