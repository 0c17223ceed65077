// Compact, readable printing of generated values for fast-check's counterexample reports:
// a one-line summary (BARs, capability list, facts that matter) and the bytes as hex rows,
// with repeated rows folded as hexdump does, instead of one long line of every field.
import fc from 'fast-check';
import { hex } from '../bytes/hex.js';
import type { ArbBar } from './place.js';

/**
 * Give `value` a toString for fast-check's reports (fc.toStringMethod), not enumerable, so
 * equality checks and spreads of the value are unchanged. Returns the value.
 */
export function printable<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false, configurable: true });
  return value;
}

/**
 * Bytes as hexdump-style rows of 16, each with its offset (from `base`); a run of rows equal to
 * the one before is shown once as `*`, and the last line is the length. With `known`, a byte
 * whose entry is 0 shows as `??`.
 */
export function hexRows(bytes: Uint8Array, indent = '  ', base = 0n, known?: Uint8Array): string {
  const off = (at: number) => (base + BigInt(at)).toString(16).padStart(3, '0');
  const out: string[] = [];
  let prev: string | null = null;
  let folded = false;
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b, i) => (known && !known[at + i] ? '??' : b.toString(16).padStart(2, '0'))).join(' ');
    if (row === prev) {
      if (!folded) out.push(`${indent}*`);
      folded = true;
      continue;
    }
    out.push(`${indent}${off(at)}: ${row}`);
    prev = row;
    folded = false;
  }
  out.push(`${indent}${off(bytes.length)}`);
  return out.join('\n');
}

/** `BAR0 mem32 0xfe000000 size 0x1000 pref`, comma-separated; `none` for no BAR. */
export function showBars(bars: readonly ArbBar[]): string {
  if (bars.length === 0) return 'none';
  return bars.map((b) => `BAR${b.index} ${b.kind} ${hex(b.address)} size ${hex(b.size)}${b.prefetchable ? ' pref' : ''}`).join(', ');
}

/** `0x40 MSI-X (12 B) → 0x50 PCI Express (60 B)`, in list order; `none` for an empty list. */
export function showCapList(caps: ReadonlyArray<{ readonly id: number; readonly pos: number; readonly length?: number }>, name: (id: number) => string): string {
  if (caps.length === 0) return 'none';
  return caps.map((c) => `${hex(c.pos)} ${name(c.id)}${c.length !== undefined ? ` (${c.length} B)` : ''}`).join(' → ');
}

export { hex as showHex };

/** A fact value: numbers from 10 up and bigints in hex (offsets, IDs, registers), arrays and records on one line. */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 10 ? hex(v) : String(v);
  if (typeof v === 'bigint') return hex(v);
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (v !== null && typeof v === 'object') return `{ ${defined(v).map(([k, x]) => `${k}: ${showValue(x)}`).join(', ')} }`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** `label`, one line per fact (`key: value`), then the bytes as hex rows. */
export function showFactsAndBytes(label: string, facts: object, bytes: Uint8Array): string {
  const lines = Object.entries(facts).map(([k, v]) => `  ${k}: ${showValue(v)}`);
  return [label, ...lines, '  bytes:', hexRows(bytes, '    ')].join('\n');
}

/** The fields of a record that are not undefined (an optional field left out prints as absent). */
const defined = (v: object) => Object.entries(v).filter(([, x]) => x !== undefined);

/** `label`, then one line per field (bytes as hex rows below their name). */
export function showFields(label: string, v: object): string {
  const lines = defined(v).map(([k, x]) => (x instanceof Uint8Array ? `  ${k}:\n${hexRows(x, '    ')}` : `  ${k}: ${showValue(x)}`));
  return [label, ...lines].join('\n');
}

/** For `.map`: give each value of an arbitrary the showFields toString. */
export const withFields =
  <T extends object>(label: string | ((v: T) => string)) =>
  (v: T): T =>
    printable(v, (x) => showFields(typeof label === 'string' ? label : label(x), x));
