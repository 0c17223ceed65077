// The virtio vendor-capability hook inside the PCI decoder, over arbitrary images of a virtio
// function: byte-exact round trip, nothing read past the known length, probe and lookup total.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import { lookupAddress, notifyAddress, probeVirtio, VIRTIO_DIAGNOSTICS, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { PCI_DIAGNOSTICS } from '../../src/pci/index.js';

/**
 * A 256-byte image of a virtio function whose capability list is a chain of vendor
 * capabilities (ID 9) at random places with random cfg_type, cap_len and bodies: the hook runs
 * on every one of them, short, long, overlapping or looping.
 */
const virtioImage = fc
  .record({
    noise: fc.uint8Array({ minLength: 256, maxLength: 256 }),
    device: fc.integer({ min: 0x1000, max: 0x107f }),
    // 8-byte slots so the five header bytes written below never land on another capability's ID
    // (overlap still comes from cap_len).
    slots: fc.uniqueArray(fc.integer({ min: 8, max: 31 }), { minLength: 1, maxLength: 12 }),
    types: fc.array(fc.constantFrom(1, 2, 3, 4, 5, 8, 9, 0, 7, 200), { minLength: 12, maxLength: 12 }),
    lens: fc.array(fc.oneof(fc.constantFrom(16, 20, 24), fc.nat(40)), { minLength: 12, maxLength: 12 }),
    bars: fc.array(fc.oneof(fc.nat(5), fc.nat(255)), { minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const b = r.noise.slice();
    b[0] = 0xf4;
    b[1] = 0x1a;
    b[2] = r.device & 0xff;
    b[3] = r.device >> 8;
    b[6] |= 0x10;
    b[0x0e] = 0;
    const pos = r.slots.map((s) => s * 8);
    b[0x34] = pos[0];
    pos.forEach((p, i) => {
      b[p] = 0x09;
      b[p + 1] = i + 1 < pos.length ? pos[i + 1] : b[p + 1] & 1 ? pos[0] : 0; // sometimes a loop
      b[p + 2] = r.lens[i];
      b[p + 3] = r.types[i];
      b[p + 4] = r.bars[i];
    });
    return b;
  });

const decode = (b: Uint8Array, length?: number) => decodeConfigSpace(b, { length, vendorCaps: [virtioVendorCapDecoder] });

describe('the virtio hook over arbitrary virtio functions', () => {
  test.prop([virtioImage], { numRuns: 1000 })('encode(decode(b)) == b with the hook, and only known codes come out', (b) => {
    const cs = decode(b);
    expect(cs.capabilities.some((c) => c.vendor?.kind === 'virtio')).toBe(true);
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
    (b, length, filler) => {
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
