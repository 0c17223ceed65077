// Independent readings of structures from their C declarations, copied by hand from a spec:
// a small reader of `struct name { le32 field; u8 bytes[n]; … };` turns each declaration into a
// binary-parser Parser and a restructure Struct, and the tests assert that both read, on
// arbitrary bytes, what pcicfg's generated decoders read, and that restructure's encoder writes
// what ours writes. Nothing here looks at pcicfg's field tables.
import { Parser } from 'binary-parser';
import * as r from 'restructure';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { publicApi as api } from './public-api.js';
import { Struct } from '../../src/layout/struct.js';

export interface CField {
  readonly type: 'u8' | 'le16' | 'le32' | 'le64';
  readonly name: string;
  /** Array length, for `u8 name[n]`. */
  readonly count?: number;
}

/** The structures of a C text, by name. */
export function parseCStructs(text: string): Map<string, CField[]> {
  const out = new Map<string, CField[]>();
  for (const m of text.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/struct\s+(\w+)\s*\{([^}]*)\};/g)) {
    const fields = m[2]
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((decl) => {
        const d = /^(u8|le16|le32|le64)\s+(\w+)(?:\[(\d+)\])?$/.exec(decl);
        if (!d) throw new Error(`struct ${m[1]}: cannot read '${decl}'`);
        return { type: d[1] as CField['type'], name: d[2], count: d[3] === undefined ? undefined : Number(d[3]) };
      });
    out.set(m[1], fields);
  }
  return out;
}

const BP = { u8: 'uint8', le16: 'uint16le', le32: 'uint32le', le64: 'uint64le' } as const;

function parserOf(fields: readonly CField[]): Parser {
  let p = new Parser();
  for (const f of fields) p = f.count === undefined ? p[BP[f.type]](f.name) : p.array(f.name, { type: BP[f.type], length: f.count });
  return p;
}

/** restructure has no 64-bit integer: a le64 is its two halves, `name$lo` and `name$hi`. */
function structOf(fields: readonly CField[]) {
  const RS = { u8: r.uint8, le16: r.uint16le, le32: r.uint32le };
  const shape: Record<string, r.RType> = {};
  for (const f of fields) {
    if (f.type === 'le64') {
      shape[`${f.name}$lo`] = r.uint32le;
      shape[`${f.name}$hi`] = r.uint32le;
    } else shape[f.name] = f.count === undefined ? RS[f.type] : new r.Array(RS[f.type], f.count);
  }
  return new r.Struct(shape);
}

/** An oracle's reading under pcicfg's names, arrays as bytes and u64 as bigint. */
function asOurs(fields: readonly CField[], renamed: Record<string, string>, o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = f.type === 'le64' && `${f.name}$lo` in o ? (BigInt(o[`${f.name}$hi`] as number) << 32n) | BigInt(o[`${f.name}$lo`] as number) : o[f.name];
    out[renamed[f.name] ?? f.name] = f.count === undefined ? v : Uint8Array.from(v as number[]);
  }
  return out;
}

/** pcicfg's value in restructure's shape, for its encoder. */
function asRestructure(fields: readonly CField[], renamed: Record<string, string>, v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const x = v[renamed[f.name] ?? f.name];
    if (f.type === 'le64') {
      out[`${f.name}$lo`] = Number((x as bigint) & 0xffffffffn);
      out[`${f.name}$hi`] = Number((x as bigint) >> 32n);
    } else out[f.name] = f.count === undefined ? x : [...(x as Uint8Array)];
  }
  return out;
}

/**
 * The tests for the C declarations in `cText`: each names a structure the package exports
 * (field names as in `renamed` where pcicfg spells one differently).
 */
export function describeCOracles(title: string, cText: string, renamed: Record<string, string> = {}): void {
  const ours = new Map(Object.values(api).filter((v): v is Struct<any> => v instanceof Struct).map((s) => [s.name, s]));
  const cases = [...parseCStructs(cText)].map(([name, fields]) => ({ name, fields, s: ours.get(name)!, bp: parserOf(fields), rs: structOf(fields) }));

  describe(title, () => {
    it(`every C declaration (${cases.length}) names a structure pcicfg declares, of the same size`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(c.s, c.name).toBeInstanceOf(Struct);
        expect(c.rs.size(), c.name).toBe(c.s.size);
      }
    });

    const arbCase = fc.nat(cases.length - 1).chain((i) => fc.record({ i: fc.constant(i), b: fc.uint8Array({ minLength: cases[i].s.size, maxLength: cases[i].s.size }) }));

    test.prop([arbCase], { numRuns: 3000 })('binary-parser and restructure read what pcicfg reads', ({ i, b }) => {
      const { name, fields, s, bp, rs } = cases[i];
      const want = s.decode(b) as Record<string, unknown>;
      expect(asOurs(fields, renamed, bp.parse(b) as Record<string, unknown>), name).toEqual(want);
      expect(asOurs(fields, renamed, { ...(rs.fromBuffer(b) as object) } as Record<string, unknown>), name).toEqual(want);
    });

    test.prop([arbCase], { numRuns: 3000 })("restructure's encoder writes the bytes pcicfg writes", ({ i, b }) => {
      const { name, fields, s, rs } = cases[i];
      const v = s.decode(b) as Record<string, unknown>;
      expect([...rs.toBuffer(asRestructure(fields, renamed, v))], name).toEqual([...s.toBytes(v as never)]);
      expect([...s.toBytes(v as never)]).toEqual([...b]);
    });
  });
}
