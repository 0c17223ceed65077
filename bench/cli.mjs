// The command line against lspci on large generated dumps: wall time with start-up (hyperfine
// when installed, else repeated runs), growth with the number of functions, and peak RSS
// (GNU time's %M, else the process's own maxRSS for node). The dumps are written in a
// temporary directory with the project's lspci writer from the fuzz seed images (model
// presets, 256- and 4096-byte, with PCIe and extended capabilities), then removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus } from '../scripts/fuzz/corpus.mjs';
import { Rng } from '../scripts/fuzz/rng.mjs';

const BIN = fileURLToPath(new URL('../bin/pcicfg.js', import.meta.url));

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Write an `lspci -xxxx` dump of `n` functions; returns its path. */
export function writeDump(api, dir, n) {
  const corpus = buildCorpus(api, new Rng(2026, 11));
  const parts = [];
  for (let i = 0; i < n; i++) {
    const c = corpus[i % corpus.length];
    const slot = { domain: 0, bus: (i >> 8) & 0xff, device: (i >> 3) & 31, function: i & 7 };
    parts.push(api.writeLspciFunction({ bytes: c.bytes, length: c.bytes.length, slot, description: 'Red Hat, Inc. Virtio device' }));
  }
  const file = join(dir, `dump-${n}.txt`);
  writeFileSync(file, parts.join(''));
  return file;
}

/** Mean wall time in seconds of each command (hyperfine, or a loop). */
export function wallTimes(commands, runs) {
  if (have('hyperfine')) {
    const json = join(tmpdir(), `pcicfg-bench-${process.pid}.json`);
    execFileSync('hyperfine', ['--warmup', '1', '--runs', String(runs), '-N', '--export-json', json, ...commands.map((c) => c.join(' '))], { stdio: ['ignore', 'ignore', 'inherit'] });
    const r = JSON.parse(readFileSync(json, 'utf8')).results;
    rmSync(json, { force: true });
    return r.map((x) => ({ mean: x.mean, stddev: x.stddev ?? 0, min: x.min, tool: 'hyperfine' }));
  }
  // In turn, not one command's runs after the other's: the host's speed drifts over minutes
  // (lspci alone has taken 1.25 s and 1.9 s on the same dump half an hour apart), and a drift
  // must hit every command of a comparison alike.
  for (const [cmd, ...args] of commands) spawnSync(cmd, args, { stdio: 'ignore' });
  const ts = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([cmd, ...args], k) => {
      const t0 = performance.now();
      spawnSync(cmd, args, { stdio: 'ignore' });
      ts[k].push((performance.now() - t0) / 1000);
    });
  }
  return ts.map((t) => {
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    return { mean, stddev: Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length), min: Math.min(...t), tool: 'spawnSync loop, commands in turn' };
  });
}

/** Peak resident set size in KiB of one run (GNU time), or null when unavailable. */
export function peakRss([cmd, ...args]) {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const m = /(\d+)\s*$/.exec(r.stderr.trim());
  return m ? Number(m[1]) : null;
}

export function cliCommands(file) {
  return {
    text: ['node', BIN, 'decode', file],
    json: ['node', BIN, 'decode', file, '--json'],
    lspci: ['lspci', '-F', file, '-vvv'],
    version: ['node', BIN, '--version'],
    example: ['node', BIN, 'decode'],
  };
}

export function makeDir() {
  return mkdtempSync(join(tmpdir(), 'pcicfg-bench-'));
}

export function sizeOf(file) {
  return statSync(file).size;
}
