#!/usr/bin/env node
// npm run fuzz [-- --iterations N] [--seed S] [--jobs J] [--hang-ms MS] [--budget-ms MS] [--replay INDEX] [--dist DIR]
// npm run fuzz -- --shapes [--shapes-scale X] [--only TEXT] [--dist DIR]
//
// Mutated and random configuration images (256 and 4096 bytes, seeds made by the project's
// encoders and model presets) and mutated dump text, through decodeConfigSpace, probeVirtio,
// notifyAddress, lookupAddress, encodeConfigSpace and readDump (see scripts/fuzz/engine.mjs
// for what is checked). Input i of seed S is rebuilt from (S, i) alone: a failure prints the
// command that replays it. Each worker publishes the input it is on; an input that runs longer
// than --hang-ms is reported as a hang and its worker replaced. Inputs slower than --budget-ms
// are failures too. Exit status 1 on any failure.
//
// --shapes runs the built command line (bin/pcicfg.js, or DIR/../bin) in child processes on
// large and oddly shaped inputs instead (scripts/fuzz/shapes.mjs): millions of tiny functions,
// lines of megabytes, deep JSON for encode, producers that pause; it checks exit status, stderr,
// peak RSS and time to first output, in a minute or two (--shapes-scale 0.1 for a quick look).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { checkCorpus, describeInput, loadApi, loadExtra, makeContext, makeInput, runInput } from './fuzz/engine.mjs';
import { runShapes } from './fuzz/shapes.mjs';


const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    'hang-ms': { type: 'string', default: '10000' },
    'budget-ms': { type: 'string', default: '1000' },
    'max-failures': { type: 'string', default: '20' },
    replay: { type: 'string' },
    dist: { type: 'string' },
    shapes: { type: 'boolean' },
    'shapes-scale': { type: 'string', default: '1' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
// The build under test: dist/ of this checkout, or another (e.g. a copy with a planted bug).
const DIST = values.dist === undefined ? new URL('../dist/index.js', import.meta.url).href : pathToFileURL(resolve(values.dist, 'index.js')).href;
if (values.help) {
  console.log('usage: npm run fuzz -- [--iterations N] [--seed S] [--jobs J] [--hang-ms MS] [--budget-ms MS] [--max-failures N] [--replay INDEX] [--dist DIR]');
  console.log('       npm run fuzz -- --shapes [--shapes-scale X] [--only TEXT] [--dist DIR]');
  process.exit(0);
}
const int = (name, v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name} must be a non-negative integer, got ${v}`);
    process.exit(1);
  }
  return n;
};
const iterations = int('iterations', values.iterations);
const seed = values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : int('seed', values.seed) >>> 0;
const jobs = Math.max(1, int('jobs', values.jobs));
const hangMs = int('hang-ms', values['hang-ms']);
const budgetMs = int('budget-ms', values['budget-ms']);
const maxFailures = Math.max(1, int('max-failures', values['max-failures']));

if (values.shapes) {
  const bin = values.dist === undefined ? new URL('../bin/pcicfg.js', import.meta.url).pathname : resolve(values.dist, '../bin/pcicfg.js');
  const scale = Number(values['shapes-scale']);
  if (!(scale > 0)) {
    console.error(`fuzz: --shapes-scale must be a positive number, got ${values['shapes-scale']}`);
    process.exit(1);
  }
  console.log(`fuzz: shaped inputs through ${bin}${scale === 1 ? '' : `, scale ${scale}`}`);
  const t0 = performance.now();
  const failures = await runShapes(bin, { scale, only: values.only ?? null });
  console.log(`\nfuzz shapes: ${failures.length} failure(s) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(failures.length ? 1 : 0);
}

let outDir = null;
function save(f) {
  if (!f.input) return null;
  outDir ??= mkdtempSync(join(tmpdir(), 'pcicfg-fuzz-'));
  const base = join(outDir, `seed-${f.seed}-input-${f.index}`);
  const { data, ...meta } = f.input;
  if (typeof data === 'string') writeFileSync(`${base}.txt`, data);
  else writeFileSync(`${base}.bin`, data);
  writeFileSync(`${base}.json`, JSON.stringify({ ...f, input: meta }, null, 2) + '\n');
  return `${base}.${typeof data === 'string' ? 'txt' : 'bin'}`;
}

function report(f) {
  const file = save(f);
  console.log(`\nFAIL [${f.check}] seed ${f.seed} input ${f.index}: ${f.message}`);
  if (f.input) console.log(`  input: ${f.input.kind}${f.input.length !== undefined ? `, ${f.input.length} of ${f.input.size} bytes known` : ''}${f.input.mutations ? `, mutations ${f.input.mutations.join(' ')}` : ''}${f.input.format ? `, ${f.input.format} text read as ${f.input.readAs}` : ''}`);
  if (f.stack) console.log('  ' + f.stack.split('\n').slice(0, 6).join('\n  '));
  if (file) console.log(`  saved: ${file}`);
  console.log(`  replay: npm run fuzz -- --seed ${f.seed} --replay ${f.index}${values.dist === undefined ? '' : ` --dist ${values.dist}`}`);
}

if (values.replay !== undefined) {
  const index = int('replay', values.replay);
  const api = await loadApi(DIST);
  const ctx = makeContext(api, 1, await loadExtra(DIST));
  const input = makeInput(ctx, seed, index);
  const t0 = performance.now();
  try {
    runInput(ctx, input);
    console.log(`seed ${seed} input ${index} (${input.kind}): passes in ${(performance.now() - t0).toFixed(2)} ms`);
    process.exit(0);
  } catch (e) {
    report({ seed, index, check: e.check ?? 'exception', message: e.message, stack: e.check ? undefined : e.stack, input: describeInput(input) });
    process.exit(1);
  }
}

{
  const problems = checkCorpus(makeContext(await loadApi(DIST), 1, await loadExtra(DIST)));
  if (problems.length) {
    console.log('fuzz: the seed corpus is not what it should be:\n  ' + problems.join('\n  '));
    process.exit(1);
  }
}
console.log(`fuzz: ${iterations} inputs, seed ${seed}, ${jobs} worker(s), hang after ${hangMs} ms, budget ${budgetMs} ms per input`);
const started = performance.now();
const failures = [];
const totals = { count: 0, kinds: {}, maxMs: 0, maxIndex: -1, maxKind: '', totalMs: 0, over: {} };

function merge(s) {
  totals.count += s.count;
  totals.totalMs += s.totalMs;
  for (const [k, v] of Object.entries(s.kinds)) totals.kinds[k] = (totals.kinds[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.over)) totals.over[k] = (totals.over[k] ?? 0) + v;
  if (s.maxMs > totals.maxMs) Object.assign(totals, { maxMs: s.maxMs, maxIndex: s.maxIndex, maxKind: s.maxKind });
}

const progress = new Map();
let lastPrint = 0;
function printProgress() {
  const now = performance.now();
  if (now - lastPrint < 5000) return;
  lastPrint = now;
  let done = 0;
  for (const [, p] of progress) done += p.index - p.from;
  const rate = done / ((now - started) / 1000);
  process.stdout.write(`  ${done}/${iterations} inputs, ${rate.toFixed(0)}/s, ${failures.length} failure(s)\n`);
}

/** Run [from, to) in a worker; a hung input is reported and the rest of the range goes on in a new worker. */
function runSlice(id, from, to) {
  return new Promise((resolve) => {
    const beat = new SharedArrayBuffer(4);
    const heartbeat = new Int32Array(beat);
    Atomics.store(heartbeat, 0, from);
    const w = new Worker(new URL('./fuzz/worker.mjs', import.meta.url), { workerData: { seed, from, to, beat, distUrl: DIST, stopAfter: maxFailures } });
    progress.set(id, { from, index: from });
    let seen = from;
    let since = performance.now();
    let finished = false;
    let snapshot = null;
    const timer = setInterval(() => {
      const cur = Atomics.load(heartbeat, 0);
      progress.get(id).index = cur;
      if (cur !== seen) {
        seen = cur;
        since = performance.now();
      } else if (performance.now() - since > hangMs && !finished) {
        finished = true;
        clearInterval(timer);
        failures.push({ seed, index: cur, check: 'hang', message: `input ran for more than ${hangMs} ms`, input: null });
        // Statistics up to the last snapshot, and the inputs that completed before the hang.
        if (snapshot) merge({ ...snapshot, count: 0 });
        totals.count += cur - from;
        w.terminate().then(() => {
          progress.get(id).index = cur + 1;
          if (cur + 1 < to && failures.length < maxFailures) runSlice(`${id}+`, cur + 1, to).then(resolve);
          else resolve();
        });
      }
      printProgress();
    }, 200);
    w.on('message', (m) => {
      if (m.type === 'progress') snapshot = m.stats;
      else if (m.type === 'failure') failures.push(m.failure);
      else if (m.type === 'done') {
        merge(m.stats);
        progress.get(id).index = to;
      }
    });
    w.on('error', (e) => {
      failures.push({ seed, index: Atomics.load(heartbeat, 0), check: 'worker', message: e.stack ?? String(e), input: null });
    });
    w.on('exit', () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      resolve();
    });
  });
}

const per = Math.ceil(iterations / jobs);
await Promise.all(Array.from({ length: jobs }, (_, j) => runSlice(String(j), j * per, Math.min(iterations, (j + 1) * per))));
const seconds = (performance.now() - started) / 1000;

// Inputs over the time budget are failures; replay them to attach the input.
if (totals.maxMs > budgetMs) {
  failures.push({ seed, index: totals.maxIndex, check: 'slow', message: `input took ${totals.maxMs.toFixed(1)} ms, over the ${budgetMs} ms budget (${totals.over[1000] ?? 0} input(s) over 1 s)`, input: null });
}
// Rebuild the saved input of hangs and slow inputs (cheap: made from seed and index).
if (failures.some((f) => f.input === null)) {
  const ctx = makeContext(await loadApi(DIST), 1, await loadExtra(DIST));
  for (const f of failures) if (f.input === null && f.index >= 0) f.input = describeInput(makeInput(ctx, seed, f.index));
}
for (const f of failures) report(f);

const kinds = Object.entries(totals.kinds)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');
console.log(`\nfuzz summary (seed ${seed})`);
console.log(`  inputs run:     ${totals.count} of ${iterations} (${kinds})`);
console.log(`  wall time:      ${seconds.toFixed(1)} s (${(totals.count / seconds).toFixed(0)} inputs/s, ${jobs} worker(s))`);
console.log(`  per input:      mean ${((totals.totalMs / Math.max(1, totals.count)) * 1000).toFixed(0)} µs, max ${totals.maxMs.toFixed(1)} ms (input ${totals.maxIndex}, ${totals.maxKind}); over 1 ms: ${totals.over[1] ?? 0}, 10 ms: ${totals.over[10] ?? 0}, 100 ms: ${totals.over[100] ?? 0}, 1 s: ${totals.over[1000] ?? 0}`);
console.log(`  budget:         ${budgetMs} ms per input, hang after ${hangMs} ms`);
console.log(`  failures:       ${failures.length}${failures.length >= maxFailures ? ' (stopped early)' : ''}`);
process.exit(failures.length ? 1 : 0);
