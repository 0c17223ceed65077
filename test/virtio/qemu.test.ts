// The probe against the config spaces of real QEMU virtio-pci functions (BARs sized and assigned
// through qtest, as firmware would): QEMU's layouts, its page-per-vq and modern-pio-notify
// variants, non-transitional and legacy-only devices. Skips without QEMU, unless
// PCICFG_REQUIRE_QEMU=1 makes that a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { findQemuBinary, qemuDump, type QemuDumpFunction } from '../../src/qtest/index.js';
import { lookupAddress, notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping virtio probe tests against QEMU: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');
const runQemu = QEMU !== null || REQUIRE_QEMU;

describe.runIf(REQUIRE_QEMU)('QEMU requirement (virtio)', () => {
  it('qemu-system-x86_64 is installed', () => expect(QEMU).not.toBeNull());
});

const serious = (ds: readonly { code: string; severity: string }[]) => ds.filter((d) => d.severity !== 'info').map((d) => d.code);

describe.skipIf(!runQemu)('probe of QEMU virtio-pci functions', () => {
  let fns: readonly QemuDumpFunction[] = [];
  beforeAll(async () => {
    const dump = await qemuDump({
      machine: 'pc',
      deviceArgs: [
        '-blockdev', 'driver=null-co,node-name=d0,size=1048576',
        '-blockdev', 'driver=null-co,node-name=d1,size=1048576',
        '-blockdev', 'driver=null-co,node-name=d2,size=1048576',
        '-device', 'virtio-blk-pci,drive=d0,addr=04.0',
        '-device', 'virtio-rng-pci,page-per-vq=on,addr=05.0',
        '-device', 'virtio-blk-pci,drive=d1,modern-pio-notify=on,addr=06.0',
        '-device', 'virtio-rng-pci,disable-legacy=on,addr=07.0',
        '-device', 'virtio-blk-pci,drive=d2,disable-modern=on,addr=08.0',
      ],
    });
    fns = dump.functions;
  }, 60_000);
  afterAll(() => {
    fns = [];
  });

  const at = (dev: number) => {
    const f = fns.find((x) => x.address.device === dev)!;
    const cs = decodeConfigSpace(f.config, { barSizes: new Map(f.bars.map((b) => [b.index, b.size])), vendorCaps: [virtioVendorCapDecoder] });
    return { f, cs, t: probeVirtio(cs, { features: 1n << 32n, numQueues: 1 }) };
  };

  it('default transitional virtio-blk: modern BAR4 with QEMU’s regions, MSI-X in BAR1, legacy BAR0', () => {
    const { f, cs, t } = at(4);
    expect(t.kind).toBe('transitional');
    expect(serious(t.diagnostics)).toEqual([]);
    const bar4 = f.bars.find((b) => b.index === 4)!;
    expect(bar4.kind).toBe('mem64');
    expect(t.common).toMatchObject({ bar: { index: 4 }, offset: 0n, length: 0x1000n });
    expect(t.isr).toMatchObject({ offset: 0x1000n });
    expect(t.device).toMatchObject({ offset: 0x2000n });
    expect(t.notify).toMatchObject({ offset: 0x3000n, multiplier: 4, length: 0x1000n });
    expect(notifyAddress(t, 1)?.address).toBe(bar4.address + 0x3004n);
    expect(t.msix?.table.bar?.index).toBe(1);
    expect(t.legacy?.bar).toMatchObject({ index: 0, space: 'io' });
    // QEMU prepends capabilities: MSI-X first, then pci-cfg, notify, device, ISR, common.
    expect(t.caps.map((c) => c.typeName)).toEqual(['pci_cfg', 'notify', 'device', 'isr', 'common']);
    const hit = lookupAddress([{ slot: '00:04.0', config: cs, numQueues: 1 }], bar4.address + 0x3000n, 'mem');
    expect(hit[0]).toMatchObject({ structure: 'notify', queues: [0] });
  });

  it('page-per-vq: multiplier 0x1000, notify length 0x400000', () => {
    const { t } = at(5);
    expect(serious(t.diagnostics)).toEqual([]);
    expect(t.notify).toMatchObject({ multiplier: 0x1000, length: 0x400000n });
  });

  it('modern-pio-notify: the first notify cap is on I/O BAR2 with multiplier 0', () => {
    const { f, t } = at(6);
    expect(serious(t.diagnostics)).toEqual([]);
    const bar2 = f.bars.find((b) => b.index === 2)!;
    expect(t.notify).toMatchObject({ bar: { index: 2, space: 'io' }, multiplier: 0 });
    expect(notifyAddress(t, 0)).toMatchObject({ space: 'io', address: bar2.address });
    expect(t.caps.filter((c) => c.typeName === 'notify').length).toBe(2);
  });

  it('non-transitional virtio-rng: device 0x1044, no device cfg needed', () => {
    const { t } = at(7);
    expect(t.kind).toBe('modern');
    expect(t.identity).toMatchObject({ deviceId: 0x1044, deviceType: 4, typeName: 'rng' });
    expect(serious(t.diagnostics)).toEqual([]);
  });

  it('disable-modern: legacy-only, notify at BAR0 + 16', () => {
    const { f, t } = at(8);
    expect(t.kind).toBe('legacy-only');
    const bar0 = f.bars.find((b) => b.index === 0)!;
    expect(notifyAddress(t, 0)).toMatchObject({ space: 'io', address: bar0.address + 16n, legacy: true });
  });
});
