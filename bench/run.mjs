#!/usr/bin/env node
// npm run bench [-- --write] [--only structs,image,cli,notify,startup] [--functions 1000,2000,4000,8000,16000] [--runs N] [--quick]
//
// (a) structure decode: the project's field tables against the same structures declared with
//     binary-parser and restructure (bench/structs.mjs); goals: at least binary-parser's rate,
//     at least 10x restructure's.
// (b) whole-image decodeConfigSpace per second (and with the virtio probe).
// (c) `pcicfg decode` (text and --json) against `lspci -F DUMP -vvv` on generated dumps of
//     thousands of functions: wall time with start-up, growth with the dump, peak RSS;
//     goals: at most 0.6x lspci's time at 8000 functions, linear growth, peak memory flat in
//     the number of functions.
// (d) doorbell writes dispatched per second by the device model.
// (e) start-up as a user feels it: `pcicfg decode` of a host-sized dump (100 functions)
//     against `node -e 0`; goal: at most 1.5x.
// Prints a table; --write also writes docs/benchmarks.md. Needs `node --expose-gc` (npm run bench).
import { cpus, loadavg, totalmem } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as root from '../dist/index.js';
import * as model from '../dist/entries/model.js';
import * as vring from '../dist/entries/vring.js';
import { buildCorpus } from '../scripts/fuzz/corpus.mjs';
import { Rng } from '../scripts/fuzz/rng.mjs';
import { cliCommands, have, makeDir, peakRss, sizeOf, wallTimes, writeDump } from './cli.mjs';
import { compareRates, fmtRate, rate, sink } from './measure.mjs';
import { notifyCases } from './model.mjs';
import { checkAgreement, structCases } from './structs.mjs';

// The public entry points the benches reach through, as one namespace.
const api = { ...root, ...vring, ...model };

const { values } = parseArgs({
  options: {
    write: { type: 'boolean' },
    only: { type: 'string' },
    functions: { type: 'string' },
    runs: { type: 'string' },
    quick: { type: 'boolean' },
  },
});
const only = new Set((values.only ?? 'structs,image,cli,notify,startup').split(','));
const quick = values.quick ?? false;
const timing = quick ? { ms: 80, rounds: 3 } : { ms: 250, rounds: 7 };
const sizes = (values.functions ?? (quick ? '500,1000' : '1000,2000,4000,8000,16000')).split(',').map(Number);
const runs = Number(values.runs ?? (quick ? 2 : 5));
/** The dump size the large-dump goal is set at. */
const LARGE = 8000;
/** A host's functions: what a start-up measurement decodes. */
const HOST = 100;
if (!globalThis.gc) console.warn('bench: run with node --expose-gc (npm run bench) for steadier figures');

const loadAtStart = loadavg()[0];
const sections = [];
const goals = [];
const log = (s = '') => console.log(s);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function table(title, head, rows) {
  sections.push({ title, head, rows });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  log(`\n${title}`);
  log(head.map((h, i) => (i ? lpad(h, w[i]) : pad(h, w[i]))).join('  '));
  for (const r of rows) log(r.map((c, i) => (i ? lpad(c, w[i]) : pad(c, w[i]))).join('  '));
}

function goal(what, met, detail) {
  goals.push({ what, met, detail });
}

// Inputs varied over 16 buffers so no decoder sees one constant array.
function inputsOf(size, count = 16) {
  const rng = new Rng(7, size);
  return Array.from({ length: count }, () => rng.bytes(size));
}

// ---- (a) structures ----
if (only.has('structs')) {
  const rows = [];
  for (const c of structCases(api)) {
    const inputs = inputsOf(c.size);
    for (const b of inputs.slice(0, 4)) checkAgreement(c, b);
    const { ours, bp, rs } = compareRates({ ours: c.ours, bp: c.bp, rs: c.rs }, inputs, timing);
    rows.push([c.name, fmtRate(ours), fmtRate(bp), fmtRate(rs), `${(ours / bp).toFixed(2)}x`, `${(ours / rs).toFixed(1)}x`]);
    goal(`${c.name}: at least binary-parser's rate`, ours >= bp, `${(ours / bp).toFixed(2)}x binary-parser`);
    goal(`${c.name}: at least 10x restructure`, ours >= 10 * rs, `${(ours / rs).toFixed(2)}x restructure`);
  }
  table('(a) structure decode (decodes per second; higher is better)', ['structure', 'pcicfg', 'binary-parser', 'restructure', 'vs bp', 'vs rs'], rows);
}

// ---- (b) whole images ----
if (only.has('image')) {
  const corpus = buildCorpus(api, new Rng(2026, 11));
  const pick = (pred) => corpus.filter((c) => pred(c.name)).map((c) => c.bytes);
  const groups = [
    ['virtio 256 B images (12 presets x queues)', pick((n) => n.endsWith('/256'))],
    ['virtio 4096 B images with PCIe + ext caps', pick((n) => n.endsWith('/4096'))],
    ['random 4096 B', inputsOf(4096)],
  ];
  const vendorCaps = [api.virtioVendorCapDecoder];
  const rows = [];
  for (const [name, imgs] of groups) {
    const { plain, hooked, probed } = compareRates(
      {
        plain: (b) => api.decodeConfigSpace(b),
        hooked: (b) => api.decodeConfigSpace(b, { vendorCaps }),
        probed: (b) => api.probeVirtio(api.decodeConfigSpace(b, { vendorCaps })),
      },
      imgs,
      timing,
    );
    const encoded = rate((cs) => api.encodeConfigSpace(cs), imgs.map((b) => api.decodeConfigSpace(b, { vendorCaps })), timing);
    rows.push([name, fmtRate(plain), fmtRate(hooked), fmtRate(probed), fmtRate(encoded)]);
  }
  table('(b) whole images (per second)', ['images', 'decodeConfigSpace', '+ virtio hook', '+ probeVirtio', 'encodeConfigSpace'], rows);
}

// ---- (c) the command line against lspci ----
let cliNote = null;
if (only.has('cli')) {
  if (!have('lspci')) {
    cliNote = 'lspci is not installed: the CLI comparison was skipped.';
    console.warn(`bench: ${cliNote}`);
  } else {
    const dir = makeDir();
    try {
      const rows = [];
      const per = [];
      for (const n of sizes) {
        const file = writeDump(api, dir, n);
        const c = cliCommands(file);
        const [t, j, l] = wallTimes([c.text, c.json, c.lspci], runs);
        const rss = { text: peakRss(c.text), json: peakRss(c.json), lspci: peakRss(c.lspci) };
        per.push({ n, t, j, l, rss });
        const mb = (k) => (k === null ? 'n/a' : `${(k / 1024).toFixed(0)} MiB`);
        rows.push([
          `${n} (${(sizeOf(file) / 1e6).toFixed(1)} MB)`,
          `${t.mean.toFixed(3)} s`,
          `${j.mean.toFixed(3)} s`,
          `${l.mean.toFixed(3)} s`,
          `${(t.mean / l.mean).toFixed(2)}x`,
          `${(j.mean / l.mean).toFixed(2)}x`,
          mb(rss.text),
          mb(rss.json),
          mb(rss.lspci),
        ]);
        rmSync(file, { force: true });
      }
      table(`(c) pcicfg decode vs lspci -F DUMP -vvv (mean wall time, start-up included, ${per[0]?.t.tool ?? ''})`, ['functions', 'pcicfg text', 'pcicfg --json', 'lspci -vvv', 'text/lspci', 'json/lspci', 'RSS text', 'RSS json', 'RSS lspci'], rows);
      // The goal is set at 8000 functions, a large host or a fleet's dumps joined; the other
      // sizes show how the ratio moves with the dump.
      for (const p of per.filter((x) => x.n === LARGE)) goal(`decode of ${p.n} functions: at most 0.6x lspci's wall time`, p.t.mean <= 0.6 * p.l.mean, `${(p.t.mean / p.l.mean).toFixed(2)}x (${p.t.mean.toFixed(3)} s vs ${p.l.mean.toFixed(3)} s)`);
      if (per.length >= 2) {
        const a = per[0];
        const z = per[per.length - 1];
        // Linear: time = intercept + n * per-function cost at scale. The smallest dump also
        // carries V8's warm-up (the first thousand or so functions run before the hot code is
        // optimised), so the marginal cost per function is compared between the two largest
        // intervals (with three sizes or more).
        // Fastest runs rather than means: other work on the machine only ever adds time.
        const slope = (x, y) => (y.t.min - x.t.min) / (y.n - x.n);
        const k0 = per.length >= 3 ? per.length - 3 : 0;
        const first = slope(per[k0], per[k0 + 1]);
        const last = slope(per[per.length - 2], z);
        goal(
          `text time grows linearly (${per[k0].n} -> ${z.n} functions; fastest runs)`,
          last <= 1.5 * first && last >= first / 1.5,
          `marginal cost ${(first * 1e6).toFixed(0)} µs/function for ${per[k0].n}-${per[k0 + 1].n}, ${(last * 1e6).toFixed(0)} µs/function for ${per[per.length - 2].n}-${z.n}; lspci ${(((z.l.min - per[per.length - 2].l.min) / (z.n - per[per.length - 2].n)) * 1e6).toFixed(0)} µs/function for ${per[per.length - 2].n}-${z.n}`,
        );
        // Peak RSS is bounded when doubling the dump no longer raises it much: V8 sizes its heap
        // up over the first thousands of functions whatever is live, so the two largest dumps
        // are compared (a process holding every function would double). All sizes are shown.
        const y = per[per.length - 2];
        for (const k of ['text', 'json']) {
          if (y.rss[k] !== null && z.rss[k] !== null) {
            const all = per.map((p) => `${(p.rss[k] / 1024).toFixed(0)}`).join(' / ');
            goal(
              `peak RSS of ${k} output does not grow with the functions (${y.n} -> ${z.n}: at most +25%)`,
              z.rss[k] <= y.rss[k] * 1.25,
              `${all} MiB at ${per.map((p) => p.n).join(' / ')} functions`,
            );
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

// ---- (d) doorbells ----
if (only.has('notify')) {
  const rows = [];
  for (const c of notifyCases(api)) {
    const before = c.dev.kicks.length;
    c.write(0);
    if (c.dev.kicks.length !== before + 1) throw new Error(`${c.name}: a doorbell write did not dispatch exactly one kick`);
    const ids = Array.from({ length: 64 }, (_, i) => i);
    rows.push([c.name, fmtRate(rate(c.write, ids, timing))]);
  }
  table('(d) doorbell writes dispatched by the device model (per second)', ['path', 'dispatches'], rows);
}

// ---- (e) start-up ----
if (only.has('startup')) {
  const dir = makeDir();
  try {
    const file = writeDump(api, dir, HOST);
    const c = cliCommands(file);
    const commands = [['node', '-e', '0'], c.version, c.example, c.text];
    const [node, version, example, host] = wallTimes(commands, quick ? 5 : 20);
    const rel = (t) => `${(t.mean / node.mean).toFixed(2)}x`;
    const row = (what, t) => [what, `${(t.mean * 1000).toFixed(1)} ms`, `${(t.min * 1000).toFixed(1)} ms`, rel(t)];
    table(`(e) start-up (mean wall time of ${quick ? 5 : 20} runs, ${node.tool})`, ['command', 'mean', 'fastest', 'vs node -e 0'], [
      row('node -e 0', node),
      row('pcicfg --version', version),
      row('pcicfg decode (the bundled example, 1 function)', example),
      row(`pcicfg decode of ${HOST} functions (${(sizeOf(file) / 1e6).toFixed(1)} MB)`, host),
    ]);
    goal(`decode of ${HOST} functions: at most 1.5x the wall time of node -e 0`, host.mean <= 1.5 * node.mean, `${rel(host)} (${(host.mean * 1000).toFixed(0)} ms vs ${(node.mean * 1000).toFixed(0)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- summary ----
if (goals.length) {
  log('\ngoals');
  for (const g of goals) log(`  ${g.met ? 'met   ' : 'MISSED'}  ${g.what}: ${g.detail}`);
}
void sink;

// How the figures are taken, for the page (the numbers of runs are given with each table).
const METHOD = [
  'Structure rates (a, b, d): calls per second of the decoder on 16 buffers in turn, so no decoder sees one constant array; the median of several timed rounds after a warm-up, with a garbage collection before each round (`node --expose-gc`). The three decoders of a structure are timed in interleaved rounds, so that what else the machine does falls on all of them alike. The binary-parser and restructure declarations are written from the spec\'s C structs (bench/structs.mjs) and checked to give the same values as pcicfg before they are timed.',
  'Commands (c, e): wall time from start to exit, start-up and output included (output to /dev/null), by hyperfine where installed (`-N`, one warm-up run), else a loop that runs the compared commands in turn. The dumps are `lspci -xxxx` text written by pcicfg\'s writer from the fuzz corpus\'s seed images (QEMU, cloud-hypervisor and kvmtool presets, 256- and 4096-byte images with PCI Express and extended capabilities), so every function is a virtio function with capabilities to print. lspci reads the same file with `-F FILE -vvv`.',
  `Growth (c): the marginal cost per function between the two largest dumps against the two below them (fastest runs); linear when they are within 1.5x of each other. Peak memory (c): GNU time's maximum resident set size; flat when the largest dump's peak is at most 25% above the next one's (V8 sizes its young generation up over the first thousands of functions, whatever is live).`,
  `Start-up (e): \`node -e 0\` is Node starting and exiting; \`pcicfg --version\` adds loading the command line; the bundled example adds the decoders and one function; ${HOST} functions are about one host's \`lspci -xxxx\`.`,
];

if (values.write) {
  const cpu = cpus();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const md = [];
  md.push('# Benchmarks', '');
  md.push('How fast pcicfg is against what users would otherwise run or use: lspci on large dumps, Node\'s');
  md.push('own start-up, and binary-parser and restructure for single structures. `npm run bench` prints');
  md.push('the tables below; `npm run bench -- --write` rewrites this page with them. Figures depend on');
  md.push('the machine and on what else runs on it; the ratios, taken in one run, move much less.', '');
  md.push('## Goals', '');
  md.push(`From the run of ${date} (below).`, '');
  md.push('| goal | result | figure |', '| --- | --- | --- |');
  for (const g of goals) md.push(`| ${g.what} | ${g.met ? 'met' : '**missed**'} | ${g.detail} |`);
  md.push('', '## Latest run', '');
  md.push(`- Date: ${date}`);
  md.push(`- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  md.push(`- Node ${process.version}, ${process.platform}/${process.arch}${quick ? ', --quick (short timings)' : ''}`);
  md.push(`- Load average (1 min) at the start and the end of the run: ${loadAtStart.toFixed(1)} and ${loadavg()[0].toFixed(1)} on ${cpu.length} cores`);
  md.push(`- Timing: rates are the median of ${timing.rounds} rounds of ${timing.ms} ms; command wall times are means of ${runs} runs (start-up: ${quick ? 5 : 20}) after one warm-up run`);
  if (cliNote) md.push(`- ${cliNote}`);
  for (const s of sections) {
    md.push('', `### ${s.title}`, '');
    md.push(`| ${s.head.join(' | ')} |`, `| ${s.head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`);
    for (const r of s.rows) md.push(`| ${r.join(' | ')} |`);
  }
  md.push('', '## Method', '');
  for (const m of METHOD) md.push(`- ${m}`);
  md.push('');
  const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  writeFileSync(out, md.join('\n'));
  log(`\nwrote ${out}`);
}
