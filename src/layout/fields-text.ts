// Generic printing of placed structures: every field of a region read from the image, with
// its named bits. The same field tables that decode drive what is printed, so nothing is
// described twice.
import { hexDigits } from '../bytes/hex.js';
import { readU16, readU32, readU64 } from '../bytes/window.js';
import type { Region } from './annotate.js';
import { displayedAddress, displayedCount, type BitDisplay } from './display.js';
import type { BitSpec, FieldInfo } from './struct.js';

/** `00` … `ff`. */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));
/** `0x00` … `0xff`: the most significant byte of a register value. */
const BYTE_HEX0X: readonly string[] = BYTE_HEX.map((x) => '0x' + x);

/** How many bytes of a longer `bytes` field the text output shows. */
export const BYTES_SHOWN = 64;

/** Whether every byte of [from, from + size) is known (below `known`, and given by the dump when `mask` is set). */
export function bytesKnown(known: number, mask: Uint8Array | null | undefined, from: number, size: number): boolean {
  if (from + size > known) return false;
  if (mask) for (let i = from; i < from + size; i++) if (mask[i] !== 1) return false;
  return true;
}

/**
 * The field's value read from the image, as text (`0x0010`, or bytes `00 00`); null when not
 * known: past the known length, or (with `mask`) over bytes the dump did not give.
 */
export function fieldText(bytes: Uint8Array, known: number, at: number, f: FieldInfo, mask?: Uint8Array | null): string | null {
  const o = at + f.offset;
  if (!bytesKnown(known, mask, o, f.size)) return null;
  // Little-endian registers read most significant byte first, two digits a byte.
  switch (f.kind) {
    case 'u8':
      return BYTE_HEX0X[bytes[o]];
    case 'u16':
      return BYTE_HEX0X[bytes[o + 1]] + BYTE_HEX[bytes[o]];
    case 'u32':
      return BYTE_HEX0X[bytes[o + 3]] + BYTE_HEX[bytes[o + 2]] + BYTE_HEX[bytes[o + 1]] + BYTE_HEX[bytes[o]];
    case 'u64':
      return '0x' + hexDigits(readU64(bytes, o), 16);
    case 'bytes':
      return bytesText(bytes, o, f.size);
  }
}

/** `00 01 …`: `size` bytes from `o`. */
function bytesText(bytes: Uint8Array, o: number, size: number): string {
  let t = '';
  for (let i = 0; i < size; i++) t = i ? t + ' ' + BYTE_HEX[bytes[o + i]] : BYTE_HEX[bytes[o]];
  return t;
}

function registerValue(bytes: Uint8Array, o: number, f: FieldInfo): number | null {
  switch (f.kind) {
    case 'u8':
      return bytes[o];
    case 'u16':
      return readU16(bytes, o);
    case 'u32':
      return readU32(bytes, o);
    default:
      return null;
  }
}

/**
 * How a bit range with a declared meaning (its table's `display`) prints: address bits as the
 * byte address they stand for, N-1 encodings with the count they mean, values by name.
 */
function displayText(b: BitSpec, d: BitDisplay): (x: number) => string {
  const label = `${d.label ?? b.name}=`;
  if (d.names) {
    const names = d.names;
    return (x) => label + (names[x] ?? x);
  }
  if (d.minusOne) {
    const unit = d.minusOne;
    return (x) => `${label}${x} (N-1: ${displayedCount(d, x)} ${unit})`;
  }
  return (x) => label + '0x' + displayedAddress(d, x).toString(16);
}

/** Names of the bits `bitsText` shows for a field (what the capability's info line need not repeat). */
export function shownBitNames(f: FieldInfo): string[] {
  return (f.bits ?? []).filter((b) => b.access !== 'rsvd' && b.name !== 'reserved').map((b) => b.name);
}

/**
 * How one bit range of a register prints. Plain flags and values (most of them) are data that
 * one loop reads; the few ranges printed some other way carry a function.
 */
interface BitFormat {
  /** FLAG: `name+`/`name-`; VALUE: `name=` then the value; RESERVED: like VALUE in hex, and only when not 0; CUSTOM: `show`. */
  readonly kind: number;
  readonly lo: number;
  /** The range's value is `(v >>> lo) & mask`, or `v >>> 0` for a 32-bit range (mask -1). */
  readonly mask: number;
  /** FLAG: the text when set; VALUE, RESERVED: `name=`. */
  readonly on: string;
  /** FLAG: the text when clear. */
  readonly off: string;
  readonly show: ((x: number) => string) | null;
}

const FLAG = 0;
const VALUE = 1;
const RESERVED = 2;
const CUSTOM = 3;

// Formats are built once per field: a dump of thousands of functions prints the same
// registers over and over.
const FORMATS = new WeakMap<FieldInfo, BitFormat[]>();

function formatsOf(f: FieldInfo): BitFormat[] {
  let list = FORMATS.get(f);
  if (list) return list;
  list = (f.bits ?? []).map((b): BitFormat => {
    const mask = b.width >= 32 ? -1 : (1 << b.width) - 1;
    // One object shape for every kind: the loop below reads them all at the same sites.
    const format = (kind: number, on: string, off: string, show: ((x: number) => string) | null): BitFormat => ({ kind, lo: b.lo, mask, on, off, show });
    if (b.display) return format(CUSTOM, '', '', displayText(b, b.display));
    if (b.access === 'rsvd' || b.name === 'reserved') return format(RESERVED, `${b.name}=`, '', null);
    if (b.width === 1) return format(FLAG, `${b.name}+`, `${b.name}-`, null);
    return format(VALUE, `${b.name}=`, '', null);
  });
  FORMATS.set(f, list);
  return list;
}

/** `io+ memory+ master- devsel=fast`, lspci style; reserved bit ranges only when non-zero. */
export function bitsText(bytes: Uint8Array, at: number, f: FieldInfo): string {
  if (!f.bits?.length) return '';
  return formattedBits(bytes, at + f.offset, f, formatsOf(f));
}

function formattedBits(bytes: Uint8Array, o: number, f: FieldInfo, fmts: readonly BitFormat[]): string {
  const v = registerValue(bytes, o, f);
  if (v === null) return '';
  let out = '';
  for (let i = 0; i < fmts.length; i++) {
    const b = fmts[i];
    const x = b.mask === -1 ? v >>> 0 : (v >>> b.lo) & b.mask;
    let t: string;
    switch (b.kind) {
      case FLAG:
        t = x ? b.on : b.off;
        break;
      case VALUE:
        t = b.on + (x >= 10 ? '0x' + x.toString(16) : x);
        break;
      case RESERVED:
        if (x === 0) continue;
        t = b.on + '0x' + x.toString(16);
        break;
      default:
        t = b.show!(x);
    }
    out = out ? out + ' ' + t : t;
  }
  return out;
}

// What regionLines needs of a field table, worked out once per table (and set of fields
// left out): a dump of thousands of functions prints the same tables over and over.
interface RegionPlan {
  readonly indent: string;
  /** Each line's start: the indent, the field name padded to the table's longest, two blanks. */
  readonly prefixes: readonly string[];
  /** Whether each field is printed (not in the skip set). */
  readonly shown: readonly boolean[];
  /** How each field's named bits print (empty when it has none). */
  readonly formats: ReadonlyArray<readonly BitFormat[]>;
}

const NO_SKIP: ReadonlySet<string> = new Set();
const PLANS = new WeakMap<readonly FieldInfo[], Map<ReadonlySet<string>, RegionPlan[]>>();

function planOf(fields: readonly FieldInfo[], skip: ReadonlySet<string>, indent: string): RegionPlan {
  let bySkip = PLANS.get(fields);
  if (!bySkip) PLANS.set(fields, (bySkip = new Map()));
  let plans = bySkip.get(skip);
  if (!plans) bySkip.set(skip, (plans = []));
  for (const q of plans) if (q.indent === indent) return q;
  const w = fields.reduce((m, f) => Math.max(m, f.name.length), 0);
  const p: RegionPlan = {
    indent,
    prefixes: fields.map((f) => `${indent}${f.name.padEnd(w)}  `),
    shown: fields.map((f) => !skip.has(f.name)),
    formats: fields.map((f) => (f.bits?.length ? formatsOf(f) : [])),
  };
  plans.push(p);
  return p;
}

/** Whether every byte of [from, from + size) is 0. */
function allZero(bytes: Uint8Array, from: number, size: number): boolean {
  for (let i = from; i < from + size; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * One line per field of `r` (reserved fields only when not all zero); fields named in `skip`
 * are left out (the names column keeps the width of them all). Lines are appended to `into`
 * when given (and it is returned).
 */
export function regionLines(
  bytes: Uint8Array,
  known: number,
  r: Region,
  indent: string,
  mask?: Uint8Array | null,
  skip?: ReadonlySet<string>,
  into: string[] = [],
): string[] {
  const fields = r.fields;
  const plan = planOf(fields, skip ?? NO_SKIP, indent);
  const prefixes = plan.prefixes;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.offset >= r.length || !plan.shown[i]) continue;
    // A long opaque payload (vendor data, DVSEC bodies: up to 4 KiB) would be one line of
    // thousands of characters: its first bytes are shown, --annotate shows all of them.
    const long = f.kind === 'bytes' && f.size > BYTES_SHOWN;
    const text = long
      ? bytesKnown(known, mask, r.offset + f.offset, f.size)
        ? `${bytesText(bytes, r.offset + f.offset, BYTES_SHOWN)} ... (${f.size} bytes; --annotate shows every byte)`
        : null
      : fieldText(bytes, known, r.offset, f, mask);
    if (text === null) {
      into.push(prefixes[i] + unknownText(r.offset + f.offset + f.size - 1, known));
      continue;
    }
    // Reserved fields only when not all zero (a long one's text is never all zeros).
    if (f.access === 'rsvd' && !long && allZero(bytes, r.offset + f.offset, f.size)) continue;
    const fmts = plan.formats[i];
    const bits = fmts.length ? formattedBits(bytes, r.offset + f.offset, f, fmts) : '';
    into.push(bits ? prefixes[i] + text + '  ' + bits : prefixes[i] + text);
  }
  return into;
}

/** What is shown for a byte that is not known: past the known `length`, or a hole in a dump. */
export function unknownText(offset: number, length: number): string {
  return offset >= length ? '<not available>' : '<not given by the dump>';
}
