// Every standard and extended capability ID of spec-notes 1.8 and 1.9 (pci_regs.h, pciutils'
// header.h) has a name, matched here by a word of its title; unassigned IDs are "Unknown".
import { describe, expect, it } from 'vitest';
import { pciCapName, pciExtCapName } from '../../src/pci/index.js';

const STANDARD: Array<[number, RegExp]> = [
  [0x00, /null/i], [0x01, /power management/i], [0x02, /agp/i], [0x03, /vital product/i], [0x04, /slot/i],
  [0x05, /^msi$/i], [0x06, /hot swap/i], [0x07, /pci-x/i], [0x08, /hypertransport/i], [0x09, /vendor/i],
  [0x0a, /debug/i], [0x0b, /central resource/i], [0x0c, /hot-plug/i], [0x0d, /subsystem vendor/i],
  [0x0e, /agp/i], [0x0f, /secure/i], [0x10, /express/i], [0x11, /msi-x/i], [0x12, /sata/i],
  [0x13, /advanced features/i], [0x14, /enhanced allocation/i], [0x15, /flattening portal/i],
];

const EXTENDED: Array<[number, RegExp]> = [
  [0x00, /null/i], [0x01, /error/i], [0x02, /virtual channel/i], [0x03, /serial/i], [0x04, /power budget/i],
  [0x05, /link declaration/i], [0x06, /internal link/i], [0x07, /event collector/i], [0x08, /multi-function/i],
  [0x09, /virtual channel/i], [0x0a, /register block/i], [0x0b, /vendor/i], [0x0c, /access/i],
  [0x0d, /access control/i], [0x0e, /routing-id/i], [0x0f, /address translation/i], [0x10, /single root/i],
  [0x11, /multi-root/i], [0x12, /multicast/i], [0x13, /page request/i], [0x14, /amd/i], [0x15, /^resizable bar/i],
  [0x16, /dynamic power/i], [0x17, /tph/i], [0x18, /latency tolerance/i], [0x19, /secondary pci express/i],
  [0x1a, /multiplex/i], [0x1b, /address space/i], [0x1c, /ln requester/i], [0x1d, /downstream port containment/i],
  [0x1e, /l1 pm/i], [0x1f, /precision time/i], [0x20, /m-phy/i], [0x21, /frs/i], [0x22, /readiness time/i],
  [0x23, /designated vendor/i], [0x24, /^vf resizable/i], [0x25, /data link feature/i], [0x26, /16\.0 gt/i],
  [0x27, /margining/i], [0x28, /hierarchy/i], [0x29, /enclosure/i], [0x2a, /32\.0 gt/i], [0x2b, /alternate protocol/i],
  [0x2c, /firmware/i], [0x2e, /data object/i], [0x2f, /device 3/i], [0x30, /integrity/i], [0x31, /64\.0 gt/i],
  [0x32, /flit logging/i], [0x33, /flit performance/i], [0x34, /flit error injection/i], [0x35, /streamlined/i],
  [0x36, /mmio register block/i], [0x37, /nop flit/i], [0x38, /scalable/i], [0x39, /128\.0 gt/i], [0x3a, /captured data/i],
];

describe('capability names', () => {
  const hexed = (l: Array<[number, RegExp]>) => l.map(([id, w]) => [id.toString(16).padStart(2, '0'), id, w] as const);

  it.each(hexed(STANDARD))('standard ID 0x%s', (_hex, id, word) => {
    expect(pciCapName(id)).toMatch(word);
  });

  it.each(hexed(EXTENDED))('extended ID 0x%s', (_hex, id, word) => {
    expect(pciExtCapName(id)).toMatch(word);
  });

  it('unassigned IDs are Unknown, with the number', () => {
    expect(pciCapName(0x16)).toBe('Unknown (0x16)');
    expect(pciCapName(0xfe)).toBe('Unknown (0xfe)');
    expect(pciExtCapName(0x2d)).toBe('Unknown (0x002d)');
    expect(pciExtCapName(0x3b)).toBe('Unknown (0x003b)');
  });
});
