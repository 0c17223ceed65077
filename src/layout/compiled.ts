// Decoders for the field tables, in two forms that give the same values in the same property
// order (a property test checks them against each other):
// - table-driven loops, the default: no generated code, so the library runs under a strict
//   Content-Security-Policy (DESIGN.md), and
// - functions generated from the tables, as binary-parser generates its parsers: one object
//   literal per structure or register. Only the Node command line turns them on
//   (setCodegen(true) in cli/main.ts): the loops store every property through a generic keyed
//   store, megamorphic across structures, about a fifth of decoding a whole image there.
// Internal: not exported from the package.
import { copyBytes, NO_BYTES } from '../bytes/slab.js';
import { readU32, readU64 } from '../bytes/window.js';
import type { Kind } from './struct.js';

/** What a field of a structure needs for decoding (FieldInfo has more). */
export interface DecodeField {
  readonly name: string;
  readonly kind: Kind;
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

let codegen = false;

/** Turn code generation on (the CLI) or off (the default); returns the previous setting. Decoders made before keep their form. */
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
    return null; // eval forbidden after all: the table-driven decoder does the same work
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

const KIND_U8 = 0;
const KIND_U16 = 1;
const KIND_U32 = 2;
const KIND_U64 = 3;
const KIND_BYTES = 4;
const KIND_CODES = { u8: KIND_U8, u16: KIND_U16, u32: KIND_U32, u64: KIND_U64, bytes: KIND_BYTES } as const;

/** The same decoder as a loop over the table. */
export function tableStructDecoder(fields: readonly DecodeField[]): StructDecoder {
  // Every property first with a placeholder of its kind, so the values below overwrite
  // properties of one stable shape (in table order) instead of adding them one by one (an
  // object grown by many computed-key stores drops to dictionary mode). A u32 starts as a heap
  // number, so no value widens its representation. The table as flat arrays for the loop.
  const template = Object.fromEntries(fields.map((f) => [f.name, f.kind === 'u64' ? 0n : f.kind === 'bytes' ? NO_BYTES : f.kind === 'u32' ? 0x80000000 : 0]));
  const kinds = Uint8Array.from(fields, (f) => KIND_CODES[f.kind]);
  const offsets = Int32Array.from(fields, (f) => f.offset);
  const sizes = Int32Array.from(fields, (f) => f.size);
  const names = fields.map((f) => f.name);
  return (b, at) => {
    const out: Record<string, unknown> = { ...template };
    for (let i = 0; i < kinds.length; i++) {
      const o = at + offsets[i];
      let v: unknown;
      switch (kinds[i]) {
        case KIND_U8:
          v = b[o];
          break;
        case KIND_U16:
          v = b[o] | (b[o + 1] << 8);
          break;
        case KIND_U32:
          v = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          break;
        case KIND_U64:
          v = readU64Fast(b, o);
          break;
        default:
          v = copyBytes(b, o, o + sizes[i]);
      }
      out[names[i]] = v;
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

