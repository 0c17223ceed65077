// decode --force-ext-caps walks extended capabilities Linux would not give the function, and
// encode takes such JSON back to the same bytes (it walks them too when the JSON lists them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDump } from '../../src/dump/read.js';
import { runCli } from './run.js';

const FILE = 'examples/pciutils-broken-ecaps.lspci';

describe('decode --force-ext-caps', () => {
  it('lists nothing past 0xff without it, the walk with it', async () => {
    const plain = JSON.parse((await runCli(['decode', FILE, '--json'])).stdout).devices[0];
    expect(plain.extended_capabilities).toEqual([]);
    expect(plain.diagnostics.map((d: { code: string }) => d.code)).toContain('EXT_CFG_NOT_CONFIG_SPACE');
    const forced = JSON.parse((await runCli(['decode', FILE, '--json', '--force-ext-caps'])).stdout).devices[0];
    expect(forced.extended_capabilities.map((c: { pos: number }) => c.pos)).toEqual([0x100, 0x790, 0xd00]);
  });

  it('encode gives the same bytes back from either JSON', async () => {
    const want = readDump(readFileSync(FILE, 'utf8')).functions[0]!.bytes;
    for (const extra of [[], ['--force-ext-caps']]) {
      const json = (await runCli(['decode', FILE, '--json', ...extra])).stdout;
      const r = await runCli(['encode', '-', '--format', 'binary'], json);
      expect(r.stderr).toBe('');
      expect(r.stdoutBytes).toEqual(want);
    }
  });
});
