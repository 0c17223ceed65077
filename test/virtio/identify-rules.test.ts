// Identification as a property: any vendor, device, revision and subsystem ID, against the
// spec's rules (transport-pci: 0x1040 + type, transitional IDs with the type in the subsystem
// ID and revision 0) restated here.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { identifyVirtio, VIRTIO_DEVICE_TYPES } from '../../src/virtio/index.js';
import { arbPciIdentity } from '../../src/arbitraries/index.js';

const TRANSITIONAL: Record<number, number> = { 0x1000: 1, 0x1001: 2, 0x1002: 5, 0x1003: 3, 0x1004: 8, 0x1005: 4, 0x1009: 9 };

// Vendor, device, revision and subsystem IDs around the rules' edges (arbPciIdentity), and any
// number of known bytes (usually the whole header).
const ids = fc.tuple(arbPciIdentity(), fc.oneof(fc.constant(64), fc.integer({ min: 0, max: 64 }))).map(([g, known]) => ({
  bytes: g.bytes,
  vendor: g.facts.vendorId,
  device: g.facts.deviceId,
  revision: g.facts.revision,
  subsystem: g.facts.subsystemId,
  known,
}));

describe('identifyVirtio', () => {
  test.prop([ids], { numRuns: 1000 })('follows the spec for any IDs, and never reads past the known bytes', (r) => {
    const id = identifyVirtio(r.bytes, r.known);
    const codes = id.diagnostics.map((d) => d.code).sort();
    if (r.known < 4) {
      expect(id.isVirtio).toBe(false);
      expect(codes).toEqual(['VIRTIO_IDENTITY_UNAVAILABLE']);
      return;
    }
    const virtio = r.vendor === 0x1af4 && r.device >= 0x1000 && r.device <= 0x107f;
    expect(id.isVirtio).toBe(virtio);
    if (!virtio) {
      expect(codes).toEqual(['VIRTIO_NOT_VIRTIO']);
      return;
    }
    const transitional = r.device < 0x1040;
    const subsystem = r.known >= 0x30 ? r.subsystem : null;
    const revision = r.known > 8 ? r.revision : null;
    expect(id.transitionalId).toBe(transitional);
    const want: string[] = [];
    let type: number | null;
    if (!transitional) {
      type = r.device - 0x1040;
      if (subsystem !== null && subsystem < 0x40) want.push('VIRTIO_MODERN_SUBSYSTEM_ID');
    } else {
      type = subsystem ?? TRANSITIONAL[r.device] ?? null;
      if (subsystem === null) want.push('VIRTIO_IDENTITY_UNAVAILABLE');
      else if (TRANSITIONAL[r.device] !== undefined && TRANSITIONAL[r.device] !== subsystem) want.push('VIRTIO_TRANSITIONAL_ID_MISMATCH');
      if (revision !== null && revision !== 0) want.push('VIRTIO_TRANSITIONAL_REVISION');
    }
    if (type !== null && !VIRTIO_DEVICE_TYPES[type]) want.push('VIRTIO_DEVICE_TYPE_UNKNOWN');
    expect(id.deviceType).toBe(type);
    expect(codes).toEqual(want.sort());
  });
});
