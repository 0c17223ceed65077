// Notification suppression. With VIRTIO_F_EVENT_IDX the other side publishes the ring index it
// wants to hear about; vring_need_event() decides whether a batch of updates from `oldIdx` to
// `newIdx` crossed it, in 16-bit modular arithmetic.

/**
 * Linux vring_need_event(event_idx, new_idx, old): true when `eventIdx` lies in the window
 * [oldIdx, newIdx) modulo 2^16, i.e. (u16)(new - event - 1) < (u16)(new - old).
 */
export function vringNeedEvent(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}
