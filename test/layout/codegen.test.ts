// The code `npm run gen` writes from the field tables: checked-in files are what the tables
// give today, every declared structure uses its generated codec, and that codec decodes and
// encodes as the table-driven loops do, on arbitrary bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { declaredNames, declaredStructs, emitModule, genPath } from '../../src/layout/emit.js';
import { Struct, struct } from '../../src/layout/struct.js';
import type { GeneratedCodec } from '../../src/layout/codec.js';
import { tableBitsDecoder, tableStructDecoder } from '../../src/layout/table.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(SRC, p).split('\\').join('/')] : [];
  });
}

const all = sources(SRC);
const tableModules = all.filter((p) => !p.endsWith('.gen.ts') && !p.startsWith('layout/') && declaredNames(readFileSync(join(SRC, p), 'utf8')).length > 0);

interface Declared {
  readonly module: string;
  readonly structs: Struct<any>[];
  readonly gen: Record<string, GeneratedCodec<any>>;
}

const declared: Declared[] = await Promise.all(
  tableModules.map(async (p) => {
    const exports = (await import(/* @vite-ignore */ join(SRC, p))) as Record<string, unknown>;
    const structs = declaredStructs(readFileSync(join(SRC, p), 'utf8'), exports, (v): v is Struct<any> => v instanceof Struct);
    let gen: Record<string, GeneratedCodec<any>> = {};
    if (all.includes(genPath(p))) gen = (await import(/* @vite-ignore */ join(SRC, genPath(p)))) as typeof gen;
    return { module: p, structs, gen };
  }),
);
const structs = declared.flatMap((d) => d.structs.map((s) => ({ s, codec: d.gen[s.name] })));

/** Values and key order, comparable with toEqual (bigints and byte arrays as they are). */
const entries = (o: object) => Object.entries(o).map(([k, v]) => [k, v instanceof Uint8Array ? ['bytes', ...v] : v]);

describe('generated files', () => {
  it(`are fresh: what npm run gen writes from today's tables (${tableModules.length} table modules)`, () => {
    expect(tableModules.length).toBeGreaterThan(25);
    const stale: string[] = [];
    const wanted = new Set<string>();
    for (const d of declared) {
      if (d.structs.length === 0) continue;
      const file = genPath(d.module);
      wanted.add(file);
      const want = emitModule(d.module, d.structs);
      const have = all.includes(file) ? readFileSync(join(SRC, file), 'utf8') : null;
      if (have !== want) stale.push(`src/${file} ${have === null ? 'is missing' : 'differs from its table'}`);
    }
    for (const f of all) if (f.endsWith('.gen.ts') && !wanted.has(f)) stale.push(`src/${f} has no table module declaring its structures`);
    expect(stale, `generated code is stale: run \`npm run gen\` and commit the result\n${stale.join('\n')}`).toEqual([]);
  });

  it(`serve every structure the package declares (${structs.length}): no table loop for them`, () => {
    expect(structs.length).toBeGreaterThan(60);
    const loose = structs.filter(({ s, codec }) => codec === undefined || (s as unknown as { codec: unknown }).codec !== codec).map(({ s }) => s.name);
    expect(loose, 'structures declared without their generated codec (pass gen.<name> to struct(), after npm run gen)').toEqual([]);
  });
});

describe('generated codecs agree with the table-driven loops', () => {
  // A twin of each structure without its codec: the table loops decode and encode it.
  const twins = structs.map(({ s, codec }) => ({ s, codec: codec!, table: struct(s.name, s.table) }));
  const arbCase = fc.nat(twins.length - 1).chain((i) =>
    fc.record({ i: fc.constant(i), b: fc.uint8Array({ minLength: twins[i].s.size + 8, maxLength: twins[i].s.size + 8 }), at: fc.nat(8) }),
  );

  it('the twins are table-driven (else this compares the generated code with itself)', () => {
    for (const t of twins) expect((t.table as unknown as { codec: unknown }).codec, t.s.name).toBeNull();
  });

  test.prop([arbCase], { numRuns: 2000 })('decode is equal (values and key order); encode(decode(b)) is b, byte-exact, both ways', ({ i, b, at }) => {
    const { s, codec, table } = twins[i];
    const v = codec.decode(b, at);
    expect(entries(v), s.name).toEqual(entries(tableStructDecoder(s.fields)(b, at)));
    expect(entries(s.decode(b, at))).toEqual(entries(v));
    const viaCodec = new Uint8Array(b.length).fill(0xa5);
    codec.encode(v, viaCodec, at);
    const viaTable = new Uint8Array(b.length).fill(0xa5);
    table.encode(table.decode(b, at), viaTable, at);
    expect([...viaCodec.subarray(at, at + s.size)]).toEqual([...b.subarray(at, at + s.size)]);
    expect([...viaCodec]).toEqual([...viaTable]);
  });

  test.prop([arbCase, fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant(2 ** 64), fc.constant('7'), fc.constant(undefined))], { numRuns: 300 })(
    'encode rejects a bad value with the table loop’s TypeError, at the same field',
    ({ i, b }, bad) => {
      const { s, codec, table } = twins[i];
      const v = s.decode(b, 0) as Record<string, unknown>;
      const f = s.fields[b[0] % s.fields.length];
      v[f.name] = bad;
      const err = (fn: () => void) => {
        try {
          fn();
          return null;
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const want = err(() => table.encode(v as never, new Uint8Array(s.size), 0));
      expect(want).toMatch(/^TypeError: /);
      expect(err(() => codec.encode(v, new Uint8Array(s.size), 0))).toBe(want);
    },
  );

  const registers = twins.flatMap(({ s, codec }) => s.fields.filter((f) => f.bits?.length).map((f) => ({ s, f, d: codec.bits?.[f.name] })));

  test.prop([fc.nat(Math.max(0, registers.length - 1)), fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x5a5a5a5a))], { numRuns: 2000 })(
    `named bits of every register field (${registers.length}) decode as the table loop decodes them`,
    (i, r) => {
      const { s, f, d } = registers[i];
      expect(d, `${s.name}.${f.name}`).toBeTypeOf('function');
      expect(entries(d!(r))).toEqual(entries(tableBitsDecoder(f.bits!)(r)));
      expect(entries(s.bits(f.name, r))).toEqual(entries(d!(r)));
    },
  );
});
