// Summarise a .cpuprofile (node --cpu-prof): self time by function, highest first.
// Usage: node bench/profile-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs FILE.cpuprofile [N]');
  process.exit(1);
}
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((node) => [node.id, node]));
const self = new Map();
const dt = p.timeDeltas;
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const node = byId.get(p.samples[i]);
  const cf = node.callFrame;
  const key = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(dist|src|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
  const d = dt[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + d);
  total += d;
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
for (const [k, v] of rows) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);

// Self time by source folder (dist/cli, dist/pci, ...), to see which layer a cost belongs to.
const byDir = new Map();
for (const [k, v] of self) {
  const m = / (dist|src)\/([a-z]+)/.exec(k);
  const dir = m ? `${m[1]}/${m[2]}` : k.startsWith('(garbage') ? '(gc)' : k.startsWith('(idle') ? '(idle)' : 'node / other';
  byDir.set(dir, (byDir.get(dir) ?? 0) + v);
}
console.log('\nby folder:');
for (const [k, v] of [...byDir.entries()].sort((a, b) => b[1] - a[1])) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
