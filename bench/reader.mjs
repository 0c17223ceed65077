#!/usr/bin/env node
// Parse-only time of a large lspci dump through DumpReader: the file read once, then pushed
// as 1 MiB Uint8Array chunks (as a stream gives them) and as one decoded string, end() after.
// No CLI, no output: what the reader costs alone.
//
//   node --expose-gc bench/reader.mjs [--functions 8000] [--rounds 7] [--dist ../dist] [--formats lspci,hexdump,xxd]
// Reports one cold read in a fresh process (what a one-shot CLI run pays, JIT warm-up
// included) and the best and median of `rounds` warm reads in this process.
// Writes the lspci dump with bench/cli.mjs's writer in a temporary directory (hexdump -C and
// xxd: the same images, one dump after another) and removes it after.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeDir, writeDump } from './cli.mjs';
import { buildCorpus } from '../scripts/fuzz/corpus.mjs';
import { Rng } from '../scripts/fuzz/rng.mjs';

const CHUNK = 1 << 20;

/** Milliseconds of reading `data` through a fresh DumpReader, `rounds` times: the best and the median. */
export function readerTimes(api, data, rounds) {
  const ts = [];
  let functions = 0;
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    const t0 = performance.now();
    const reader = new api.DumpReader({});
    let n = 0;
    if (typeof data === 'string') n += reader.push(data).length;
    else for (let i = 0; i < data.length; i += CHUNK) n += reader.push(data.subarray(i, i + CHUNK)).length;
    n += reader.end().length;
    ts.push(performance.now() - t0);
    functions = n;
  }
  ts.sort((a, b) => a - b);
  return { best: ts[0], median: ts[ts.length >> 1], functions };
}

/**
 * Milliseconds of one read of `file` (1 MiB byte chunks) in a fresh node process, as a one-shot
 * CLI run does it: nothing compiled yet, a small heap. Best of `runs` processes.
 */
export function coldTime(indexUrl, file, runs = 3) {
  const script = `const api = await import(${JSON.stringify(indexUrl)});
const { readFileSync } = await import('node:fs');
const b = readFileSync(${JSON.stringify(file)});
const t0 = performance.now();
const r = new api.DumpReader({});
for (let i = 0; i < b.length; i += ${CHUNK}) r.push(b.subarray(i, i + ${CHUNK}));
r.end();
console.log(performance.now() - t0);`;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    best = Math.min(best, Number(out.trim()));
  }
  return best;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { functions: { type: 'string' }, rounds: { type: 'string' }, dist: { type: 'string' }, formats: { type: 'string' } } });
  const dist = resolve(values.dist ?? new URL('../dist', import.meta.url).pathname);
  const api = await import(pathToFileURL(`${dist}/index.js`).href);
  const n = Number(values.functions ?? 8000);
  const rounds = Number(values.rounds ?? 7);
  const dir = makeDir();
  try {
    for (const format of (values.formats ?? 'lspci').split(',')) {
      let file;
      if (format === 'lspci') file = writeDump(api, dir, n);
      else {
        const corpus = buildCorpus(api, new Rng(2026, 11));
        const write = format === 'hexdump' ? api.writeHexdumpC : api.writeXxd;
        const parts = [];
        for (let i = 0; i < n; i++) parts.push(write({ bytes: corpus[i % corpus.length].bytes, length: corpus[i % corpus.length].bytes.length }));
        file = join(dir, `dump-${n}.${format}`);
        writeFileSync(file, parts.join(''));
      }
      const cold = coldTime(pathToFileURL(`${dist}/index.js`).href, file);
      const bytes = readFileSync(file);
      const text = bytes.toString('utf8');
      const mb = (bytes.length / 1e6).toFixed(1);
      for (const [what, data] of [
        ['bytes, 1 MiB chunks', new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)],
        ['one string', text],
      ]) {
        const t = readerTimes(api, data, rounds);
        const once = typeof data === 'string' ? '' : `one cold read ${cold.toFixed(0)} ms (fresh process, best of 3); `;
        console.log(`DumpReader ${format} ${n} functions (${mb} MB), ${what}: ${once}warm best ${t.best.toFixed(0)} ms, median ${t.median.toFixed(0)} ms (${t.functions} functions)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
