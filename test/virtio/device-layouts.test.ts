// Field offsets of every device configuration, restated here from the spec's C structs (an
// independent reading of the tables in src/virtio/devices), and decodes of real-looking values.
import { describe, expect, it } from 'vitest';
import {
  decodeDeviceConfig,
  featuresFromBits,
  virtioBalloonConfig,
  virtioBlkConfig,
  virtioConsoleConfig,
  virtioCryptoConfig,
  virtioFsConfig,
  virtioGpuConfig,
  virtioInputConfig,
  virtioNetConfig,
  virtioScsiConfig,
  virtioVsockConfig,
} from '../../src/virtio/index.js';
import type { Struct } from '../../src/layout/index.js';

const at = (s: Struct<any>) => Object.fromEntries(s.fields.filter((f) => f.access !== 'rsvd').map((f) => [f.name, [f.offset, f.size]]));

describe('device configuration offsets (spec structs)', () => {
  it('virtio_blk_config', () => {
    expect(at(virtioBlkConfig)).toMatchObject({
      capacity: [0, 8], size_max: [8, 4], seg_max: [12, 4], geometry_cylinders: [16, 2], geometry_heads: [18, 1], geometry_sectors: [19, 1],
      blk_size: [20, 4], physical_block_exp: [24, 1], alignment_offset: [25, 1], min_io_size: [26, 2], opt_io_size: [28, 4], writeback: [32, 1],
      num_queues: [34, 2], max_discard_sectors: [36, 4], max_discard_seg: [40, 4], discard_sector_alignment: [44, 4],
      max_write_zeroes_sectors: [48, 4], max_write_zeroes_seg: [52, 4], write_zeroes_may_unmap: [56, 1],
      max_secure_erase_sectors: [60, 4], max_secure_erase_seg: [64, 4], secure_erase_sector_alignment: [68, 4],
      zoned_zone_sectors: [72, 4], zoned_max_open_zones: [76, 4], zoned_max_active_zones: [80, 4], zoned_max_append_sectors: [84, 4],
      zoned_write_granularity: [88, 4], zoned_model: [92, 1],
    });
  });

  it('net, scsi, console, balloon, vsock, fs, gpu, input, crypto', () => {
    expect(at(virtioNetConfig)).toEqual({
      mac: [0, 6], status: [6, 2], max_virtqueue_pairs: [8, 2], mtu: [10, 2], speed: [12, 4], duplex: [16, 1],
      rss_max_key_size: [17, 1], rss_max_indirection_table_length: [18, 2], supported_hash_types: [20, 4],
    });
    expect(at(virtioScsiConfig)).toEqual({
      num_queues: [0, 4], seg_max: [4, 4], max_sectors: [8, 4], cmd_per_lun: [12, 4], event_info_size: [16, 4], sense_size: [20, 4],
      cdb_size: [24, 4], max_channel: [28, 2], max_target: [30, 2], max_lun: [32, 4],
    });
    expect(at(virtioConsoleConfig)).toEqual({ cols: [0, 2], rows: [2, 2], max_nr_ports: [4, 4], emerg_wr: [8, 4] });
    expect(at(virtioBalloonConfig)).toEqual({ num_pages: [0, 4], actual: [4, 4], free_page_hint_cmd_id: [8, 4], poison_val: [12, 4] });
    expect(at(virtioVsockConfig)).toEqual({ guest_cid: [0, 8] });
    expect(at(virtioFsConfig)).toMatchObject({ tag: [0, 36], num_request_queues: [36, 4], notify_buf_size: [40, 4] });
    expect(at(virtioGpuConfig)).toEqual({ events_read: [0, 4], events_clear: [4, 4], num_scanouts: [8, 4], num_capsets: [12, 4] });
    expect(at(virtioInputConfig)).toMatchObject({ select: [0, 1], subsel: [1, 1], size: [2, 1], u: [8, 128] });
    expect(at(virtioCryptoConfig)).toMatchObject({ status: [0, 4], max_dataqueues: [4, 4], crypto_services: [8, 4], aead_algo: [32, 4], max_size: [48, 8] });
  });
});

describe('device configuration values', () => {
  it('net: speed and duplex with SPEED_DUPLEX, queue pairs with MQ, mtu with MTU', () => {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    b.set([0x52, 0x54, 0x00, 0xab, 0xcd, 0xef]);
    dv.setUint16(6, 1, true); // LINK_UP
    dv.setUint16(8, 4, true);
    dv.setUint16(10, 1500, true);
    dv.setUint32(12, 10000, true);
    b[16] = 1;
    const d = decodeDeviceConfig(1, b, 0, 24, featuresFromBits([5, 16, 22, 3, 63]));
    expect(d.value).toMatchObject({ status: 1, max_virtqueue_pairs: 4, mtu: 1500, speed: 10000, duplex: 1 });
    expect(d.value.rss_max_key_size).toBeUndefined();
    expect(d.diagnostics).toEqual([]);
  });

  it('vsock guest_cid is a 64-bit bigint; scsi and console by their features', () => {
    const v = new Uint8Array(8);
    new DataView(v.buffer).setBigUint64(0, 0x1_0000_0003n, true);
    expect(decodeDeviceConfig(19, v, 0, 8, 0n).value.guest_cid).toBe(0x1_0000_0003n);
    const s = new Uint8Array(36);
    new DataView(s.buffer).setUint32(0, 8, true);
    new DataView(s.buffer).setUint32(32, 16383, true);
    expect(decodeDeviceConfig(8, s, 0, 36, 0n).value).toMatchObject({ num_queues: 8, max_lun: 16383 });
    const c = Uint8Array.of(80, 0, 25, 0, 4, 0, 0, 0, 0, 0, 0, 0);
    expect(decodeDeviceConfig(3, c, 0, 12, featuresFromBits([0])).value).toEqual({ cols: 80, rows: 25 });
    expect(decodeDeviceConfig(3, c, 0, 12, featuresFromBits([0, 1])).value).toEqual({ cols: 80, rows: 25, max_nr_ports: 4 });
  });
});
