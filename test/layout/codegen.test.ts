// The code `npm run gen` writes from the field tables: checked-in files are what the tables
// give today, every declared structure uses its generated codec, and that codec decodes and
// encodes as the table-driven loops do, on arbitrary bytes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { declaredNames, declaredStructs, emitModule, genPath } from '../../src/layout/emit.js';
import { Struct, struct, u16, u8 } from '../../src/layout/struct.js';
import { layoutHash, readU64Fast, type GeneratedCodec } from '../../src/layout/codec.js';
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

  test.prop([arbCase, fc.integer({ min: -4, max: 80 }), fc.nat(0xffff)], { numRuns: 2000 })(
    'a structure cut short: decodePartial and encodePartial through the codec equal the table loops (values, key order, missing fields, bytes written)',
    ({ i, b, at }, cut, seed) => {
      const { s, table } = twins[i];
      const end = at + Math.min(cut, s.size + 4);
      const got = s.decodePartial(b, at, end);
      const want = table.decodePartial(b, at, end);
      expect(entries(got.value), s.name).toEqual(entries(want.value));
      expect(got.missing.map((f) => f.name)).toEqual(want.missing.map((f) => f.name));
      // Write back a subset of the fields there are (every other one, from the seed) over other bytes.
      const some = Object.fromEntries(Object.entries(want.value).filter((_, k) => ((seed >> k % 16) & 1) === 1));
      const viaCodec = new Uint8Array(b.length).fill(0x5a);
      const viaTable = new Uint8Array(b.length).fill(0x5a);
      s.encodePartial(some as never, viaCodec, at, end);
      table.encodePartial(some as never, viaTable, at, end);
      expect([...viaCodec]).toEqual([...viaTable]);
    },
  );

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

describe('the emitter on arbitrary tables', () => {
  const KINDS = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;
  const NAMES = ['a', 'b-c', 'constructor', 'toString', '0', 'x y', "it's", '__proto__', 'default'];
  const arbBits = fc.array(fc.record({ name: fc.constantFrom('en', 'mode', 'x', '__proto__', '66mhz', 'size'), lo: fc.nat(31), width: fc.integer({ min: 0, max: 33 }) }), {
    maxLength: 8,
  });
  /** Contiguous fields of any kind and awkward names (each at most once), some registers with bits. */
  const arbTable = fc
    .array(fc.tuple(fc.constantFrom('u8', 'u16', 'u32', 'u64', 'bytes'), fc.integer({ min: 1, max: 70 }), arbBits), { minLength: 1, maxLength: 12 })
    .map((specs) => {
      let at = 0;
      return specs.map(([kind, n, bits], i) => {
        const size = kind === 'bytes' ? n : KINDS[kind as keyof typeof KINDS];
        const f = { name: i < NAMES.length ? NAMES[i] : `f${i}`, kind, offset: at, size, access: 'rw', bits: kind === 'bytes' || kind === 'u64' ? undefined : bits };
        at += size;
        return f;
      });
    });
  const tables = fc.sample(arbTable, { numRuns: 40, seed: 20261207 });

  it('writes code that decodes, encodes and reads bits as the table loops do (names like __proto__, repeated bit names, widths 0-33)', async () => {
    const emitted = tables.map((fields, i) => ({ name: `t${i}`, size: fields.reduce((n, f) => n + f.size, 0), fields }));
    const codec = fileURLToPath(new URL('../../src/layout/codec.ts', import.meta.url));
    const code = emitModule('arb/tables.ts', emitted).replace(`'../layout/codec.js'`, JSON.stringify(codec));
    const dir = mkdtempSync(join(tmpdir(), 'pcicfg-emit-'));
    try {
      writeFileSync(join(dir, 'tables.gen.ts'), code);
      const gen = (await import(/* @vite-ignore */ join(dir, 'tables.gen.ts'))) as Record<string, GeneratedCodec<Record<string, unknown>>>;
      const bytes = fc.sample(fc.uint8Array({ minLength: 1000, maxLength: 1000 }), { numRuns: 5, seed: 7 });
      for (const s of emitted) {
        const table = struct(s.name, Object.fromEntries(s.fields.map((f) => [f.name, { ...f }])) as Record<string, never>);
        expect(table.fields.map((f) => f.name)).toEqual(s.fields.map((f) => f.name));
        for (const b of bytes) {
          const v = gen[s.name].decode(b, 3);
          expect(Object.getPrototypeOf(v), s.name).toBe(Object.prototype);
          expect(entries(v), s.name).toEqual(entries(tableStructDecoder(s.fields as never)(b, 3)));
          const out = new Uint8Array(b.length);
          gen[s.name].encode(v, out, 3);
          const want = new Uint8Array(b.length);
          table.encode(v as never, want, 3);
          expect([...out], s.name).toEqual([...want]);
          expect([...out.subarray(3, 3 + s.size)]).toEqual([...b.subarray(3, 3 + s.size)]);
        }
        for (const f of s.fields) {
          if (!f.bits?.length) continue;
          for (const r of [0, 0xffffffff, 0x80000000, 0x5a5a5a5a, 0x12345678, -1, 2 ** 40 + 5]) {
            const got = gen[s.name].bits![f.name](r);
            expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
            expect(entries(got), `${s.name}.${f.name}`).toEqual(entries(tableBitsDecoder(f.bits)(r)));
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a codec written from another table is ignored: the table loop decodes (a structure edited before npm run gen)', () => {
    const old = struct('edited', { a: u8(0), b: u8(1) });
    const codec: GeneratedCodec<{ a: number; b: number }> = {
      layout: layoutHash('edited', 2, [
        { name: 'a', kind: 'u8', offset: 0, size: 1 },
        { name: 'b', kind: 'u8', offset: 1, size: 1 },
      ]),
      decode: (b, at) => ({ a: b[at], b: b[at + 1] }),
      encode: () => {},
    };
    expect((struct('edited', old.table, codec) as unknown as { codec: unknown }).codec).toBe(codec);
    const edited = struct('edited', { a: u16(0) }, codec as never);
    expect((edited as unknown as { codec: unknown }).codec).toBeNull();
    expect(edited.decode(new Uint8Array([1, 2]))).toEqual({ a: 0x201 });
  });
});

describe('readU64Fast, the u64 read of the generated code', () => {
  test.prop([fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(8), fc.boolean()], { numRuns: 2000 })('reads what DataView.getBigUint64 reads (little-endian), above 2^53 too', (b, at, small) => {
    if (small) b[at + 6] = b[at + 7] = 0; // the BigInt(number) path
    expect(readU64Fast(b, at)).toBe(new DataView(b.buffer, b.byteOffset).getBigUint64(at, true));
  });
});
