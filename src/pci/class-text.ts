// The class of a function whose class code is not all known (a dump with holes): named as far
// as its known leading bytes go, base class first, since a subclass means nothing without it.
import { hexDigits } from '../bytes/hex.js';
import { bytesKnown, unknownText } from '../layout/fields-text.js';
import { pciClassName } from './class-codes.js';
import { pciCommonHeader } from './header.js';

/**
 * `Mass storage controller [01], subclass <not given by the dump>`, `<not given by the dump>`
 * without the base class: for an image of `length` known bytes with holes where `k` is 0.
 */
export function partialClassText(bytes: Uint8Array, length: number, k: Uint8Array | null): string {
  const at = (name: 'base_class' | 'subclass' | 'prog_if') => pciCommonHeader.field(name).offset;
  if (!bytesKnown(length, k, at('base_class'), 1)) return unknownText(at('base_class'), length);
  const base = bytes[at('base_class')];
  const sub = bytesKnown(length, k, at('subclass'), 1) ? bytes[at('subclass')] : null;
  const n = pciClassName((base << 16) | ((sub ?? 0) << 8));
  const named = (s: string | null, num: string) => (s === null ? `[${num}]` : `${s} [${num}]`);
  if (sub === null) return `${named(n.baseClass, hexDigits(base, 2))}, subclass ${unknownText(at('subclass'), length)}`;
  const names = n.baseClass === null ? null : n.subclass === null ? n.baseClass : `${n.baseClass} / ${n.subclass}`;
  return `${named(names, hexDigits(base, 2) + hexDigits(sub, 2))}, prog-if ${unknownText(at('prog_if'), length)}`;
}
