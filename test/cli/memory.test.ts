// The installed command's memory stays flat in the dump's size and shape: half a million
// header-only functions at distinct slots (the shape whose memory used to grow with the dump:
// every slot was remembered, and a 1 MiB read's functions were all made before the first was
// taken) go through `decode` under a 16 MiB V8 heap, from a FILE and from standard input, with
// the child's peak RSS under 200 MiB. `-s` matches no function, so the run is the reader's
// alone and takes a couple of seconds. And through a real pipe, a producer that pauses sees
// the functions complete so far on the output before it goes on. The CLI is bundled from the
// sources for the run (PCICFG_TEST_BIN runs another build instead: a copy with a planted bug).
import { closeSync, openSync, writeSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CAN_MEASURE_RSS, runCliChild, type CliChildRun } from '../../scripts/fuzz/cli-child.mjs';
import { tinyFunction, tinyFunctionsDump } from '../../scripts/fuzz/shapes-input.mjs';
import { cliBinForTests } from '../support/cli-from-sources.js';
import { scratch } from './run.js';

const cli = cliBinForTests();

const FUNCTIONS = 500_000;
// A 1 MiB young generation beside the 16 MiB old one: with the default 16 MiB of semi-space,
// a scavenge's promotions could not fit and V8 aborted now and then on a busy machine (a
// flat 8 MiB live heap, but no room to move it); an unbounded slot set still aborts.
const HEAP = ['--max-old-space-size=16', '--max-semi-space-size=1'];
const RSS_LIMIT_KIB = 200 * 1024;

describe.skipIf(!CAN_MEASURE_RSS)(`decode of ${FUNCTIONS} header-only functions at distinct slots`, () => {
  const dir = scratch();
  afterAll(() => dir.cleanup());
  const args = ['decode', '-s', 'ffff:00:00.0'];
  const expectFlat = (r: CliChildRun) => {
    expect({ code: r.code, signal: r.signal, stderr: r.stderr.replace(/ in \S+ /, ' in INPUT ') }).toEqual({ code: 0, signal: null, stderr: 'pcicfg decode: no function in INPUT matches -s ffff:00:00.0\n' });
    expect(r.peakKiB).toBeGreaterThan(0);
    expect(r.peakKiB).toBeLessThan(RSS_LIMIT_KIB);
  };

  it('from a FILE', async () => {
    const path = `${dir.dir}/tiny.lspci`;
    const fd = openSync(path, 'w');
    for (const chunk of tinyFunctionsDump(FUNCTIONS, 1 << 20)) writeSync(fd, chunk);
    closeSync(fd);
    expectFlat(await runCliChild(cli.bin, [...args, path], { nodeArgs: HEAP }));
  });

  it('from standard input', async () => {
    expectFlat(await runCliChild(cli.bin, [...args, '-'], { nodeArgs: HEAP, stdin: tinyFunctionsDump(FUNCTIONS) }));
  });
});

describe('decode - from a pipe whose producer pauses', () => {
  for (const mode of [[], ['--json']]) {
    it(`the first function is on stdout before the second is written (${mode.join(' ') || 'text'})`, async () => {
      let out = '';
      let printedBeforeSecond: boolean | null = null;
      async function* producer() {
        yield tinyFunction(0);
        const t0 = Date.now();
        while (!out.includes('00:00.0') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
        printedBeforeSecond = out.includes('00:00.0');
        yield tinyFunction(1);
      }
      const r = await runCliChild(cli.bin, ['decode', '-', ...mode], { stdin: producer(), onStdout: (d) => (out += d) });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(printedBeforeSecond).toBe(true);
      expect(out).toContain('00:00.1');
    });
  }
});
