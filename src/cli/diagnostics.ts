// How diagnostics are printed: code, severity, offset, message (text and JSON).
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { shown } from './shown.js';

export function diagnosticJson(d: Diagnostic): { code: string; severity: string; offset: number | null; message: string } {
  return { code: d.code, severity: d.severity, offset: d.offset, message: d.message };
}

/** Diagnostic messages are the decoder's own sentences: escaped, cut only past any real one. */
const DIAGNOSTIC_MAX = 1000;

/** `warning CAP_LOOP at 0x44: message` (a message may quote a file name: its control characters are escaped) */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.severity} ${d.code}${d.offset === null ? '' : ` at ${hex(d.offset, 2)}`}: ${shown(d.message, DIAGNOSTIC_MAX)}`;
}
