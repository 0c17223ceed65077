// The generated decoders (compiled.ts) and the table-driven loops they stand in for give the
// same values with the same property order: on arbitrary tables, and on every structure and
// register table the package declares.
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { compileBitsDecoder, compileStructDecoder, setCodegen, tableBitsDecoder, tableStructDecoder, type DecodeBit, type DecodeField } from '../../src/layout/compiled.js';
import { Struct } from '../../src/layout/struct.js';

/** Values and key order, comparable with toEqual (bigints and byte arrays as they are). */
const entries = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => [k, v instanceof Uint8Array ? ['bytes', ...v] : v]);

const KINDS = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;

/** Fields one after the other, of any kind, with gaps; names may repeat the prototype's. */
const arbFields: fc.Arbitrary<DecodeField[]> = fc
  .array(fc.tuple(fc.constantFrom('u8', 'u16', 'u32', 'u64', 'bytes'), fc.integer({ min: 1, max: 70 }), fc.nat(3), fc.constantFrom('a', 'b-c', 'constructor', 'toString', '0', 'x y', 'n')), { minLength: 1, maxLength: 12 })
  .map((specs) => {
    let at = 0;
    return specs.map(([kind, n, gap, name], i) => {
      const size = kind === 'bytes' ? n : KINDS[kind];
      const f = { name: `${name}${i}`, kind, offset: at + gap, size } as DecodeField;
      at = f.offset + size;
      return f;
    });
  });

const arbBits: fc.Arbitrary<DecodeBit[]> = fc.array(
  fc.record({ name: fc.constantFrom('en', 'mode', 'reserved', 'x', '__proto__', 'size'), lo: fc.nat(31), width: fc.integer({ min: 0, max: 33 }) }),
  { minLength: 1, maxLength: 10 },
);

const arbRegister = fc.oneof(fc.nat(0xffffffff), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 0xffffffff, 0x80000000, 2 ** 40 + 5, 1.5, -1));

describe('generated decoders', () => {
  // Off by default (the library runs under a strict CSP); the CLI turns it on.
  let was = false;
  beforeAll(() => {
    was = setCodegen(true);
  });
  afterAll(() => {
    setCodegen(was);
  });

  it('are generated when code generation is on', () => {
    expect(compileStructDecoder([{ name: 'v', kind: 'u16', offset: 0, size: 2 }]).name).toBe('decodeStruct');
    expect(compileBitsDecoder([{ name: 'v', lo: 0, width: 1 }]).name).toBe('decodeBits');
  });

  test.prop([arbFields, fc.uint8Array({ minLength: 600, maxLength: 600 }), fc.nat(40)])('a structure decodes as the table-driven loop decodes it', (fields, b, at) => {
    expect(entries(compileStructDecoder(fields)(b, at))).toEqual(entries(tableStructDecoder(fields)(b, at)));
  });

  test.prop([arbBits, arbRegister])('named bits decode as the table-driven loop decodes them (repeated names, __proto__, widths 0-33)', (specs, r) => {
    const got = compileBitsDecoder(specs)(r);
    const want = tableBitsDecoder(specs)(r);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(entries(got)).toEqual(entries(want));
  });

  const structs = Object.values(api).filter((v): v is Struct<any> => v instanceof Struct);

  it(`every declared structure (${structs.length}) and register bit table decodes the same both ways`, () => {
    expect(structs.length).toBeGreaterThan(30);
    const rnd = fc.sample(fc.uint8Array({ minLength: 4096 + 64, maxLength: 4096 + 64 }), { numRuns: 8, seed: 20261203 });
    for (const s of structs) {
      for (const b of rnd) {
        expect(entries(compileStructDecoder(s.fields)(b, 3)), s.name).toEqual(entries(tableStructDecoder(s.fields)(b, 3)));
      }
      for (const f of s.fields) {
        if (!f.bits?.length) continue;
        for (const r of [0, 0xffffffff, 0x5a5a5a5a, 0xa5a5a5a5, 0x12345678]) {
          expect(entries(compileBitsDecoder(f.bits)(r)), `${s.name}.${f.name}`).toEqual(entries(tableBitsDecoder(f.bits)(r)));
        }
      }
    }
  });

  it('without code generation (the library default, as under a CSP that forbids eval) the table-driven decoders are used', () => {
    setCodegen(false);
    try {
      const d = compileStructDecoder([{ name: 'v', kind: 'u16', offset: 0, size: 2 }]);
      expect(d.name).not.toBe('decodeStruct');
      expect(d(new Uint8Array([1, 2]), 0)).toEqual({ v: 0x201 });
      expect(compileBitsDecoder([{ name: 'v', lo: 0, width: 1 }]).name).not.toBe('decodeBits');
    } finally {
      setCodegen(true);
    }
  });
});
