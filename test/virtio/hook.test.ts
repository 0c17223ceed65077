// The virtio vendor-capability hook inside the PCI decoder, over arbitrary images of a virtio
// function: byte-exact round trip, nothing read past the known length, probe and lookup total.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import { lookupAddress, notifyAddress, probeVirtio, VIRTIO_DIAGNOSTICS, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { PCI_DIAGNOSTICS } from '../../src/pci/index.js';
import { arbVirtioNoiseImage } from '../../src/arbitraries/index.js';

// 256-byte images of a virtio function whose capability list is a chain of vendor capabilities
// (ID 9) at random places with random cfg_type, cap_len, BAR and bodies: the hook runs on every
// one of them, short, long, overlapping or looping (arbVirtioNoiseImage).
const virtioImage = arbVirtioNoiseImage();

const decode = (b: Uint8Array, length?: number) => decodeConfigSpace(b, { length, vendorCaps: [virtioVendorCapDecoder] });

describe('the virtio hook over arbitrary virtio functions', () => {
  test.prop([virtioImage], { numRuns: 1000 })('encode(decode(b)) == b with the hook, and only known codes come out', ({ bytes: b, facts }) => {
    const cs = decode(b);
    expect(cs.capabilities.some((c) => c.vendor?.kind === 'virtio')).toBe(true);
    // The walk follows the chain as written, and the hook saw every capability of it.
    expect(cs.capabilities.map((c) => c.pos)).toEqual(facts.caps.map((c) => c.pos));
    expect(cs.diagnostics.some((d) => d.code === 'CAP_LOOP')).toBe(facts.loops);
    expect(encodeConfigSpace(cs)).toEqual(b);
    const t = probeVirtio(cs, { numQueues: 3 });
    const known = { ...PCI_DIAGNOSTICS, ...VIRTIO_DIAGNOSTICS };
    for (const d of [...cs.diagnostics, ...t.diagnostics]) {
      expect(known).toHaveProperty(d.code);
      expect(d.severity).toBe(known[d.code as keyof typeof known].severity);
      expect(d.message).not.toMatch(/\n/);
    }
    for (const q of [0, 1, 0xffff]) notifyAddress(t, q);
    for (const c of t.caps) {
      if (c.offset !== null) lookupAddress([{ slot: 's', config: cs, transport: t, numQueues: 3 }], c.offset, 'mem');
    }
  });

  test.prop([virtioImage, fc.integer({ min: 0x40, max: 256 }), fc.uint8Array({ minLength: 256, maxLength: 256 })], { numRuns: 1000 })(
    'nothing is decoded from bytes past the known length: other bytes there change nothing',
    ({ bytes: b }, length, filler) => {
      const other = b.slice();
      other.set(filler.subarray(length), length);
      const a = decode(b, length);
      const c = decode(other, length);
      expect(c.capabilities.map((x) => x.vendor?.fields ?? null)).toEqual(a.capabilities.map((x) => x.vendor?.fields ?? null));
      expect(c.diagnostics).toEqual(a.diagnostics);
      const ta = probeVirtio(a, { numQueues: 2 });
      const tc = probeVirtio(c, { numQueues: 2 });
      expect(tc.diagnostics).toEqual(ta.diagnostics);
      expect(tc.caps.map((x) => [x.pos, x.cfg_type, x.bar, x.offset, x.length, x.notify_off_multiplier, x.multiplierAtCap16])).toEqual(
        ta.caps.map((x) => [x.pos, x.cfg_type, x.bar, x.offset, x.length, x.notify_off_multiplier, x.multiplierAtCap16]),
      );
      expect(encodeConfigSpace(a)).toEqual(b);
    },
  );
});
