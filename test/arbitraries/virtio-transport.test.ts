import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { arbInvalidTransport, arbLegacyTransport, arbTransport, barSizesOf, TRANSPORT_MUTATION_CODES, TRANSPORT_MUTATIONS, type GenTransport } from '../../src/arbitraries/index.js';

const serious = (ds: readonly { code: string; severity: string }[]) => [...new Set(ds.filter((d) => d.severity !== 'info').map((d) => d.code))];

function probe(g: GenTransport, image: Uint8Array) {
  const cs = decodeConfigSpace(image, { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });
  return { cs, t: probeVirtio(cs, { features: g.features, queueNotifyOffs: g.queueNotifyOffs }) };
}

describe('arbTransport', () => {
  test.prop([arbTransport({ kind: 'any' })], { numRuns: 1000 })('decodes cleanly and the probe finds the carried facts', (g) => {
    const { cs, t } = probe(g, g.image);
    expect(serious(cs.diagnostics)).toEqual([]);
    expect(serious(t.diagnostics)).toEqual([]);
    expect(t.kind).toBe(g.facts.kind);
    expect(t.identity.deviceId).toBe(g.facts.deviceId);
    expect(t.identity.deviceType).toBe(g.deviceType);
    for (const key of ['common', 'notify', 'isr', 'device'] as const) {
      const want = g.facts[key]!;
      const got = t[key]!;
      expect({ bar: got.bar.index, space: got.bar.space, offset: got.offset, length: got.length, address: got.address }).toEqual({
        bar: want.bar,
        space: want.space,
        offset: want.offset,
        length: want.length,
        address: want.address,
      });
    }
    expect(t.notify!.multiplier).toBe(g.facts.notify!.multiplier);
    expect(g.facts.notifyAddresses).toHaveLength(g.queueNotifyOffs.length);
    for (const n of g.facts.notifyAddresses) {
      const a = notifyAddress(t, n.queueNotifyOff)!;
      expect(a.diagnostics).toEqual([]);
      expect({ space: a.space, address: a.address }).toEqual({ space: n.space, address: n.address });
    }
    if (g.facts.legacyNotify) expect(t.legacy?.bar?.address).toBe(g.facts.legacyNotify.address - 16n);
    else expect(t.legacy).toBeNull();
    // Shared memory and MSI-X where the facts say.
    expect(t.sharedMemory.map((r) => ({ bar: r.bar.index, space: r.bar.space, offset: r.offset, length: r.length, address: r.address, id: r.cap.id }))).toEqual(g.facts.sharedMemory);
    if (g.facts.msix) {
      const m = g.facts.msix;
      expect(t.msix).toMatchObject({ tableSize: m.table.entries, table: { bir: m.table.bar, offset: Number(m.table.offset), address: m.table.address, length: Number(m.table.length) } });
      expect(t.msix).toMatchObject({ pba: { bir: m.pba.bar, offset: Number(m.pba.offset), address: m.pba.address, length: Number(m.pba.length) } });
      expect([m.table.space, m.pba.space]).toEqual(['mem', 'mem']);
    } else expect(t.msix).toBeNull();
  });

  test.prop([arbLegacyTransport()], { numRuns: 1000 })('legacy-only devices probe as legacy-only with BAR0 + 16 as doorbell', (g) => {
    const { t } = probe(g, g.image);
    expect(t.kind).toBe('legacy-only');
    expect(serious(t.diagnostics)).toEqual([]);
    expect(notifyAddress(t, 0)).toMatchObject({ space: 'io', address: g.facts.legacyNotify!.address, legacy: true });
  });

  test.prop([arbTransport({ kind: 'any', notificationData: true, msix: true, duplicateNotify: true, sharedMemory: true, sizesKnown: true })], { numRuns: 200 })(
    'knobs are honoured',
    (g) => {
      expect(g.msix).not.toBeNull();
      expect(g.caps.filter((c) => c.cfg_type === 2)).toHaveLength(2);
      expect(g.caps.some((c) => c.cfg_type === 8)).toBe(true);
      expect(g.facts.notifyWidth).toBe(4);
      expect(g.sizesKnown).toBe(true);
    },
  );
});

describe('arbInvalidTransport', () => {
  test.prop([arbInvalidTransport({ kind: 'any' })], { numRuns: 1000 })('the probe reports exactly the labelled code', (x) => {
    const { cs, t } = probe(x.transport, x.image);
    // The PCI decode's vendor hook may already say it; nothing else may.
    expect(serious(cs.diagnostics).filter((c) => c !== x.code)).toEqual([]);
    expect(serious(t.diagnostics)).toEqual([x.code]);
  });

  describe.each(TRANSPORT_MUTATIONS)('%s', (m) => {
    test.prop([arbInvalidTransport({ kind: 'any' }, [m])], { numRuns: 200 })('is drawable and gives exactly its code', (x) => {
      expect(x.mutation).toBe(m);
      expect(serious(probe(x.transport, x.image).t.diagnostics)).toEqual([TRANSPORT_MUTATION_CODES[m]]);
    });
  });
});
