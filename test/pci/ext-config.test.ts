// Bytes past 0xff are config space to the OS only as Linux's pci_cfg_space_size says: a PCI
// Express (or PCI-X 266/533) function or a host bridge, whose dword at 0x100 is not all ones and
// whose space does not alias the first 256 bytes. Otherwise a diagnostic, and no extended
// capabilities unless asked (forceExtendedCapabilities). Outside truth: pciutils' own
// "broken-ecaps" dump (tests/broken-ecaps in pciutils, an RS690 host bridge whose every 0x100
// boundary repeats its IDs), and lspci, which walks nothing past 0xff for either image.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDump } from '../../src/dump/read.js';
import { writeLspci } from '../../src/dump/write.js';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import { image, virtioBlkRows } from './fixtures.js';
import { lspciGate, lspciVerbose, parseLspciVerbose, requireLspci } from '../support/lspci.js';

const brokenText = readFileSync(new URL('../../examples/pciutils-broken-ecaps.lspci', import.meta.url), 'utf8');
const broken = readDump(brokenText).functions[0]!;
const codes = (ds: ReadonlyArray<{ code: string; offset: number | null }>) => ds.map((d) => [d.code, d.offset]);

/** QEMU's virtio-blk (conventional PCI: no Express capability) with an AER header at 0x100, 4096 bytes. */
const conventional = () => image(4096, [...virtioBlkRows, [0x100, [0x01, 0x00, 0x01, 0x00]]]);
/** The same with a PCI Express capability added to the list (MSI-X at 0x98 now points to 0xc0). */
const express = () => image(4096, [...virtioBlkRows, [0x99, [0xc0]], [0xc0, [0x10, 0x84, 0x02, 0x00]], [0x100, [0x01, 0x00, 0x01, 0x00]]]);

describe('extended config space as Linux sizes it', () => {
  it("pciutils' broken-ecaps host bridge: aliased, so 256 bytes; no extended capabilities, the bytes kept", () => {
    expect(broken.length).toBe(4096);
    const cs = decodeConfigSpace(broken.bytes, { length: broken.length });
    expect(cs.extendedCapabilities).toEqual([]);
    expect(codes(cs.diagnostics)).toEqual([
      ['CAPS_WITHOUT_STATUS_BIT', 0x34],
      ['EXT_CFG_NOT_CONFIG_SPACE', 0x100],
    ]);
    expect(cs.diagnostics[1]!.message).toMatch(/aliases?|aliased/);
    expect(encodeConfigSpace(cs)).toEqual(broken.bytes);
  });

  it('on request the walk is made, and says what it finds (the loop pciutils built the dump for)', () => {
    const cs = decodeConfigSpace(broken.bytes, { length: broken.length, forceExtendedCapabilities: true });
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual([0x100, 0x790, 0xd00]);
    expect(codes(cs.diagnostics).map(([c]) => c)).toEqual(['CAPS_WITHOUT_STATUS_BIT', 'EXTCAP_LOOP', 'EXT_CFG_NOT_CONFIG_SPACE']);
  });

  it('a conventional function (no PCI Express capability): not walked; with one: walked', () => {
    const a = decodeConfigSpace(conventional());
    expect(a.extendedCapabilities).toEqual([]);
    expect(codes(a.diagnostics)).toContainEqual(['EXT_CFG_NOT_CONFIG_SPACE', 0x100]);
    expect(a.diagnostics.find((d) => d.code === 'EXT_CFG_NOT_CONFIG_SPACE')!.message).toMatch(/no PCI Express capability/);
    const b = decodeConfigSpace(express());
    expect(b.capabilities.map((c) => c.id)).toContain(0x10);
    expect(b.extendedCapabilities.map((c) => [c.pos, c.id])).toEqual([[0x100, 1]]);
    expect(codes(b.diagnostics).map(([c]) => c)).not.toContain('EXT_CFG_NOT_CONFIG_SPACE');
  });

  it('a PCI Express function whose 0x100 reads all ones has no extended space either', () => {
    const b = express();
    b.set([0xff, 0xff, 0xff, 0xff], 0x100);
    const cs = decodeConfigSpace(b);
    expect(cs.extendedCapabilities).toEqual([]);
    expect(cs.diagnostics.find((d) => d.code === 'EXT_CFG_NOT_CONFIG_SPACE')!.message).toMatch(/0xffffffff/);
  });

  const gate = lspciGate();
  it.skipIf(gate.skip)('lspci walks nothing past 0xff in the same images, and walks the Express one', async () => {
    requireLspci();
    for (const [text, want] of [
      [brokenText, []],
      [writeLspci([{ slot: { domain: 0, bus: 0, device: 4, function: 0 }, bytes: conventional(), length: 4096 }]), []],
      [writeLspci([{ slot: { domain: 0, bus: 0, device: 4, function: 0 }, bytes: express(), length: 4096 }]), [0x100]],
    ] as const) {
      const dev = parseLspciVerbose(await lspciVerbose(text))[0]!;
      expect(dev.extendedCapabilities.map((c) => c.pos)).toEqual(want);
      const fn = readDump(text).functions[0]!;
      expect(decodeConfigSpace(fn.bytes, { length: fn.length }).extendedCapabilities.map((c) => c.pos)).toEqual(want);
    }
  });
});
