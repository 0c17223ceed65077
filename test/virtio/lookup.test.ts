// Reverse lookup on every kind of structure, the notify bound in 64-bit arithmetic,
// notification data for both ring kinds, and short capabilities.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import {
  checkNotifyBound,
  commonCfgLayoutFor,
  commonCfgStruct,
  decodePackedNotification,
  decodeSplitNotification,
  decodeVirtioCap,
  encodePackedNotification,
  encodeSplitNotification,
  lookupAddress,
  notifyAddress,
  probeVirtio,
  virtioCapStruct,
  virtioNotificationData,
  virtioVendorCapDecoder,
  type VirtioNotifyLocation,
} from '../../src/virtio/index.js';
import { arbLegacyTransport, arbTransport, arbVirtioCapNoise, barSizesOf, buildTransportImage, type GenTransport } from '../../src/arbitraries/index.js';

const decode = (g: GenTransport) => decodeConfigSpace(buildTransportImage(g), { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });

describe('lookupAddress on every structure kind', () => {
  // BAR4 (64-bit, 1 MiB) holds common 0, ISR 0x1000, device 0x2000, notify 0x3000, two
  // shared-memory regions and the MSI-X table/PBA; the pci_cfg window points into the device config.
  const base: GenTransport = {
    deviceType: 2,
    bars: [{ index: 4, kind: 'mem64', prefetchable: true, address: 0x8_0000_0000n, size: 0x100000n }],
    caps: [
      { cfg_type: 1, bar: 4, offset: 0n, length: 0x1000n },
      { cfg_type: 3, bar: 4, offset: 0x1000n, length: 0x1000n },
      { cfg_type: 4, bar: 4, offset: 0x2000n, length: 0x1000n },
      { cfg_type: 2, bar: 4, offset: 0x3000n, length: 0x1000n, multiplier: 4 },
      { cfg_type: 8, bar: 4, offset: 0x10000n, length: 0x8000n, id: 0 },
      { cfg_type: 8, bar: 4, offset: 0x18000n, length: 0x8000n, id: 1 },
      { cfg_type: 5, bar: 4, offset: 0x2008n, length: 4n },
    ],
    msix: { tableBar: 4, tableOffset: 0x4000, pbaBar: 4, pbaOffset: 0x5000, size: 3, enabled: true },
    msixAt: 0,
    queueNotifyOffs: [0, 1],
    features: 1n << 32n,
    sizesKnown: true,
  };
  const cs = decode(base);
  const dev = [{ slot: '00:05.0', config: cs, queueNotifyOffs: [0, 1] }];
  const at = (off: bigint) => lookupAddress(dev, 0x8_0000_0000n + off, 'mem');

  it('common_cfg, ISR, device config and notify', () => {
    expect(at(0x14n)[0]).toMatchObject({ structure: 'common_cfg', field: 'device_status', offsetInBar: 0x14n, bar: 4, preferred: true });
    expect(at(0x1000n)[0]).toMatchObject({ structure: 'isr', field: 'isr' });
    // Bytes 6-7 lie between doorbell 1 (4-5) and doorbell 2 (8-9): no queue.
    expect(at(0x3006n)[0]).toMatchObject({ structure: 'notify', queues: [], queueNotifyOff: null, offsetInStructure: 6n });
    expect(at(0x3004n)[0]).toMatchObject({ structure: 'notify', queues: [1], queueNotifyOff: 1, allQueues: false, assumedNotifyOff: false });
  });

  it('shared memory regions, each with its id', () => {
    expect(at(0x10000n)[0]).toMatchObject({ structure: 'shared_memory', shmId: 0, offsetInStructure: 0n, preferred: true });
    expect(at(0x1ffffn)[0]).toMatchObject({ structure: 'shared_memory', shmId: 1, offsetInStructure: 0x7fffn });
  });

  it('the pci_cfg window, next to the structure it points into', () => {
    const hits = at(0x200an);
    expect(hits.map((h) => h.structure)).toEqual(['device_cfg', 'pci_cfg_window']);
    expect(hits[1]).toMatchObject({ preferred: false, offsetInStructure: 2n, struct: 'virtio_pci_cfg_cap', field: 'pci_cfg_data' });
    expect(at(0x200cn).map((h) => h.structure)).toEqual(['device_cfg']);
  });

  it('the MSI-X table (entry and field) and the PBA (first pending bit of the byte)', () => {
    expect(at(0x4000n + 2n * 16n + 12n)[0]).toMatchObject({ structure: 'msix_table', entry: 2, field: 'vector_control', byteInField: 0 });
    expect(at(0x4000n + 3n * 16n).map((h) => h.structure)).toEqual(['bar']);
    expect(at(0x5000n)[0]).toMatchObject({ structure: 'msix_pba', entry: 0 });
  });

  it('a BAR byte no structure claims is a plain BAR hit, and nothing answers outside the BARs or in the other space', () => {
    expect(at(0x9000n)).toEqual([expect.objectContaining({ structure: 'bar', bar: 4, offsetInBar: 0x9000n, struct: null, field: null })]);
    expect(at(0x100000n)).toEqual([]);
    expect(lookupAddress(dev, 0x8_0000_0000n, 'io')).toEqual([]);
  });

  const structures = fc.constantFrom('common', 'isr', 'device', 'notify', 'shm', 'msix_table', 'msix_pba');
  test.prop([arbTransport({ sharedMemory: true, msix: true, sizesKnown: true }), structures, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })], { numRuns: 1000 })(
    'any byte of any structure of a generated transport is found with its offset (and field)',
    (g, kind, frac) => {
      const cs2 = decode(g);
      const devs = [{ slot: 'g', config: cs2, queueNotifyOffs: g.queueNotifyOffs }];
      // Where each structure is, from the transport's facts.
      const f = g.facts;
      const where = {
        common: f.common,
        isr: f.isr,
        device: f.device,
        notify: f.notify,
        shm: f.sharedMemory[0] ?? null,
        msix_table: f.msix?.table ?? null,
        msix_pba: f.msix?.pba ?? null,
      }[kind];
      expect(where, kind).not.toBeNull();
      const { bar, offset: start, length } = where!;
      const want = { common: 'common_cfg', notify: 'notify', isr: 'isr', device: 'device_cfg', shm: 'shared_memory', msix_table: 'msix_table', msix_pba: 'msix_pba' }[kind];
      const rel = BigInt(Math.floor(frac * Number(length)));
      const { space, address } = where!;
      const barAddress = address - start;
      const hits = lookupAddress(devs, address + rel, space);
      const hit = hits.find((h) => h.structure === want && h.offsetInStructure === rel);
      expect(hit, `${want} +${rel}`).toBeDefined();
      expect(hit!).toMatchObject({ bar, barAddress, offsetInBar: start + rel, space });
      if (want === 'common_cfg') {
        const s = commonCfgStruct(commonCfgLayoutFor(length));
        expect(hit!.field).toBe(rel < BigInt(s.size) ? s.fieldAt(Number(rel))!.name : null);
      }
      if (want === 'msix_table') {
        expect(hit!.entry).toBe(Number(rel / 16n));
        // The entry's dwords in PCI spec order (Linux's PCI_MSIX_ENTRY_LOWER_ADDR, _UPPER_ADDR, _DATA, _VECTOR_CTRL).
        expect(hit!.field).toBe(['lower_address', 'upper_address', 'message_data', 'vector_control'][Number(rel % 16n) >> 2]);
      }
      if (want === 'msix_pba') expect(hit!.entry).toBe(Number(rel) * 8);
      if (want === 'shared_memory') expect(hit!.shmId).toBe(0);
      // One byte past the structure is not that structure at that offset.
      const past = lookupAddress(devs, address + length, space);
      expect(past.some((h) => h.structure === want && h.offsetInStructure === length)).toBe(false);
    },
  );
});

describe('the notify bound in 64-bit arithmetic', () => {
  const loc = (length: bigint, multiplier: number) =>
    ({ length, multiplier, cap: { pos: 0x70 } }) as unknown as Pick<VirtioNotifyLocation, 'length' | 'multiplier' | 'cap'>;
  const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

  it('a product that wraps to 0 in 32 bits is still out of range', () => {
    // 0x8000 × 0x20000 = 2^32: 0 in 32-bit arithmetic, which would pass a 0x1000-byte region.
    expect(codes(checkNotifyBound(loc(0x1000n, 0x20000), 0x8000, false, 'q'))).toEqual(['VIRTIO_NOTIFY_PRODUCT_OVER_32BIT', 'VIRTIO_NOTIFY_OFF_OUT_OF_RANGE']);
    // The largest length and multiplier: no overflow of the sum either.
    expect(codes(checkNotifyBound(loc(0xffffffffn, 0x10000), 0xffff, true, 'q'))).toEqual([]);
    expect(codes(checkNotifyBound(loc(0xffff0003n, 0x10000), 0xffff, true, 'q'))).toEqual(['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE']);
    expect(codes(checkNotifyBound(loc(0xffff0003n, 0x10000), 0xffff, false, 'q'))).toEqual([]);
  });

  const mult = fc.oneof(fc.nat(0xffffffff), fc.integer({ min: 0, max: 31 }).map((k) => 2 ** k));
  test.prop([fc.nat(0xffff), mult, fc.oneof(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: 0n, max: 8n }))], { numRuns: 1000 })(
    'OUT_OF_RANGE exactly when length < off × multiplier + width, compared as exact integers',
    (off, m, lenSeed) => {
      for (const nd of [false, true]) {
        const width = nd ? 4n : 2n;
        const need = BigInt(off) * BigInt(m) + width;
        // Lengths right around the bound, when the bound fits 32 bits, else anything.
        const length = need <= 0xffffffffn ? (need - 4n + lenSeed < 0n ? 0n : need - 4n + lenSeed > 0xffffffffn ? 0xffffffffn : need - 4n + lenSeed) : lenSeed;
        const got = codes(checkNotifyBound(loc(length, m), off, nd, 'q'));
        expect(got.includes('VIRTIO_NOTIFY_OFF_OUT_OF_RANGE')).toBe(length < need);
        expect(got.includes('VIRTIO_NOTIFY_PRODUCT_OVER_32BIT')).toBe(need - width > 0xffffffffn);
      }
    },
  );

  it('notifyAddress adds the exact product to a high 64-bit BAR', () => {
    const g: GenTransport = {
      deviceType: 1,
      bars: [{ index: 2, kind: 'mem64', prefetchable: true, address: 0xffff_fff0_0000_0000n, size: 0x10_0000_0000n }],
      caps: [
        { cfg_type: 1, bar: 2, offset: 0n, length: 0x1000n },
        { cfg_type: 3, bar: 2, offset: 0x1000n, length: 0x1000n },
        { cfg_type: 4, bar: 2, offset: 0x2000n, length: 0x1000n },
        { cfg_type: 2, bar: 2, offset: 0x1000_0000n, length: 0xf000_0000n, multiplier: 0x10000 },
      ],
      msix: null,
      msixAt: 0,
      queueNotifyOffs: [0, 0xefff],
      features: 1n << 32n,
      sizesKnown: true,
    };
    const t = probeVirtio(decode(g), { features: g.features, queueNotifyOffs: g.queueNotifyOffs });
    expect(t.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const a = notifyAddress(t, 0xefff)!;
    expect(a.address).toBe(0xffff_fff0_0000_0000n + 0x1000_0000n + 0xefffn * 0x10000n);
    expect(a.diagnostics).toEqual([]);
    expect(codes(notifyAddress(t, 0xf000)!.diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE']);
  });
});

describe('notification data', () => {
  test.prop([fc.nat(0xffff), fc.nat(0xffff)], { numRuns: 1000 })('split: decode(encode(x)) = x; vqn in bits 0-15, avail idx in bits 16-31', (vqn, next_idx) => {
    const v = encodeSplitNotification({ vqn, next_idx });
    expect(v).toBe(vqn + next_idx * 0x10000);
    expect(decodeSplitNotification(v)).toEqual({ vqn, next_idx });
    const b = virtioNotificationData.bits('value', v);
    expect(b).toEqual({ vqn, next_off: next_idx % 0x8000, next_wrap: next_idx >= 0x8000 });
  });

  test.prop([fc.nat(0xffffffff)], { numRuns: 1000 })('any 32-bit value decodes both ways and encodes back to itself', (v) => {
    expect(encodeSplitNotification(decodeSplitNotification(v))).toBe(v);
    expect(encodePackedNotification(decodePackedNotification(v))).toBe(v);
    const le = virtioNotificationData.toBytes({ value: v });
    expect(new DataView(le.buffer).getUint32(0, true)).toBe(v);
  });

  it('refuses values that do not fit (a programming error)', () => {
    expect(() => encodeSplitNotification({ vqn: 0x10000, next_idx: 0 })).toThrow(RangeError);
    expect(() => encodeSplitNotification({ vqn: 0, next_idx: -1 })).toThrow(RangeError);
    expect(() => decodeSplitNotification(2 ** 32)).toThrow(RangeError);
  });
});

describe('a capability shorter than its structure', () => {
  // One capability header at any offset of 64 random bytes, cap_len 0..24, any cfg_type (arbVirtioCapNoise).
  test.prop([arbVirtioCapNoise({ size: 64, maxPos: 40, maxCapLen: 24 })], { numRuns: 1000 })(
    'no field is read past cap_len; the multiplier is only ever read at cap+16; VIRTIO_CAP_SHORT says so',
    ({ bytes: b, facts: { cfgType, capLen, pos } }) => {
      const c = decodeVirtioCap(b, pos);
      const s = capLen > 3 ? virtioCapStruct(cfgType) : virtioCapStruct(-1);
      for (const f of s.fields) {
        const inside = f.offset + f.size <= capLen;
        expect(f.name in c.fields, `${s.name}.${f.name} with cap_len ${capLen}`).toBe(inside);
      }
      for (const r of c.regions) expect(r.offset + r.length).toBeLessThanOrEqual(pos + Math.max(capLen, 0));
      expect(c.diagnostics.some((d) => d.code === 'VIRTIO_CAP_SHORT')).toBe(capLen < s.size);
      if (cfgType === 2 && capLen > 3) {
        const at16 = new DataView(b.buffer).getUint32(pos + 16, true);
        expect(c.multiplierAtCap16).toBe(at16);
        expect(c.notify_off_multiplier).toBe(capLen >= 20 ? at16 : null);
      } else {
        expect(c.multiplierAtCap16).toBeNull();
      }
    },
  );
});

describe('lookupAddress on transitional and legacy-only transports, several devices on one bus', () => {
  const kindOf = fc.oneof(arbTransport({ kind: 'transitional', sizesKnown: true }), arbLegacyTransport({ sizesKnown: true }));
  test.prop([kindOf], { numRuns: 1000 })('every doorbell, modern or legacy, gives its queue back', (g) => {
    const cs = decodeConfigSpace(g.image, { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });
    const devs = [{ slot: 'g', config: cs, queueNotifyOffs: g.queueNotifyOffs }];
    for (const n of g.facts.notifyAddresses) {
      const hit = lookupAddress(devs, n.address, n.space).find((h) => h.structure === 'notify' && h.preferred);
      expect(hit?.queues).toContain(n.queue);
    }
    if (g.facts.legacyNotify) {
      const hits = lookupAddress(devs, g.facts.legacyNotify.address, 'io');
      const legacy = hits.find((h) => h.structure === 'legacy')!;
      expect(legacy).toMatchObject({ field: 'queue_notify', allQueues: true, queues: g.queueNotifyOffs.map((_, i) => i) });
      // The legacy register is what a driver uses only when there is no modern interface.
      expect(legacy.preferred).toBe(g.facts.kind === 'legacy-only');
    }
  });

  test.prop([fc.array(arbTransport({ sizesKnown: true }), { minLength: 2, maxLength: 4 })], { numRuns: 1000 })(
    'with several functions, a hit names the function whose BAR holds the address',
    (gs) => {
      const devs = gs.map((g, i) => ({ slot: `f${i}`, config: decodeConfigSpace(g.image, { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] }), queueNotifyOffs: g.queueNotifyOffs }));
      gs.forEach((g, i) => {
        const n = g.facts.notifyAddresses[0];
        const hits = lookupAddress(devs, n.address, n.space);
        const mine = hits.filter((h) => h.slot === `f${i}` && h.structure === 'notify' && h.preferred);
        expect(mine.map((h) => h.queues)).toContainEqual(expect.arrayContaining([0]));
        // Any other hit comes from a function whose own BAR covers the address.
        for (const h of hits) {
          const other = gs[Number(h.slot.slice(1))];
          const bar = other.bars.find((b) => b.index === h.bar)!;
          expect(n.address >= bar.address && n.address < bar.address + bar.size).toBe(true);
          expect(h.barAddress).toBe(bar.address);
          expect(h.offsetInBar).toBe(n.address - bar.address);
        }
      });
    },
  );
});
