// What a VMM does with a write to a doorbell, which is not always what the spec lets a driver
// write there. Each rule is read from the VMM's source, named in `rule`:
// - QEMU (hw/virtio/virtio-pci.c): virtio_pci_notify_write kicks queue = offset in the notify
//   region / virtio_pci_queue_mem_mult (4, or 0x1000 with page-per-vq: the multiplier it
//   advertises), whatever the offset's remainder; virtio_pci_notify_write_pio (the
//   modern-pio-notify region, multiplier 0) and the legacy VIRTIO_PCI_QUEUE_NOTIFY register
//   kick queue = the value written. Queues from VIRTIO_QUEUE_MAX (1024) up are ignored.
// - kvmtool (virtio/pci-modern.c): one 4-byte notify region, multiplier 0;
//   virtio_pci__notify_write kicks the queue in the low 16 bits of the value, at any offset.
// - cloud-hypervisor (virtio-devices/src/transport/pci_device.rs) and firecracker
//   (src/vmm/src/devices/virtio/transport/pci/device.rs): an ioeventfd per queue at notify
//   base + i × 4 (NOTIFY_OFF_MULTIPLIER), without data match; a write anywhere else in the
//   notify region reaches write_bar, which logs it as unexpected and kicks nothing.
import type { VirtioAddressHit } from './lookup.js';

export const VIRTIO_VMMS = ['qemu', 'kvmtool', 'cloud-hypervisor', 'firecracker'] as const;
export type VirtioVmm = (typeof VIRTIO_VMMS)[number];

/** QEMU's VIRTIO_QUEUE_MAX: a queue number at or above it is ignored. */
export const QEMU_VIRTIO_QUEUE_MAX = 1024;

/** What a VMM does with a write at a doorbell. */
export interface VmmDoorbell {
  readonly vmm: VirtioVmm;
  /** The queue the VMM kicks; null when it kicks none, or when the value decides and is not known. */
  readonly queue: number | null;
  /** The queue is the value written, not the address. */
  readonly byValue: boolean;
  /** How the VMM got there, in its own terms. */
  readonly rule: string;
}

const hex = (v: bigint | number) => '0x' + v.toString(16);

/**
 * The VMM's view of a write at `hit` (a `notify` or legacy `queue_notify` hit from
 * lookupAddress) of `value` (null: not known, as for `pcicfg lookup`). Null for other hits, and
 * for the legacy register of VMMs whose legacy handler is not described here.
 */
export function vmmDoorbell(vmm: VirtioVmm, hit: VirtioAddressHit, value: bigint | null = null): VmmDoorbell | null {
  const legacy = hit.structure === 'legacy' && hit.field === 'queue_notify';
  if (hit.structure !== 'notify' && !legacy) return null;
  const off = hit.offsetInStructure;
  const mult = hit.multiplier ?? null;
  const byValue = (rule: string, mask = 0xffffn, max: number | null = null): VmmDoorbell => {
    if (value === null) return { vmm, queue: null, byValue: true, rule };
    const q = Number(value & mask);
    return { vmm, queue: max !== null && q >= max ? null : q, byValue: true, rule: max !== null && q >= max ? `${rule}: ${q} is not below ${max}, ignored` : rule };
  };
  switch (vmm) {
    case 'qemu': {
      if (legacy) return byValue('virtio_ioport_write VIRTIO_PCI_QUEUE_NOTIFY: queue = value written', 0xffffffffn, QEMU_VIRTIO_QUEUE_MAX);
      if (mult === null) return { vmm, queue: null, byValue: false, rule: 'notify_off_multiplier unknown' };
      if (mult === 0) return byValue('virtio_pci_notify_write_pio: queue = value written', 0xffffffffn, QEMU_VIRTIO_QUEUE_MAX);
      const q = off / BigInt(mult);
      const rule = `virtio_pci_notify_write: queue = offset ${hex(off)} / ${mult}`;
      if (q >= BigInt(QEMU_VIRTIO_QUEUE_MAX)) return { vmm, queue: null, byValue: false, rule: `${rule} = ${q}, not below ${QEMU_VIRTIO_QUEUE_MAX}: ignored` };
      return { vmm, queue: Number(q), byValue: false, rule };
    }
    case 'kvmtool':
      if (legacy) return null;
      return byValue('virtio_pci__notify_write: queue = low 16 bits of the value written, at any offset');
    case 'cloud-hypervisor':
    case 'firecracker': {
      if (legacy) return null;
      if (mult === null || mult === 0) return { vmm, queue: null, byValue: false, rule: `an ioeventfd per queue at notify base + queue × notify_off_multiplier (here ${mult ?? 'unknown'})` };
      const m = BigInt(mult);
      if (off % m !== 0n) return { vmm, queue: null, byValue: false, rule: `no ioeventfd at notify base + ${hex(off)} (one per queue at + queue × ${mult}): write_bar logs an unexpected write` };
      return { vmm, queue: Number(off / m), byValue: false, rule: `ioeventfd of queue ${off / m} at notify base + ${hex(off)}` };
    }
  }
}
