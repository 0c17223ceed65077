// Small text-formatting helpers shared by the commands' text output.
import { hexDigits } from '../bytes/hex.js';

/** `16K`, `4M`, `1G`: lspci's size style for powers of two; bytes otherwise. */
export function humanSize(n: bigint | number): string {
  const v = BigInt(n);
  const units: Array<[bigint, string]> = [
    [1n << 60n, 'E'],
    [1n << 50n, 'P'],
    [1n << 40n, 'T'],
    [1n << 30n, 'G'],
    [1n << 20n, 'M'],
    [1n << 10n, 'K'],
  ];
  for (const [u, s] of units) if (v >= u && v % u === 0n) return `${v / u}${s}`;
  return `${v}`;
}

export function hex0x(v: bigint | number, digits = 0): string {
  return '0x' + hexDigits(v, digits);
}

/** A left-aligned two-column table (labels padded to the widest). */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = ''): string[] {
  const w = rows.reduce((m, [a]) => Math.max(m, a.length), 0);
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}  ${b}`.trimEnd());
}
