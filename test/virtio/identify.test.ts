import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQemuInfoPci, qemuBarSizes, readDump } from '../../src/dump/index.js';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import {
  buildVirtioCap,
  identifyVirtio,
  lookupAddress,
  notifyAddress,
  probeVirtio,
  VIRTIO_DEVICE_TYPES,
  virtioDeviceTypeName,
  virtioVendorCapDecoder,
} from '../../src/virtio/index.js';

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

function header(device: number, opts: { rev?: number; subsys?: number; vendor?: number } = {}): Uint8Array {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, opts.vendor ?? 0x1af4, true);
  dv.setUint16(2, device, true);
  b[8] = opts.rev ?? 0;
  dv.setUint16(0x2c, 0x1af4, true);
  dv.setUint16(0x2e, opts.subsys ?? 0, true);
  return b;
}

describe('identification', () => {
  it('reads the device type from 0x1040 + type or, for transitional IDs, the subsystem ID', () => {
    expect(identifyVirtio(header(0x1042, { rev: 1, subsys: 0x1100 }))).toMatchObject({ isVirtio: true, deviceType: 2, typeName: 'blk', transitionalId: false, diagnostics: [] });
    expect(identifyVirtio(header(0x1000, { subsys: 1 }))).toMatchObject({ deviceType: 1, typeName: 'net', transitionalId: true, diagnostics: [] });
    expect(identifyVirtio(header(0x105a))).toMatchObject({ deviceType: 26, typeName: 'fs' });
    expect(identifyVirtio(header(0x107f)).deviceType).toBe(63);
    expect(codes(identifyVirtio(header(0x107f)).diagnostics)).toEqual(['VIRTIO_MODERN_SUBSYSTEM_ID', 'VIRTIO_DEVICE_TYPE_UNKNOWN']);
  });

  it('flags transitional inconsistencies', () => {
    expect(codes(identifyVirtio(header(0x1001, { subsys: 1 })).diagnostics)).toEqual(['VIRTIO_TRANSITIONAL_ID_MISMATCH']);
    expect(identifyVirtio(header(0x1001, { subsys: 1 })).deviceType).toBe(1);
    expect(codes(identifyVirtio(header(0x1009, { subsys: 9, rev: 1 })).diagnostics)).toEqual(['VIRTIO_TRANSITIONAL_REVISION']);
    expect(identifyVirtio(header(0x1001, { subsys: 2 }), 0x20)).toMatchObject({ deviceType: 2, subsystemId: null });
  });

  it('is not virtio outside vendor 0x1af4 / 0x1000–0x107f', () => {
    expect(identifyVirtio(header(0x1080)).isVirtio).toBe(false);
    expect(identifyVirtio(header(0x0fff)).isVirtio).toBe(false);
    expect(identifyVirtio(header(0x1041, { vendor: 0x8086 })).isVirtio).toBe(false);
    expect(codes(identifyVirtio(header(0x1041), 2).diagnostics)).toEqual(['VIRTIO_IDENTITY_UNAVAILABLE']);
    const t = probeVirtio(decodeConfigSpace(header(0x1080)));
    expect(t.kind).toBeNull();
    expect(codes(t.diagnostics)).toEqual(['VIRTIO_NOT_VIRTIO']);
  });

  it('names the spec’s device types', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 18, 19, 20, 26].map(virtioDeviceTypeName)).toEqual([
      'net', 'blk', 'console', 'rng', 'balloon', 'scsi', '9p', 'gpu', 'input', 'vsock', 'crypto', 'fs',
    ]);
    expect(virtioDeviceTypeName(14)).toBe('unknown(14)');
    expect(Object.keys(VIRTIO_DEVICE_TYPES).length).toBeGreaterThan(40);
  });
});

describe('vendor-capability hook', () => {
  it('decodes virtio caps only on virtio functions and encodes edits back', () => {
    const img = header(0x1041, { rev: 1, subsys: 0x40 });
    img[6] = 0x10;
    img[0x34] = 0x40;
    img.set(buildVirtioCap({ cfg_type: 2, bar: 4, offset: 0x3000, length: 0x1000, notify_off_multiplier: 4 }), 0x40);
    const cs = decodeConfigSpace(img, { vendorCaps: [virtioVendorCapDecoder] });
    const v = cs.capabilities[0].vendor!;
    expect(v).toMatchObject({ kind: 'virtio', name: 'virtio notify', length: 20 });
    expect(v.fields).toMatchObject({ bar: 4, offset: 0x3000, notify_off_multiplier: 4 });
    expect(encodeConfigSpace(cs)).toEqual(img);
    v.fields.notify_off_multiplier = 0x1000;
    const out = encodeConfigSpace(cs);
    expect(out[0x40 + 16]).toBe(0);
    expect(out[0x40 + 17]).toBe(0x10);
    const other = header(0x1041, { vendor: 0x8086 });
    other.set(img.slice(4, 256), 4);
    expect(decodeConfigSpace(other, { vendorCaps: [virtioVendorCapDecoder] }).capabilities[0].vendor).toBeUndefined();
  });

  it('does not call capabilities missing when the dump stops before them', () => {
    const img = header(0x1041, { rev: 1, subsys: 0x40 });
    img[6] = 0x10;
    img[0x34] = 0x40;
    img.set(buildVirtioCap({ cfg_type: 1, bar: 4, offset: 0, length: 0x1000 }), 0x40);
    const t = probeVirtio(decodeConfigSpace(img, { length: 64 }));
    expect(codes(t.diagnostics)).toEqual(['VIRTIO_CAPS_NOT_IN_IMAGE']);
  });
});

describe('the QEMU example in examples/', () => {
  it('probes the generated virtio-blk image with the BAR sizes from info pci', () => {
    const dump = readDump(readFileSync(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url), 'utf8'));
    const info = parseQemuInfoPci(readFileSync(new URL('../../examples/qemu-virtio-blk.info-pci', import.meta.url), 'utf8'));
    const fn = dump.functions[0];
    const q = info.find((x) => x.slot.device === 4)!;
    const cs = decodeConfigSpace(fn.bytes, { length: fn.length, barSizes: qemuBarSizes(q), vendorCaps: [virtioVendorCapDecoder] });
    const t = probeVirtio(cs, { numQueues: 1 });
    expect(t.kind).toBe('transitional');
    expect(t.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(t.common?.bar).toMatchObject({ index: 4, address: 0xfe008000n, size: 0x4000n });
    expect(notifyAddress(t, 0)?.address).toBe(0xfe00b000n);
    expect(notifyAddress(t, 1)?.address).toBe(0xfe00b004n);
    expect(t.legacy?.bar).toMatchObject({ index: 0, address: 0xc000n, space: 'io' });
    const d = [{ slot: '00:04.0', config: cs, numQueues: 1 }];
    expect(lookupAddress(d, 0xfe00a000n, 'mem')[0]).toMatchObject({ structure: 'device_cfg', field: 'capacity', struct: 'virtio_blk_config' });
    expect(lookupAddress(d, 0xfe009000n, 'mem')[0]).toMatchObject({ structure: 'isr', field: 'isr' });
    expect(lookupAddress(d, 0xfe008014n, 'mem')[0]).toMatchObject({ structure: 'common_cfg', field: 'device_status' });
    expect(lookupAddress(d, 0xfebf1000n + 0x800n, 'mem')[0]).toMatchObject({ structure: 'msix_pba', entry: 0 });
    expect(lookupAddress(d, 0xc012n, 'io')[0]).toMatchObject({ structure: 'legacy', field: 'status', preferred: false });
  });
});
