// Every anomaly the vring layer reports, in one table: layouts of impossible queue sizes,
// broken descriptor chains, misbehaving rings. Codes are stable; docs/diagnostics.md lists them.
import { defineDiagnostics } from '../bytes/diagnostic.js';

export const VRING_DIAGNOSTICS = defineDiagnostics({
  VRING_SIZE_ZERO: {
    severity: 'error',
    meaning: 'Queue size 0: a virtqueue needs at least one descriptor (0 must never be written to queue_size).',
  },
  VRING_SIZE_NOT_POWER_OF_TWO: {
    severity: 'error',
    meaning: 'A split virtqueue size must be a power of two; the layout is still computed for the given size.',
  },
  VRING_SIZE_TOO_LARGE: {
    severity: 'error',
    meaning: 'Queue size above 32768, the largest size a 16-bit free-running index can serve; the layout is still computed when the size fits 16 bits.',
  },
  VRING_SIZE_INVALID: {
    severity: 'error',
    meaning: 'Queue size is not an integer in 0..65535 (queue_size is a 16-bit register); the layout is computed for size 0.',
  },
  VRING_ALIGN_INVALID: {
    severity: 'error',
    meaning: 'The legacy ring alignment is not a positive power of two; the used ring is placed with alignment 4 instead.',
  },
  VRING_PART_MISALIGNED: {
    severity: 'warning',
    meaning: 'A ring part does not start at a multiple of its required alignment (descriptors 16, available ring 2, used ring 4, packed event structures 4).',
  },
  VRING_QEMU_USED_EVENT_OVERLAP: {
    severity: 'warning',
    meaning: "With QEMU's legacy placement the used ring starts right after avail.ring[N], so the driver's used_event field lands on used.flags; Linux places the used ring after used_event.",
  },
  VRING_HEAD_OUT_OF_RANGE: {
    severity: 'error',
    meaning: 'A chain head (available ring entry or used element id) is not below the queue size.',
  },
  VRING_NEXT_OUT_OF_RANGE: {
    severity: 'error',
    meaning: 'A descriptor with NEXT set names a next index outside its table; the chain walk stops there.',
  },
  VRING_DESC_LOOP: {
    severity: 'error',
    meaning: 'A descriptor chain visits the same descriptor twice; the chain walk stops there.',
  },
  VRING_CHAIN_TOO_LONG: {
    severity: 'error',
    meaning: 'A descriptor chain describes more buffers than the queue size allows; the chain walk stops there.',
  },
  VRING_CHAIN_BYTES_OVERFLOW: {
    severity: 'error',
    meaning: 'The buffers of one chain add up to 2^32 bytes or more, which the spec forbids.',
  },
  VRING_INDIRECT_NESTED: {
    severity: 'error',
    meaning: 'A descriptor inside an indirect table has INDIRECT set (only one table per chain); the walk stops there.',
  },
  VRING_INDIRECT_WITH_NEXT: {
    severity: 'error',
    meaning: 'A descriptor sets both INDIRECT and NEXT; the walk enters the table and ignores NEXT, as devices do.',
  },
  VRING_INDIRECT_EMPTY: {
    severity: 'error',
    meaning: 'An indirect descriptor has length 0, so its table holds no descriptor; the walk stops there.',
  },
  VRING_INDIRECT_LEN_UNALIGNED: {
    severity: 'error',
    meaning: 'An indirect descriptor length is not a multiple of 16 (the size of one descriptor); the walk stops there.',
  },
  VRING_INDIRECT_NOT_NEGOTIATED: {
    severity: 'error',
    meaning: 'A descriptor has INDIRECT set although VIRTIO_F_INDIRECT_DESC was not negotiated; the walk stops there.',
  },
  VRING_WRITE_BEFORE_READ: {
    severity: 'warning',
    meaning: 'A device-readable buffer follows a device-writable one; drivers must put all readable buffers first.',
  },
  VRING_BUFFER_WRAPS: {
    severity: 'warning',
    meaning: 'A buffer runs past the end of the 64-bit address space (addr + len > 2^64).',
  },
  VRING_MEMORY_FAULT: {
    severity: 'error',
    meaning: 'Guest memory could not be read or written at an address the ring points to; the operation stops there.',
  },
  VRING_AVAIL_IDX_AHEAD: {
    severity: 'error',
    meaning: "The available index is more than queue-size entries ahead of the device's position (a driver bug or corrupted ring).",
  },
  VRING_USED_IDX_AHEAD: {
    severity: 'error',
    meaning: "The used index is more than queue-size entries ahead of the driver's position (a device bug or corrupted ring).",
  },
  VRING_USED_ID_NOT_IN_FLIGHT: {
    severity: 'error',
    meaning: 'The device returned a buffer id the driver has not made available (or already got back).',
  },
  VRING_PACKED_EVENT_FLAGS_RESERVED: {
    severity: 'warning',
    meaning: 'Packed event suppression flags value 3 is reserved (0 enable, 1 disable, 2 descriptor-specific).',
  },
  VRING_PACKED_EVENT_RESERVED_BITS: {
    severity: 'warning',
    meaning: 'Bits 2-15 of the packed event suppression flags are reserved and should be zero.',
  },
  VRING_PACKED_EVENT_OFF_RANGE: {
    severity: 'warning',
    meaning: 'The descriptor offset in a packed event suppression off_wrap is not below the queue size.',
  },
  VRING_PACKED_DESC_NOT_AVAIL: {
    severity: 'error',
    meaning: 'A descriptor inside a packed chain is not marked available for the current wrap counter.',
  },
});

export type VringDiagnosticCode = keyof typeof VRING_DIAGNOSTICS;
