// The rows of "Where lspci and pcicfg disagree" in docs/cli.md, each run through
// `lspci -F FILE` and `pcicfg decode` on an image generated here. Skips (with a printed
// reason) without lspci, unless PCICFG_REQUIRE_LSPCI=1 makes that a failure.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeLspciFunction } from '../../src/dump/index.js';
import { lspciGate, lspciVerbose, parseLspciVerbose, requireLspci, runLspci } from '../support/lspci.js';
import { exampleBytes, runCli } from './run.js';

const gate = lspciGate();
const slot = { domain: 0, bus: 0, device: 4, function: 0 };
const text = (bytes: Uint8Array, length = 256) => writeLspciFunction({ bytes, length, slot, description: 'x' });

async function both(dump: string): Promise<{ lspci: string; pcicfg: string; json: Record<string, any> }> {
  requireLspci();
  const lspci = await lspciVerbose(dump);
  const pcicfg = (await runCli(['decode', '-'], dump)).stdout;
  const json = JSON.parse((await runCli(['decode', '-', '--json'], dump)).stdout).devices[0];
  return { lspci, pcicfg, json };
}

describe.skipIf(gate.skip)('where lspci and pcicfg disagree (docs/cli.md)', () => {
  it('64-bit BAR with a non-zero upper dword: lspci prints a phantom Region 5', async () => {
    const b = exampleBytes();
    b[0x24] = 0x01;
    const { lspci, pcicfg, json } = await both(text(b));
    const regions = parseLspciVerbose(lspci)[0].regions.map((r) => r.line.trim());
    expect(regions).toContain('Region 4: Memory at 1fe008000 (64-bit, prefetchable)');
    expect(regions).toContain('Region 5: I/O ports at 0000');
    expect(json.bars.map((x: { index: number }) => x.index)).toEqual([0, 1, 4]);
    expect(json.bars[2]).toMatchObject({ kind: 'mem64', address: '0x1fe008000' });
    expect(pcicfg).not.toContain('Region 5');
  });

  it('virtio cfg_types 5 and 9 are <unknown> to lspci; type 9 gets a BAR/offset/size read from vendor data', async () => {
    const b = exampleBytes();
    b.set([9, 0, 16, 9, 0x34, 0x12], 0xa4);
    for (let i = 0xaa; i < 0xb4; i++) b[i] = i;
    b[0x41] = 0xa4;
    const { lspci, pcicfg, json } = await both(text(b));
    const v = parseLspciVerbose(lspci)[0].virtio;
    expect(v.find((c) => c.pos === 0x84)!.cfgTypeName).toBe('<unknown>');
    const t9 = v.find((c) => c.pos === 0xa4)!;
    expect(t9.cfgTypeName).toBe('<unknown>');
    expect(t9.bar).toBe(52);
    expect(t9.offset).toBe(0xafaeadacn);
    expect(t9.size).toBe(0xb3b2b1b0n);
    expect(pcicfg).toContain('[84] pci_cfg (cfg_type 5: PCI configuration access)');
    expect(pcicfg).toContain('[a4] vendor (cfg_type 9: Vendor data) vendor_id=0x1234');
    expect(json.virtio.capabilities.map((c: { cfg_type_name: string }) => c.cfg_type_name)).toContain('pci_cfg');
  });

  it('holes: lspci reads 0xff, pcicfg keeps them unknown', async () => {
    const dump = '00:04.0 x\n00: f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 00 00\n30: 00 00 00 00 98 00 00 00 00 00 00 00 00 01 00 00\n\n';
    const { stdout } = await runLspci(dump, ['-xxx']);
    expect(stdout).toContain('10: ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff');
    const { pcicfg, json } = await both(dump);
    expect(json.raw.slice(32, 96)).toBe('--'.repeat(32));
    expect(json.header.bar0).toBeNull();
    expect(pcicfg).not.toContain('ffff');
  });

  it('header type and class code in a hole: lspci names them from 0xff, pcicfg says they are unknown', async () => {
    const dump = readFileSync(fileURLToPath(new URL('../../examples/holes.lspci', import.meta.url)), 'utf8');
    const { lspci, pcicfg, json } = await both(dump);
    expect(lspci).toContain('Unassigned class [ffff]');
    expect(lspci).toContain('!!! Unknown header type 7f');
    expect(pcicfg).toContain('Class <not given by the dump>, header type <not given by the dump>');
    expect(pcicfg).not.toMatch(/ffff|Unassigned|127/);
    expect(json.header).toMatchObject({ class_code: null, header_type: null, multi_function: null });
    expect(json.diagnostics.map((d: { code: string }) => d.code)).toContain('HEADER_TYPE_NOT_KNOWN');
  });

  it('an lspci -x dump: lspci says <access denied>, pcicfg says the capabilities are not in the dump', async () => {
    const { lspci, pcicfg, json } = await both(text(exampleBytes(), 64));
    expect(parseLspciVerbose(lspci)[0].capabilitiesDenied).toBe(true);
    expect(pcicfg).toContain('Capabilities: [98] not in the dump (only 64 bytes known)');
    expect(json.virtio.transport).toBeNull();
  });

  it('MSI-X: lspci prints Count, pcicfg the N-1 register and the count', async () => {
    const { lspci, pcicfg } = await both(text(exampleBytes()));
    expect(lspci).toMatch(/MSI-X: Enable- Count=2 Masked-/);
    expect(lspci).toMatch(/PBA: BAR=1 offset=00000800/);
    expect(pcicfg).toContain('table_size=1 (N-1: 2 entries)');
    expect(pcicfg).toContain('bir=1 offset=0x800');
  });
});
