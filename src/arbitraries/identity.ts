// Identity registers of a function (vendor, device, revision, subsystem), drawn around the
// values the virtio identification rules turn on: the virtio vendor, the edges of the
// transitional (0x1000..0x103f) and modern (0x1040..0x107f) device ID ranges and the
// transitional IDs themselves, revision 0, subsystem IDs around 0x40, and any value besides.
import fc from 'fast-check';
import { pciHeaderType0 } from '../pci/header.js';
import { TRANSITIONAL_DEVICE_ID } from './virtio-transport.js';
import { printable, showFactsAndBytes } from './show.js';

export interface PciIdentityFacts {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly revision: number;
  readonly subsystemVendorId: number;
  readonly subsystemId: number;
}

export interface GeneratedPciIdentity {
  /** A 64-byte type 0 header holding these IDs, zero elsewhere. */
  readonly bytes: Uint8Array;
  readonly facts: PciIdentityFacts;
}

const TRANSITIONAL_IDS = Object.values(TRANSITIONAL_DEVICE_ID);

/** Identity registers biased towards the virtio rules' edges (see the file comment). */
export function arbPciIdentity(): fc.Arbitrary<GeneratedPciIdentity> {
  return fc
    .record({
      vendorId: fc.oneof(fc.constant(0x1af4), fc.nat(0xffff)),
      deviceId: fc.oneof(fc.integer({ min: 0x0fff, max: 0x1080 }), fc.constantFrom(0x0fff, 0x1000, 0x103f, 0x1040, 0x107f, 0x1080, ...TRANSITIONAL_IDS), fc.nat(0xffff)),
      revision: fc.oneof(fc.constant(0), fc.nat(0xff)),
      subsystemVendorId: fc.oneof(fc.constant(0x1af4), fc.nat(0xffff)),
      subsystemId: fc.oneof(fc.integer({ min: 0, max: 0x50 }), fc.constantFrom(0x3f, 0x40), fc.nat(0xffff)),
    })
    .map((f) => {
      const bytes = new Uint8Array(64);
      pciHeaderType0.encode(
        { ...pciHeaderType0.zero(), vendor_id: f.vendorId, device_id: f.deviceId, revision_id: f.revision, subsystem_vendor_id: f.subsystemVendorId, subsystem_id: f.subsystemId },
        bytes,
        0,
      );
      return printable({ bytes, facts: f }, (v) => showFactsAndBytes('PCI identity', v.facts, v.bytes));
    });
}
