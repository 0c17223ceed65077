// Inputs read whole are read with a bound: a `--info-pci` file that is no QEMU output (a huge
// file, /dev/zero) is refused with one line and exit status 2 once it passes INFO_PCI_MAX,
// instead of being read to its end (/dev/zero used to take 600 MiB before failing).
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ENCODE_INPUT_MAX } from '../../src/cli/commands/encode.js';
import { INFO_PCI_MAX } from '../../src/cli/input.js';
import { readAll } from '../../src/cli/io.js';
import { EXAMPLE, EXAMPLE_INFO_PCI, runCli, scratch } from './run.js';

describe('--info-pci is read with a bound', () => {
  const dir = scratch();
  afterAll(() => dir.cleanup());

  it('a file one byte over INFO_PCI_MAX is refused; the same text within it is read', async () => {
    const info = (await import('node:fs')).readFileSync(EXAMPLE_INFO_PCI, 'utf8');
    const padded = info + ' '.repeat(INFO_PCI_MAX - info.length);
    const ok = await runCli(['decode', EXAMPLE, '--info-pci', dir.file('ok.txt', padded)]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const big = dir.file('big.txt', padded + ' ');
    const r = await runCli(['decode', EXAMPLE, '--info-pci', big]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `${big}: longer than 16 MiB: not QEMU \`info pci\` output\n`]);
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero, which never ends, is refused too', async () => {
    const r = await runCli(['decode', EXAMPLE, '--info-pci', '/dev/zero']);
    expect([r.code, r.stderr]).toEqual([2, '/dev/zero: longer than 16 MiB: not QEMU `info pci` output\n']);
  });
});

describe('encode reads its JSON with a bound', () => {
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero as FILE is refused at ENCODE_INPUT_MAX, not read until memory runs out', async () => {
    const r = await runCli(['encode', '/dev/zero']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`/dev/zero: longer than ${ENCODE_INPUT_MAX >> 20} MiB: encode reads the whole JSON document at once (encode fewer devices, e.g. decode -s … --json)\n`);
  });

  it('readAll stops taking chunks once past its bound', async () => {
    let taken = 0;
    async function* endless() {
      for (;;) {
        taken++;
        yield new Uint8Array(4);
      }
    }
    expect(await readAll(endless(), 10)).toBeNull();
    expect(taken).toBe(3);
    expect(await readAll((async function* () { yield 'ab'; yield new Uint8Array([0x63]); })(), 3)).toEqual(new Uint8Array([0x61, 0x62, 0x63]));
  });
});
