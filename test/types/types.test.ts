// Consumer code under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess, compiled
// against declarations emitted from src/ now (never a stale dist/): the reads in
// test/types/fixtures compile, and each `// @ts-expect-error TSnnnn: why` fails on the next line
// with exactly that error (checked by compiling once more with the directives switched off).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from '../support/entry-points.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIRECTIVE = /\/\/ @ts-expect-error TS(\d+): /;

function parseConfig(file: string, overrides: ts.CompilerOptions): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(file, overrides, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${file}`);
  return parsed;
}

function show(ds: readonly ts.Diagnostic[]): string[] {
  return ds.map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** The package's declarations as `npm run build` emits them (tsconfig.build.json), into `outDir`. */
function emitDeclarations(outDir: string): void {
  const cfg = parseConfig(join(root, 'tsconfig.build.json'), { outDir, emitDeclarationOnly: true, declarationMap: false, sourceMap: false });
  const program = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options });
  const r = program.emit();
  if (r.emitSkipped) throw new Error(`declaration emit failed:\n${show(r.diagnostics).join('\n')}`);
}

const consumerConfig = (dts: string) =>
  parseConfig(join(root, 'test/types/tsconfig.json'), {
    paths: Object.fromEntries(ENTRY_POINTS.map((e) => [e.spec, [join(dts, e.dts.replace(/^dist\//, ''))]])),
  });

/** Compile the fixtures; with `directivesOff`, each `@ts-expect-error` is read as a plain comment. */
function compileFixtures(dts: string, directivesOff: boolean) {
  const cfg = consumerConfig(dts);
  const host = ts.createCompilerHost(cfg.options);
  const fixtures = new Set(cfg.fileNames.map((f) => resolve(f)));
  if (directivesOff) {
    const read = host.readFile.bind(host);
    host.readFile = (f) => {
      const text = read(f);
      return text !== undefined && fixtures.has(resolve(f)) ? text.replaceAll('@ts-expect-error', '@ts-xpect-error') : text;
    };
  }
  const program = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options, host });
  return { program, fixtures, diagnostics: ts.getPreEmitDiagnostics(program) };
}

/** Every ```ts block of docs/*.md and README.md, as a module of its own beside the fixtures. */
function docBlocks(): Map<string, { where: string; line: number; text: string }> {
  const out = new Map<string, { where: string; line: number; text: string }>();
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  for (const md of ['README.md', ...docs]) {
    const lines = readFileSync(join(root, md), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== '```ts') continue;
      const end = lines.indexOf('```', i + 1);
      // Beside the fixtures, so imports resolve as theirs do; `export {}` keeps each block's names its own.
      const text = lines.slice(i + 1, end).join('\n') + '\nexport {};\n';
      out.set(join(root, 'test/types/fixtures', `${md.replace(/[/.]/g, '_')}_${i + 2}.ts`), { where: md, line: i + 2, text });
      i = end;
    }
  }
  return out;
}

let dts = '';
beforeAll(() => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  // Inside the checkout so the declarations' own imports resolve from node_modules.
  dts = mkdtempSync(join(cache, 'pcicfg-types-'));
  emitDeclarations(dts);
}, 120_000);
afterAll(() => {
  if (dts) rmSync(dts, { recursive: true, force: true });
});

describe('types as a strict consumer sees them', () => {
  it('the fixtures compile against the declarations emitted from src/', () => {
    const { program, fixtures, diagnostics } = compileFixtures(dts, false);
    expect(fixtures.size).toBeGreaterThanOrEqual(3);
    // `pcicfg` is the fresh declarations, not dist/ (a stale build must not decide).
    const files = program.getSourceFiles().map((f) => resolve(f.fileName));
    expect(files).toContain(resolve(dts, 'index.d.ts'));
    expect(files.filter((f) => f.startsWith(join(root, 'dist')))).toEqual([]);
    expect(show(diagnostics)).toEqual([]);
  }, 120_000);

  it('each read marked @ts-expect-error fails with the error it names, and nothing else fails', () => {
    const { fixtures, diagnostics } = compileFixtures(dts, true);
    const want: string[] = [];
    for (const f of fixtures) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((l, i) => {
        const m = DIRECTIVE.exec(l);
        if (m) want.push(`${f}:${i + 2} TS${m[1]}`);
      });
    }
    expect(want.length).toBeGreaterThanOrEqual(10);
    const got = [...new Set(diagnostics.map((d) => `${resolve(d.file!.fileName)}:${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1} TS${d.code}`))];
    expect(got.sort()).toEqual(want.sort());
  }, 120_000);

  it('every ```ts block in docs/ and README.md is a program that compiles (fragments use another fence)', () => {
    const blocks = docBlocks();
    expect(blocks.size).toBeGreaterThanOrEqual(20);
    const cfg = consumerConfig(dts);
    const host = ts.createCompilerHost(cfg.options);
    const { fileExists, readFile } = host;
    host.fileExists = (f) => blocks.has(resolve(f)) || fileExists.call(host, f);
    host.readFile = (f) => blocks.get(resolve(f))?.text ?? readFile.call(host, f);
    const program = ts.createProgram({ rootNames: [...blocks.keys()], options: cfg.options, host });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const b = d.file ? blocks.get(resolve(d.file.fileName)) : undefined;
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      return `${b ? `${b.where}:${b.line + line}` : show([d])[0]} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(errors).toEqual([]);
  }, 120_000);
});
