// struct virtio_pci_common_cfg (virtio spec 4.1.4.3 "Common configuration structure layout").
// One table; the 1.0 (56 bytes), 1.2 (60) and 1.3+ (64) layouts are its prefixes. Which fields
// a device has follows the length its capability advertises.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { bit, struct, u16, u32, u64, u8, type PartialDecode, type ValueOf } from '../layout/struct.js';
import { vdiag } from './diag.js';
import { hasFeature, VIRTIO_F_ADMIN_VQ, VIRTIO_F_NOTIF_CONFIG_DATA, VIRTIO_F_RING_RESET, type Features } from './features.js';
import * as gen from './common-cfg.gen.js';

/** device_status bits (spec 2.1 "Device Status Field"). */
export const VIRTIO_STATUS_BITS = [
  bit('ACKNOWLEDGE', 0),
  bit('DRIVER', 1),
  bit('DRIVER_OK', 2),
  bit('FEATURES_OK', 3),
  bit('SUSPEND', 4),
  bit('DEVICE_NEEDS_RESET', 6),
  bit('FAILED', 7),
];

/** The mask of a device_status bit, from the table above. */
const statusMask = (name: string): number => 1 << VIRTIO_STATUS_BITS.find((b) => b.name === name)!.lo;
/** device_status values under Linux's names (include/uapi/linux/virtio_config.h). */
export const VIRTIO_CONFIG_S_ACKNOWLEDGE = statusMask('ACKNOWLEDGE');
export const VIRTIO_CONFIG_S_DRIVER = statusMask('DRIVER');
export const VIRTIO_CONFIG_S_DRIVER_OK = statusMask('DRIVER_OK');
export const VIRTIO_CONFIG_S_FEATURES_OK = statusMask('FEATURES_OK');
export const VIRTIO_CONFIG_S_NEEDS_RESET = statusMask('DEVICE_NEEDS_RESET');
export const VIRTIO_CONFIG_S_FAILED = statusMask('FAILED');

const fields = {
  // About the whole device.
  device_feature_select: u32(0, 'rw', { doc: 'Selects the 32-bit word of device_feature (0: bits 0–31, 1: 32–63, ...)' }),
  device_feature: u32(4, 'ro', { doc: 'The selected word of the device feature bits' }),
  driver_feature_select: u32(8, 'rw', { doc: 'Selects the 32-bit word of driver_feature (Linux: guest_feature_select)' }),
  driver_feature: u32(12, 'rw', { doc: 'The selected word of the driver feature bits (Linux: guest_feature)' }),
  msix_config: u16(16, 'rw', { doc: 'MSI-X vector for configuration changes (spec 1.4: config_msix_vector)' }),
  num_queues: u16(18, 'ro', { doc: 'Number of virtqueues, admin queues excluded' }),
  device_status: u8(20, 'rw', { bits: VIRTIO_STATUS_BITS, doc: 'Device status; writing 0 resets the device' }),
  config_generation: u8(21, 'ro', { doc: 'Changes when the device configuration changes' }),
  // About a specific virtqueue.
  queue_select: u16(22, 'rw', { doc: 'Queue the queue_* fields refer to' }),
  queue_size: u16(24, 'rw', { doc: 'Queue size; 0 = queue unavailable' }),
  queue_msix_vector: u16(26, 'rw', { doc: 'MSI-X vector of the queue' }),
  queue_enable: u16(28, 'rw', { doc: 'Driver writes 1 to enable the queue' }),
  queue_notify_off: u16(30, 'ro', { doc: 'Doorbell offset of the queue, in units of notify_off_multiplier' }),
  queue_desc: u64(32, 'rw', { doc: 'Descriptor area address (Linux: queue_desc_lo/hi)' }),
  queue_driver: u64(40, 'rw', { doc: 'Driver (available) area address (Linux: queue_avail_lo/hi)' }),
  queue_device: u64(48, 'rw', { doc: 'Device (used) area address (Linux: queue_used_lo/hi)' }),
  // Virtio 1.2.
  queue_notify_data: u16(56, 'ro', { doc: 'Value to notify with when VIRTIO_F_NOTIF_CONFIG_DATA (spec 1.4: queue_notif_config_data)' }),
  queue_reset: u16(58, 'rw', { doc: 'Queue reset (VIRTIO_F_RING_RESET): write 1, reads 1 while in progress' }),
  // Virtio 1.3.
  admin_queue_index: u16(60, 'ro', { doc: 'Index of the first admin queue (VIRTIO_F_ADMIN_VQ)' }),
  admin_queue_num: u16(62, 'ro', { doc: 'Number of admin queues (VIRTIO_F_ADMIN_VQ)' }),
};

type Fields = typeof fields;
type Pick2<K extends keyof Fields> = { [P in K]: Fields[P] };

const { queue_notify_data, queue_reset, admin_queue_index, admin_queue_num, ...v10 } = fields;

/** Virtio 1.0/1.1 layout: 56 bytes (Linux `struct virtio_pci_common_cfg`). */
export const virtioPciCommonCfg = struct('virtio_pci_common_cfg', v10 as Pick2<Exclude<keyof Fields, 'queue_notify_data' | 'queue_reset' | 'admin_queue_index' | 'admin_queue_num'>>, gen.virtio_pci_common_cfg);
/** Virtio 1.2 layout: 60 bytes (+ queue_notify_data, queue_reset). */
export const virtioPciCommonCfg12 = struct('virtio_pci_common_cfg_1_2', { ...v10, queue_notify_data, queue_reset }, gen.virtio_pci_common_cfg_1_2);
/** Virtio 1.3+ layout: 64 bytes (Linux `struct virtio_pci_modern_common_cfg`). */
export const virtioPciModernCommonCfg = struct('virtio_pci_modern_common_cfg', fields, gen.virtio_pci_modern_common_cfg);

export type VirtioPciCommonCfg = ValueOf<typeof virtioPciModernCommonCfg>;

export type CommonCfgLayout = '1.0' | '1.2' | '1.3';

/** Field offsets (Linux VIRTIO_PCI_COMMON_*), derived from the table. */
export const VIRTIO_PCI_COMMON_CFG_OFFSETS: Readonly<Record<keyof Fields, number>> = Object.fromEntries(
  Object.entries(fields).map(([k, f]) => [k, f.offset]),
) as Record<keyof Fields, number>;

/** The layout whose size a common-cfg of `length` bytes covers (lengths below 56 use 1.0, partially). */
export function commonCfgLayoutFor(length: number | bigint): CommonCfgLayout {
  const n = typeof length === 'bigint' ? (length > 64n ? 64 : Number(length)) : length;
  return n >= 64 ? '1.3' : n >= 60 ? '1.2' : '1.0';
}

export function commonCfgStruct(layout: CommonCfgLayout) {
  return layout === '1.3' ? virtioPciModernCommonCfg : layout === '1.2' ? virtioPciCommonCfg12 : virtioPciCommonCfg;
}

export interface CommonCfgDecode extends PartialDecode<VirtioPciCommonCfg> {
  readonly layout: CommonCfgLayout;
}

/**
 * Decode a common configuration structure whose capability advertises `length` bytes: the
 * fields that exist are those inside min(length, 64) and inside `bytes`.
 */
export function decodeCommonCfg(bytes: Uint8Array, at: number, length: number | bigint): CommonCfgDecode {
  const layout = commonCfgLayoutFor(length);
  const n = typeof length === 'bigint' ? (length > 64n ? 64 : Number(length)) : Math.min(length, 64);
  const r = virtioPciModernCommonCfg.decodePartial(bytes, at, at + n);
  return { layout, value: r.value, missing: r.missing };
}

/** Encode the fields of `v` that the given length covers (mirror of decodeCommonCfg). */
export function encodeCommonCfg(v: Partial<VirtioPciCommonCfg>, out: Uint8Array, at: number, length: number | bigint): Uint8Array {
  const n = typeof length === 'bigint' ? (length > 64n ? 64 : Number(length)) : Math.min(length, 64);
  return virtioPciModernCommonCfg.encodePartial(v, out, at, at + n);
}

/** The common_cfg length the features need (Linux vp_finalize_features): 56, 58 (NOTIF_CONFIG_DATA), 60 (RING_RESET), 64 (ADMIN_VQ). */
export function commonCfgRequiredLength(features: Features): number {
  if (hasFeature(features, VIRTIO_F_ADMIN_VQ)) return 64;
  if (hasFeature(features, VIRTIO_F_RING_RESET)) return 60;
  if (hasFeature(features, VIRTIO_F_NOTIF_CONFIG_DATA)) return 58;
  return 56;
}

/** Diagnostics when a common cfg of `length` bytes is too short for `features`. */
export function checkCommonCfgLength(length: bigint, features: Features, offset: number | null): Diagnostic[] {
  const need = commonCfgRequiredLength(features);
  return length < BigInt(need)
    ? [vdiag('VIRTIO_COMMON_CFG_SHORT_FOR_FEATURES', offset, `common cfg length ${length} < ${need} needed by the features`)]
    : [];
}
