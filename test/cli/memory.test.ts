// The installed command's memory stays flat in the dump's size and shape: half a million
// header-only functions at distinct slots (the shape whose memory used to grow with the dump:
// every slot was remembered, and a 1 MiB read's functions were all made before the first was
// taken) go through `decode` under a 24 MiB V8 heap, from a FILE and from standard input, with
// the child's peak RSS (VmHWM, read by a wrapper as it exits) under 200 MiB. `-s` matches no
// function, so the run is the reader's alone and takes a couple of seconds.
import { spawn } from 'node:child_process';
import { existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyFunctionsDump } from '../../scripts/fuzz/shapes-input.mjs';
import { scratch } from './run.js';

// PCICFG_TEST_BIN runs another build (a copy with a planted bug, say).
const BIN = process.env.PCICFG_TEST_BIN ?? fileURLToPath(new URL('../../bin/pcicfg.js', import.meta.url));
const built = existsSync(new URL('../dist/cli-bundle/main.js', pathToFileURL(BIN)));
const linux = existsSync('/proc/self/status');
if (!built) console.warn('skipping the CLI memory checks: dist/cli-bundle is missing (run npm run build)');

const FUNCTIONS = 500_000;
const HEAP_MB = 24;
const RSS_LIMIT_KIB = 200 * 1024;

/** Runs bin/pcicfg.js in a node whose heap is capped; its peak RSS comes back on fd 3. */
const WRAPPER = `
import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => writeSync(3, /VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]));
const [bin, ...args] = JSON.parse(process.env.PCICFG_TEST_ARGV);
process.argv = [process.argv[0], bin, ...args];
await import(bin);
`;

interface Run {
  code: number | null;
  signal: string | null;
  stderr: string;
  peakKiB: number;
}

function run(args: string[], stdin: Iterable<string> | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--input-type=module', '-e', WRAPPER], {
      env: { ...process.env, PCICFG_TEST_ARGV: JSON.stringify([pathToFileURL(BIN).href, ...args]) },
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let peak = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdio[3]!.on('data', (d) => (peak += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, peakKiB: Number(peak) }));
    const input = child.stdin!;
    input.on('error', () => undefined); // a child that died early: its status says why
    if (stdin === null) {
      input.end();
      return;
    }
    const it = stdin[Symbol.iterator]();
    const pump = () => {
      for (let r = it.next(); !r.done; r = it.next()) if (!input.write(r.value)) return void input.once('drain', pump);
      input.end();
    };
    pump();
  });
}

describe.skipIf(!built || !linux)(`decode of ${FUNCTIONS} header-only functions at distinct slots`, () => {
  const dir = scratch();
  afterAll(() => dir.cleanup());
  const args = ['decode', '-s', 'ffff:00:00.0'];
  const expectFlat = (r: Run) => {
    expect({ code: r.code, signal: r.signal, stderr: r.stderr.replace(/ in \S+ /, ' in INPUT ') }).toEqual({ code: 0, signal: null, stderr: 'pcicfg decode: no function in INPUT matches -s ffff:00:00.0\n' });
    expect(r.peakKiB).toBeGreaterThan(0);
    expect(r.peakKiB).toBeLessThan(RSS_LIMIT_KIB);
  };

  it('from a FILE', async () => {
    const path = `${dir.dir}/tiny.lspci`;
    const fd = openSync(path, 'w');
    for (const chunk of tinyFunctionsDump(FUNCTIONS, 1 << 20)) writeSync(fd, chunk);
    closeSync(fd);
    expectFlat(await run([...args, path], null));
  });

  it('from standard input', async () => {
    expectFlat(await run([...args, '-'], tinyFunctionsDump(FUNCTIONS)));
  });
});
