// device_status values and PCI capability IDs: one table each (virtio/common-cfg.ts's
// VIRTIO_STATUS_BITS, pci/cap-ids.ts's PCI_CAP_ID), under the spec's names. The values are
// typed from Linux include/uapi/linux/virtio_config.h and pci_regs.h, not from our sources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicApi as api } from '../support/public-api.js';

const STATUS: Record<string, number> = {
  VIRTIO_CONFIG_S_ACKNOWLEDGE: 1,
  VIRTIO_CONFIG_S_DRIVER: 2,
  VIRTIO_CONFIG_S_DRIVER_OK: 4,
  VIRTIO_CONFIG_S_FEATURES_OK: 8,
  VIRTIO_CONFIG_S_NEEDS_RESET: 0x40,
  VIRTIO_CONFIG_S_FAILED: 0x80,
};
const CAP_IDS: Record<string, number> = { PM: 0x01, MSI: 0x05, VNDR: 0x09, EXP: 0x10, MSIX: 0x11 };

const SRC = resolve(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.gen.ts') ? [p] : [];
  });

describe('device_status values', () => {
  it('each is exported under its Linux name with its value, and agrees with the bit table', () => {
    for (const [name, value] of Object.entries(STATUS)) expect((api as Record<string, unknown>)[name], name).toBe(value);
    const bits = new Map(api.VIRTIO_STATUS_BITS.map((b) => [b.name, 1 << b.lo]));
    expect(bits.get('DEVICE_NEEDS_RESET')).toBe(api.VIRTIO_CONFIG_S_NEEDS_RESET);
    expect(bits.get('FEATURES_OK')).toBe(api.VIRTIO_CONFIG_S_FEATURES_OK);
  });

  it('no other exported name restates them (no VIRTIO_MODEL_STATUS_*, VIRTIO_DRIVER_STATUS)', () => {
    expect(Object.keys(api).filter((k) => /STATUS_(ACKNOWLEDGE|DRIVER|FEATURES_OK|NEEDS_RESET|FAILED)|DRIVER_STATUS/.test(k))).toEqual([]);
  });
});

describe('ISR status bits', () => {
  // virtio 1.2 section 4.1.4.5: bit 0 queue interrupt, bit 1 device configuration interrupt
  // (Linux include/uapi/linux/virtio_pci.h: VIRTIO_PCI_ISR_CONFIG 0x2).
  it('are exported under their Linux names with the spec values, and no model copy remains', () => {
    expect(api.VIRTIO_PCI_ISR_QUEUE).toBe(0x1);
    expect(api.VIRTIO_PCI_ISR_CONFIG).toBe(0x2);
    expect(api.encodeIsr({ queue_interrupt: true, device_config_interrupt: false, reserved: 0 })).toBe(0x1);
    expect(Object.keys(api).filter((k) => /ISR_(QUEUE|CONFIG)/.test(k)).sort()).toEqual(['VIRTIO_PCI_ISR_CONFIG', 'VIRTIO_PCI_ISR_QUEUE']);
  });
});

describe('PCI capability IDs', () => {
  it('the one table has the pci_regs.h values', () => {
    for (const [name, value] of Object.entries(CAP_IDS)) expect(api.PCI_CAP_ID[name as keyof typeof api.PCI_CAP_ID], name).toBe(value);
  });

  it('no module but pci/cap-ids.ts declares a capability ID constant', () => {
    const bad: string[] = [];
    for (const f of files(SRC)) {
      if (f.endsWith('pci/cap-ids.ts')) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/^\s*(?:export\s+)?const\s+(PCI_(?:EXT_)?CAP_ID_\w+)\s*=/gm)) bad.push(`${relative(SRC, f)}: ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });

  it('no exported name restates one (no PCI_CAP_ID_MSIX_MODEL, PCI_CAP_ID_VNDR copies)', () => {
    expect(Object.keys(api).filter((k) => /^PCI_CAP_ID_/.test(k))).toEqual([]);
  });
});
