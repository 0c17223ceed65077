// Decoders generated from the field tables, as binary-parser generates its parsers: one
// function per structure (and per register's bit table) that builds the value as a single
// object literal. The table-driven loops they replace stored every property through a generic
// keyed store: one shape per structure made those stores megamorphic, about a fifth of
// decoding a whole image. Where generating code is not allowed (a page whose Content Security
// Policy forbids eval), the table-driven loops are used; both give the same values, in the
// same property order (a property test checks them against each other).
// Internal: not exported from the package.
import { copyBytes } from '../bytes/slab.js';
import { readU32, readU64 } from '../bytes/window.js';

/** What a field of a structure needs for decoding (FieldInfo has more). */
export interface DecodeField {
  readonly name: string;
  readonly kind: 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';
  readonly offset: number;
  readonly size: number;
}

/** What a named bit range needs for decoding (BitSpec has more). */
export interface DecodeBit {
  readonly name: string;
  readonly lo: number;
  readonly width: number;
}

export type StructDecoder = (b: Uint8Array, at: number) => Record<string, unknown>;
export type BitsDecoder = (register: number) => Record<string, number | boolean>;

// A u64 as one bigint: addresses and sizes nearly always fit in 53 bits, where one
// BigInt(number) does what the shift-and-or of two halves does with four bigints.
export function readU64Fast(b: Uint8Array, o: number): bigint {
  const hi = readU32(b, o + 4);
  return hi < 0x200000 ? BigInt(hi * 0x100000000 + readU32(b, o)) : readU64(b, o);
}

/** Value of a bit range of a register (all 32 bits for a width of 32 or more). */
export function bitValue(register: number, b: Pick<DecodeBit, 'lo' | 'width'>): number {
  return b.width >= 32 ? register >>> 0 : (register >>> b.lo) & ((1 << b.width) - 1 || 0xffffffff);
}

let codegen = true;

/** Turn code generation off or on (tests compare both paths; returns the previous setting). */
export function setCodegen(on: boolean): boolean {
  const was = codegen;
  codegen = on;
  return was;
}

function generate<T>(params: string[], body: string, args: unknown[]): T | null {
  if (!codegen) return null;
  try {
    return new Function(...params, body)(...args) as T;
  } catch {
    return null; // eval forbidden (CSP): the table-driven decoder does the same work
  }
}

// A property called __proto__ in an object literal would set the prototype instead.
const plainNames = (names: readonly string[]) => !names.includes('__proto__');

/** A decoder for a structure's fields (in the order given); the caller checks that the bytes exist. */
export function compileStructDecoder(fields: readonly DecodeField[]): StructDecoder {
  const props = fields.map((f) => {
    const o = f.offset === 0 ? 'at' : `at + ${f.offset}`;
    const i = (k: number) => (f.offset + k === 0 ? 'b[at]' : `b[at + ${f.offset + k}]`);
    let expr: string;
    switch (f.kind) {
      case 'u8':
        expr = i(0);
        break;
      case 'u16':
        expr = `${i(0)} | (${i(1)} << 8)`;
        break;
      case 'u32':
        expr = `(${i(0)} | (${i(1)} << 8) | (${i(2)} << 16) | (${i(3)} << 24)) >>> 0`;
        break;
      case 'u64':
        expr = `readU64(b, ${o})`;
        break;
      case 'bytes':
        expr = `copy(b, ${o}, at + ${f.offset + f.size})`;
        break;
    }
    return `${JSON.stringify(f.name)}: ${expr}`;
  });
  const fast = plainNames(fields.map((f) => f.name))
    ? generate<StructDecoder>(['readU64', 'copy'], `"use strict"; return function decodeStruct(b, at) { return { ${props.join(', ')} }; };`, [readU64Fast, copyBytes])
    : null;
  return fast ?? tableStructDecoder(fields);
}

/** The same decoder as a loop over the table. */
export function tableStructDecoder(fields: readonly DecodeField[]): StructDecoder {
  // Every property first with a placeholder of its kind, so the values below overwrite
  // properties of one stable shape (in table order) instead of adding them one by one. A u32
  // starts as a heap number, so no value widens its representation.
  const template = Object.fromEntries(fields.map((f) => [f.name, f.kind === 'u64' ? 0n : f.kind === 'bytes' ? EMPTY_BYTES : f.kind === 'u32' ? 0x80000000 : 0]));
  return (b, at) => {
    const out: Record<string, unknown> = { ...template };
    for (const f of fields) {
      const o = at + f.offset;
      switch (f.kind) {
        case 'u8':
          out[f.name] = b[o];
          break;
        case 'u16':
          out[f.name] = b[o] | (b[o + 1] << 8);
          break;
        case 'u32':
          out[f.name] = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          break;
        case 'u64':
          out[f.name] = readU64Fast(b, o);
          break;
        case 'bytes':
          out[f.name] = copyBytes(b, o, o + f.size);
          break;
      }
    }
    return out;
  };
}

/** A decoder for a register's named bits: 1-bit ranges as booleans, wider ones as numbers. */
export function compileBitsDecoder(specs: readonly DecodeBit[]): BitsDecoder {
  const props = specs.map((b) => {
    const expr =
      b.width >= 32 ? 'r >>> 0' : b.width === 1 ? `((r >>> ${b.lo}) & 1) === 1` : `(r >>> ${b.lo}) & ${((1 << b.width) - 1 || 0xffffffff) >>> 0}`;
    return `${JSON.stringify(b.name)}: ${expr}`;
  });
  const fast = plainNames(specs.map((b) => b.name)) ? generate<BitsDecoder>([], `"use strict"; return function decodeBits(r) { return { ${props.join(', ')} }; };`, []) : null;
  return fast ?? tableBitsDecoder(specs);
}

/** The same as a loop over the bit table. */
export function tableBitsDecoder(specs: readonly DecodeBit[]): BitsDecoder {
  const template = Object.fromEntries(specs.map((b) => [b.name, b.width === 1 ? false : b.width >= 30 ? 0x80000000 : 0]));
  return (register) => {
    const out: Record<string, number | boolean> = { ...template };
    for (const b of specs) {
      const v = bitValue(register, b);
      out[b.name] = b.width === 1 ? v === 1 : v;
    }
    return out;
  };
}

const EMPTY_BYTES = new Uint8Array(0);
