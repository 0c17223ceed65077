// docs/api.md documents every name each entry point exports, under the entry point it lives in.
// Its "Every exported name" section has a heading `### \`pcicfg/…\`` per entry point of
// package.json's "exports" and one table row per name, the name in backticks in the first
// column. The export lists come from the entry sources through the TypeScript compiler (types
// included), and the values among them are checked against the modules as they load.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from './support/entry-points.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const INDEX_HEADING = '## Every exported name';

/** The names documented per entry point: the backticked first cell of each table row under its heading. */
function documented(): Map<string, string[]> {
  const doc = readFileSync(resolve(root, 'docs/api.md'), 'utf8');
  const at = doc.indexOf(`\n${INDEX_HEADING}\n`);
  if (at < 0) throw new Error(`docs/api.md has no "${INDEX_HEADING}" section`);
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of doc.slice(at).split('\n')) {
    const h = /^### `([^`]+)`$/.exec(line);
    if (h) out.set(h[1]!, (current = []));
    else if (line.startsWith('## ') && line !== INDEX_HEADING) current = null;
    const row = /^\| `([^`]+)` \|/.exec(line);
    if (row && current) current.push(row[1]!);
  }
  return out;
}

/** Each entry point's exported names, and which of them are values, as the compiler reads the sources. */
function exported(): Map<string, { names: string[]; values: string[] }> {
  const cfg = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const files = ENTRY_POINTS.map((e) => resolve(root, e.source));
  const program = ts.createProgram({ rootNames: files, options: { ...cfg.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const out = new Map<string, { names: string[]; values: string[] }>();
  for (const e of ENTRY_POINTS) {
    const mod = checker.getSymbolAtLocation(program.getSourceFile(resolve(root, e.source))!)!;
    const syms = checker.getExportsOfModule(mod);
    const isValue = (s: ts.Symbol) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0;
    out.set(e.spec, { names: syms.map((s) => s.name).sort(), values: syms.filter(isValue).map((s) => s.name).sort() });
  }
  return out;
}

const difference = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

let docs: Map<string, string[]>;
let exports: Map<string, { names: string[]; values: string[] }>;
beforeAll(() => {
  docs = documented();
  exports = exported();
}, 120_000);

describe('docs/api.md lists every exported name, under its entry point', () => {
  it('has a section for each entry point of package.json, and no other', () => {
    expect([...docs.keys()].sort()).toEqual(ENTRY_POINTS.map((e) => e.spec).sort());
  });

  it.each(ENTRY_POINTS.map((e) => e.spec))('%s: the names its section lists are the names it exports', (spec) => {
    const mine = exports.get(spec)!.names;
    // pcicfg/node re-exports all of 'pcicfg' (test/architecture.test.ts); its section lists the rest.
    const expected = spec === 'pcicfg/node' ? difference(mine, exports.get('pcicfg')!.names) : mine;
    const listed = docs.get(spec) ?? [];
    const missing = difference(expected, listed);
    const extra = difference(listed, expected);
    const twice = listed.filter((x, i) => listed.indexOf(x) !== i);
    expect(
      { missing, extra, twice },
      `docs/api.md, ### \`${spec}\`: add a row for each name in "missing" (exported, not documented), remove each in "extra" (documented, not exported by ${spec}), keep one row of each in "twice"`,
    ).toEqual({ missing: [], extra: [], twice: [] });
  });

  it('no name is documented under two entry points', () => {
    const seen = new Map<string, string>();
    const both: string[] = [];
    for (const [spec, names] of docs) {
      for (const n of names) {
        if (seen.has(n)) both.push(`${n}: ${seen.get(n)} and ${spec}`);
        seen.set(n, spec);
      }
    }
    expect(both).toEqual([]);
  });

  it.each(ENTRY_POINTS.map((e) => [e.spec, e.source] as const))('%s: the module as it loads exports exactly the values the compiler sees', async (spec, source) => {
    const mod = (await import(pathToFileURL(resolve(root, source)).href)) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toEqual(exports.get(spec)!.values);
  }, 60_000);
});
