// The package's entry points as package.json's "exports" declares them, with the source file
// each is built from: tests that compile or run code importing 'pcicfg/…' point the
// specifiers at these, so an entry point added there is seen by all of them.
import { readFileSync } from 'node:fs';

export interface EntryPoint {
  /** The import specifier: 'pcicfg', 'pcicfg/pci', … */
  readonly spec: string;
  /** The built module and its declarations, relative to the package root (dist/…). */
  readonly js: string;
  readonly dts: string;
  /** The source it is built from (src/…, as tsconfig.build.json maps src/ to dist/). */
  readonly source: string;
}

interface Pkg {
  readonly name: string;
  readonly exports: Record<string, string | { types: string; default: string }>;
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Pkg;

export const ENTRY_POINTS: readonly EntryPoint[] = Object.entries(pkg.exports)
  .filter((e): e is [string, { types: string; default: string }] => typeof e[1] === 'object')
  .map(([key, v]) => ({
    spec: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
    js: v.default.replace(/^\.\//, ''),
    dts: v.types.replace(/^\.\//, ''),
    source: v.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
  }));
