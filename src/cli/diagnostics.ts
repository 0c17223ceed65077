// How diagnostics are printed: code, severity, offset, message (text and JSON).
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';

export function diagnosticJson(d: Diagnostic): { code: string; severity: string; offset: number | null; message: string } {
  return { code: d.code, severity: d.severity, offset: d.offset, message: d.message };
}

/** `warning CAP_LOOP at 0x44: message` */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.severity} ${d.code}${d.offset === null ? '' : ` at ${hex(d.offset, 2)}`}: ${d.message}`;
}
