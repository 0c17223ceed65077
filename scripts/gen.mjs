// `npm run gen`: build src/ into dist/ with tsc, then write the *.gen.ts file next to every
// table module from the tables as built. Writes only files whose text changes.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tsc = () => spawnSync(process.execPath, [tscBin, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' }).status;
// A table edited since its code was generated no longer matches its interface, so tsc reports
// errors; it still emits, and the tables are what the generator needs.
const built = tsc();
if (built !== 0) console.error('gen: tsc reported errors; generating from what it emitted, then checking again');
const { declaredNames, declaredStructs, emitModule, genPath } = await import(pathToFileURL(join(dist, 'layout/emit.js')).href);
const { Struct } = await import(pathToFileURL(join(dist, 'layout/struct.js')).href);

/** Every .ts under dir (not .gen.ts, not .d.ts), as paths relative to src/. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.gen.ts') && !e.name.endsWith('.d.ts') ? [relative(src, p).split('\\').join('/')] : [];
  });
}

let written = 0;
let modules = 0;
let structs = 0;
for (const rel of sources(src)) {
  if (rel.startsWith('layout/')) continue; // the DSL itself declares nothing
  const text = readFileSync(join(src, rel), 'utf8');
  if (declaredNames(text).length === 0) continue;
  const exports = await import(pathToFileURL(join(dist, rel.replace(/\.ts$/, '.js'))).href);
  const found = declaredStructs(text, exports, (v) => v instanceof Struct);
  if (found.length === 0) continue;
  modules++;
  structs += found.length;
  const out = join(src, genPath(rel));
  const code = emitModule(rel, found);
  if (existsSync(out) && readFileSync(out, 'utf8') === code) continue;
  writeFileSync(out, code);
  written++;
  console.log(`wrote src/${genPath(rel)}`);
}
console.log(`${structs} structures in ${modules} table modules; ${written} file(s) written`);
if (built !== 0) process.exitCode = tsc() ?? 1;
