// struct virtio_blk_config (virtio spec 5.2.4; Linux include/uapi/linux/virtio_blk.h), packed,
// and the request structures and codes (spec 5.2.6) the driver sends and the model serves.
import { reserved, struct, u16, u32, u64, u8, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './blk.gen.js';

export const VIRTIO_BLK_F_SIZE_MAX = 1;
export const VIRTIO_BLK_F_SEG_MAX = 2;
export const VIRTIO_BLK_F_GEOMETRY = 4;
export const VIRTIO_BLK_F_RO = 5;
export const VIRTIO_BLK_F_BLK_SIZE = 6;
export const VIRTIO_BLK_F_FLUSH = 9;
export const VIRTIO_BLK_F_TOPOLOGY = 10;
export const VIRTIO_BLK_F_CONFIG_WCE = 11;
export const VIRTIO_BLK_F_MQ = 12;
export const VIRTIO_BLK_F_DISCARD = 13;
export const VIRTIO_BLK_F_WRITE_ZEROES = 14;
export const VIRTIO_BLK_F_SECURE_ERASE = 16;
export const VIRTIO_BLK_F_ZONED = 17;

/** zoned.model values. */
export const VIRTIO_BLK_Z_NONE = 0;
export const VIRTIO_BLK_Z_HM = 1;
export const VIRTIO_BLK_Z_HA = 2;

/** virtio_blk_req.type (spec 5.2.6). */
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;

/** virtio_blk_req.status, the last byte of a request (spec 5.2.6). */
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

/** virtio_blk_discard_write_zeroes.flags bit 0: the device may deallocate instead of writing zeros (WRITE_ZEROES only). */
export const VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP = 1;
/** Length of the GET_ID answer (Linux VIRTIO_BLK_ID_BYTES). */
export const VIRTIO_BLK_ID_BYTES = 20;
/** virtio-blk sectors are 512 bytes whatever blk_size says (spec 5.2.6). */
export const VIRTIO_BLK_SECTOR_SIZE = 512;

/** struct virtio_blk_outhdr (Linux include/uapi/linux/virtio_blk.h): the device-readable header of virtio_blk_req. */
export const virtioBlkOutHdr = struct('virtio_blk_outhdr', {
  type: u32(0, 'ro', { doc: 'VIRTIO_BLK_T_IN 0, OUT 1, FLUSH 4, GET_ID 8, DISCARD 11, WRITE_ZEROES 13' }),
  ioprio: u32(4, 'ro', { doc: 'reserved in virtio 1.x (legacy: I/O priority)' }),
  sector: u64(8, 'ro', { doc: 'offset in 512-byte sectors' }),
}, gen.virtio_blk_outhdr);
export type VirtioBlkOutHdr = ValueOf<typeof virtioBlkOutHdr>;

/** struct virtio_blk_discard_write_zeroes (spec 5.2.6): one segment of a DISCARD or WRITE_ZEROES request. */
export const virtioBlkDiscardWriteZeroes = struct('virtio_blk_discard_write_zeroes', {
  sector: u64(0, 'ro', { doc: 'first sector' }),
  num_sectors: u32(8, 'ro'),
  flags: u32(12, 'ro', { doc: 'bit 0 UNMAP (WRITE_ZEROES only); the rest reserved' }),
}, gen.virtio_blk_discard_write_zeroes);
export type VirtioBlkDiscardWriteZeroes = ValueOf<typeof virtioBlkDiscardWriteZeroes>;

export const virtioBlkConfig = struct('virtio_blk_config', {
  capacity: u64(0, 'ro', { doc: 'Capacity in 512-byte sectors' }),
  size_max: u32(8, 'ro', { doc: 'Maximum segment size' }),
  seg_max: u32(12, 'ro', { doc: 'Maximum number of segments in a request' }),
  geometry_cylinders: u16(16, 'ro', { doc: 'geometry.cylinders' }),
  geometry_heads: u8(18, 'ro', { doc: 'geometry.heads' }),
  geometry_sectors: u8(19, 'ro', { doc: 'geometry.sectors' }),
  blk_size: u32(20, 'ro', { doc: 'Block size (the optimal sector size)' }),
  physical_block_exp: u8(24, 'ro', { doc: 'topology: log2 of logical blocks per physical block' }),
  alignment_offset: u8(25, 'ro', { doc: 'topology: offset of the first aligned logical block' }),
  min_io_size: u16(26, 'ro', { doc: 'topology: suggested minimum I/O size in blocks' }),
  opt_io_size: u32(28, 'ro', { doc: 'topology: optimal (suggested maximum) I/O size in blocks' }),
  writeback: u8(32, 'rw', { doc: 'Cache mode: 0 write-through, 1 write-back (spec name: writeback; Linux: wce)' }),
  unused0: reserved(33, 1),
  num_queues: u16(34, 'ro', { doc: 'Number of request queues' }),
  max_discard_sectors: u32(36, 'ro'),
  max_discard_seg: u32(40, 'ro'),
  discard_sector_alignment: u32(44, 'ro'),
  max_write_zeroes_sectors: u32(48, 'ro'),
  max_write_zeroes_seg: u32(52, 'ro'),
  write_zeroes_may_unmap: u8(56, 'ro'),
  unused1: reserved(57, 3),
  max_secure_erase_sectors: u32(60, 'ro'),
  max_secure_erase_seg: u32(64, 'ro'),
  secure_erase_sector_alignment: u32(68, 'ro'),
  zoned_zone_sectors: u32(72, 'ro', { doc: 'zoned.zone_sectors' }),
  zoned_max_open_zones: u32(76, 'ro', { doc: 'zoned.max_open_zones' }),
  zoned_max_active_zones: u32(80, 'ro', { doc: 'zoned.max_active_zones' }),
  zoned_max_append_sectors: u32(84, 'ro', { doc: 'zoned.max_append_sectors' }),
  zoned_write_granularity: u32(88, 'ro', { doc: 'zoned.write_granularity' }),
  zoned_model: u8(92, 'ro', { doc: 'zoned.model: 0 none, 1 host-managed, 2 host-aware' }),
  zoned_unused2: reserved(93, 3),
}, gen.virtio_blk_config);

export type VirtioBlkConfig = ValueOf<typeof virtioBlkConfig>;

const zoned = [VIRTIO_BLK_F_ZONED];
const discard = [VIRTIO_BLK_F_DISCARD];
const wz = [VIRTIO_BLK_F_WRITE_ZEROES];
const se = [VIRTIO_BLK_F_SECURE_ERASE];
const topo = [VIRTIO_BLK_F_TOPOLOGY];
const geo = [VIRTIO_BLK_F_GEOMETRY];

export const virtioBlkConfigLayout = deviceConfigLayout(2, virtioBlkConfig, {
  capacity: 'always',
  size_max: [VIRTIO_BLK_F_SIZE_MAX],
  seg_max: [VIRTIO_BLK_F_SEG_MAX],
  geometry_cylinders: geo,
  geometry_heads: geo,
  geometry_sectors: geo,
  blk_size: [VIRTIO_BLK_F_BLK_SIZE],
  physical_block_exp: topo,
  alignment_offset: topo,
  min_io_size: topo,
  opt_io_size: topo,
  writeback: [VIRTIO_BLK_F_CONFIG_WCE],
  num_queues: [VIRTIO_BLK_F_MQ],
  max_discard_sectors: discard,
  max_discard_seg: discard,
  discard_sector_alignment: discard,
  max_write_zeroes_sectors: wz,
  max_write_zeroes_seg: wz,
  write_zeroes_may_unmap: wz,
  max_secure_erase_sectors: se,
  max_secure_erase_seg: se,
  secure_erase_sector_alignment: se,
  zoned_zone_sectors: zoned,
  zoned_max_open_zones: zoned,
  zoned_max_active_zones: zoned,
  zoned_max_append_sectors: zoned,
  zoned_write_granularity: zoned,
  zoned_model: zoned,
});
