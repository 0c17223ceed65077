// The class of a function whose class code is not all known (a dump with holes): named as far
// as its known leading bytes go, base class first, since a subclass means nothing without it.
import { hexDigits } from '../bytes/hex.js';
import { unknownText } from '../layout/fields-text.js';
import { pciClassName } from './class-codes.js';

const known = (length: number, k: Uint8Array | null, i: number) => i < length && (k === null || k[i] === 1);

/**
 * `Mass storage controller [01], subclass <not given by the dump>`, `<not given by the dump>`
 * without the base class: for an image of `length` known bytes with holes where `k` is 0.
 */
export function partialClassText(bytes: Uint8Array, length: number, k: Uint8Array | null): string {
  if (!known(length, k, 0x0b)) return unknownText(0x0b, length);
  const base = bytes[0x0b];
  const sub = known(length, k, 0x0a) ? bytes[0x0a] : null;
  const n = pciClassName((base << 16) | ((sub ?? 0) << 8));
  const named = (s: string | null, num: string) => (s === null ? `[${num}]` : `${s} [${num}]`);
  if (sub === null) return `${named(n.baseClass, hexDigits(base, 2))}, subclass ${unknownText(0x0a, length)}`;
  const names = n.baseClass === null ? null : n.subclass === null ? n.baseClass : `${n.baseClass} / ${n.subclass}`;
  return `${named(names, hexDigits(base, 2) + hexDigits(sub, 2))}, prog-if ${unknownText(0x09, length)}`;
}
