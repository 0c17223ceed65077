// A large dump FILE is parsed on a second thread by the installed command (the bundle, where
// the worker's script exists). What it prints, the errors and exit codes, must be exactly
// what reading on the main thread gives (PCICFG_PARSE_THREAD=0), and stopping early must not
// leave the thread running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLspciFunction } from '../../src/dump/index.js';
import { PARSE_THREAD_MIN_BYTES, threadFunctions } from '../../src/cli/parse-thread.js';
import { readDump } from '../../src/dump/index.js';
import { exampleBytes, scratch } from './run.js';

const BIN = fileURLToPath(new URL('../../bin/pcicfg.js', import.meta.url));
const WORKER = fileURLToPath(new URL('../../dist/cli-bundle/parse-worker.js', import.meta.url));
const built = existsSync(WORKER);
if (!built) console.warn(`skipping the parse thread checks: ${WORKER} is missing (run npm run build)`);

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** lspci -xxxx text of `n` functions, every one different, with holes, a duplicate slot, short functions and non-ASCII names. */
function bigDump(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = new Uint8Array(4096);
    bytes.set(exampleBytes());
    bytes[0x2c] = i & 0xff;
    bytes[0x2d] = i >> 8;
    bytes[0x100 + (i % 0xf00)] = i & 0xff;
    const slot = { domain: i >> 12, bus: (i >> 4) & 0xff, device: (i >> 1) & 7, function: i & 1 };
    const length = i % 97 === 5 ? 48 : 4096; // a few functions shorter than the header
    let text = writeLspciFunction({ bytes, length, slot, description: i % 13 === 0 ? `Gerät ${i} — ünïcode` : `fn ${i}` });
    if (i % 50 === 7) text = text.replace(/^(?:[0-9a-f]{3}: .*\n){3}(?=200:)/m, ''); // bytes 0x1d0-0x1ff missing
    if (i === 300) text = text.replace(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]/, '0000:00:00.0'); // a duplicate slot
    parts.push(text);
  }
  return parts.join('');
}

function run(args: string[], thread: '0' | '1' | undefined) {
  const env = { ...process.env };
  if (thread === undefined) delete env.PCICFG_PARSE_THREAD;
  else env.PCICFG_PARSE_THREAD = thread;
  // A time limit: a run that hangs (a pipe's writer gone) fails instead of stopping the suite.
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('decode of a large FILE on the parse thread', () => {
  const text = bigDump(700);
  const big = tmp.file('big.lspci', text);

  it('the test dump is large enough for the thread to be used by default', () => {
    expect(text.length).toBeGreaterThan(PARSE_THREAD_MIN_BYTES);
    expect(text).toContain('Gerät');
  });

  for (const args of [[], ['--json'], ['-s', '3:'], ['--annotate']]) {
    it(`decode FILE ${args.join(' ')}: the same output as reading on the main thread`, () => {
      const threaded = run(['decode', big, ...args], undefined);
      const inline = run(['decode', big, ...args], '0');
      expect(threaded.code).toBe(0);
      expect(threaded.stdout.length).toBeGreaterThan(1000);
      expect(threaded).toEqual(inline);
    });
  }

  it('diagnostics from the reader (holes, short functions, a duplicate slot) come across', () => {
    const r = run(['decode', big, '--json'], '1');
    const codes = (JSON.parse(r.stdout) as { devices: Array<{ diagnostics: Array<{ code: string }> }> }).devices.flatMap((d) => d.diagnostics.map((x) => x.code));
    for (const c of ['DUMP_HOLES', 'DUMP_SHORT', 'DUMP_DUPLICATE_SLOT']) expect(codes).toContain(c);
  });

  it('a malformed line far into the file: the functions before it, then FILE:LINE:COL and exit 2, as on the main thread', () => {
    const lines = text.split('\n');
    const at = lines.length - 2000;
    lines[at] = lines[at].replace(/ ([0-9a-f]{2}) /, ' 0g ');
    const bad = tmp.file('bad.lspci', lines.join('\n'));
    const threaded = run(['decode', bad], '1');
    const inline = run(['decode', bad], '0');
    expect(threaded.code).toBe(2);
    expect(threaded.stderr).toMatch(new RegExp(`bad\\.lspci:${at + 1}:\\d+: expected a second hex digit`));
    expect(threaded).toEqual(inline);
  });

  // decode hands each batch's buffer back to the thread once printed; notify and lookup keep
  // what they read (the chosen function, the hits) past later batches, so theirs stay theirs.
  for (const args of [['notify', '-s', '00:01.0', '--queue', '0', '--json'], ['notify', '-s', '00:01.0', '--queue', '0'], ['lookup', '0xfe00b004', '--json']]) {
    it(`${args.join(' ')} FILE: what the main thread's reader gives`, () => {
      const threaded = run([args[0], big, ...args.slice(1)], '1');
      const inline = run([args[0], big, ...args.slice(1)], '0');
      expect(threaded.code).toBe(0);
      expect(threaded.stdout).toMatch(/0x[0-9a-f]{8}/);
      expect(threaded).toEqual(inline);
    });
  }

  it('functions kept past their batch keep their bytes, unless the reader was told they are transient', async () => {
    const whole = readDump(new TextEncoder().encode(text)).functions;
    for (const transient of [false, true]) {
      const kept = [];
      for await (const f of threadFunctions(pathToFileURL(WORKER), big, 'big.lspci', 'auto', transient)) kept.push(f);
      expect(kept.length).toBe(whole.length);
      // Only the last batch is never handed back.
      const emptied = kept.filter((f) => f.bytes.byteLength === 0).length;
      if (transient) expect(emptied).toBeGreaterThan(whole.length / 2);
      else expect(kept.map((f) => Array.from(f.bytes))).toEqual(whole.map((f) => Array.from(f.bytes)));
    }
  });

  // This thread parses the file's first functions itself while the worker starts, then skips
  // them in the worker's stream: a bad line among them, or just after them, must come out as on
  // the main-thread reader, with the functions before it.
  for (const line of [40, 600]) {
    it(`a malformed line ${line} lines in (within or just past what this thread parses first)`, () => {
      const lines = text.split('\n');
      lines[line] = lines[line].replace(/ ([0-9a-f]{2}) /, ' x1 ');
      const bad = tmp.file(`bad-${line}.lspci`, lines.join('\n'));
      const threaded = run(['decode', bad, '--json'], '1');
      expect(threaded.code).toBe(2);
      expect(threaded.stderr).toMatch(new RegExp(`bad-${line}\\.lspci:${line + 1}:\\d+:`));
      expect(threaded).toEqual(run(['decode', bad, '--json'], '0'));
    });
  }

  it('a named pipe on the thread when asked (PCICFG_PARSE_THREAD=1): every byte reaches the thread', async () => {
    const fifo = join(tmp.dir, 'dump.fifo');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', big, fifo], { stdio: 'ignore' });
    const threaded = run(['decode', fifo, '--json'], '1');
    writer.kill();
    expect(threaded.code).toBe(0);
    expect(threaded.stdout).toBe(run(['decode', big, '--json'], '0').stdout.replaceAll(big, fifo));
  });

  it('a small file on the thread when asked (PCICFG_PARSE_THREAD=1) prints the same', () => {
    const small = tmp.file('small.lspci', bigDump(3));
    expect(run(['decode', small], '1')).toEqual(run(['decode', small], '0'));
  });

  it('a reader that closes the pipe early ends the run at once, with status 0 and nothing on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'decode', big], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PCICFG_PARSE_THREAD: '1' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(err).toBe('');
  });
});
