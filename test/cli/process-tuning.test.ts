// The launcher's process tuning (src/cli/process-tuning.ts, run by bin/pcicfg.js from the
// bundle's tune.cjs): with two CPUs or more Node's own threads get a lower priority, the thread
// that prints and the threads started afterwards keep theirs; with one CPU no priority changes;
// PCICFG_TUNE=0 changes nothing. Each check runs in a fresh Node process, since a priority is
// not taken back. That the CommonJS launcher still prints what the sources print is
// test/cli/bundle.test.ts's check.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from '../../src/cli/process-tuning.js';

const TUNE = fileURLToPath(new URL('../../dist/cli-bundle/tune.cjs', import.meta.url));
const built = existsSync(TUNE);
const linux = process.platform === 'linux' && existsSync('/proc/self/task');
if (!built) console.warn(`skipping the process tuning checks: ${TUNE} is missing (run npm run build)`);
else if (!linux) console.warn('skipping the thread priority checks: they need Linux /proc/self/task');
// The one-CPU case runs the probe pinned (taskset) to the first CPU this process may use.
const taskset = linux && spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
const firstCpu = linux ? (/^Cpus_allowed_list:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null) : null;
const multi = availableParallelism() >= 2;
if (linux && (!taskset || firstCpu === null)) console.warn('skipping the one-CPU tuning check: taskset (util-linux) is missing');
if (linux && !multi) console.warn('skipping the two-CPU tuning check: this machine lets the tests use one CPU');

// Runs in the child: tune first thing (as the launcher does), then start a worker thread and
// report every thread's niceness (field 19 of /proc/self/task/<tid>/stat) and the caller's
// before tuning, which the test runner may have raised.
const PROBE = `
const { readdirSync, readFileSync } = require('node:fs');
const nice = () => Object.fromEntries(readdirSync('/proc/self/task').map((t) => {
  const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
  return [t, Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16])];
}));
const base = nice()[process.pid];
const tuning = require(${JSON.stringify(TUNE)}).tuneProcess();
const before = nice();
const { Worker } = require('node:worker_threads');
const w = new Worker('setTimeout(() => {}, 500)', { eval: true });
w.on('online', () => {
  const after = nice();
  const started = Object.fromEntries(Object.entries(after).filter(([t]) => !(t in before)));
  console.log(JSON.stringify({ tuning, pid: process.pid, base, before, started }));
  w.terminate();
});
`;

function probe(env: Record<string, string>, pin?: string) {
  const [cmd, ...args] = [...(pin ? ['taskset', '-c', pin] : []), process.execPath, '-e', PROBE];
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { tuning: { v8Flags: boolean; niced: number; cpus: number }; pid: number; base: number; before: Record<string, number>; started: Record<string, number> };
}

describe.skipIf(!built || !linux)('process tuning', () => {
  it.skipIf(!multi)("with two CPUs or more, lowers Node's own threads, not the calling one nor threads started later", () => {
    const p = probe({ PCICFG_TUNE: '' });
    expect(p.tuning.v8Flags).toBe(true);
    expect(p.tuning.cpus).toBeGreaterThanOrEqual(2);
    const others = Object.entries(p.before).filter(([t]) => Number(t) !== p.pid);
    // V8's platform workers at least.
    expect(others.length).toBeGreaterThanOrEqual(4);
    expect(p.tuning.niced).toBe(others.length);
    for (const [, n] of others) expect(n).toBe(BACKGROUND_NICE);
    expect(p.before[String(p.pid)]).toBe(p.base);
    // The worker thread (and libuv's pool, started by it or after) inherit the caller's.
    expect(Object.keys(p.started).length).toBeGreaterThanOrEqual(1);
    for (const n of Object.values(p.started)) expect(n).toBe(p.base);
  });

  it.skipIf(!taskset || firstCpu === null)('with one CPU, sets the V8 flags but leaves every thread as Node started it', () => {
    const p = probe({ PCICFG_TUNE: '' }, firstCpu!);
    expect(p.tuning).toEqual({ v8Flags: true, niced: 0, cpus: 1 });
    for (const n of Object.values(p.before)) expect(n).toBe(p.base);
  });

  it('PCICFG_TUNE=0 leaves every thread as Node started it', () => {
    const p = probe({ PCICFG_TUNE: '0' });
    expect(p.tuning.v8Flags).toBe(false);
    expect(p.tuning.niced).toBe(0);
    for (const n of Object.values(p.before)) expect(n).toBe(p.base);
  });
});
