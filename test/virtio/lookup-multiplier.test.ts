// A notify capability whose notify_off_multiplier is not in the image (a dump cut at cap+16):
// lookup cannot tell which queue an address kicks, and must say so instead of treating the
// multiplier as 0 ("every queue").
import { describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { lookupAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { barSizesOf, buildTransportImage, type GenTransport } from '../../src/arbitraries/index.js';

const g: GenTransport = {
  deviceType: 2,
  bars: [{ index: 4, kind: 'mem64', prefetchable: true, address: 0x8_0000_0000n, size: 0x10000n }],
  caps: [
    { cfg_type: 1, bar: 4, offset: 0n, length: 0x1000n },
    { cfg_type: 3, bar: 4, offset: 0x1000n, length: 0x1000n },
    { cfg_type: 4, bar: 4, offset: 0x2000n, length: 0x1000n },
    { cfg_type: 2, bar: 4, offset: 0x3000n, length: 0x1000n, multiplier: 4 },
  ],
  msix: null,
  msixAt: 0,
  queueNotifyOffs: [0, 1],
  features: 1n << 32n,
  sizesKnown: true,
};

describe('lookup with the notify multiplier outside the known bytes', () => {
  const image = buildTransportImage(g);
  const decode = (length: number) => decodeConfigSpace(image, { length, barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });
  const full = decode(image.length);
  const pos = probeVirtio(full).notify!.cap.pos;

  it('knows the queue when the whole capability is there', () => {
    const hits = lookupAddress([{ slot: 's', config: decode(pos + 20), queueNotifyOffs: [0, 1] }], 0x8_0000_3004n, 'mem');
    expect(hits[0]).toMatchObject({ structure: 'notify', queues: [1], allQueues: false });
    expect(hits[0].multiplierUnknown).toBeUndefined();
  });

  it('says the queue is unknown, not "every queue", when the dump stops before cap+16', () => {
    const cs = decode(pos + 16);
    expect(probeVirtio(cs).diagnostics.map((d) => d.code)).toContain('VIRTIO_NOTIFY_MULTIPLIER_UNAVAILABLE');
    const hits = lookupAddress([{ slot: 's', config: cs, queueNotifyOffs: [0, 1] }], 0x8_0000_3004n, 'mem');
    const notify = hits.find((h) => h.structure === 'notify');
    expect(notify).toMatchObject({ allQueues: false, queues: [], queueNotifyOff: null, multiplierUnknown: true });
  });
});
