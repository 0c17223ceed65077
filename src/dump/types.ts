// The common result of every dump reader, and the one error type they throw.
import type { Diagnostic } from '../bytes/diagnostic.js';
import type { PciAddress } from '../pci/bus.js';
import type { DumpDiagnosticCode } from './diagnostics.js';

/** The formats a dump can be read from. */
export type DumpFormat = 'lspci' | 'hexdump' | 'xxd' | 'binary';

export interface DumpSource {
  /** The file name given to the reader, if any. */
  readonly file?: string;
  /** 1-based line of the function's header (or first data line); 0 for binary input. */
  readonly line: number;
}

/** One function's configuration space as a dump gave it. */
export interface DumpFunction {
  /** From the header line (`0000:00:04.0`); null when the dump names no slot (raw image, hexdump). */
  readonly slot: PciAddress | null;
  /** The text after the slot on the header line (lspci's device name), '' when none. */
  readonly description: string;
  /** 256 bytes, or 4096 when any byte at 0x100 or beyond was given. Unknown bytes are 0xff. */
  readonly bytes: Uint8Array;
  /** Highest given offset + 1 (as lspci counts); 0 when nothing was given. */
  readonly length: number;
  /** Same size as `bytes`: 1 where a line gave the byte, 0 where it is unknown. */
  readonly known: Uint8Array;
  readonly source: DumpSource;
  readonly format: DumpFormat;
  /** Warnings and infos about what the dump lacks or what was assumed (never errors). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Malformed input. `message` is `FILE:LINE:COL: reason`. */
export class DumpParseError extends Error {
  override readonly name = 'DumpParseError';
  constructor(
    readonly code: DumpDiagnosticCode,
    /** The file name given to the reader, or `<input>`. */
    readonly file: string,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column of the offending character (for binary input: 1-based byte position). */
    readonly column: number,
    /** The reason alone, without the location. */
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** Ranges of known bytes, in order. */
export function knownRanges(fn: Pick<DumpFunction, 'known' | 'length'>): Array<{ offset: number; length: number }> {
  const out: Array<{ offset: number; length: number }> = [];
  let start = -1;
  for (let i = 0; i <= fn.length; i++) {
    const k = i < fn.length && fn.known[i] === 1;
    if (k && start < 0) start = i;
    else if (!k && start >= 0) {
      out.push({ offset: start, length: i - start });
      start = -1;
    }
  }
  return out;
}

/** True when every byte below `length` is known. */
export function isFullyKnown(fn: Pick<DumpFunction, 'known' | 'length'>): boolean {
  for (let i = 0; i < fn.length; i++) if (fn.known[i] !== 1) return false;
  return true;
}
