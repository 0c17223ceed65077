// arbPciIdentity: the header holds the IDs the facts name, and the draws reach the edges the
// virtio identification rules turn on.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { arbPciIdentity } from '../../src/arbitraries/index.js';
import { headerOf } from '../support/caps.js';

describe('arbPciIdentity', () => {
  test.prop([arbPciIdentity()], { numRuns: 500 })('the header holds the IDs of the facts', (g) => {
    expect(g.bytes.length).toBe(64);
    const h = headerOf(decodeConfigSpace(g.bytes), 0);
    expect([h.vendor_id, h.device_id, h.revision_id, h.subsystem_vendor_id, h.subsystem_id, h.header_type]).toEqual([
      g.facts.vendorId, g.facts.deviceId, g.facts.revision, g.facts.subsystemVendorId, g.facts.subsystemId, 0,
    ]);
  });

  it('reaches virtio modern and transitional IDs, both range edges, revision 0 and subsystem IDs on both sides of 0x40', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbPciIdentity(), ({ facts: f }) => {
        const virtio = f.vendorId === 0x1af4;
        if (virtio && f.deviceId >= 0x1040 && f.deviceId <= 0x107f) seen.add('modern');
        if (virtio && f.deviceId >= 0x1000 && f.deviceId < 0x1040) seen.add('transitional');
        if (virtio && (f.deviceId === 0x0fff || f.deviceId === 0x1080)) seen.add('edge');
        if (f.vendorId !== 0x1af4) seen.add('other vendor');
        if (f.revision === 0) seen.add('rev0');
        if (f.subsystemId < 0x40) seen.add('sub<0x40');
        if (f.subsystemId >= 0x40) seen.add('sub>=0x40');
      }),
      { numRuns: 500, seed: 1 },
    );
    expect([...seen].sort()).toEqual(['edge', 'modern', 'other vendor', 'rev0', 'sub<0x40', 'sub>=0x40', 'transitional']);
  });
});
