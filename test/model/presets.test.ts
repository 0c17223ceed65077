import { describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import { probeVirtio } from '../../src/virtio/probe.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';
import { VirtioPciDevice } from '../../src/model/device.js';
import { VirtioBlkModelBackend } from '../../src/model/blk.js';
import { VIRTIO_MODEL_PRESETS, qemuVirtioPreset, cloudHypervisorPreset, kvmtoolPreset } from '../../src/model/presets.js';
import type { VirtioModelDescription } from '../../src/model/description.js';
import { assignBars, readConfig } from './helpers.js';
import { headerOf } from '../support/caps.js';

function probe(d: VirtioModelDescription) {
  const dev = new VirtioPciDevice(d, { backend: new VirtioBlkModelBackend() });
  const bars = assignBars(dev);
  const bytes = readConfig(dev);
  const barSizes = new Map([...bars].map(([i, b]) => [i, b.size]));
  const cs = decodeConfigSpace(bytes, { vendorCaps: [virtioVendorCapDecoder], barSizes });
  const t = probeVirtio(cs, { features: dev.core.deviceFeatures, queueNotifyOffs: dev.core.queues.map((q) => q.notifyOff), barSizes });
  return { dev, bars, bytes, cs, t };
}

const errors = (ds: readonly { severity: string; code: string; message: string }[]) => ds.filter((x) => x.severity === 'error').map((x) => `${x.code}: ${x.message}`);

describe('presets decode cleanly and give their values', () => {
  for (const [name, make] of Object.entries(VIRTIO_MODEL_PRESETS)) {
    it(`${name}: no error diagnostics from decodeConfigSpace and probeVirtio`, () => {
      const { cs, t, dev } = probe(make());
      expect(errors(cs.diagnostics)).toEqual([]);
      expect(errors(t.diagnostics)).toEqual([]);
      const d = dev.description;
      expect(t.common?.bar.index).toBe(d.regions.common.bar);
      expect(t.common?.offset).toBe(BigInt(d.regions.common.offset));
      expect(t.common?.length).toBe(BigInt(d.regions.common.length));
      expect(t.isr?.offset).toBe(BigInt(d.regions.isr.offset));
      expect(t.device?.offset).toBe(BigInt(d.regions.device!.offset));
      // The probe takes the first notify cap in walk order.
      const firstNotify = d.caps.find((c) => c.kind === 'notify')!;
      const n = d.regions.notify[firstNotify.notify ?? 0];
      expect(t.notify?.bar.index).toBe(n.bar);
      expect(t.notify?.offset).toBe(BigInt(n.offset));
      expect(t.notify?.multiplier).toBe(n.multiplier);
      expect(t.msix?.tableSize).toBe(d.msix?.vectors);
      expect(t.msix?.table.bir).toBe(d.msix?.table.bar);
      expect(t.msix?.pba.offset).toBe(d.msix?.pba.offset);
      expect(t.legacy !== null).toBe(d.legacy !== undefined);
      expect(t.pciCfg).not.toBeNull();
    });
  }

  it('QEMU modern: the layout qemu-system-x86_64 7.2 serves for virtio-blk-pci,disable-legacy=on', () => {
    const { bytes, cs, bars } = probe(qemuVirtioPreset());
    // Capability chain: head 0x98 (MSI-X) → 0x84 pci-cfg → 0x70 notify → 0x60 device → 0x50 ISR → 0x40 common.
    expect(cs.capabilities.map((c) => c.pos)).toEqual([0x98, 0x84, 0x70, 0x60, 0x50, 0x40]);
    expect(cs.header.device_id).toBe(0x1042);
    expect(cs.header.revision_id).toBe(1);
    expect(headerOf(cs, 0).subsystem_id).toBe(0x1100);
    expect(bytes[0x3d]).toBe(1);
    expect([...bars].map(([i, b]) => [i, b.size])).toEqual([
      [1, 0x1000n],
      [4, 0x4000n],
    ]);
    // notify cap: cap_len 20, offset 0x3000, length 0x1000, multiplier 4.
    expect([...bytes.subarray(0x70, 0x84)]).toEqual([9, 0x60, 20, 2, 4, 0, 0, 0, 0, 0x30, 0, 0, 0, 0x10, 0, 0, 4, 0, 0, 0]);
  });

  it('QEMU behind a PCIe port: PCI Express and PM capabilities created first, everything else 0x44 higher, 4 KiB config', () => {
    const { cs, t, bytes } = probe(qemuVirtioPreset({ pcie: true }));
    expect(bytes.length).toBe(4096);
    expect(cs.capabilities.map((c) => [c.id, c.pos])).toEqual([
      [0x11, 0xdc],
      [0x09, 0xc8],
      [0x09, 0xb4],
      [0x09, 0xa4],
      [0x09, 0x94],
      [0x09, 0x84],
      [0x01, 0x7c],
      [0x10, 0x40],
    ]);
    const exp = cs.capabilities.find((c) => c.id === 0x10)!;
    expect(exp.fields).toMatchObject({ flags: 2, devcap: 0x10008000, lnkcap: 0x411, lnksta: 0x11, devcap2: 0x300000 });
    expect(cs.capabilities.find((c) => c.id === 0x01)!.fields).toMatchObject({ pmc: 3, pmcsr: 0 });
    expect(cs.extendedCapabilities).toEqual([]);
    expect(errors(cs.diagnostics)).toEqual([]);
    expect(t.notify?.offset).toBe(0x3000n);
  });

  it('PCIe and PM registers follow their tables\' access columns', () => {
    const { dev } = probe(qemuVirtioPreset({ pcie: true }));
    dev.configWrite(0x40 + 0x04, 4, 0); // devcap: read-only
    expect(dev.configRead(0x44, 4)).toBe(0x10008000);
    dev.configWrite(0x40 + 0x08, 2, 0x000f); // devctl: error reporting enables
    expect(dev.configRead(0x48, 2)).toBe(0x000f);
    dev.configWrite(0x7c + 4, 2, 3); // PMCSR power state D3hot
    expect(dev.configRead(0x80, 2) & 3).toBe(3);
    dev.configWrite(0x7c + 2, 2, 0xffff); // PMC: read-only
    expect(dev.configRead(0x7e, 2)).toBe(3);
  });

  it('QEMU page-per-vq, PIO notify and transitional variants', () => {
    const ppv = probe(qemuVirtioPreset({ pagePerVq: true }));
    expect(ppv.bars.get(4)?.size).toBe(0x800000n);
    expect(ppv.t.notify?.length).toBe(0x400000n);
    expect(ppv.t.notify?.multiplier).toBe(0x1000);

    const pio = probe(qemuVirtioPreset({ modernPioNotify: true }));
    expect(pio.cs.capabilities.map((c) => c.pos)).toEqual([0xac, 0x98, 0x84, 0x70, 0x60, 0x50, 0x40]);
    expect(pio.bars.get(2)).toMatchObject({ size: 4n, io: true });
    // The I/O-BAR notify cap comes first in the walk: the probe picks it, multiplier 0.
    expect(pio.t.notify?.bar.index).toBe(2);
    expect(pio.t.notify?.multiplier).toBe(0);

    const tr = probe(qemuVirtioPreset({ transitional: true }));
    expect(tr.cs.header.device_id).toBe(0x1001);
    expect(tr.cs.header.revision_id).toBe(0);
    expect(headerOf(tr.cs, 0).subsystem_id).toBe(2);
    expect(tr.bars.get(0)).toMatchObject({ size: 0x80n, io: true });
    expect(tr.t.legacy?.bar?.index).toBe(0);
  });

  it('cloud-hypervisor and kvmtool layouts', () => {
    const ch = probe(cloudHypervisorPreset());
    expect(ch.cs.capabilities.map((c) => c.pos)).toEqual([0x40, 0x50, 0x60, 0x70, 0x84, 0x98]);
    expect(ch.bars.get(0)?.size).toBe(0x80000n);
    expect(ch.t.isr?.offset).toBe(0x2000n);
    expect(ch.t.notify?.offset).toBe(0x6000n);
    expect(ch.t.msix?.table.offset).toBe(0x8000);
    expect(ch.t.msix?.pba.offset).toBe(0x48000);

    const kt = probe(kvmtoolPreset());
    expect(kt.cs.capabilities[0].id).toBe(0x11);
    expect(kt.t.notify?.multiplier).toBe(0);
    expect(kt.t.notify?.offset).toBe(0x38n);
    expect(kt.t.device?.offset).toBe(0x40n);
    expect(headerOf(kt.cs, 0).subsystem_id).toBe(0x42);
  });
});
