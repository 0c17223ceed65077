// probeVirtio takes the virtio structures the PCI decoder's vendor hook decoded instead of
// decoding each capability a second time; the result must be what a probe of its own gives.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { arbVirtioNoiseImage } from '../../src/arbitraries/index.js';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { decodeVirtioCap } from '../../src/virtio/caps.js';
import { probeVirtio } from '../../src/virtio/probe.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';

const hooked = (bytes: Uint8Array, length: number) => decodeConfigSpace(bytes, { length, vendorCaps: [virtioVendorCapDecoder] });

describe('probe after the vendor hook', () => {
  test.prop([arbVirtioNoiseImage(), fc.integer({ min: 0, max: 256 })])('gives the transport a probe without the hook gives', ({ bytes }, length) => {
    expect(probeVirtio(hooked(bytes, length))).toEqual(probeVirtio(decodeConfigSpace(bytes, { length })));
  });

  test.prop([arbVirtioNoiseImage({ minCaps: 1 }), fc.integer({ min: 0x40, max: 0xff }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 255 })])(
    'decodes the capabilities again when given other bytes or another length than the hook read',
    ({ bytes }, at, xor, shorter) => {
      const cs = hooked(bytes, 256);
      const vendorPos = cs.capabilities.filter((c) => c.id === 0x09).map((c) => c.pos);
      const edited = cs.bytes.slice();
      edited[at] ^= xor;
      const a = probeVirtio({ ...cs, bytes: edited });
      if (a.identity.isVirtio) expect(a.caps).toEqual(vendorPos.map((p) => decodeVirtioCap(edited, p, 256)));
      const b = probeVirtio({ ...cs, length: shorter });
      if (b.identity.isVirtio) expect(b.caps).toEqual(vendorPos.map((p) => decodeVirtioCap(cs.bytes, p, shorter)));
    },
  );
});
