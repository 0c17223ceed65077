// `pcicfg trace` streams: three million trace lines (QEMU's own, from examples/qemu-trace,
// repeated, with a malformed line every thousand) go through the installed command from
// standard input under a 16 MiB V8 heap, with the child's peak RSS under 160 MiB, stderr
// bounded (the first 100 warnings, then one line), and the summary counting every line. The
// CLI is bundled from the sources for the run (PCICFG_TEST_BIN runs another build instead).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAN_MEASURE_RSS, runCliChild } from '../../scripts/fuzz/cli-child.mjs';
import { cliBinForTests } from '../support/cli-from-sources.js';
import { EXAMPLE_TRACE_DIR } from './support.js';

const cli = cliBinForTests();

const HEAP = ['--max-old-space-size=16', '--max-semi-space-size=1'];
const RSS_LIMIT_KIB = 160 * 1024;
const LINES = 3_000_000;

/** LINES lines of the example trace, over and over, a malformed one every 1000th line; in 1 MiB chunks. */
const EXAMPLE = readFileSync(EXAMPLE_TRACE_DIR + 'trace.log', 'utf8').trimEnd().split('\n');
let ACCESSES = 0;
function* bigTrace(): Generator<string> {
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    const line = i % 1000 === 999 ? 'memory_region_ops_write cpu ?' : EXAMPLE[i % EXAMPLE.length];
    if (i % 1000 !== 999 && line.includes(':memory_region_ops_')) ACCESSES++;
    chunk += line + '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

describe.skipIf(!CAN_MEASURE_RSS)(`trace of ${LINES} lines from standard input`, () => {
  it('runs in flat memory under a 16 MiB heap and counts every line', async () => {
    const args = ['trace', '-', '--dump', EXAMPLE_TRACE_DIR + 'virtio-blk.lspci', '--info-pci', EXAMPLE_TRACE_DIR + 'info-pci.txt'];
    let tail = '';
    const r = await runCliChild(cli.bin, args, { nodeArgs: HEAP, stdin: bigTrace(), timeoutMs: 300_000, onStdout: (d) => (tail = (tail + d.toString()).slice(-65536)) });
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    const err = r.stderr.trimEnd().split('\n');
    expect(err.length).toBe(101);
    expect(err[0]).toBe("pcicfg trace: warning: <stdin>:1000:25: memory_region_ops_write: expected 'cpu N mr PTR addr 0xHEX value 0xHEX size N [name 'NAME']'; line skipped");
    expect(err[100]).toBe('pcicfg trace: warning: more malformed lines from <stdin>:101000 on are only counted');
    const out = tail.trimEnd().split('\n');
    const summary = out.find((l) => l.startsWith('<stdin>: '))!;
    expect(summary).toMatch(new RegExp(`^<stdin>: ${LINES} lines, ${ACCESSES} accesses: \\d+ to functions of the dump, \\d+ to other regions \\(counted; --all lists them\\); \\d+ virtio events, 0 other events, ${LINES / 1000} malformed lines$`));
    expect(r.peakKiB).toBeGreaterThan(0);
    expect(r.peakKiB).toBeLessThan(RSS_LIMIT_KIB);
    console.log(`trace: ${LINES} lines in ${(r.wallMs / 1000).toFixed(1)} s (${Math.round(LINES / (r.wallMs / 1000))} lines/s), peak RSS ${Math.round(r.peakKiB! / 1024)} MiB`);
  }, 300_000);
});
