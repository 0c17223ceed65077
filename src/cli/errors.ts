// The three ways a command can fail, each with its exit code (docs/cli.md lists them).

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
    return this.where ? `${this.where}: ${this.message}` : this.message;
  }
}

/** Exit codes of `pcicfg`, in one place. */
export const EXIT = { ok: 0, usage: 1, input: 2, internal: 3 } as const;
