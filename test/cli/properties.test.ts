// Properties of the command line as a whole:
// - decode --json → encode gives back the identical bytes (lspci text and binary), on generated
//   virtio transports and on arbitrary images with holes;
// - no argv and no standard input makes `main` throw or print a stack trace: the exit code is
//   0, 1 or 2, and a failure is exactly one line on stderr.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { writeBinary, writeHexdumpC, writeLspci, writeLspciFunction, writeXxd } from '../../src/dump/index.js';
import { arbFullDumpFunction as fullImageArb, arbPciAddress as slotArb, arbSparseDumpFunction as sparseImageArb } from '../../src/arbitraries/index.js';
import { arbTransport, buildTransportImage } from '../../src/arbitraries/index.js';
import { exampleBytes, runCli, scratch, type CliRun } from './run.js';

const N = { numRuns: 1000 };
const tmp = scratch();
afterAll(() => tmp.cleanup());

async function roundTrip(dumpInput: string | Uint8Array, format: 'lspci' | 'binary'): Promise<{ decoded: CliRun; encoded: CliRun }> {
  // A binary image of printable bytes cannot be told from text: say what it is.
  const decoded = await runCli(['decode', '-', '--json', ...(format === 'binary' ? ['--format', 'binary'] : [])], dumpInput);
  if (decoded.code !== 0) throw new Error(`decode exit ${decoded.code}: ${decoded.stderr}`);
  const encoded = await runCli(['encode', '-', '--format', format], decoded.stdout);
  if (encoded.code !== 0) throw new Error(`encode exit ${encoded.code}: ${encoded.stderr}`);
  return { decoded, encoded };
}

function sameBytes(a: Uint8Array, b: Uint8Array): void {
  if (a.length !== b.length) throw new Error(`length ${a.length}, expected ${b.length}`);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`byte 0x${i.toString(16)}: 0x${a[i].toString(16)}, expected 0x${b[i].toString(16)}`);
}

describe('decode → JSON → encode is byte-exact', () => {
  test.prop([arbTransport(), slotArb], N)('generated virtio transports (lspci text and binary)', async (g, slot) => {
    const bytes = buildTransportImage(g);
    const text = writeLspciFunction({ bytes, length: 256, slot, description: 'Virtio device' });
    const { encoded } = await roundTrip(text, 'lspci');
    expect(encoded.stdout).toBe(text);
    const bin = await roundTrip(writeBinary({ bytes, length: 256 }), 'binary');
    sameBytes(bin.encoded.stdoutBytes, bytes);
  });

  test.prop([sparseImageArb], N)('arbitrary images with holes, slots and descriptions (lspci text)', async (fn) => {
    const text = writeLspciFunction(fn);
    const { encoded } = await roundTrip(text, 'lspci');
    expect(encoded.stdout).toBe(text);
  });

  test.prop([fullImageArb], N)('arbitrary full images of any length (binary)', async (fn) => {
    const { encoded } = await roundTrip(writeBinary(fn), 'binary');
    sameBytes(encoded.stdoutBytes, writeBinary(fn));
  });

  test.prop([fc.array(sparseImageArb, { minLength: 2, maxLength: 4 })], { numRuns: 200 })('several functions in one dump', async (fns) => {
    const text = writeLspci(fns);
    const { encoded } = await roundTrip(text, 'lspci');
    expect(encoded.stdout).toBe(text);
  });
});

// ---------------------------------------------------------------------------------------------
// Totality. Files and the -o target are fixed paths in a scratch directory, and `qemu dump`
// never gets its `--` (so QEMU is never started), and --sysfs is left out (it reads the host).

const blk = exampleBytes();
const files = {
  lspci: tmp.file('blk.lspci', writeLspciFunction({ bytes: blk, length: 256, slot: { domain: 0, bus: 0, device: 4, function: 0 }, description: 'x' })),
  bin: tmp.file('blk.bin', writeBinary({ bytes: blk, length: 256 })),
  hexdump: tmp.file('blk.hd', writeHexdumpC({ bytes: blk, length: 256 })),
  xxd: tmp.file('blk.xxd', writeXxd({ bytes: blk, length: 256 })),
  json: tmp.file('blk.json', '{"devices":[{"raw":"' + Buffer.from(blk).toString('hex') + '"}]}'),
  badJson: tmp.file('bad.json', '{"devices":[{"raw":"zz"}]}'),
  garbage: tmp.file('garbage', '\u0000\u0001hello'),
  missing: tmp.dir + '/missing',
  dir: tmp.dir,
};
const OUT = tmp.dir + '/out';

const word = fc.oneof(
  fc.constantFrom('decode', 'notify', 'lookup', 'vring', 'encode', 'qemu', 'dump', 'help', '-', ...Object.values(files)),
  fc.constantFrom('--json', '--annotate', '--io', '--packed', '--legacy', '--event-idx', '--decode', '-V', '--version'),
  fc.constantFrom('-s', '--slot', '-F', '--format', '-q', '--queue', '--notify-off', '-n', '--size', '--align', '--queues', '--info-pci', '--machine', '--timeout'),
  fc.constantFrom('lspci', 'binary', 'hexdump', 'xxd', 'pc', 'q35', '04.0', '0:0:4.0', 'ffff:ff:1f.7', '.', ':', '0', '1', '0x10', '65535', '65536', '-1', '0xfe00b004', '1e999', ''),
  fc.string({ maxLength: 8 }).filter((s) => !s.startsWith('-')),
  fc.string({ maxLength: 8 }).map((s) => '--' + s.replace(/^-+/, '')).filter((s) => s !== '--' && !/^--o/.test(s) && !s.startsWith('--sysfs') && !s.startsWith('--help')),
);
const argvArb = fc.oneof(
  fc.array(word, { maxLength: 6 }),
  fc.tuple(fc.constantFrom('decode', 'notify', 'lookup', 'vring', 'encode', 'qemu'), fc.array(word, { maxLength: 6 })).map(([c, rest]) => [c, ...rest]),
  fc.array(word, { maxLength: 4 }).map((rest) => ['encode', files.json, '-o', OUT, ...rest]),
);

function checkOutcome(r: CliRun, what: string): void {
  expect([0, 1, 2], `${what}: exit ${r.code}, stderr ${r.stderr}`).toContain(r.code);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
  if (r.code !== 0) expect(r.stderr.split('\n').filter(Boolean), `${what}: ${r.stderr}`).toHaveLength(1);
}

describe('never a stack trace', () => {
  test.prop([argvArb], N)('arbitrary argv: exit 0, 1 or 2; failures are one line', async (argv) => {
    if (argv[0] === 'qemu') expect(argv).not.toContain('--');
    let r: CliRun;
    try {
      r = await runCli(argv, '');
    } catch (e) {
      throw new Error(`main threw for ${JSON.stringify(argv)}: ${String(e)}`);
    }
    checkOutcome(r, JSON.stringify(argv));
  });

  const example = writeLspciFunction({ bytes: blk, length: 256, slot: { domain: 0, bus: 0, device: 4, function: 0 }, description: 'x' });
  const stdinArb = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
    // A real dump with a few bytes replaced: mostly text the readers almost accept.
    fc.array(fc.tuple(fc.nat({ max: example.length - 1 }), fc.constantFrom(...' \n\t:*.-0123456789abcdefxz|\u0000'.split(''))), { minLength: 1, maxLength: 4 }).map((edits) => {
      const chars = example.split('');
      for (const [i, c] of edits) chars[i] = c;
      return new TextEncoder().encode(chars.join(''));
    }),
  );
  const commandArb = fc.constantFrom(
    ['decode', '-'],
    ['decode', '-', '--json'],
    ['decode', '-', '--annotate'],
    ['notify', '-', '-q', '1'],
    ['lookup', '-', '0xfe00b004'],
    ['lookup', '-', '--io', '0xc010'],
    ['encode', '-'],
    ['encode', '-', '-F', 'binary'],
  );
  test.prop([commandArb, stdinArb], N)('arbitrary standard input: exit 0, 1 or 2; failures are one line', async (argv, stdin) => {
    let r: CliRun;
    try {
      r = await runCli([...argv], stdin);
    } catch (e) {
      throw new Error(`main threw for ${JSON.stringify(argv)}: ${String(e)}`);
    }
    checkOutcome(r, JSON.stringify(argv));
  });
});
