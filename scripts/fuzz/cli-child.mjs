// Runs the built CLI (bin/pcicfg.js) in a child process and reports what a user would see
// and what it cost: exit status or signal, stderr, bytes on stdout, the child's peak RSS
// (VmHWM, read from /proc/self/status by a small wrapper as it exits, written to fd 3), wall
// time and when stdout first got a byte. Standard input comes from an iterable of chunks, with
// optional pauses (a number in the iterable is a pause in milliseconds).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Whether peak RSS can be read (Linux /proc). */
export const CAN_MEASURE_RSS = existsSync('/proc/self/status');

const WRAPPER = `
import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => {
  try {
    writeSync(3, /VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '');
  } catch {}
});
const [bin, ...args] = JSON.parse(process.env.PCICFG_CHILD_ARGV);
process.argv = [process.argv[0], bin, ...args];
await import(bin);
`;

/**
 * @param {string} bin path of bin/pcicfg.js
 * @param {string[]} args
 * @param {{ stdin?: Iterable<string | Uint8Array | number> | AsyncIterable<string | Uint8Array | number> | null, nodeArgs?: string[], timeoutMs?: number, onStdout?: (chunk: Buffer) => void }} [options]
 */
export function runCliChild(bin, args, options = {}) {
  const { stdin = null, nodeArgs = [], timeoutMs = 120_000, onStdout } = options;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', WRAPPER], {
      env: { ...process.env, PCICFG_CHILD_ARGV: JSON.stringify([pathToFileURL(bin).href, ...args]) },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let peak = '';
    let stdoutBytes = 0;
    let firstOutputMs = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      if (firstOutputMs === null) firstOutputMs = performance.now() - t0;
      stdoutBytes += d.length;
      onStdout?.(d);
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    child.stdio[3].on('data', (d) => (peak += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdoutBytes, peakKiB: peak === '' ? null : Number(peak), wallMs: performance.now() - t0, firstOutputMs, timedOut });
    });
    const input = child.stdin;
    input.on('error', () => undefined); // a child that stopped reading: its status says why
    if (stdin === null) {
      input.end();
      return;
    }
    feed(input, stdin).catch(() => input.destroy());
  });
}

async function feed(input, source) {
  for await (const chunk of source) {
    if (input.destroyed) return;
    if (typeof chunk === 'number') {
      await new Promise((r) => setTimeout(r, chunk));
      continue;
    }
    if (!input.write(chunk)) {
      await new Promise((resolve) => {
        const done = () => {
          input.off('drain', done).off('close', done);
          resolve();
        };
        input.on('drain', done).on('close', done);
      });
    }
  }
  input.end();
}

/**
 * What the house rules promise whatever the input, as a list of broken promises (empty when
 * all hold): exit status 0, 1 or 2 (3 is "internal error"), no signal (a V8 abort is one), at
 * most one line on stderr, and no stack trace.
 */
export function brokenPromises(r) {
  const broken = [];
  if (r.timedOut) broken.push('timed out (killed)');
  else if (r.signal) broken.push(`killed by ${r.signal}${/heap out of memory/i.test(r.stderr) ? ' (V8 heap out of memory)' : ''}`);
  else if (![0, 1, 2].includes(r.code)) broken.push(`exit status ${r.code}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  if (lines.length > 1) broken.push(`${lines.length} lines on stderr`);
  if (/^\s+at .+[:(]\d+/m.test(r.stderr) || /\n\s*at /.test(r.stderr)) broken.push('a stack trace on stderr');
  return broken;
}
