// The fuzzer's oddly shaped inputs for the built CLI (`npm run fuzz -- --shapes`): sizes and
// shapes that exceptions alone do not show — millions of tiny functions, lines of megabytes,
// deeply nested JSON for encode, producers that pause. Each runs bin/pcicfg.js in a child
// process and checks what a user would see: exit status never 3 and no signal (a V8 heap abort
// is one), at most one line on stderr and no stack trace, peak RSS under a bound, and for a
// pausing producer, output before it goes on.
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenPromises, CAN_MEASURE_RSS, runCliChild } from './cli-child.mjs';
import { tinyFunction, tinyFunctionsDump, tinyHexdumpImages } from './shapes-input.mjs';

/** Peak RSS any run may reach (issue 16: flat memory, under 200 MiB). */
export const RSS_LIMIT_KIB = 200 * 1024;
/**
 * How long a pausing producer may wait for the function it gave to appear; it pauses longer
 * (3 s at full scale), so output that waits for the rest of the input is caught.
 */
const FIRST_OUTPUT_MS = 1500;

function* repeatText(piece, total, chunk = 1 << 16) {
  const block = piece.repeat(Math.max(1, Math.floor(chunk / piece.length)));
  let left = total;
  while (left > 0) {
    const s = left >= block.length ? block : block.slice(0, left);
    left -= s.length;
    yield s;
  }
}

/** JSON of decode --json output with one register replaced by arrays nested `depth` deep. */
function deepJson(depth) {
  return `{"devices":[{"slot":"0000:00:04.0","description":"deep","length":64,"header":{"vendor_id":${'['.repeat(depth)}${']'.repeat(depth)}},"raw":"${'ff'.repeat(64)}"}]}\n`;
}

/**
 * The shapes: `args` for pcicfg, standard input (an iterable of chunks and pauses in ms) or a
 * file written first (`file`, whose path replaces FILE in args), and what else to check.
 */
export function shapes(scale = 1) {
  const n = (x) => Math.max(1, Math.round(x * scale));
  const pause = Math.max(500, Math.round(3000 * Math.min(1, scale * 10)));
  return [
    { name: `${n(1e6)} tiny functions, FILE`, args: ['decode', 'FILE'], file: () => tinyFunctionsDump(n(1e6), 1 << 20) },
    { name: `${n(1e6)} tiny functions, stdin`, args: ['decode', '-'], stdin: () => tinyFunctionsDump(n(1e6)) },
    { name: `${n(2e5)} tiny functions, stdin, --json`, args: ['decode', '--json', '-'], stdin: () => tinyFunctionsDump(n(2e5)) },
    { name: `${n(3e5)} hexdump -C images of 64 bytes, stdin`, args: ['decode', '-'], stdin: () => tinyHexdumpImages(n(3e5)) },
    { name: '60000 prose lines before the first function', args: ['decode', '-'], stdin: function* () {
      yield* repeatText('a line of prose, not a dump\n', 60000 * 28);
      yield tinyFunction(0);
    } },
    { name: `${Math.max(70000, n(3e6))} prose lines before the first function`, args: ['decode', '-'], stdin: function* () {
      yield* repeatText('a line of prose, not a dump\n', Math.max(70000, n(3e6)) * 28);
      yield tinyFunction(0);
    } },
    { name: 'a 6 MB line of digits (issue 16 #1)', args: ['decode', 'FILE'], file: function* () {
      yield* repeatText('0', 6_000_000);
      yield '\n';
    } },
    { name: 'a line of 64 MB, FILE', args: ['decode', 'FILE'], file: function* () {
      yield* repeatText('0', 64_000_000, 1 << 20);
      yield '\n';
    } },
    { name: 'a line of 64 MB, stdin', args: ['decode', '-'], stdin: function* () {
      yield '0000:00:00.0 x\n00: 01\n';
      yield* repeatText('y', 64_000_000);
      yield '\n';
    } },
    { name: 'a data line of 4 MB', args: ['decode', '-'], stdin: function* () {
      yield '0000:00:00.0 x\n00:';
      yield* repeatText(' 00', 4_000_000);
      yield '\n';
    } },
    { name: 'a header line of 4 MB', args: ['decode', '-'], stdin: function* () {
      yield '0000:00:00.0 ';
      yield* repeatText('x', 4_000_000);
      yield `\n00: 01\n`;
    } },
    { name: '20 lines of 1 MB of hex (xxd -p lines, far too long)', args: ['decode', '-'], stdin: function* () {
      for (let i = 0; i < 20; i++) {
        yield* repeatText('0f', 1 << 20);
        yield '\n';
      }
    } },
    { name: 'encode of JSON nested 5000 deep (issue 16 #2)', args: ['encode', 'FILE'], file: () => [deepJson(5000)] },
    { name: 'encode of JSON nested 200000 deep', args: ['encode', 'FILE'], file: () => [deepJson(200_000)] },
    { name: 'a producer that pauses after one function', args: ['decode', '-'], stdin: () => [tinyFunction(0), pause, tinyFunction(1)], firstOutputMs: FIRST_OUTPUT_MS, pauses: true },
    { name: 'a producer that pauses, --json', args: ['decode', '--json', '-'], stdin: () => [tinyFunction(0), pause, tinyFunction(1)], firstOutputMs: FIRST_OUTPUT_MS, pauses: true },
    { name: 'a producer that pauses mid-line', args: ['decode', '-'], stdin: () => [tinyFunction(0) + tinyFunction(1).slice(0, 30), pause, tinyFunction(1).slice(30)], firstOutputMs: FIRST_OUTPUT_MS, pauses: true },
  ];
}

/**
 * Run every shape against `bin`; `log` gets a line per shape. Returns the failures
 * ({ name, problems, run }).
 */
export async function runShapes(bin, { scale = 1, log = console.log, only = null, pauses = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pcicfg-shapes-'));
  const failures = [];
  try {
    for (const shape of shapes(scale)) {
      if ((only && !shape.name.includes(only)) || (!pauses && shape.pauses)) continue;
      let args = shape.args;
      if (shape.file) {
        const path = join(dir, 'input');
        const fd = openSync(path, 'w');
        for (const c of shape.file()) writeSync(fd, c);
        closeSync(fd);
        args = args.map((a) => (a === 'FILE' ? path : a));
      }
      const r = await runCliChild(bin, args, { stdin: shape.stdin ? shape.stdin() : null, timeoutMs: 180_000 });
      const problems = brokenPromises(r);
      if (r.peakKiB !== null && r.peakKiB > RSS_LIMIT_KIB) problems.push(`peak RSS ${(r.peakKiB / 1024).toFixed(0)} MiB, over ${RSS_LIMIT_KIB / 1024}`);
      if (shape.firstOutputMs !== undefined && (r.firstOutputMs === null || r.firstOutputMs > shape.firstOutputMs)) {
        problems.push(`first output after ${r.firstOutputMs === null ? 'never' : `${r.firstOutputMs.toFixed(0)} ms`} (at most ${shape.firstOutputMs} ms while the producer pauses)`);
      }
      const rss = r.peakKiB === null ? 'RSS n/a' : `peak ${(r.peakKiB / 1024).toFixed(0)} MiB`;
      const first = r.firstOutputMs === null ? '' : `, first output ${r.firstOutputMs.toFixed(0)} ms`;
      const err = r.stderr.trim() === '' ? '' : `, stderr: ${JSON.stringify(r.stderr.trim().split('\n')[0].slice(0, 120))}`;
      log(`  ${problems.length ? 'FAIL' : 'ok  '} ${shape.name}: exit ${r.signal ?? r.code}, ${(r.wallMs / 1000).toFixed(1)} s, ${rss}${first}${err}`);
      for (const p of problems) log(`         ${p}`);
      if (problems.length) failures.push({ name: shape.name, problems, run: r });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!CAN_MEASURE_RSS) log('  (peak RSS not checked: no /proc/self/status here)');
  return failures;
}
