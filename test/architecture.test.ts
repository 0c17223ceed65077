// The layering of DESIGN.md, checked: imports only go down the stack, and the browser-safe
// core never reaches a Node-only module.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS } from './support/entry-points.js';

const ORDER = ['bytes', 'layout', 'pci', 'virtio', 'vring', 'dump', 'model', 'driver', 'arbitraries', 'web', 'qtest', 'cli'];
// vring needs only bytes/layout, but sitting above virtio in the order costs nothing.
const NODE_ONLY_LAYERS = new Set(['qtest', 'cli']);
// DESIGN.md: the Bus sits beside pci; the model and the qtest client implement it, the driver
// consumes it, and neither implementation imports the driver (qtest sits above it in ORDER
// only because it is Node-only).
const BUS_IMPLEMENTATIONS = ['model', 'qtest'];
const SRC = resolve(__dirname, '../src');
// Which layers each entry point (package.json "exports", built from these files) may export
// from: the root is the browser-safe user API, each subpath one layer, pcicfg/node the root
// plus the Node-only parts. docs/architecture.md has the same table.
const ENTRY_LAYERS: Record<string, readonly string[]> = {
  'src/index.ts': ['bytes', 'layout', 'pci', 'virtio', 'vring', 'dump'],
  'src/entries/pci.ts': ['pci'],
  'src/entries/virtio.ts': ['virtio'],
  'src/entries/vring.ts': ['vring'],
  'src/entries/model.ts': ['model'],
  'src/entries/driver.ts': ['driver'],
  'src/entries/arbitraries.ts': ['arbitraries'],
  'src/node.ts': ['index.js', 'dump', 'qtest'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

const layerOf = (file: string) => relative(SRC, file).split('/')[0];
const isNodeOnly = (file: string) => NODE_ONLY_LAYERS.has(layerOf(file)) || /\.node\.ts$|\/node\.ts$/.test(file) || file === join(SRC, 'node.ts');

describe('architecture', () => {
  const all = files(SRC);

  it('imports only go down the layer stack', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layerOf(f);
      if (!ORDER.includes(from)) continue;
      for (const spec of imports(f)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f), spec);
        const to = layerOf(target);
        if (ORDER.includes(to) && ORDER.indexOf(to) > ORDER.indexOf(from)) bad.push(`${relative(SRC, f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the Bus implementations (model, qtest) never import the driver', () => {
    const bad: string[] = [];
    for (const f of all) {
      if (!BUS_IMPLEMENTATIONS.includes(layerOf(f))) continue;
      for (const spec of imports(f)) {
        if (spec.startsWith('.') && layerOf(resolve(dirname(f), spec)) === 'driver') bad.push(`${relative(SRC, f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps Node-only modules out of the browser-safe core', () => {
    const bad: string[] = [];
    for (const f of all) {
      if (isNodeOnly(f)) continue;
      for (const spec of imports(f)) {
        if (spec.startsWith('node:') || ['fs', 'path', 'child_process', 'os', 'net', 'process'].includes(spec)) bad.push(`${relative(SRC, f)}: ${spec}`);
        if (spec.startsWith('.') && isNodeOnly(resolve(dirname(f), spec))) bad.push(`${relative(SRC, f)} -> ${spec}`);
      }
      const text = readFileSync(f, 'utf8');
      if (/\bprocess\.|\bBuffer\.|\brequire\(/.test(text)) bad.push(`${relative(SRC, f)}: uses process/Buffer/require`);
    }
    expect(bad).toEqual([]);
  });

  it('the page (src/web) imports only browser-safe layers', () => {
    const bad: string[] = [];
    for (const f of all) {
      if (layerOf(f) !== 'web') continue;
      for (const spec of imports(f)) {
        const target = spec.startsWith('.') ? resolve(dirname(f), spec).replace(/\.js$/, '.ts') : null;
        if (target === null || isNodeOnly(target) || ['arbitraries', 'qtest', 'cli'].includes(layerOf(target))) bad.push(`${relative(SRC, f)}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the core has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });

  it('imports no package except fast-check, and that only in the arbitraries subpath', () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const spec of imports(f)) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        if (spec === 'fast-check' && layerOf(f) === 'arbitraries') continue;
        if (isNodeOnly(f) && ['fs', 'path', 'child_process', 'os', 'net', 'process', 'readline', 'stream', 'util', 'events'].includes(spec)) continue;
        bad.push(`${relative(SRC, f)}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('each entry point names what it exports, from its own layers only', () => {
    expect(ENTRY_POINTS.map((e) => e.source).sort()).toEqual(Object.keys(ENTRY_LAYERS).sort());
    const bad: string[] = [];
    for (const [entry, layers] of Object.entries(ENTRY_LAYERS)) {
      const file = join(SRC, '..', entry);
      const text = readFileSync(file, 'utf8').replace(/^\/\/.*$/gm, '');
      // Only re-export statements, each naming its items (`export *` would pass on internals).
      for (const st of text.split(';').map((x) => x.trim()).filter(Boolean)) {
        if (!/^export (type )?\{[^}]*\} from '[^']+'$/.test(st) && !(entry === 'src/node.ts' && st === "export * from './index.js'")) bad.push(`${entry}: ${st.slice(0, 80)}`);
      }
      for (const spec of imports(file)) {
        const target = relative(SRC, resolve(dirname(file), spec));
        if (!layers.includes(target.split('/')[0]!)) bad.push(`${entry} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
