import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { VirtioPciDevice } from '../../src/model/device.js';
import { VirtioBlkModelBackend } from '../../src/model/blk.js';
import { qemuVirtioPreset, cloudHypervisorPreset } from '../../src/model/presets.js';
import { ModelBus } from '../../src/model/bus.js';
import { VIRTIO_PCI_COMMON_CFG_OFFSETS as C } from '../../src/virtio/common-cfg.js';
import { assignBars } from './helpers.js';

const BDF = { domain: 0, bus: 0, device: 4, function: 0 };

function device(o: Parameters<typeof qemuVirtioPreset>[0] = {}) {
  const backend = new VirtioBlkModelBackend();
  const dev = new VirtioPciDevice(qemuVirtioPreset({ queues: [{ size: 256 }, { size: 128 }, { size: 64 }], ...o }), { backend });
  const bars = assignBars(dev);
  return { dev, bars, backend };
}

// common_cfg in BAR 4 at 0 for the QEMU preset.
const cr = (dev: VirtioPciDevice, field: keyof typeof C, w: 1 | 2 | 4) => dev.barRead(4, C[field], w);
const cw = (dev: VirtioPciDevice, field: keyof typeof C, w: 1 | 2 | 4, v: number) => dev.barWrite(4, C[field], w, v);

describe('config space of a model device', () => {
  it('keeps capability fields read-only, except MSI-X enable/mask', () => {
    const { dev } = device();
    const before = dev.configRead(0x70, 4);
    dev.configWrite(0x74, 4, 0xffffffff); // notify cap: bar, id, padding
    dev.configWrite(0x78, 4, 0x12345678); // offset
    dev.configWrite(0x80, 4, 0); // multiplier
    expect(dev.configRead(0x70, 4)).toBe(before);
    expect(dev.configRead(0x74, 4)).toBe(4);
    expect(dev.configRead(0x78, 4)).toBe(0x3000);
    expect(dev.configRead(0x80, 4)).toBe(4);
    dev.configWrite(0x9a, 2, 0xffff); // MSI-X message control: table size stays, enable + mask set
    expect(dev.configRead(0x9a, 2)).toBe(0xc000 | 3);
    dev.configWrite(0x00, 4, 0);
    expect(dev.configRead(0x00, 4)).toBe(0x10421af4);
    dev.configWrite(0x04, 2, 0xffff);
    expect(dev.configRead(0x04, 2)).toBe(0x0507);
  });

  it('decodes BARs only while the Command enables are set', async () => {
    const { dev, bars } = device();
    const bus = new ModelBus(dev.memory as never);
    bus.attachVirtio(BDF, dev);
    const common = bars.get(4)!.base;
    expect(await bus.memRead(common + BigInt(C.num_queues), 2)).toBe(3);
    await bus.configWrite(BDF, 0x04, 2, 0x4); // memory decoding off
    expect(dev.decode('mem', common)).toBeNull();
    expect(await bus.memRead(common + BigInt(C.num_queues), 2)).toBe(0); // falls through to RAM
    await bus.memWrite(common + BigInt(C.queue_select), 2, 2);
    await bus.configWrite(BDF, 0x04, 2, 0x6);
    expect(await bus.memRead(common + BigInt(C.queue_select), 2)).toBe(0);
    expect(await bus.memRead(common + BigInt(C.num_queues), 2)).toBe(3);
    // Absent functions read all-ones.
    expect(await bus.configRead({ ...BDF, device: 5 }, 0, 4)).toBe(0xffffffff);
    expect(await bus.configRead({ ...BDF, device: 5 }, 0, 2)).toBe(0xffff);
  });
});

describe('common_cfg registers', () => {
  it('windows device and driver features by their selects', () => {
    const { dev } = device({ features: (1n << 32n) | (1n << 70n) | 0x10n });
    cw(dev, 'device_feature_select', 4, 0);
    expect(cr(dev, 'device_feature', 4) & 0x10).toBe(0x10);
    cw(dev, 'device_feature_select', 4, 1);
    expect(cr(dev, 'device_feature', 4)).toBe(1);
    cw(dev, 'device_feature_select', 4, 2);
    expect(cr(dev, 'device_feature', 4)).toBe(1 << 6);
    cw(dev, 'device_feature_select', 4, 3);
    expect(cr(dev, 'device_feature', 4)).toBe(0);
    cw(dev, 'driver_feature_select', 4, 1);
    cw(dev, 'driver_feature', 4, 1);
    cw(dev, 'driver_feature_select', 4, 0);
    cw(dev, 'driver_feature', 4, 0x10);
    expect(dev.core.driverFeatures).toBe((1n << 32n) | 0x10n);
    cw(dev, 'driver_feature_select', 4, 1);
    expect(cr(dev, 'driver_feature', 4)).toBe(1);
  });

  it('refuses FEATURES_OK for features the device did not offer', () => {
    const { dev } = device();
    cw(dev, 'driver_feature_select', 4, 1);
    cw(dev, 'driver_feature', 4, 0x80000001);
    cw(dev, 'device_status', 1, 1 | 2 | 8);
    expect(cr(dev, 'device_status', 1)).toBe(3);
    cw(dev, 'driver_feature', 4, 1);
    cw(dev, 'device_status', 1, 1 | 2 | 8);
    expect(cr(dev, 'device_status', 1)).toBe(11);
  });

  it('keeps num_queues, queue_notify_off and config_generation read-only', () => {
    const { dev } = device();
    cw(dev, 'num_queues', 2, 9);
    cw(dev, 'queue_notify_off', 2, 9);
    cw(dev, 'config_generation', 1, 9);
    expect(cr(dev, 'num_queues', 2)).toBe(3);
    expect(cr(dev, 'queue_notify_off', 2)).toBe(0);
    expect(cr(dev, 'config_generation', 1)).toBe(0);
  });

  it('accepts queue sizes up to the maximum only, and vectors within the table only', () => {
    const { dev } = device();
    cw(dev, 'queue_select', 2, 1);
    expect(cr(dev, 'queue_size', 2)).toBe(128);
    cw(dev, 'queue_size', 2, 256);
    expect(cr(dev, 'queue_size', 2)).toBe(128);
    cw(dev, 'queue_size', 2, 32);
    expect(cr(dev, 'queue_size', 2)).toBe(32);
    cw(dev, 'queue_msix_vector', 2, 3);
    expect(cr(dev, 'queue_msix_vector', 2)).toBe(3);
    cw(dev, 'queue_msix_vector', 2, 4); // 4 vectors: 0..3
    expect(cr(dev, 'queue_msix_vector', 2)).toBe(0xffff);
    cw(dev, 'msix_config', 2, 0);
    expect(cr(dev, 'msix_config', 2)).toBe(0);
  });

  it('resets everything when device_status is written 0', () => {
    const { dev } = device();
    cw(dev, 'driver_feature_select', 4, 1);
    cw(dev, 'driver_feature', 4, 1);
    cw(dev, 'msix_config', 2, 1);
    cw(dev, 'queue_select', 2, 2);
    cw(dev, 'queue_size', 2, 16);
    cw(dev, 'queue_desc', 4, 0x1000);
    dev.barWrite(4, C.queue_desc + 4, 4, 0x2);
    cw(dev, 'queue_driver', 4, 0x3000);
    dev.barWrite(4, C.queue_device + 4, 4, 0x1);
    cw(dev, 'queue_msix_vector', 2, 2);
    cw(dev, 'queue_enable', 2, 1);
    cw(dev, 'device_status', 1, 0x0f);
    dev.signalQueue(2);
    cw(dev, 'device_status', 1, 0);
    expect(cr(dev, 'device_status', 1)).toBe(0);
    expect(cr(dev, 'queue_select', 2)).toBe(0);
    expect(cr(dev, 'driver_feature_select', 4)).toBe(0);
    expect(dev.core.driverFeatures).toBe(0n);
    expect(cr(dev, 'msix_config', 2)).toBe(0xffff);
    cw(dev, 'queue_select', 2, 2);
    expect([cr(dev, 'queue_size', 2), cr(dev, 'queue_enable', 2), cr(dev, 'queue_msix_vector', 2)]).toEqual([64, 0, 0xffff]);
    for (const f of ['queue_desc', 'queue_driver', 'queue_device'] as const) {
      expect([dev.barRead(4, C[f], 4), dev.barRead(4, C[f] + 4, 4)]).toEqual([0, 0]);
    }
    expect(dev.barRead(4, 0x1000, 1)).toBe(0);
  });

  it('bumps config_generation and raises a config interrupt when the device config changes', () => {
    const { dev } = device();
    const cfg = dev.deviceConfig.snapshot();
    cfg[0] = 0x80;
    dev.setDeviceConfig(cfg);
    expect(cr(dev, 'config_generation', 1)).toBe(1);
    expect(dev.barRead(4, 0x2000, 1)).toBe(0x80);
    expect(dev.interrupts).toEqual([{ kind: 'intx', cause: 'config' }]);
    expect(dev.barRead(4, 0x1000, 1)).toBe(2);
  });

  test.prop(
    [
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('select' as const), q: fc.integer({ min: 0, max: 4 }) }),
          fc.record({
            op: fc.constant('write' as const),
            field: fc.constantFrom('queue_size', 'queue_msix_vector', 'queue_desc', 'queue_driver', 'queue_device'),
            half: fc.integer({ min: 0, max: 1 }),
            v: fc.nat(),
          }),
        ),
        { maxLength: 40 },
      ),
    ],
    { numRuns: 1000 },
  )('queue_select windows the per-queue registers', (ops) => {
    const { dev } = device();
    const max = [256, 128, 64];
    const ref = max.map((m) => ({ queue_size: m, queue_msix_vector: 0xffff, queue_desc: 0n, queue_driver: 0n, queue_device: 0n }));
    let sel = 0;
    for (const o of ops) {
      if (o.op === 'select') {
        cw(dev, 'queue_select', 2, o.q);
        sel = o.q;
        continue;
      }
      const r = ref[sel];
      if (o.field === 'queue_size') {
        const v = o.v & 0x1ff;
        cw(dev, 'queue_size', 2, v);
        if (r && v >= 1 && v <= max[sel]) r.queue_size = v;
      } else if (o.field === 'queue_msix_vector') {
        const v = o.v & 7;
        cw(dev, 'queue_msix_vector', 2, v);
        if (r) r.queue_msix_vector = v < 4 ? v : 0xffff;
      } else {
        const v = o.v >>> 0;
        dev.barWrite(4, C[o.field] + 4 * o.half, 4, v);
        if (r) {
          const shift = BigInt(32 * o.half);
          r[o.field] = (r[o.field] & ~(0xffffffffn << shift)) | (BigInt(v) << shift);
        }
      }
    }
    for (let q = 0; q < 5; q++) {
      cw(dev, 'queue_select', 2, q);
      const r = ref[q];
      const read64 = (f: 'queue_desc' | 'queue_driver' | 'queue_device') => BigInt(dev.barRead(4, C[f], 4)) | (BigInt(dev.barRead(4, C[f] + 4, 4)) << 32n);
      expect({
        queue_size: cr(dev, 'queue_size', 2),
        queue_msix_vector: cr(dev, 'queue_msix_vector', 2),
        queue_notify_off: cr(dev, 'queue_notify_off', 2),
        queue_desc: read64('queue_desc'),
        queue_driver: read64('queue_driver'),
        queue_device: read64('queue_device'),
      }).toEqual(
        r
          ? { ...r, queue_notify_off: q }
          : { queue_size: 0, queue_msix_vector: 0, queue_notify_off: 0, queue_desc: 0n, queue_driver: 0n, queue_device: 0n },
      );
    }
  });
});

describe('ISR, interrupts and MSI-X', () => {
  it('ISR reads clear it, at any offset of the ISR region, and drop the INTx status bit', () => {
    const { dev } = device();
    dev.signalQueue(0);
    expect(dev.configRead(0x06, 2) & 0x08).toBe(0x08);
    expect(dev.barRead(4, 0x1abc, 1)).toBe(1);
    expect(dev.barRead(4, 0x1000, 1)).toBe(0);
    expect(dev.configRead(0x06, 2) & 0x08).toBe(0);
    dev.barWrite(4, 0x1000, 1, 0xff);
    expect(dev.barRead(4, 0x1000, 1)).toBe(0);
  });

  it('delivers MSI-X messages from the table, and marks masked vectors pending in the PBA', () => {
    const { dev } = device();
    dev.configWrite(0x9a, 2, 0x8000);
    cw(dev, 'queue_select', 2, 1);
    cw(dev, 'queue_msix_vector', 2, 2);
    dev.signalQueue(1);
    expect(dev.interrupts).toEqual([]);
    expect(dev.barRead(1, 0x800, 4)).toBe(1 << 2);
    dev.barWrite(1, 2 * 16, 4, 0xfee00000);
    dev.barWrite(1, 2 * 16 + 8, 4, 0x4041);
    dev.barWrite(1, 2 * 16 + 12, 4, 0);
    dev.barWrite(1, 0x800, 4, 0); // the PBA is read-only
    expect(dev.barRead(1, 0x800, 4)).toBe(4);
    dev.signalQueue(1);
    expect(dev.interrupts).toEqual([{ kind: 'msix', vector: 2, address: 0xfee00000n, data: 0x4041 }]);
    expect(dev.barRead(1, 2 * 16 + 12, 4)).toBe(0);
  });
});

describe('the virtio pci_cfg window', () => {
  it('reads and writes BAR registers through pci_cfg_data', () => {
    const { dev } = device();
    const cap = 0x84;
    dev.configWrite(cap + 4, 1, 4); // bar
    dev.configWrite(cap + 8, 4, C.num_queues); // offset
    dev.configWrite(cap + 12, 4, 2); // length
    expect(dev.configRead(cap + 16, 2)).toBe(3);
    expect(dev.configRead(cap + 4, 1)).toBe(4);
    dev.configWrite(cap + 8, 4, C.queue_select);
    dev.configWrite(cap + 16, 4, 2);
    expect(cr(dev, 'queue_select', 2)).toBe(2);
    dev.configWrite(cap + 8, 4, C.queue_size);
    expect(dev.configRead(cap + 16, 4)).toBe(64);
    // 4 bytes from the device config (capacity, 64 KiB = 128 sectors).
    dev.configWrite(cap + 8, 4, 0x2000);
    dev.configWrite(cap + 12, 4, 4);
    expect(dev.configRead(cap + 16, 4)).toBe(128);
    // An offset that is not a multiple of the length does nothing.
    dev.configWrite(cap + 8, 4, C.queue_select + 1);
    dev.configWrite(cap + 12, 4, 2);
    dev.configWrite(cap + 16, 2, 1);
    expect(cr(dev, 'queue_select', 2)).toBe(2);
    // ISR read through the window clears it.
    dev.signalQueue(0);
    dev.configWrite(cap + 8, 4, 0x1000);
    dev.configWrite(cap + 12, 4, 1);
    expect(dev.configRead(cap + 16, 1)).toBe(1);
    expect(dev.core.isr).toBe(0);
  });
});

describe('legacy registers of a transitional device', () => {
  it('serves host features, queue size, PFN, status, ISR and the device config at 20 or 24', () => {
    const { dev, bars } = device({ transitional: true });
    const io = Number(bars.get(0)!.base);
    const bus = new ModelBus(dev.memory as never);
    bus.attachVirtio(BDF, dev);
    const rd = (o: number, w: 1 | 2 | 4) => bus.ioReadSync(io + o, w);
    const wr = (o: number, w: 1 | 2 | 4, v: number) => bus.ioWriteSync(io + o, w, v);
    // The low 32 device features plus QEMU's legacy-only NOTIFY_ON_EMPTY, ANY_LAYOUT, BAD_FEATURE.
    expect(rd(0, 4)).toBe((Number(dev.core.deviceFeatures & 0xffffffffn) | 0x49000000) >>> 0);
    wr(14, 2, 1);
    expect(rd(12, 2)).toBe(128);
    wr(8, 4, 0x12345);
    expect(dev.core.queues[1]).toMatchObject({ enabled: true, desc: 0x12345000n, driver: 0x12345000n + 128n * 16n, device: 0x12346000n });
    expect(rd(8, 4)).toBe(0x12345);
    wr(18, 1, 3);
    expect(rd(18, 1)).toBe(3);
    expect(rd(20, 4)).toBe(128); // capacity low word: MSI-X disabled, config at 20
    dev.configWrite(0x9a, 2, 0x8000);
    expect(rd(20, 2)).toBe(0xffff); // MSI_CONFIG_VECTOR
    expect(rd(24, 4)).toBe(128);
    wr(16, 2, 2);
    expect(dev.kicks.at(-1)).toMatchObject({ queue: 2, region: -1, bar: 0, value: 2 });
    wr(16, 2, 7);
    expect(dev.kicks.length).toBe(1);
    dev.signalQueue(0);
    expect(rd(19, 1)).toBe(1);
    expect(rd(19, 1)).toBe(0);
    wr(8, 4, 0); // PFN 0 resets the device
    expect(dev.core.status).toBe(0);
    expect(dev.core.queues[1].enabled).toBe(false);
  });
});

describe('cloud-hypervisor preset', () => {
  it('keeps MSI-X and virtio structures apart in one BAR', () => {
    const dev = new VirtioPciDevice(cloudHypervisorPreset(), { backend: new VirtioBlkModelBackend() });
    assignBars(dev);
    expect(dev.regionsOf(0).map((r) => [r.name, r.offset])).toEqual([
      ['common', 0],
      ['isr', 0x2000],
      ['device', 0x4000],
      ['notify', 0x6000],
      ['msix-table', 0x8000],
      ['msix-pba', 0x48000],
    ]);
    expect(dev.barRead(0, 0x8000 + 12, 4)).toBe(1);
    expect(dev.barRead(0, C.num_queues, 2)).toBe(1);
  });
});
