// Split virtqueue elements as field tables (virtio spec "Split Virtqueues"; Linux
// include/uapi/linux/virtio_ring.h). All little-endian; the avail and used rings are a header,
// N elements and one trailing event word, so each piece is its own small struct.
import { bit, struct, u16, u32, u64, type ValueOf } from '../layout/struct.js';
import * as gen from './split-structs.gen.js';

/** Descriptor flag: the chain continues at `next`. */
export const VRING_DESC_F_NEXT = 1;
/** Descriptor flag: the buffer is device-writable (otherwise device-readable). */
export const VRING_DESC_F_WRITE = 2;
/** Descriptor flag: the buffer is a table of descriptors (VIRTIO_F_INDIRECT_DESC). */
export const VRING_DESC_F_INDIRECT = 4;
/** avail.flags: the driver asks the device not to interrupt (ignored with EVENT_IDX). */
export const VRING_AVAIL_F_NO_INTERRUPT = 1;
/** used.flags: the device asks the driver not to notify (ignored with EVENT_IDX). */
export const VRING_USED_F_NO_NOTIFY = 1;

/** Size of one descriptor, split or packed. */
export const VRING_DESC_SIZE = 16;
/** Alignments the spec requires of the three split parts (Linux VRING_*_ALIGN_SIZE). */
export const VRING_DESC_ALIGN_SIZE = 16;
export const VRING_AVAIL_ALIGN_SIZE = 2;
export const VRING_USED_ALIGN_SIZE = 4;
/** Largest queue size: the highest power of two a 16-bit free-running index can serve. */
export const VRING_MAX_QUEUE_SIZE = 32768;

const descFlagBits = [
  bit('NEXT', 0, undefined, 'chain continues at next'),
  bit('WRITE', 1, undefined, 'device-writable buffer'),
  bit('INDIRECT', 2, undefined, 'buffer holds a descriptor table'),
];

/** struct vring_desc (virtq_desc): one descriptor-table entry. */
export const vringDesc = struct('vring_desc', {
  addr: u64(0, 'rw', { doc: 'guest-physical buffer address' }),
  len: u32(8, 'rw', { doc: 'buffer length in bytes' }),
  flags: u16(12, 'rw', { bits: descFlagBits }),
  next: u16(14, 'rw', { doc: 'next descriptor index when NEXT is set' }),
}, gen.vring_desc);
export type VringDesc = ValueOf<typeof vringDesc>;

/** Header of struct vring_avail (driver area): flags and the free-running idx. */
export const vringAvailHeader = struct('vring_avail', {
  flags: u16(0, 'rw', { bits: [bit('NO_INTERRUPT', 0)] }),
  idx: u16(2, 'rw', { doc: 'where the driver puts the next entry (mod 2^16, never decremented)' }),
}, gen.vring_avail);
export type VringAvailHeader = ValueOf<typeof vringAvailHeader>;

/** One entry of vring_avail.ring[]: the head of an available chain. */
export const vringAvailElem = struct('vring_avail_elem', {
  id: u16(0, 'rw', { doc: 'head descriptor index of an available chain' }),
}, gen.vring_avail_elem);
export type VringAvailElem = ValueOf<typeof vringAvailElem>;

/** vring_avail.used_event (trailing avail.ring[N]; meaningful only with EVENT_IDX). */
export const vringUsedEvent = struct('used_event', {
  used_event: u16(0, 'rw', { doc: 'interrupt when used.idx passes this value' }),
}, gen.used_event);
export type VringUsedEvent = ValueOf<typeof vringUsedEvent>;

/** Header of struct vring_used (device area). */
export const vringUsedHeader = struct('vring_used', {
  flags: u16(0, 'rw', { bits: [bit('NO_NOTIFY', 0)] }),
  idx: u16(2, 'rw', { doc: 'where the device puts the next element (mod 2^16)' }),
}, gen.vring_used);
export type VringUsedHeader = ValueOf<typeof vringUsedHeader>;

/** struct vring_used_elem: a returned chain and the bytes written into it. */
export const vringUsedElem = struct('vring_used_elem', {
  id: u32(0, 'rw', { doc: 'head index of the returned chain' }),
  len: u32(4, 'rw', { doc: 'bytes written into the device-writable buffers' }),
}, gen.vring_used_elem);
export type VringUsedElem = ValueOf<typeof vringUsedElem>;

/** vring_used.avail_event (trailing used.ring[N]; meaningful only with EVENT_IDX). */
export const vringAvailEvent = struct('avail_event', {
  avail_event: u16(0, 'rw', { doc: 'notify when avail.idx passes this value' }),
}, gen.avail_event);
export type VringAvailEvent = ValueOf<typeof vringAvailEvent>;
