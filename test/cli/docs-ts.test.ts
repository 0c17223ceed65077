// The TypeScript examples in docs/ and README.md run, and print what their comments say. A
// `console.log(…)` line ending in `// X`, or followed by comment lines `// X`, must print X
// (Node's console formatting, runs of white space taken as one) exactly once; a console.log
// without one is run, not compared (a remark belongs on the line above, not after the call).
// Each block is written to a temporary module with 'pcicfg' and its subpaths (package.json's
// "exports") pointing at the sources, and imported (vitest compiles it), from the
// repository root as the docs say. Blocks that print nothing are left to the type test.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatWithOptions } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from '../support/entry-points.js';

const root = new URL('../../', import.meta.url);
const DOCS = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const ENTRY: Record<string, string> = Object.fromEntries(ENTRY_POINTS.map((e) => [e.spec, e.source]));

interface Check {
  readonly line: number;
  readonly expected: string | null;
}

/** The block with each console.log numbered, and what each must print. */
function instrument(code: string): { source: string; checks: Check[] } {
  const lines = code.split('\n');
  const checks: Check[] = [];
  const out = lines.map((l, i) => {
    if (!l.includes('console.log(')) return l;
    const trailing = /\);\s*\/\/ (.*)$/.exec(l);
    let expected: string | null = trailing ? trailing[1]! : null;
    if (expected === null) {
      const next: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s*\/\/ /.test(lines[j]!) && !lines[j]!.includes('console.log('); j++) next.push(lines[j]!.replace(/^\s*\/\/ /, ''));
      if (next.length) expected = next.join('\n');
    }
    checks.push({ line: i, expected });
    return l.replaceAll('console.log(', `globalThis.__docLog(${i}, `);
  });
  let source = out.join('\n');
  for (const [spec, path] of Object.entries(ENTRY)) {
    source = source.replaceAll(`from '${spec}'`, `from ${JSON.stringify(fileURLToPath(new URL(path, root)))}`);
  }
  return { source, checks };
}

const blocks = DOCS.flatMap((doc) =>
  [...readFileSync(new URL(doc, root), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, n) => ({ doc, n, code: m[1]! })),
).filter((b) => instrument(b.code).checks.some((c) => c.expected !== null));

const dir = mkdtempSync(join(tmpdir(), 'pcicfg-docs-ts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TypeScript examples in the docs print what they say', () => {
  it('there are some', () => expect(blocks.length).toBeGreaterThan(3));

  for (const b of blocks) {
    it(`${b.doc} block ${b.n + 1}`, async () => {
      const { source, checks } = instrument(b.code);
      const printed = new Map<number, string[]>();
      (globalThis as { __docLog?: unknown }).__docLog = (line: number, ...args: unknown[]) => {
        printed.set(line, [...(printed.get(line) ?? []), formatWithOptions({ colors: false }, ...args)]);
      };
      const file = join(dir, `${b.doc.replace(/\W/g, '_')}-${b.n}.ts`);
      writeFileSync(file, source);
      const cwd = process.cwd();
      process.chdir(fileURLToPath(root));
      try {
        await import(pathToFileURL(file).href);
      } finally {
        process.chdir(cwd);
      }
      for (const c of checks) {
        if (c.expected === null) continue;
        // Node breaks long values over lines; the docs show them on one.
        const flat = (x: string) => x.replace(/\s+/g, ' ');
        expect(printed.get(c.line)?.map(flat), `${b.doc}: ${b.code.split('\n')[c.line]}`).toEqual([flat(c.expected)]);
      }
    }, 60_000);
  }
});
