import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  decodeDeviceConfig,
  decodeVirtioInputUnion,
  encodeDeviceConfig,
  featuresFromBits,
  featuresToWords,
  formatMac,
  presentDeviceConfigFields,
  VIRTIO_DEVICE_CONFIG_LAYOUTS,
  VIRTIO_DEVICE_FEATURES,
  VIRTIO_DEVICE_TYPES,
  virtioBlkConfig,
  virtioConsoleConfig,
  virtioCryptoConfig,
  virtioFeatureBit,
  virtioFeatureNames,
  virtioFsConfig,
  virtioFsTag,
  virtioGpuConfig,
  virtioInputConfig,
  virtioNetConfig,
  virtioScsiConfig,
  virtioVsockConfig,
  virtioBalloonConfig,
} from '../../src/virtio/index.js';

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

describe('device configuration layouts', () => {
  it('have the sizes of the spec structs', () => {
    expect(virtioBlkConfig.size).toBe(96);
    expect(virtioNetConfig.size).toBe(24);
    expect(virtioScsiConfig.size).toBe(36);
    expect(virtioConsoleConfig.size).toBe(12);
    expect(virtioBalloonConfig.size).toBe(16);
    expect(virtioVsockConfig.size).toBe(8);
    expect(virtioFsConfig.size).toBe(44);
    expect(virtioGpuConfig.size).toBe(16);
    expect(virtioInputConfig.size).toBe(136);
    expect(virtioCryptoConfig.size).toBe(56);
    expect(virtioBlkConfig.field('zoned_model').offset).toBe(92);
    expect(virtioBlkConfig.field('max_secure_erase_sectors').offset).toBe(60);
    expect(virtioBlkConfig.field('writeback').offset).toBe(32);
    expect(virtioNetConfig.field('supported_hash_types').offset).toBe(20);
    expect(virtioFsConfig.field('num_request_queues').offset).toBe(36);
  });

  it('decide present fields from features', () => {
    expect(presentDeviceConfigFields(2, 0n)).toEqual(['capacity']);
    const blk = featuresFromBits([1, 2, 4, 6, 10, 12]);
    expect(presentDeviceConfigFields(2, blk)).toEqual([
      'capacity', 'size_max', 'seg_max', 'geometry_cylinders', 'geometry_heads', 'geometry_sectors', 'blk_size',
      'physical_block_exp', 'alignment_offset', 'min_io_size', 'opt_io_size', 'num_queues',
    ]);
    expect(presentDeviceConfigFields(2, featuresFromBits([17]))).toContain('zoned_model');
    expect(presentDeviceConfigFields(1, featuresFromBits([5, 16]))).toEqual(['mac', 'status']);
    // max_virtqueue_pairs exists with MQ or RSS; rss_max_key_size with RSS or HASH_REPORT.
    expect(presentDeviceConfigFields(1, featuresFromBits([60]))).toEqual([
      'max_virtqueue_pairs', 'rss_max_key_size', 'rss_max_indirection_table_length', 'supported_hash_types',
    ]);
    expect(presentDeviceConfigFields(1, featuresToWords(featuresFromBits([57])))).toEqual(['rss_max_key_size', 'supported_hash_types']);
    expect(presentDeviceConfigFields(1, featuresFromBits([63, 3]))).toEqual(['mtu', 'speed', 'duplex']);
    expect(presentDeviceConfigFields(26, 0n)).toEqual(['tag', 'num_request_queues']);
    expect(presentDeviceConfigFields(3, featuresFromBits([0]))).toEqual(['cols', 'rows']);
    expect(presentDeviceConfigFields(4, 0n)).toEqual([]);
  });

  it('decodes a blk config with and without features', () => {
    const b = new Uint8Array(60);
    new DataView(b.buffer).setBigUint64(0, 0x200000n, true);
    new DataView(b.buffer).setUint32(12, 126, true);
    b[32] = 1;
    new DataView(b.buffer).setUint16(34, 4, true);
    const d = decodeDeviceConfig(2, b, 0, 60, featuresFromBits([2, 12]));
    expect(d.value).toEqual({ capacity: 0x200000n, seg_max: 126, num_queues: 4 });
    expect(d.absent).toContain('writeback');
    expect(d.diagnostics).toEqual([]);
    const u = decodeDeviceConfig(2, b, 0, 60);
    expect(u.value.writeback).toBe(1);
    expect(u.value.max_secure_erase_sectors).toBeUndefined();
    expect(codes(u.diagnostics)).toEqual(['VIRTIO_DEVCFG_FEATURES_UNKNOWN']);
    const z = decodeDeviceConfig(2, b, 0, 60, featuresFromBits([17]));
    expect(z.missing).toContain('zoned_model');
    expect(codes(z.diagnostics)).toEqual(['VIRTIO_DEVCFG_SHORT']);
  });

  it('decodes net mac, fs tag and input unions', () => {
    const n = new Uint8Array(24);
    n.set([0x52, 0x54, 0, 0x12, 0x34, 0x56], 0);
    const d = decodeDeviceConfig(1, n, 0, 24, featuresFromBits([5]));
    expect(formatMac(d.value.mac as Uint8Array)).toBe('52:54:00:12:34:56');
    const f = new Uint8Array(44);
    f.set(new TextEncoder().encode('myfs'), 0);
    expect(virtioFsTag(decodeDeviceConfig(26, f, 0, 44, 0n).value.tag as Uint8Array)).toBe('myfs');
    const u = new Uint8Array(128);
    u[0] = 0b101;
    u[1] = 0x80;
    expect(decodeVirtioInputUnion({ select: 0x11, size: 2, u })).toEqual({ kind: 'bitmap', bits: [0, 2, 15] });
    const ids = new Uint8Array(128);
    ids.set([6, 0, 0x27, 0x06, 1, 0, 1, 0]);
    expect(decodeVirtioInputUnion({ select: 3, size: 8, u: ids })).toEqual({ kind: 'ids', ids: { bustype: 6, vendor: 0x627, product: 1, version: 1 } });
    expect(decodeVirtioInputUnion({ select: 1, size: 3, u: new TextEncoder().encode('abcdef'.padEnd(128, '\0')) })).toEqual({ kind: 'string', text: 'abc' });
  });

  it('names features of every device type', () => {
    expect(virtioFeatureNames(featuresFromBits([0, 32, 38]), 2).map((f) => f.name)).toEqual([
      'VIRTIO_BLK_F_BARRIER', 'VIRTIO_F_VERSION_1', 'VIRTIO_F_NOTIFICATION_DATA',
    ]);
    expect(virtioFeatureNames([0, 0, 1 << 3], 1)).toEqual([{ bit: 67, name: 'bit 67', scope: 'unknown' }]);
    expect(virtioFeatureBit('VIRTIO_NET_F_SPEED_DUPLEX', 1)).toBe(63);
    for (const t of [1, 2, 3, 4, 5, 8, 16, 18, 19, 20, 26]) {
      expect(VIRTIO_DEVICE_FEATURES[t], VIRTIO_DEVICE_TYPES[t].name).toBeDefined();
    }
  });

  const types = Object.keys(VIRTIO_DEVICE_CONFIG_LAYOUTS).map(Number).concat([4, 99]);
  test.prop(
    [fc.constantFrom(...types), fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.option(fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }))],
    { numRuns: 1000 },
  )('decode never throws and encode restores the bytes', (type, b, features) => {
    const d = decodeDeviceConfig(type, b, 0, b.length, features);
    const out = new Uint8Array(b.length);
    encodeDeviceConfig(d, out, 0, b.length);
    expect(out).toEqual(b);
    if (features !== null) {
      for (const k of Object.keys(d.value)) expect(presentDeviceConfigFields(type, features)).toContain(k);
    }
  });
});
