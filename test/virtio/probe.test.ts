import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import {
  decodePackedNotification,
  decodeSplitNotification,
  encodePackedNotification,
  encodeSplitNotification,
  lookupAddress,
  notifyAddress,
  notifyAddressForQueue,
  probeVirtio,
  virtioNotificationData,
  virtioVendorCapDecoder,
  type ProbeOptions,
} from '../../src/virtio/index.js';
import {
  arbInvalidTransport,
  arbTransport,
  barSizesOf,
  buildTransportImage,
  expectedCap,
  TRANSPORT_MUTATION_CODES as MUTATION_CODES,
  arbVirtioNoiseImage,
  type GenTransport,
} from '../../src/arbitraries/index.js';

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);
const serious = (ds: readonly { code: string; severity: string }[]) => ds.filter((d) => d.severity !== 'info').map((d) => d.code);

function decode(g: GenTransport) {
  return decodeConfigSpace(buildTransportImage(g), { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });
}

function probe(g: GenTransport, extra: ProbeOptions = {}) {
  return probeVirtio(decode(g), { features: g.features, queueNotifyOffs: g.queueNotifyOffs, ...extra });
}

// QEMU's modern virtio-pci layout: BAR4 64-bit prefetchable; common 0, ISR 0x1000, device
// 0x2000, notify 0x3000 (length multiplier × 1024); caps listed in reverse creation order.
function qemu(opts: { pagePerVq?: boolean; pioNotify?: boolean; bar4?: bigint; legacy?: boolean } = {}): GenTransport {
  const mult = opts.pagePerVq ? 0x1000 : 4;
  const bar4 = opts.bar4 ?? 0xfe008000n;
  const bars = [
    { index: 1, kind: 'mem32' as const, prefetchable: false, address: 0xfebd1000n, size: 0x1000n },
    { index: 4, kind: 'mem64' as const, prefetchable: true, address: bar4, size: opts.pagePerVq ? 0x800000n : 0x4000n },
  ];
  if (opts.pioNotify) bars.push({ index: 2, kind: 'io' as any, prefetchable: false, address: 0xc040n, size: 4n });
  const created = [
    { cfg_type: 1, bar: 4, offset: 0n, length: 0x1000n },
    { cfg_type: 3, bar: 4, offset: 0x1000n, length: 0x1000n },
    { cfg_type: 4, bar: 4, offset: 0x2000n, length: 0x1000n },
    { cfg_type: 2, bar: 4, offset: 0x3000n, length: BigInt(mult * 1024), multiplier: mult },
    ...(opts.pioNotify ? [{ cfg_type: 2, bar: 2, offset: 0n, length: 4n, multiplier: 0 }] : []),
    { cfg_type: 5, bar: 0, offset: 0n, length: 0n },
  ];
  return {
    deviceType: 2,
    bars: bars.sort((a, b) => a.index - b.index),
    caps: created.reverse(),
    msix: { tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800, size: 2, enabled: true },
    msixAt: 0,
    queueNotifyOffs: [0, 1],
    features: 1n << 32n,
    sizesKnown: true,
  };
}

describe('probe of real layouts', () => {
  it('QEMU default: BAR4, multiplier 4, queue n at BAR4 + 0x3000 + 4n', () => {
    const g = qemu();
    const cs = decode(g);
    // The PCI layer decodes the vendor caps through the hook.
    expect(cs.capabilities.filter((c) => c.vendor?.kind === 'virtio').map((c) => c.vendor!.name)).toEqual([
      'virtio pci_cfg', 'virtio notify', 'virtio device', 'virtio isr', 'virtio common',
    ]);
    const t = probeVirtio(cs, { features: g.features });
    expect(t.kind).toBe('modern');
    expect(t.identity).toMatchObject({ deviceType: 2, typeName: 'blk' });
    expect(serious(t.diagnostics)).toEqual([]);
    expect(t.common).toMatchObject({ offset: 0n, length: 0x1000n, address: 0xfe008000n, bar: { index: 4, kind: 'mem64', space: 'mem' } });
    expect(t.isr?.address).toBe(0xfe009000n);
    expect(t.device?.address).toBe(0xfe00a000n);
    expect(t.notify).toMatchObject({ multiplier: 4, address: 0xfe00b000n, length: 0x1000n });
    expect(notifyAddress(t, 0)).toMatchObject({ space: 'mem', address: 0xfe00b000n, bar: 4, barAddress: 0xfe008000n, multiplier: 4, assumedNotifyOff: false });
    expect(notifyAddress(t, 1)?.address).toBe(0xfe00b004n);
    const q1 = notifyAddressForQueue(t, 1)!;
    expect(q1.address).toBe(0xfe00b004n);
    expect(q1.assumedNotifyOff).toBe(true);
    expect(codes(q1.diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_ASSUMED']);
    // Queue 1023 is the last that fits 0x1000 bytes; 1024 does not.
    expect(notifyAddress(t, 1023)!.diagnostics).toEqual([]);
    expect(codes(notifyAddress(t, 1024)!.diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE']);
    expect(t.msix).toMatchObject({ tableSize: 2, enabled: true, table: { address: 0xfebd1000n }, pba: { address: 0xfebd1800n } });
  });

  it('QEMU page-per-vq: multiplier 0x1000 and notify length 0x400000', () => {
    const t = probe(qemu({ pagePerVq: true }));
    expect(serious(t.diagnostics)).toEqual([]);
    expect(t.notify).toMatchObject({ multiplier: 0x1000, length: 0x400000n });
    expect(notifyAddress(t, 3)?.address).toBe(0xfe008000n + 0x3000n + 0x3000n);
    expect(codes(notifyAddress(t, 1024)!.diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE']);
  });

  it('QEMU modern-pio-notify: the I/O notify cap comes first in the list and is used', () => {
    const t = probe(qemu({ pioNotify: true }));
    expect(serious(t.diagnostics)).toEqual([]);
    expect(codes(t.diagnostics)).toContain('VIRTIO_CAP_DUPLICATE_IGNORED');
    expect(t.notify).toMatchObject({ multiplier: 0, bar: { index: 2, space: 'io', address: 0xc040n } });
    for (const q of [0, 1, 7]) expect(notifyAddress(t, q)).toMatchObject({ space: 'io', address: 0xc040n, multiplier: 0 });
    const cs = decode(qemu({ pioNotify: true }));
    const hits = lookupAddress([{ slot: '00:04.0', config: cs, numQueues: 3 }], 0xc040n, 'io');
    expect(hits[0]).toMatchObject({ structure: 'notify', allQueues: true, queues: [0, 1, 2], preferred: true });
    // The memory doorbells still answer a lookup, as the alternative structure.
    const mem = lookupAddress([{ slot: '00:04.0', config: cs, numQueues: 3 }], 0xfe00b008n, 'mem');
    expect(mem[0]).toMatchObject({ structure: 'notify', preferred: false, queues: [2], queueNotifyOff: 2 });
  });

  it('cloud-hypervisor: BAR0 with common 0, ISR 0x2000, device 0x4000, notify 0x6000, multiplier 4', () => {
    const g: GenTransport = {
      deviceType: 1,
      bars: [{ index: 0, kind: 'mem64', prefetchable: false, address: 0xe8000000n, size: 0x80000n }],
      caps: [
        { cfg_type: 1, bar: 0, offset: 0n, length: 0x38n },
        { cfg_type: 3, bar: 0, offset: 0x2000n, length: 1n },
        { cfg_type: 4, bar: 0, offset: 0x4000n, length: 0x2000n },
        { cfg_type: 2, bar: 0, offset: 0x6000n, length: 0x2000n, multiplier: 4 },
        { cfg_type: 5, bar: 0, offset: 0n, length: 0n },
      ],
      msix: { tableBar: 0, tableOffset: 0x8000, pbaBar: 0, pbaOffset: 0x48000, size: 3, enabled: false },
      msixAt: 0,
      queueNotifyOffs: [0, 1, 2],
      features: 1n << 32n,
      sizesKnown: false,
    };
    const t = probe(g);
    expect(serious(t.diagnostics)).toEqual([]);
    expect(notifyAddress(t, 2)?.address).toBe(0xe8006008n);
    const cs = decode(g);
    const hit = lookupAddress([{ slot: 'ch', config: cs, queueNotifyOffs: [0, 1, 2] }], 0xe8000016n, 'mem');
    expect(hit[0]).toMatchObject({ structure: 'common_cfg', field: 'queue_select', struct: 'virtio_pci_common_cfg', bar: 0 });
    expect(lookupAddress([{ slot: 'ch', config: cs }], 0xe8008010n + 12n, 'mem')[0]).toMatchObject({ structure: 'msix_table', entry: 1, field: 'vector_control' });
    expect(lookupAddress([{ slot: 'ch', config: cs }], 0xe8004000n, 'mem')[0]).toMatchObject({ structure: 'device_cfg', struct: 'virtio_net_config', field: 'mac' });
  });

  it('kvmtool: everything in BAR1, multiplier 0, one doorbell for all queues', () => {
    const g: GenTransport = {
      deviceType: 2,
      bars: [{ index: 1, kind: 'io', prefetchable: false, address: 0x6200n, size: 0x100n }],
      caps: [
        { cfg_type: 1, bar: 1, offset: 0n, length: 56n },
        { cfg_type: 2, bar: 1, offset: 56n, length: 4n, multiplier: 0 },
        { cfg_type: 3, bar: 1, offset: 60n, length: 4n },
        { cfg_type: 4, bar: 1, offset: 64n, length: 0x60n },
        { cfg_type: 5, bar: 0, offset: 0n, length: 0n },
      ],
      msix: null,
      msixAt: 0,
      queueNotifyOffs: [0, 1, 2, 3],
      features: 1n << 32n,
      sizesKnown: true,
    };
    const t = probe(g);
    expect(serious(t.diagnostics)).toEqual([]);
    for (const q of [0, 3, 9]) expect(notifyAddress(t, q)?.address).toBe(0x6238n);
    const hits = lookupAddress([{ slot: 'k', config: decode(g), queueNotifyOffs: [0, 1, 2, 3] }], 0x6238n, 'io');
    expect(hits[0]).toMatchObject({ structure: 'notify', allQueues: true, queues: [0, 1, 2, 3] });
  });

  it('a legacy-only device: BAR0 I/O, notify register at 16, device config at 20 or 24', () => {
    const img = new Uint8Array(256);
    const dv = new DataView(img.buffer);
    dv.setUint16(0, 0x1af4, true);
    dv.setUint16(2, 0x1001, true);
    dv.setUint32(0x10, 0xc000 | 1, true);
    dv.setUint16(0x2e, 2, true);
    const cs = decodeConfigSpace(img, { barSizes: new Map([[0, 64n]]) });
    const t = probeVirtio(cs);
    expect(t.kind).toBe('legacy-only');
    expect(t.identity.deviceType).toBe(2);
    expect(codes(t.diagnostics)).toEqual(['VIRTIO_LEGACY_ONLY']);
    expect(notifyAddress(t, 5)).toMatchObject({ space: 'io', address: 0xc010n, legacy: true, bar: 0, capOffset: null });
    expect(t.legacy?.deviceConfigOffset).toBe(20);
    const h = lookupAddress([{ slot: 'l', config: cs, numQueues: 2 }], 0xc010n, 'io');
    expect(h[0]).toMatchObject({ structure: 'legacy', field: 'queue_notify', queues: [0, 1], allQueues: true });
    expect(lookupAddress([{ slot: 'l', config: cs }], 0xc014n, 'io')[0]).toMatchObject({ structure: 'legacy_device_cfg', field: 'capacity' });
    expect(probeVirtio(cs, { msixEnabled: true }).legacy?.deviceConfigOffset).toBe(24);
    expect(lookupAddress([{ slot: 'l', config: cs, probeOptions: { msixEnabled: true } }], 0xc014n, 'io')[0]).toMatchObject({ structure: 'legacy', field: 'msi_config_vector' });
  });

  it('names the 64-bit BAR upper half and unimplemented BARs', () => {
    const g = qemu();
    const bad = { ...g, caps: g.caps.map((c) => (c.cfg_type === 1 ? { ...c, bar: 5 } : c)) };
    const t = probe(bad);
    expect(codes(t.diagnostics)).toContain('VIRTIO_CAP_BAR_UPPER_HALF');
    expect(codes(t.diagnostics)).toContain('VIRTIO_MISSING_COMMON_CFG');
    expect(t.common).toBeNull();
  });

  it('reads a short notify cap’s multiplier at cap+16, never at cap+cap_len, and says so', () => {
    const g = qemu();
    const short = { ...g, caps: g.caps.map((c) => (c.cfg_type === 2 ? { ...c, cap_len: 16 } : c)) };
    const t = probe(short);
    expect(t.notify?.multiplier).toBe(4);
    expect(t.notify?.multiplierSource).toBe('cap+16');
    expect(codes(t.diagnostics)).toEqual(expect.arrayContaining(['VIRTIO_CAP_SHORT', 'VIRTIO_NOTIFY_MULTIPLIER_PAST_CAP_LEN']));
  });
});

// Linux's vp_modern_probe: no common structure is -ENODEV (the legacy driver may try next), no
// ISR or notify structure -EINVAL; the device structure is optional. 'modern' is what it accepts.
describe('modern or modern-incomplete', () => {
  const without = (g: GenTransport, cfgType: number): GenTransport => ({ ...g, caps: g.caps.filter((c) => c.cfg_type !== cfgType) });
  const transitional = (g: GenTransport): GenTransport => ({
    ...g,
    transitional: true,
    bars: [{ index: 0, kind: 'io', prefetchable: false, address: 0xc000n, size: 0x40n }, ...g.bars],
  });

  it('QEMU layout: modern, with common, notify and ISR there', () => {
    const t = probe(qemu());
    expect(t.kind).toBe('modern');
    if (t.kind !== 'modern') return;
    expect([t.common.address, t.isr.address, t.notify.address, t.notify.cap.pos]).toEqual([0xfe008000n, 0xfe009000n, 0xfe00b000n, 0x60]);
  });

  it('without the notify cap: modern-incomplete, notify null, the diagnostics as before', () => {
    const t = probe(without(qemu(), 2));
    expect(t.kind).toBe('modern-incomplete');
    expect(t.notify).toBeNull();
    expect(t.common?.address).toBe(0xfe008000n);
    expect(serious(t.diagnostics)).toEqual(['VIRTIO_MISSING_NOTIFY_CFG']);
    expect(notifyAddress(t, 0)).toBeNull();
  });

  it('without the ISR cap or the common cap: modern-incomplete', () => {
    const noIsr = probe(without(qemu(), 3));
    expect([noIsr.kind, serious(noIsr.diagnostics)]).toEqual(['modern-incomplete', ['VIRTIO_MISSING_ISR_CFG']]);
    const noCommon = probe(without(qemu(), 1));
    expect([noCommon.kind, serious(noCommon.diagnostics)]).toEqual(['modern-incomplete', ['VIRTIO_MISSING_COMMON_CFG']]);
  });

  it('a notify cap whose BAR is unusable counts as missing', () => {
    const g = qemu();
    const t = probe({ ...g, caps: g.caps.map((c) => (c.cfg_type === 2 ? { ...c, bar: 3 } : c)) });
    expect(t.kind).toBe('modern-incomplete');
    expect(serious(t.diagnostics)).toEqual(['VIRTIO_CAP_BAR_UNIMPLEMENTED', 'VIRTIO_MISSING_NOTIFY_CFG']);
  });

  it('without the device cap: still modern (Linux maps it only when there)', () => {
    const t = probe(without(qemu(), 4));
    expect(t.kind).toBe('modern');
    expect(t.device).toBeNull();
  });

  it('the capability list past a 64-byte image: modern-incomplete, nothing claimed missing', () => {
    const g = qemu();
    const t = probeVirtio(decodeConfigSpace(buildTransportImage(g).subarray(0, 64), { vendorCaps: [virtioVendorCapDecoder] }));
    expect(t.kind).toBe('modern-incomplete');
    expect(codes(t.diagnostics)).toContain('VIRTIO_CAPS_NOT_IN_IMAGE');
    expect(codes(t.diagnostics).filter((c) => c.startsWith('VIRTIO_MISSING_'))).toEqual([]);
  });

  it('a transitional ID keeps its kind without notify (notify null): Linux does not fall back to legacy on -EINVAL', () => {
    expect(probe(transitional(qemu())).kind).toBe('transitional');
    const t = probe(without(transitional(qemu()), 2));
    expect(t.kind).toBe('transitional');
    expect(t.notify).toBeNull();
    expect(codes(t.diagnostics)).toContain('VIRTIO_MISSING_NOTIFY_CFG');
  });

  test.prop([arbInvalidTransport({ kind: 'any' })], { numRuns: 500 })('modern exactly when common, notify and ISR are all there (non-transitional IDs)', (x) => {
    const g = x.transport;
    const t = probe(g);
    if (g.transitional) {
      expect(t.kind).not.toMatch(/^modern/);
      return;
    }
    const complete = t.common !== null && t.notify !== null && t.isr !== null;
    expect(t.kind).toBe(complete ? 'modern' : 'modern-incomplete');
    expect(t.legacy).toBeNull();
  });
});

describe('notification data', () => {
  it('packs split and packed values', () => {
    expect(encodeSplitNotification({ vqn: 2, next_idx: 0x8001 })).toBe(0x80010002);
    expect(decodeSplitNotification(0x80010002)).toEqual({ vqn: 2, next_idx: 0x8001 });
    expect(encodePackedNotification({ vqn: 1, next_off: 0x7fff, next_wrap: true })).toBe(0xffff0001);
    expect(decodePackedNotification(0x00050003)).toEqual({ vqn: 3, next_off: 5, next_wrap: false });
    expect(virtioNotificationData.bits('value', 0xffff0001)).toEqual({ vqn: 1, next_off: 0x7fff, next_wrap: true });
    expect(() => encodePackedNotification({ vqn: 0, next_off: 0x8000, next_wrap: false })).toThrow(RangeError);
  });

  test.prop([fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x7fff }), fc.boolean()], { numRuns: 1000 })(
    'packed: decode(encode(x)) = x and the split view reads the same upper half',
    (vqn, next_off, next_wrap) => {
      const v = encodePackedNotification({ vqn, next_off, next_wrap });
      expect(decodePackedNotification(v)).toEqual({ vqn, next_off, next_wrap });
      expect(decodeSplitNotification(v).next_idx).toBe(next_off | (next_wrap ? 0x8000 : 0));
    },
  );
});

describe('generated transports', () => {
  test.prop([arbTransport()], { numRuns: 1000 })('the probe finds the generating values and notify follows the formula', (g) => {
    const cs = decode(g);
    const t = probeVirtio(cs, { features: g.features, queueNotifyOffs: g.queueNotifyOffs });
    expect(serious(t.diagnostics)).toEqual([]);
    expect(t.kind).toBe('modern');
    for (const [key, type] of [['common', 1], ['notify', 2], ['isr', 3], ['device', 4]] as const) {
      const want = expectedCap(g, type)!;
      const got = t[key]!;
      const bar = g.bars.find((b) => b.index === want.bar)!;
      expect(got.bar.index).toBe(want.bar);
      expect(got.bar.space).toBe(bar.kind === 'io' ? 'io' : 'mem');
      expect(got.offset).toBe(want.offset);
      expect(got.length).toBe(want.length);
      expect(got.address).toBe(bar.address + want.offset);
    }
    const n = expectedCap(g, 2)!;
    const nbar = g.bars.find((b) => b.index === n.bar)!;
    expect(t.notify!.multiplier).toBe(n.multiplier);
    const devices = [{ slot: 'gen', config: cs, transport: t, queueNotifyOffs: g.queueNotifyOffs }];
    g.queueNotifyOffs.forEach((off, q) => {
      const a = notifyAddress(t, off)!;
      expect(a.diagnostics).toEqual([]);
      expect(a.address).toBe(nbar.address + n.offset + BigInt(off) * BigInt(n.multiplier!));
      expect(a.space).toBe(nbar.kind === 'io' ? 'io' : 'mem');
      const hits = lookupAddress(devices, a.address, a.space);
      const hit = hits.find((h) => h.structure === 'notify' && h.capOffset === t.notify!.cap.pos);
      expect(hit?.queues).toContain(q);
      expect(hit?.preferred).toBe(true);
    });
    if (g.msix) {
      const tb = g.bars.find((b) => b.index === g.msix!.tableBar)!;
      const addr = tb.address + BigInt(g.msix.tableOffset) + 16n * BigInt(g.msix.size - 1) + 8n;
      expect(lookupAddress(devices, addr, tb.kind === 'io' ? 'io' : 'mem')).toContainEqual(
        expect.objectContaining({ structure: 'msix_table', entry: g.msix.size - 1, field: 'message_data' }),
      );
    }
    const c = t.common!;
    const hits = lookupAddress(devices, c.address + 30n, c.bar.space);
    expect(hits).toContainEqual(expect.objectContaining({ structure: 'common_cfg', field: 'queue_notify_off', byteInField: 0 }));
  });

  test.prop([arbInvalidTransport()], { numRuns: 1000 })('invalid variants give their diagnostic code and never throw', (x) => {
    const bad = x.transport;
    const cs = decode(bad);
    const t = probeVirtio(cs, { features: bad.features, queueNotifyOffs: bad.queueNotifyOffs });
    expect(codes(t.diagnostics)).toContain(MUTATION_CODES[x.mutation]);
    // Every queue still gets an answer or a clean null, never an exception.
    for (const off of bad.queueNotifyOffs) notifyAddress(t, off);
  });

  // Random bytes with a virtio vendor and device ID and the capabilities bit; the list pointer
  // is random too (no chain laid over it).
  test.prop([arbVirtioNoiseImage({ minCaps: 0, maxCaps: 0 }), fc.integer({ min: 0, max: 256 })], { numRuns: 1000 })(
    'probe and lookup never throw on arbitrary images of a virtio function',
    ({ bytes: b }, known) => {
      const cs = decodeConfigSpace(b, { length: Math.max(known, 4), vendorCaps: [virtioVendorCapDecoder] });
      const t = probeVirtio(cs, { numQueues: 4 });
      for (const q of [0, 1, 0xffff]) notifyAddress(t, q);
      lookupAddress([{ slot: 'x', config: cs, transport: t, numQueues: 4 }], 0xfe00b000n, 'mem');
    },
  );
});
