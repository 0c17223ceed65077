// The package as a consumer installs it: `npm run build`'s tsc output (tsconfig.build.json) and
// package.json laid out as node_modules/pcicfg. Every entry point of "exports" resolves, at
// run time and for TypeScript under moduleResolution node16, bundler and the older node
// (through typesVersions); every source map carries the sources it names, since src/ is not
// in the package's "files".
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from '../support/entry-points.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkgJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };

function show(ds: readonly ts.Diagnostic[]): string[] {
  return ds.map((d) => `${d.file ? relative(root, d.file.fileName) : ''} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

let work = '';
let pkg = '';
beforeAll(() => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  // Inside the checkout so the consumer finds @types/node and fast-check as a user's project would.
  work = mkdtempSync(join(cache, 'pcicfg-package-'));
  pkg = join(work, 'node_modules', 'pcicfg');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  // The consumer's own package, so 'pcicfg' is not the checkout's self-reference.
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const cfg = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), { outDir: join(pkg, 'dist') }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const r = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options }).emit();
  if (r.emitSkipped) throw new Error(`emit failed:\n${show(r.diagnostics).join('\n')}`);
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package as installed', () => {
  it('every entry point of "exports" loads and gives what its source exports', async () => {
    const req = createRequire(join(work, 'consumer.js'));
    for (const e of ENTRY_POINTS) {
      const file = req.resolve(e.spec);
      expect(relative(pkg, file)).toBe(e.js);
      const built = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const source = (await import(pathToFileURL(join(root, e.source)).href)) as Record<string, unknown>;
      expect(Object.keys(built).sort(), e.spec).toEqual(Object.keys(source).sort());
    }
  }, 120_000);

  it.each(['node16', 'bundler', 'node10'] as const)('a TypeScript consumer under moduleResolution %s imports every entry point', (resolution) => {
    // One named import of each entry point, and a type from each, so a wrong typesVersions or exports path fails.
    const lines = ENTRY_POINTS.map((e, i) => `import * as m${i} from '${e.spec}';\nexport const k${i}: number = Object.keys(m${i}).length;`);
    const file = join(work, `consumer-${resolution}.ts`);
    writeFileSync(file, `${lines.join('\n')}\nimport type { ConfigSpace } from 'pcicfg';\nimport type { PciCapDecoder } from 'pcicfg/pci';\nimport type { Features } from 'pcicfg/virtio';\nimport type { VringDesc } from 'pcicfg/vring';\nimport type { VirtioModelDescription } from 'pcicfg/model';\nimport type { VirtioDriverOptions } from 'pcicfg/driver';\nimport type { QemuOptions } from 'pcicfg/node';\nimport type { GeneratedTransport } from 'pcicfg/arbitraries';\nexport type All = [ConfigSpace, PciCapDecoder, Features, VringDesc, VirtioModelDescription, VirtioDriverOptions, QemuOptions, GeneratedTransport];\n`);
    const module = { node16: ts.ModuleKind.Node16, bundler: ts.ModuleKind.ESNext, node10: ts.ModuleKind.ESNext }[resolution];
    const moduleResolution = { node16: ts.ModuleResolutionKind.Node16, bundler: ts.ModuleResolutionKind.Bundler, node10: ts.ModuleResolutionKind.Node10 }[resolution];
    const program = ts.createProgram({ rootNames: [file], options: { module, moduleResolution, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] } });
    expect(show(ts.getPreEmitDiagnostics(program))).toEqual([]);
    // Resolved from the installed copy, not from the checkout's src/ or dist/.
    const used = program.getSourceFiles().map((f) => f.fileName);
    expect(used.filter((f) => f.startsWith(join(root, 'dist')) || f.startsWith(join(root, 'src')))).toEqual([]);
    for (const e of ENTRY_POINTS) expect(used).toContain(join(pkg, e.dts));
  }, 120_000);

  it('every source map carries the sources it names, or names files the package ships', () => {
    const shipped = (p: string) => pkgJson.files.some((f) => relative(join(pkg, f), p).split('/')[0] !== '..');
    const maps = walk(pkg).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    const bad: string[] = [];
    for (const m of maps) {
      const map = JSON.parse(readFileSync(m, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      map.sources.forEach((s, i) => {
        const target = resolve(dirname(m), s);
        if (typeof map.sourcesContent?.[i] !== 'string' && !shipped(target)) bad.push(`${relative(pkg, m)}: ${s}`);
      });
    }
    expect(bad).toEqual([]);
  });
});
