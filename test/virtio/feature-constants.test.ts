// Feature constants: one name each (the spec's), every device-independent bit the spec
// defines, all bit numbers, all documented. The table below is the virtio spec's section 6
// "Reserved Feature Bits" (v1.3, plus SUSPEND from v1.4 and the two legacy bits of 6.1), typed
// from the spec text, not from our sources.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publicApi as api } from '../support/public-api.js';
import { hasFeature, VIRTIO_F, virtioFeatureBit, virtioFeatureName } from '../../src/virtio/features.js';

const SPEC: Record<string, number> = {
  VIRTIO_F_NOTIFY_ON_EMPTY: 24,
  VIRTIO_F_ANY_LAYOUT: 27,
  VIRTIO_F_INDIRECT_DESC: 28,
  VIRTIO_F_EVENT_IDX: 29,
  VIRTIO_F_VERSION_1: 32,
  VIRTIO_F_ACCESS_PLATFORM: 33,
  VIRTIO_F_RING_PACKED: 34,
  VIRTIO_F_IN_ORDER: 35,
  VIRTIO_F_ORDER_PLATFORM: 36,
  VIRTIO_F_SR_IOV: 37,
  VIRTIO_F_NOTIFICATION_DATA: 38,
  VIRTIO_F_NOTIF_CONFIG_DATA: 39,
  VIRTIO_F_RING_RESET: 40,
  VIRTIO_F_ADMIN_VQ: 41,
  VIRTIO_F_SUSPEND: 43,
};

/** Exported names that look like feature constants (VRING_*_F_* are descriptor and ring flags). */
const exported = Object.entries(api).filter(([k, v]) => /^VIRTIO_.*_F_|_BIT$/.test(k) && (typeof v === 'number' || typeof v === 'bigint'));
const deviceIndependent = exported.filter(([k]) => k.startsWith('VIRTIO_F_') || k.endsWith('_BIT') || k.startsWith('VIRTIO_MODEL_F_'));

describe('device-independent feature constants', () => {
  it('every bit the spec defines is exported under its spec name, as its bit number', () => {
    for (const [name, bit] of Object.entries(SPEC)) {
      expect((api as Record<string, unknown>)[name], name).toBe(bit);
      expect(VIRTIO_F[bit], name).toBe(name);
      expect(virtioFeatureName(bit).name).toBe(name);
      expect(virtioFeatureBit(name)).toBe(bit);
    }
  });

  it('no other exported feature constant: no _BIT twins, no masks, one name per bit', () => {
    const others = deviceIndependent.filter(([k]) => !(k in SPEC));
    expect(others.map(([k]) => k)).toEqual([]);
    const bits = deviceIndependent.map(([, v]) => v);
    expect(new Set(bits).size).toBe(bits.length);
  });

  it('device-specific constants are bit numbers too, named as the device feature table names them', () => {
    const device = exported.filter(([k]) => !deviceIndependent.some(([d]) => d === k));
    expect(device.length).toBeGreaterThan(10);
    for (const [name, bit] of device) {
      expect(typeof bit, name).toBe('number');
      const tables = Object.values(api.VIRTIO_DEVICE_FEATURES).filter((t) => t[bit as number] === name);
      expect(tables.length, `${name} = ${bit} in VIRTIO_DEVICE_FEATURES`).toBe(1);
    }
  });

  it('Linux names of the same bits are found, and name the spec constant', () => {
    expect(virtioFeatureBit('VIRTIO_RING_F_INDIRECT_DESC')).toBe(28);
    expect(virtioFeatureBit('VIRTIO_RING_F_EVENT_IDX')).toBe(29);
    expect(virtioFeatureBit('VIRTIO_F_IOMMU_PLATFORM')).toBe(33);
    expect(virtioFeatureBit('toString')).toBeNull();
  });

  it('hasFeature takes the bit number against a bigint and against 32-bit words alike', () => {
    const f = (1n << 32n) | (1n << 29n);
    expect(hasFeature(f, SPEC.VIRTIO_F_VERSION_1!)).toBe(true);
    expect(hasFeature([1 << 29, 1], SPEC.VIRTIO_F_VERSION_1!)).toBe(true);
    expect(hasFeature([1 << 29, 1], SPEC.VIRTIO_F_RING_PACKED!)).toBe(false);
  });

  it('docs/api.md lists every constant with its bit, and hasFeature', () => {
    const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const [name, bit] of Object.entries(SPEC)) expect(doc, name).toMatch(new RegExp(`\`${name}\`( \\(legacy\\))? \\| ${bit} \\|`));
    expect(doc).toMatch(/hasFeature\(f: Features, bit: number\): boolean/);
  });
});
