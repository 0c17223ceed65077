// Probe rules of issue 3 that no other test pinned down: the 4-byte alignment and 4-byte minimum
// of the notify structure under VIRTIO_F_NOTIFICATION_DATA, the ISR's 1-byte rules, the legacy
// BAR0 a legacy-only device cannot do without, device types without a known config layout, and
// the common_cfg field names lookupAddress gives for every length. Images are built here from
// the spec's header offsets and buildVirtioCap, independently of src/arbitraries.
import { describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import {
  buildVirtioCap,
  decodeDeviceConfig,
  encodeDeviceConfig,
  lookupAddress,
  notifyAddress,
  probeVirtio,
  virtioVendorCapDecoder,
  type VirtioCapInit,
} from '../../src/virtio/index.js';

const VERSION_1 = 1n << 32n;
const NOTIFICATION_DATA = 1n << 38n;
const BAR4 = 0xfe000000n;

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

/**
 * A type 0 virtio function: vendor 0x1af4, the given device ID, BAR4 a 64-bit memory BAR of
 * 16 KiB at 0xfe000000 (unless `bar0` asks for an I/O BAR0 only), and `caps` linked from 0x40.
 */
function image(caps: readonly VirtioCapInit[], opts: { deviceId?: number; subsystemId?: number; revision?: number; bar0?: number } = {}) {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  dv.setUint16(0x00, 0x1af4, true);
  dv.setUint16(0x02, opts.deviceId ?? 0x1042, true);
  b[0x08] = opts.revision ?? 1;
  dv.setUint16(0x2c, 0x1af4, true);
  dv.setUint16(0x2e, opts.subsystemId ?? 0x42, true);
  if (opts.bar0 !== undefined) dv.setUint32(0x10, opts.bar0, true);
  else {
    dv.setUint32(0x20, Number(BAR4 & 0xfffffff0n) | 0xc, true); // 64-bit prefetchable
    dv.setUint32(0x24, 0, true);
  }
  let at = 0x40;
  let prev = 0x34;
  for (const c of caps) {
    const bytes = buildVirtioCap(c);
    b.set(bytes, at);
    b[prev] = at;
    prev = at + 1;
    at += (bytes.length + 3) & ~3;
  }
  if (caps.length) dv.setUint16(0x06, 0x10, true);
  return b;
}

/** QEMU's modern regions in BAR4, with the notify capability given by the test. */
function transport(notify: Partial<VirtioCapInit>, isr: Partial<VirtioCapInit> = {}, common: Partial<VirtioCapInit> = {}): VirtioCapInit[] {
  return [
    { cfg_type: 1, bar: 4, offset: 0, length: 0x1000, ...common },
    { cfg_type: 3, bar: 4, offset: 0x1000, length: 0x1000, ...isr },
    { cfg_type: 4, bar: 4, offset: 0x2000, length: 0x1000 },
    { cfg_type: 2, bar: 4, offset: 0x3000, length: 0x1000, notify_off_multiplier: 4, ...notify },
    { cfg_type: 5 },
  ];
}

function probe(caps: readonly VirtioCapInit[], features: bigint, numQueues = 2) {
  const cs = decodeConfigSpace(image(caps), { vendorCaps: [virtioVendorCapDecoder], barSizes: new Map([[4, 0x4000n]]) });
  return { cs, t: probeVirtio(cs, { features, numQueues }) };
}

describe('notify structure under VIRTIO_F_NOTIFICATION_DATA', () => {
  it('an offset aligned to 2 but not 4 is fine for 2-byte doorbells and misaligned for 4-byte ones', () => {
    const caps = transport({ offset: 0x3002, length: 0xffe });
    const plain = probe(caps, VERSION_1).t;
    expect(plain.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(notifyAddress(plain, 1)?.address).toBe(BAR4 + 0x3006n);
    const nd = probe(caps, VERSION_1 | NOTIFICATION_DATA).t;
    const mis = nd.diagnostics.filter((d) => d.code === 'VIRTIO_CAP_OFFSET_MISALIGNED');
    expect(mis.length).toBe(1);
    // The offset field of the notify capability (the fourth, at 0x40 + 16 + 16 + 16).
    expect(mis[0].offset).toBe(0x70 + 8);
    expect(codes(probe(transport({ offset: 0x3004, length: 0xffc }), VERSION_1 | NOTIFICATION_DATA).t.diagnostics)).not.toContain('VIRTIO_CAP_OFFSET_MISALIGNED');
  });

  it('a 2-byte notify structure serves 16-bit writes only; with notification data the minimum is 4', () => {
    const two = transport({ length: 2, notify_off_multiplier: 0 });
    expect(codes(probe(two, VERSION_1).t.diagnostics).filter((c) => c !== 'VIRTIO_CAP_DUPLICATE_IGNORED')).toEqual([]);
    const nd = codes(probe(two, VERSION_1 | NOTIFICATION_DATA).t.diagnostics);
    expect(nd).toContain('VIRTIO_CAP_LENGTH_SHORT');
    expect(nd).toContain('VIRTIO_NOTIFY_OFF_OUT_OF_RANGE');
    const four = codes(probe(transport({ length: 4, notify_off_multiplier: 0 }), VERSION_1 | NOTIFICATION_DATA).t.diagnostics);
    expect(four).not.toContain('VIRTIO_CAP_LENGTH_SHORT');
    expect(four).not.toContain('VIRTIO_NOTIFY_OFF_OUT_OF_RANGE');
    expect(codes(probe(transport({ length: 1, notify_off_multiplier: 0 }), VERSION_1).t.diagnostics)).toContain('VIRTIO_CAP_LENGTH_SHORT');
  });
});

describe('ISR structure', () => {
  it('has no alignment rule and a 1-byte minimum', () => {
    const odd = probe(transport({}, { offset: 0x1001, length: 1 }), VERSION_1).t;
    expect(odd.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(odd.isr?.address).toBe(BAR4 + 0x1001n);
    const empty = codes(probe(transport({}, { length: 0 }), VERSION_1).t.diagnostics);
    expect(empty).toContain('VIRTIO_CAP_LENGTH_SHORT');
    expect(empty).not.toContain('VIRTIO_CAP_OFFSET_MISALIGNED');
  });
});

describe('legacy-only devices', () => {
  const legacy = (bar0: number) =>
    probeVirtio(decodeConfigSpace(image([], { deviceId: 0x1001, subsystemId: 2, revision: 0, bar0 }), { barSizes: bar0 ? new Map([[0, 64n]]) : undefined }));

  it('without a BAR0 have no legacy interface and no doorbell, and say so', () => {
    const t = legacy(0);
    expect(t.kind).toBe('legacy-only');
    expect(codes(t.diagnostics)).toEqual(['VIRTIO_LEGACY_ONLY', 'VIRTIO_LEGACY_BAR_MISSING']);
    expect(t.legacy?.bar).toBeNull();
    expect(notifyAddress(t, 0)).toBeNull();
  });

  it('with an I/O BAR0 ring at BAR0 + 16 and have no missing-BAR diagnostic', () => {
    const t = legacy(0xc041);
    expect(codes(t.diagnostics)).toEqual(['VIRTIO_LEGACY_ONLY']);
    expect(notifyAddress(t, 3)).toMatchObject({ space: 'io', address: 0xc050n, legacy: true });
  });
});

describe('device types without a known configuration layout', () => {
  const bytes = Uint8Array.from({ length: 12 }, (_, i) => 0x30 + i);

  it('9P (type 9) keeps its bytes raw with VIRTIO_DEVCFG_TYPE_UNKNOWN and encodes them back', () => {
    const d = decodeDeviceConfig(9, bytes, 2, 8, VERSION_1);
    expect(codes(d.diagnostics)).toEqual(['VIRTIO_DEVCFG_TYPE_UNKNOWN']);
    expect(d.struct).toBeNull();
    expect(d.value).toEqual({});
    expect(d.tail).toEqual(bytes.slice(2, 10));
    const out = new Uint8Array(12);
    encodeDeviceConfig(d, out, 2, 8);
    expect(out.slice(2, 10)).toEqual(bytes.slice(2, 10));
  });

  it('the entropy device (type 4) has no configuration in the spec: nothing to report', () => {
    expect(decodeDeviceConfig(4, bytes, 0, 0, VERSION_1).diagnostics).toEqual([]);
  });
});

describe('lookupAddress names the common_cfg field at every offset the length covers', () => {
  const fieldAt = (length: number, rel: bigint) => {
    const { cs } = probe(transport({}, {}, { length }), VERSION_1);
    return lookupAddress([{ slot: 'x', config: cs }], BAR4 + rel, 'mem').find((h) => h.structure === 'common_cfg');
  };

  it.each([
    [56, 52n, 'queue_device', 4],
    [58, 56n, 'queue_notify_data', 0],
    [58, 57n, 'queue_notify_data', 1],
    [60, 58n, 'queue_reset', 0],
    [64, 62n, 'admin_queue_num', 0],
    [0x1000, 60n, 'admin_queue_index', 0],
  ])('length %i, offset %i: %s', (length, rel, field, byte) => {
    expect(fieldAt(length, rel)).toMatchObject({ field, byteInField: byte });
  });

  it('past the 64 bytes of the largest layout an address is common_cfg without a field', () => {
    expect(fieldAt(0x1000, 64n)).toMatchObject({ field: null, offsetInStructure: 64n });
    expect(fieldAt(58, 58n)).toBeUndefined();
  });
});
