// The field-table DSL. A structure is declared once, like the C struct in the spec; decode,
// encode, the annotation field list, register semantics and the TypeScript type all derive
// from that one table. The package's own structures pass the codec `npm run gen` wrote from
// their table (the *.gen.ts next to them); the others decode with the table loop.
import { readU16, readU32, writeU16, writeU32, writeU64 } from '../bytes/window.js';
import { copyBytes } from '../bytes/slab.js';
import { checkBytes, checkNumber, checkU64, layoutHash, readU64Fast, type GeneratedCodec } from './codec.js';
import type { BitDisplay } from './display.js';
import { tableBitsDecoder, tableStructDecoder, type BitsDecoder, type StructDecoder } from './table.js';

export type { BitDisplay } from './display.js';

/** Register semantics of a field, as the device model applies them. */
export type Access = 'ro' | 'rw' | 'rw1c' | 'wo' | 'rsvd';

export type Kind = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';

/** A named bit or bit range inside a register field. */
export interface BitSpec {
  readonly name: string;
  readonly lo: number;
  readonly width: number;
  /** Overrides the register's access for these bits (e.g. RW1C error bits in a status register). */
  readonly access?: Access;
  readonly doc?: string;
  /** What the value means to a reader (scale, N-1, value names): what the CLI text prints. */
  readonly display?: BitDisplay;
}

export interface FieldSpec<T> {
  readonly kind: Kind;
  readonly offset: number;
  readonly size: number;
  readonly access: Access;
  readonly bits?: readonly BitSpec[];
  readonly doc?: string;
  /** Phantom: the decoded TypeScript type. */
  readonly __type?: T;
}

export interface FieldOptions {
  readonly bits?: readonly BitSpec[];
  readonly doc?: string;
}

/** One field of a declared structure, with its name: what annotation and the model use. */
export interface FieldInfo extends FieldSpec<unknown> {
  readonly name: string;
}

type AnyFields = Record<string, FieldSpec<unknown>>;

/** The decoded value of a structure: inferred from the table, never written twice. */
export type Value<F extends AnyFields> = { -readonly [K in keyof F]: F[K] extends FieldSpec<infer T> ? T : never };

/** The decoded value type of a `Struct`. */
export type ValueOf<S> = S extends Struct<infer F> ? Value<F> : never;

function spec<T>(kind: Kind, offset: number, size: number, access: Access, opts?: FieldOptions): FieldSpec<T> {
  return { kind, offset, size, access, bits: opts?.bits, doc: opts?.doc };
}

export const u8 = (offset: number, access: Access = 'ro', opts?: FieldOptions): FieldSpec<number> =>
  spec('u8', offset, 1, access, opts);
export const u16 = (offset: number, access: Access = 'ro', opts?: FieldOptions): FieldSpec<number> =>
  spec('u16', offset, 2, access, opts);
export const u32 = (offset: number, access: Access = 'ro', opts?: FieldOptions): FieldSpec<number> =>
  spec('u32', offset, 4, access, opts);
export const u64 = (offset: number, access: Access = 'ro', opts?: FieldOptions): FieldSpec<bigint> =>
  spec('u64', offset, 8, access, opts);
/** A run of bytes kept as they are (reserved areas, MAC addresses, serial numbers). */
export const bytes = (offset: number, size: number, access: Access = 'rsvd', opts?: FieldOptions): FieldSpec<Uint8Array> =>
  spec('bytes', offset, size, access, opts);
/** Shorthand for a reserved byte range, kept byte-exact. */
export const reserved = (offset: number, size: number): FieldSpec<Uint8Array> => bytes(offset, size, 'rsvd');

/** A one-bit flag inside a register. */
export const bit = (name: string, lo: number, access?: Access, doc?: string): BitSpec => ({ name, lo, width: 1, access, doc });
/** A multi-bit field inside a register; `display` says what its value means to a reader. */
export const bits = (name: string, lo: number, width: number, access?: Access, doc?: string, display?: BitDisplay): BitSpec =>
  display === undefined ? { name, lo, width, access, doc } : { name, lo, width, access, doc, display };

/** Value of a bit range of a register (registers are at most 32 bits). */
export { bitValue } from './table.js';

const BITS_DECODERS = new WeakMap<readonly BitSpec[], BitsDecoder>();

/** Named bit values of a register: 1-bit fields as booleans, wider ones as numbers. */
export function decodeBits(register: number, specs: readonly BitSpec[]): Record<string, number | boolean> {
  let d = BITS_DECODERS.get(specs);
  if (!d) BITS_DECODERS.set(specs, (d = tableBitsDecoder(specs)));
  return d(register);
}

/** Result of decoding a structure of which only a prefix is available. */
export interface PartialDecode<V> {
  readonly value: Partial<V>;
  /** Fields that were not (wholly) inside the available bytes. */
  readonly missing: readonly FieldInfo[];
}

type Reader = (b: Uint8Array, at: number, out: Record<string, unknown>) => void;
type Writer = (v: Record<string, unknown>, b: Uint8Array, at: number) => void;

function reader(f: FieldInfo): Reader {
  const { name, offset: o, size } = f;
  switch (f.kind) {
    case 'u8':
      return (b, at, out) => {
        out[name] = b[at + o];
      };
    case 'u16':
      return (b, at, out) => {
        out[name] = readU16(b, at + o);
      };
    case 'u32':
      return (b, at, out) => {
        out[name] = readU32(b, at + o);
      };
    case 'u64':
      return (b, at, out) => {
        out[name] = readU64Fast(b, at + o);
      };
    case 'bytes':
      return (b, at, out) => {
        out[name] = copyBytes(b, at + o, at + o + size);
      };
  }
}

const NONE_MISSING: readonly FieldInfo[] = Object.freeze([]);

function writer(f: FieldInfo, structName: string): Writer {
  const { name, offset: o, size } = f;
  const where = `${structName}.${name}`;
  switch (f.kind) {
    case 'u8':
      return (v, b, at) => {
        b[at + o] = checkNumber(v[name], 0xff, where);
      };
    case 'u16':
      return (v, b, at) => writeU16(b, at + o, checkNumber(v[name], 0xffff, where));
    case 'u32':
      return (v, b, at) => writeU32(b, at + o, checkNumber(v[name], 0xffffffff, where));
    case 'u64':
      return (v, b, at) => writeU64(b, at + o, checkU64(v[name], where));
    case 'bytes':
      return (v, b, at) => b.set(checkBytes(v[name], size, where), at + o);
  }
}

/** A declared structure: its fields and everything derived from them. */
export class Struct<F extends AnyFields> {
  readonly name: string;
  readonly size: number;
  /** Fields in offset order. */
  readonly fields: readonly FieldInfo[];
  readonly table: F;
  private byNameMap: ReadonlyMap<string, FieldInfo> | null = null;
  /** Field covering each byte offset (dense, `size` entries), made on first use. */
  private byByte: readonly FieldInfo[] | null = null;
  /** The table loop's per-field readers and writers, made on first use: structures with a codec never need them. */
  private tableReaders: readonly Reader[] | null = null;
  private tableWriters: readonly Writer[] | null = null;
  /** The codec `npm run gen` wrote from this table, until `codec` has checked it. */
  private readonly generated: GeneratedCodec<Value<F>> | undefined;
  private checkedCodec: GeneratedCodec<Value<F>> | null | undefined = undefined;
  /**
   * Decode the whole structure at `at`. The caller guarantees the bytes exist (RangeError if
   * not). A function of each structure's own, so that a caller decoding one structure (a ring
   * walker reading descriptors) calls one function that calls one generated decoder.
   */
  readonly decode: (b: Uint8Array, at?: number) => Value<F>;
  /** Bit decoders of the register fields, by field name: the codec's, or table loops, taken on first use. */
  private readonly bitsDecoders = new Map<string, BitsDecoder>();

  constructor(name: string, table: F, size?: number, codec?: GeneratedCodec<Value<F>>) {
    this.name = name;
    this.table = table;
    const fields = Object.entries(table)
      .map(([n, f]) => ({ ...f, name: n }) as FieldInfo)
      .sort((a, b) => a.offset - b.offset);
    const end = fields.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
    this.size = size ?? end;
    // Every byte is claimed by exactly one field: that is what makes encode byte-exact. Checked
    // on the ranges (fields are in offset order, so a field overlaps an earlier one exactly when
    // it starts below the furthest end so far) rather than byte by byte: a loop over each byte
    // of the 4 KiB structures that dumps create at run time made V8 optimize this constructor,
    // tens of milliseconds of compiling while the decoders waited for theirs.
    let claimed = 0;
    let gap = -1;
    for (const f of fields) {
      if (f.size === 0) continue;
      if (f.offset < 0) throw new Error(`${name}.${f.name} starts before the structure (offset ${f.offset})`);
      if (f.offset >= this.size) throw new Error(`${name}.${f.name} extends past the structure size ${this.size}`);
      if (f.offset < claimed) throw new Error(`${name}.${f.name} overlaps ${name}.${fields.find((e) => e !== f && e.offset <= f.offset && f.offset < e.offset + e.size)!.name} at byte ${f.offset}`);
      if (f.offset + f.size > this.size) throw new Error(`${name}.${f.name} extends past the structure size ${this.size}`);
      if (gap < 0 && f.offset > claimed) gap = claimed;
      claimed = f.offset + f.size;
    }
    if (gap < 0 && claimed < this.size) gap = claimed;
    if (gap >= 0) throw new Error(`${name}: byte ${gap} is claimed by no field (declare it reserved)`);
    this.fields = fields;
    this.generated = codec;
    // Which decoder serves is settled on the first decode: declaring a structure (dozens at
    // import) does no more than the checks above.
    let decoder: StructDecoder<Value<F>> | null = null;
    const bytes = this.size;
    this.decode = (b, at = 0) => {
      if (at < 0 || at + bytes > b.length) throw new RangeError(`${name}: ${bytes} bytes at ${at} do not fit in ${b.length}`);
      return (decoder ??= this.codec?.decode ?? (tableStructDecoder(fields) as StructDecoder<Value<F>>))(b, at);
    };
  }

  /**
   * The generated codec when it was written from this very table, else null (the table loops).
   * A codec from before the table changed is ignored: right values until `npm run gen` runs
   * again (the freshness test says so), and a new structure works before its code exists.
   * Checked once, when first needed.
   */
  private get codec(): GeneratedCodec<Value<F>> | null {
    if (this.checkedCodec === undefined) {
      const g = this.generated;
      this.checkedCodec = g !== undefined && g.layout === layoutHash(this.name, this.size, this.fields) ? g : null;
    }
    return this.checkedCodec;
  }

  /**
   * Decode the fields that lie wholly before `end` (an absolute offset in `b`, clamped to
   * `b.length`): for a capability shorter than its structure, or an image cut short.
   */
  decodePartial(b: Uint8Array, at: number, end: number): PartialDecode<Value<F>> {
    const limit = Math.min(end, b.length);
    // The usual case, the whole structure available: the fast path of decode.
    if (at >= 0 && at + this.size <= limit) return { value: this.decode(b, at), missing: NONE_MISSING };
    // The generated decoder reads the bytes there are, copied into a zeroed scratch the size of
    // the structure; the fields past them are left out. One decode form per structure, whole or cut.
    const whole = this.codec ? (this.codec.decode(this.available(b, at, limit), 0) as Record<string, unknown>) : null;
    const out: Record<string, unknown> = {};
    const missing: FieldInfo[] = [];
    for (let i = 0; i < this.fields.length; i++) {
      const f = this.fields[i];
      if (at + f.offset >= 0 && at + f.offset + f.size <= limit) {
        if (whole) out[f.name] = whole[f.name];
        else (this.tableReaders ??= this.fields.map(reader))[i](b, at, out);
      } else missing.push(f);
    }
    return { value: out as Partial<Value<F>>, missing };
  }

  /** The structure's bytes at `at` that lie in [0, limit), in a zeroed array of its size. */
  private available(b: Uint8Array, at: number, limit: number): Uint8Array {
    const scratch = new Uint8Array(this.size);
    const from = Math.max(at, 0);
    const to = Math.min(limit, at + this.size);
    if (to > from) scratch.set(b.subarray(from, to), from - at);
    return scratch;
  }

  /** Write every field of `v` at `at`, byte-exact (reserved bytes included). */
  encode(v: Value<F>, b: Uint8Array, at = 0): Uint8Array {
    if (at < 0 || at + this.size > b.length) {
      throw new RangeError(`${this.name}: ${this.size} bytes at ${at} do not fit in ${b.length}`);
    }
    if (this.codec) {
      this.codec.encode(v, b, at);
      return b;
    }
    const ws = (this.tableWriters ??= this.fields.map((f) => writer(f, this.name)));
    for (let i = 0; i < ws.length; i++) ws[i](v as Record<string, unknown>, b, at);
    return b;
  }

  /** Write only the fields present in `v` that lie wholly before `end` (mirror of decodePartial). */
  encodePartial(v: Partial<Value<F>>, b: Uint8Array, at: number, end: number): Uint8Array {
    const limit = Math.min(end, b.length);
    const given = v as Record<string, unknown>;
    const written: FieldInfo[] = [];
    for (const f of this.fields) if (given[f.name] !== undefined && at + f.offset >= 0 && at + f.offset + f.size <= limit) written.push(f);
    if (written.length === 0) return b;
    // The usual case, a whole structure with every field given: encode's fast path, no scratch.
    if (written.length === this.fields.length && at >= 0 && at + this.size <= limit) return this.encode(v as Value<F>, b, at);
    if (this.codec) {
      // The generated encoder writes a whole structure: the given fields over what the bytes
      // hold now, in a scratch, and only the given fields' bytes go back.
      const scratch = this.available(b, at, limit);
      const value = this.codec.decode(scratch, 0) as Record<string, unknown>;
      for (const f of written) value[f.name] = given[f.name];
      this.codec.encode(value as Value<F>, scratch, 0);
      for (const f of written) b.set(scratch.subarray(f.offset, f.offset + f.size), at + f.offset);
      return b;
    }
    const ws = (this.tableWriters ??= this.fields.map((f) => writer(f, this.name)));
    for (const f of written) ws[this.fields.indexOf(f)](given, b, at);
    return b;
  }

  /** A fresh byte array holding the encoding of `v`. */
  toBytes(v: Value<F>): Uint8Array {
    return this.encode(v, new Uint8Array(this.size), 0);
  }

  /** The field covering byte `offset` of the structure (relative), if any. */
  fieldAt(offset: number): FieldInfo | undefined {
    if (offset < 0 || offset >= this.size) return undefined;
    if (!this.byByte) {
      const byByte: FieldInfo[] = new Array(this.size);
      for (const f of this.fields) byByte.fill(f, f.offset, f.offset + f.size);
      this.byByte = byByte;
    }
    return this.byByte[offset];
  }

  field(name: keyof F & string): FieldInfo {
    const f = (this.byNameMap ??= new Map(this.fields.map((e) => [e.name, e]))).get(name);
    if (!f) throw new Error(`${this.name} has no field ${name}`);
    return f;
  }

  /** Named bits of a register field's value. */
  bits(name: keyof F & string, register: number): Record<string, number | boolean> {
    let d = this.bitsDecoders.get(name);
    if (!d) this.bitsDecoders.set(name, (d = this.codec?.bits?.[name] ?? tableBitsDecoder(this.field(name).bits ?? [])));
    return d(register);
  }

  /** An all-zero value (reserved bytes zero): a starting point for encoders and generators. */
  zero(): Value<F> {
    return this.decode(new Uint8Array(this.size));
  }
}

/**
 * Declare a structure. `size` defaults to the end of the last field; the package's own
 * declarations pass instead the codec generated from the table (`npm run gen`).
 */
export function struct<F extends AnyFields>(name: string, table: F, sizeOrCodec?: number | GeneratedCodec<Value<F>>): Struct<F> {
  return typeof sizeOrCodec === 'object' ? new Struct(name, table, undefined, sizeOrCodec) : new Struct(name, table, sizeOrCodec);
}
