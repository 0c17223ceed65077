// The legacy (virtio 0.9.5) interface: registers at the start of I/O BAR0 (virtio spec 4.1.4.10
// "Legacy Interfaces: A Note on PCI Device Layout"). The MSI-X vector registers exist only
// while MSI-X is *enabled*, and the device configuration moves from 20 to 24 with them.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { struct, u16, u32, u8, type ValueOf } from '../layout/struct.js';
import { vdiag } from './diag.js';
import { VIRTIO_STATUS_BITS } from './common-cfg.js';
import { virtioPciIsr } from './isr.js';
import * as gen from './legacy.gen.js';

const header = {
  host_features: u32(0, 'ro', { doc: 'VIRTIO_PCI_HOST_FEATURES: device feature bits 0–31' }),
  guest_features: u32(4, 'rw', { doc: 'VIRTIO_PCI_GUEST_FEATURES: driver feature bits 0–31' }),
  queue_pfn: u32(8, 'rw', { doc: 'VIRTIO_PCI_QUEUE_PFN: queue address >> 12; writing 0 resets (QEMU)' }),
  queue_num: u16(12, 'ro', { doc: 'VIRTIO_PCI_QUEUE_NUM: size of the selected queue' }),
  queue_sel: u16(14, 'rw', { doc: 'VIRTIO_PCI_QUEUE_SEL' }),
  queue_notify: u16(16, 'rw', { doc: 'VIRTIO_PCI_QUEUE_NOTIFY: write the queue index to kick it' }),
  status: u8(18, 'rw', { bits: VIRTIO_STATUS_BITS, doc: 'VIRTIO_PCI_STATUS' }),
  isr: u8(19, 'ro', { bits: virtioPciIsr.field('isr').bits, doc: 'VIRTIO_PCI_ISR: read clears' }),
};

/** Legacy header without MSI-X enabled: 20 bytes, device configuration at 20. */
export const virtioLegacyHeader = struct('virtio_legacy_header', header, gen.virtio_legacy_header);
/** Legacy header with MSI-X enabled: 24 bytes, device configuration at 24. */
export const virtioLegacyHeaderMsix = struct('virtio_legacy_header_msix', {
  ...header,
  msi_config_vector: u16(20, 'rw', { doc: 'VIRTIO_MSI_CONFIG_VECTOR' }),
  msi_queue_vector: u16(22, 'rw', { doc: 'VIRTIO_MSI_QUEUE_VECTOR (of the selected queue)' }),
}, gen.virtio_legacy_header_msix);

export type VirtioLegacyHeader = ValueOf<typeof virtioLegacyHeaderMsix>;

export const VIRTIO_PCI_LEGACY_QUEUE_NOTIFY = virtioLegacyHeader.field('queue_notify').offset;
export const VIRTIO_PCI_QUEUE_ADDR_SHIFT = 12;
export const VIRTIO_PCI_LEGACY_VRING_ALIGN = 4096;
export const VIRTIO_MSI_NO_VECTOR = 0xffff;

export function legacyHeaderStruct(msixEnabled: boolean) {
  return msixEnabled ? virtioLegacyHeaderMsix : virtioLegacyHeader;
}

/** Offset of the device-specific configuration in BAR0: after the header, 24 with MSI-X enabled, else 20. */
export function legacyDeviceConfigOffset(msixEnabled: boolean): number {
  return legacyHeaderStruct(msixEnabled).size;
}

/** Guest-physical address of a legacy queue from its PFN. */
export function legacyQueueAddress(pfn: number): bigint {
  return BigInt(pfn >>> 0) << BigInt(VIRTIO_PCI_QUEUE_ADDR_SHIFT);
}

/** The PFN for a queue address; diagnostics when it is unaligned or above 2^44 (Linux: -E2BIG). */
export function legacyQueuePfn(address: bigint): { pfn: number | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (address < 0n) throw new RangeError('addresses are non-negative');
  if (address & 0xfffn) diagnostics.push(vdiag('VIRTIO_LEGACY_PFN_UNALIGNED', null, `queue address ${hex(address)} is not 4096-aligned`));
  const pfn = address >> 12n;
  if (pfn > 0xffffffffn) diagnostics.push(vdiag('VIRTIO_LEGACY_PFN_TOO_HIGH', null, `queue address ${hex(address)} needs a PFN above 32 bits`));
  return { pfn: diagnostics.length ? null : Number(pfn), diagnostics };
}
