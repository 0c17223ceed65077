// Packed virtqueue elements as field tables (virtio spec "Packed Virtqueues"; Linux
// include/uapi/linux/virtio_ring.h). Note the field order: id @12 and flags @14, the reverse
// of the split descriptor's flags @12 / next @14.
import { bit, bits, struct, u16, u32, u64, type ValueOf } from '../layout/struct.js';
import * as gen from './packed-structs.gen.js';

/** Packed descriptor flag bit positions (Linux names them VRING_PACKED_DESC_F_AVAIL/USED as shifts). */
export const VRING_PACKED_DESC_F_AVAIL_SHIFT = 7;
export const VRING_PACKED_DESC_F_USED_SHIFT = 15;
/** The same as masks (the spec's VIRTQ_DESC_F_AVAIL / VIRTQ_DESC_F_USED). */
export const VRING_PACKED_DESC_F_AVAIL = 1 << 7;
export const VRING_PACKED_DESC_F_USED = 1 << 15;

/** Event suppression flags values (bits 0-1 of vring_packed_desc_event.flags). */
export const VRING_PACKED_EVENT_FLAG_ENABLE = 0;
export const VRING_PACKED_EVENT_FLAG_DISABLE = 1;
export const VRING_PACKED_EVENT_FLAG_DESC = 2;
/** Bit of off_wrap holding the wrap counter. */
export const VRING_PACKED_EVENT_F_WRAP_CTR = 15;

/** struct vring_packed_desc: one entry of the packed descriptor ring. */
export const vringPackedDesc = struct('vring_packed_desc', {
  addr: u64(0, 'rw', { doc: 'guest-physical buffer address' }),
  len: u32(8, 'rw', { doc: 'buffer length (used descriptor: bytes written)' }),
  id: u16(12, 'rw', { doc: 'buffer id' }),
  flags: u16(14, 'rw', {
    bits: [
      bit('NEXT', 0),
      bit('WRITE', 1),
      bit('INDIRECT', 2),
      bit('AVAIL', 7, undefined, 'written by the driver: equals its wrap counter when available'),
      bit('USED', 15, undefined, 'written by the device: equals its wrap counter when used'),
    ],
  }),
}, gen.vring_packed_desc);
export type VringPackedDesc = ValueOf<typeof vringPackedDesc>;

/** struct vring_packed_desc_event: driver or device event suppression area. */
export const vringPackedDescEvent = struct('vring_packed_desc_event', {
  off_wrap: u16(0, 'rw', { bits: [bits('off', 0, 15, undefined, 'descriptor ring offset'), bit('wrap', 15, undefined, 'wrap counter')] }),
  flags: u16(2, 'rw', { bits: [bits('flags', 0, 2, undefined, '0 enable, 1 disable, 2 desc, 3 reserved'), bits('reserved', 2, 14)] }),
}, gen.vring_packed_desc_event);
export type VringPackedDescEvent = ValueOf<typeof vringPackedDescEvent>;
