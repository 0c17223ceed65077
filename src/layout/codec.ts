// What the generated codecs (the *.gen.ts files `npm run gen` writes next to each table
// module) need at run time, and how a table recognises the code written from it. Imports only
// byte helpers: a table module imports its .gen file, never the other way round.
import { readU32 } from '../bytes/window.js';

export { copyBytes } from '../bytes/slab.js';
export { writeU16, writeU32, writeU64 } from '../bytes/window.js';

/** Decode and encode functions generated from one structure's table. */
export interface GeneratedCodec<V> {
  /** `layoutHash` of the table the code was written from: a table edited since is not served stale code. */
  readonly layout: string;
  /** The caller checks that the bytes exist. */
  decode(b: Uint8Array, at: number): V;
  /** Every field, in offset order; a TypeError names the first bad one. */
  encode(v: V, b: Uint8Array, at: number): void;
  /** Named-bit decoders of the register fields that declare bits, by field name. */
  readonly bits?: { readonly [field: string]: (register: number) => Record<string, number | boolean> };
}

/** What of a field the generated code depends on. */
export interface LayoutField {
  readonly name: string;
  readonly kind: string;
  readonly offset: number;
  readonly size: number;
  readonly bits?: readonly { readonly name: string; readonly lo: number; readonly width: number }[];
}

/** A short fingerprint (FNV-1a) of everything the generated code of a structure depends on. */
export function layoutHash(name: string, size: number, fields: readonly LayoutField[]): string {
  const key = JSON.stringify([name, size, fields.map((f) => [f.name, f.kind, f.offset, f.size, (f.bits ?? []).map((b) => [b.name, b.lo, b.width])])]);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

// The two halves of a u64 as one element of a BigUint64Array: one bigint made, where the
// shift-and-or of two halves makes four. Word order as the platform stores a u64.
const SCRATCH = new BigUint64Array(1);
const HALVES = new Uint32Array(SCRATCH.buffer);
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** A u64 as a bigint: below 2^53 (addresses and sizes nearly always) by BigInt(number), else from the halves. */
export function readU64Fast(b: Uint8Array, o: number): bigint {
  const hi = readU32(b, o + 4);
  if (hi < 0x200000) return BigInt(hi * 0x100000000 + readU32(b, o));
  HALVES[LO] = readU32(b, o);
  HALVES[1 - LO] = hi;
  return SCRATCH[0];
}

/** An integer 0..max to encode, or a TypeError naming the field (`where`). */
export function checkNumber(x: unknown, max: number, where: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) {
    throw new TypeError(`${where}: expected an integer 0..${max}, got ${String(x)}`);
  }
  return x;
}

/** A u64 bigint to encode, or a TypeError naming the field. */
export function checkU64(x: unknown, where: string): bigint {
  if (typeof x !== 'bigint' || x < 0n || x > 0xffffffffffffffffn) throw new TypeError(`${where}: expected a u64 bigint`);
  return x;
}

/** Exactly `size` bytes to encode, or a TypeError naming the field. */
export function checkBytes(x: unknown, size: number, where: string): Uint8Array {
  if (!(x instanceof Uint8Array) || x.length !== size) throw new TypeError(`${where}: expected ${size} bytes`);
  return x;
}
