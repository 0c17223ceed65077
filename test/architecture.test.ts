// The layering of DESIGN.md, checked: imports only go down the stack, and the browser-safe
// core never reaches a Node-only module.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const ORDER = ['bytes', 'layout', 'pci', 'virtio', 'vring', 'dump', 'model', 'driver', 'arbitraries', 'qtest', 'cli'];
// vring needs only bytes/layout, but sitting above virtio in the order costs nothing.
const NODE_ONLY_LAYERS = new Set(['qtest', 'cli']);
// DESIGN.md: the Bus sits beside pci; the model and the qtest client implement it, the driver
// consumes it, and neither implementation imports the driver (qtest sits above it in ORDER
// only because it is Node-only).
const BUS_IMPLEMENTATIONS = ['model', 'qtest'];
const SRC = resolve(__dirname, '../src');

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
});
