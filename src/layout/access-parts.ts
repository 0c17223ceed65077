// A value written to (or read from) a few bytes of a structure, read field by field through the
// table: what a trace of register accesses shows next to each access. Named bits print as the
// table names them, so `device_status = ACKNOWLEDGE|DRIVER` needs no rule of its own.
import { displayedAddress, displayedCount } from './display.js';
import type { FieldInfo } from './struct.js';

/** The bytes of an access that fall in one field. */
export interface AccessPart {
  readonly field: string;
  /** First and last byte of the field the access covers. */
  readonly firstByte: number;
  readonly lastByte: number;
  /** Whether the access covers the whole field. */
  readonly whole: boolean;
  /** Those bytes' value (little-endian, from the field's first covered byte). */
  readonly value: bigint;
  /** `queue_select = 2`, `device_status = ACKNOWLEDGE|DRIVER`, `queue_desc[0..3] = 0x1000`. */
  readonly text: string;
}

/** A register value as the trace explanations print it: decimal below 10, else hex. */
export const valueText = (v: bigint): string => (v < 10n ? v.toString() : '0x' + v.toString(16));
const num = valueText;

/**
 * A field value read through its table: named bits (`ACKNOWLEDGE|DRIVER`), ranges by what they
 * mean (address bits as the address, an N-1 count as the count, value names), else the number.
 */
export function fieldValueText(f: FieldInfo, value: bigint): string {
  if (!f.bits?.length) return num(value);
  const parts: string[] = [];
  for (const b of f.bits) {
    const x = Number((value >> BigInt(b.lo)) & ((1n << BigInt(b.width)) - 1n));
    if (x === 0) continue;
    const d = b.display;
    const shown =
      d?.names?.[x] ??
      (d?.shift !== undefined || d?.limit ? '0x' + displayedAddress(d, x).toString(16) : d?.minusOne ? `${x} (${displayedCount(d, x)} ${d.minusOne})` : num(BigInt(x)));
    parts.push(b.width === 1 ? b.name : `${d?.label ?? b.name}=${shown}`);
  }
  return parts.length ? parts.join('|') : '0';
}

/**
 * The fields an access of `size` bytes at `start` covers, with their values, `fieldAt` naming
 * the field of each byte (a table's `fieldAt`, or `labelAt` over a config space's regions).
 * Bytes no field claims are left out.
 */
export function accessParts(
  fieldAt: (at: number) => { readonly field: FieldInfo; readonly byteInField: number } | undefined,
  start: number,
  size: number,
  value: bigint,
): AccessPart[] {
  const out: AccessPart[] = [];
  let i = 0;
  while (i < size) {
    const l = fieldAt(start + i);
    if (!l) {
      i++;
      continue;
    }
    const f = l.field;
    const first = l.byteInField;
    const n = Math.min(size - i, f.size - first);
    const v = (value >> BigInt(8 * i)) & ((1n << BigInt(8 * n)) - 1n);
    const whole = first === 0 && n === f.size;
    const text = whole ? `${f.name} = ${fieldValueText(f, v)}` : `${f.name}[${first}${n > 1 ? `..${first + n - 1}` : ''}] = ${num(v)}`;
    out.push({ field: f.name, firstByte: first, lastByte: first + n - 1, whole, value: v, text });
    i += n;
  }
  return out;
}
