// Every diagnostic the virtio layer can emit, in one table (docs/diagnostics.md is generated
// from it). Codes are stable: renaming one is a breaking change.
import { defineDiagnostics } from '../bytes/diagnostic.js';

export const VIRTIO_DIAGNOSTICS = defineDiagnostics({
  // Identification
  VIRTIO_NOT_VIRTIO: {
    severity: 'info',
    meaning: 'The function is not a virtio device: vendor is not 0x1af4 or the device ID is outside 0x1000–0x107f.',
  },
  VIRTIO_DEVICE_TYPE_UNKNOWN: {
    severity: 'warning',
    meaning: 'The virtio device type (from the device ID or, for transitional IDs, the subsystem ID) is not one the spec names.',
  },
  VIRTIO_TRANSITIONAL_ID_MISMATCH: {
    severity: 'warning',
    meaning: 'A transitional device ID (0x1000–0x103f) whose subsystem ID disagrees with the transitional ID table; the subsystem ID is used, as Linux does.',
  },
  VIRTIO_TRANSITIONAL_REVISION: {
    severity: 'warning',
    meaning: 'A transitional device ID with a revision other than 0; the spec requires 0 and the Linux legacy driver refuses such a device.',
  },
  VIRTIO_MODERN_SUBSYSTEM_ID: {
    severity: 'info',
    meaning: 'A non-transitional device (ID ≥ 0x1040) whose subsystem ID is below 0x40 (the spec says SHOULD be ≥ 0x40).',
  },
  VIRTIO_IDENTITY_UNAVAILABLE: {
    severity: 'warning',
    meaning: 'The identification bytes of the header (vendor, device, revision, subsystem) are not in the known part of the image.',
  },

  // Capability structures
  VIRTIO_CAP_SHORT: {
    severity: 'warning',
    meaning: 'cap_len is shorter than the structure its cfg_type calls for; the fields past cap_len are not decoded from the capability.',
  },
  VIRTIO_CAP_TRUNCATED: {
    severity: 'warning',
    meaning: 'The capability runs past the known bytes of the image (a short dump); only the known fields are decoded.',
  },
  VIRTIO_CAP_CFG_TYPE_RESERVED: {
    severity: 'info',
    meaning: 'A virtio capability with a reserved cfg_type (6, 7, or above 9); drivers must ignore it, its bytes are kept raw.',
  },
  VIRTIO_CAP_BAR_RESERVED: {
    severity: 'warning',
    meaning: 'The bar field is not 0–5 (reserved values); drivers must ignore the capability.',
  },
  VIRTIO_CAP_BAR_UNIMPLEMENTED: {
    severity: 'warning',
    meaning: 'The bar field names a BAR that the function does not implement (empty register or known size 0); the capability cannot be used.',
  },
  VIRTIO_CAP_BAR_UPPER_HALF: {
    severity: 'warning',
    meaning: 'The bar field names the upper half of a 64-bit BAR, which is not a BAR of its own; Linux skips such a capability.',
  },
  VIRTIO_BAR_UNASSIGNED: {
    severity: 'info',
    meaning: 'The BAR a structure lives in has address 0 (not assigned by firmware yet); addresses computed from it are offsets only.',
  },
  VIRTIO_CAP_OFFSET_MISALIGNED: {
    severity: 'error',
    meaning: 'The structure offset is not aligned as the spec requires (common and device config 4, notify 2 or 4 with VIRTIO_F_NOTIFICATION_DATA).',
  },
  VIRTIO_CAP_LENGTH_SHORT: {
    severity: 'error',
    meaning: 'The structure length is below its minimum (common 56, ISR 1, notify 2 or 4, device config 1).',
  },
  VIRTIO_CAP_REGION_WRAP: {
    severity: 'error',
    meaning: 'offset + length of the structure wraps around 32 bits (64 bits for virtio_pci_cap64).',
  },
  VIRTIO_CAP_REGION_OUTSIDE_BAR: {
    severity: 'error',
    meaning: 'The structure does not lie within its BAR (checked only when the BAR size is known).',
  },
  VIRTIO_CAP_DUPLICATE_IGNORED: {
    severity: 'info',
    meaning: 'A further capability of a cfg_type already found; the first usable one in list order is used, this one is not.',
  },
  VIRTIO_SHM_CAP_LEN: {
    severity: 'warning',
    meaning: 'A shared-memory capability whose cap_len is not 24; Linux skips it.',
  },
  VIRTIO_SHM_ID_DUPLICATE: {
    severity: 'warning',
    meaning: 'Two shared-memory capabilities carry the same id; the spec requires ids to be unique.',
  },
  VIRTIO_VENDOR_DATA_LEN: {
    severity: 'warning',
    meaning: 'A vendor-data capability (cfg_type 9) whose cap_len is not a multiple of 4.',
  },
  VIRTIO_VENDOR_DATA_VENDOR_ID: {
    severity: 'warning',
    meaning: 'A vendor-data capability whose vendor_id is 0x1af4, which the spec forbids.',
  },

  // The transport as a whole
  VIRTIO_MISSING_COMMON_CFG: {
    severity: 'error',
    meaning: 'A modern device ID (≥ 0x1040) without a usable common configuration capability: no driver can use it.',
  },
  VIRTIO_MISSING_NOTIFY_CFG: {
    severity: 'error',
    meaning: 'A common configuration capability is present but no usable notification capability.',
  },
  VIRTIO_MISSING_ISR_CFG: {
    severity: 'error',
    meaning: 'A common configuration capability is present but no usable ISR capability.',
  },
  VIRTIO_MISSING_DEVICE_CFG: {
    severity: 'warning',
    meaning: 'No device-specific configuration capability although the device type has a device configuration.',
  },
  VIRTIO_MISSING_PCI_CFG: {
    severity: 'info',
    meaning: 'No PCI configuration access capability (the spec requires one; Linux does not use it).',
  },
  VIRTIO_CAPS_NOT_IN_IMAGE: {
    severity: 'warning',
    meaning:
      'The capability list continues past the known bytes of the image (e.g. an lspci -x dump), or where it starts is not known (the header type or the capability pointer is a hole in the dump): capabilities not seen are not reported missing.',
  },
  VIRTIO_LEGACY_ONLY: {
    severity: 'info',
    meaning: 'A transitional device ID without virtio capabilities: only the legacy I/O interface in BAR0 is available.',
  },
  VIRTIO_LEGACY_BAR_MISSING: {
    severity: 'error',
    meaning: 'A device that needs the legacy interface has no usable BAR0.',
  },
  VIRTIO_LEGACY_BAR_NOT_IO: {
    severity: 'warning',
    meaning: 'The legacy interface BAR0 is a memory BAR, not an I/O BAR as the spec describes.',
  },

  // Notification
  VIRTIO_NOTIFY_MULTIPLIER_NOT_POW2: {
    severity: 'error',
    meaning: 'notify_off_multiplier is neither 0 nor a power of 2.',
  },
  VIRTIO_NOTIFY_MULTIPLIER_ODD: {
    severity: 'warning',
    meaning: 'notify_off_multiplier is 1: the spec asks for an even power of 2, so 16-bit doorbells of neighbouring queues overlap.',
  },
  VIRTIO_NOTIFY_MULTIPLIER_NOT_MULT4: {
    severity: 'error',
    meaning: 'With VIRTIO_F_NOTIFICATION_DATA the multiplier must be 0 or a multiple of 4.',
  },
  VIRTIO_NOTIFY_MULTIPLIER_PAST_CAP_LEN: {
    severity: 'warning',
    meaning: 'The notify capability is shorter than 20 bytes; notify_off_multiplier was read at cap+16 anyway (as Linux does) because those bytes exist.',
  },
  VIRTIO_NOTIFY_MULTIPLIER_UNAVAILABLE: {
    severity: 'error',
    meaning: 'The notify capability has no readable notify_off_multiplier (cap_len < 20 and no bytes at cap+16).',
  },
  VIRTIO_NOTIFY_OFF_OUT_OF_RANGE: {
    severity: 'error',
    meaning: 'cap.length < queue_notify_off × notify_off_multiplier + 2 (+4 with VIRTIO_F_NOTIFICATION_DATA): the doorbell lies outside the notify structure.',
  },
  VIRTIO_NOTIFY_PRODUCT_OVER_32BIT: {
    severity: 'warning',
    meaning: 'queue_notify_off × notify_off_multiplier exceeds 32 bits; Linux computes this product in 32 bits and would wrap.',
  },
  VIRTIO_NOTIFY_OFF_ASSUMED: {
    severity: 'info',
    meaning: 'queue_notify_off was not read from the device; the queue index was assumed (what QEMU and cloud-hypervisor report).',
  },

  // Configuration structures
  VIRTIO_COMMON_CFG_SHORT_FOR_FEATURES: {
    severity: 'error',
    meaning: 'The common configuration length does not cover the fields a negotiated feature needs (58 for NOTIF_CONFIG_DATA, 60 for RING_RESET, 64 for ADMIN_VQ).',
  },
  VIRTIO_DEVCFG_FEATURES_UNKNOWN: {
    severity: 'info',
    meaning: 'Device configuration decoded without known features: every field the length allows is shown, present or not.',
  },
  VIRTIO_DEVCFG_SHORT: {
    severity: 'warning',
    meaning: 'The device configuration is shorter than the fields its features make present.',
  },
  VIRTIO_DEVCFG_TYPE_UNKNOWN: {
    severity: 'info',
    meaning: 'No device configuration layout is known for this device type; the bytes are kept raw.',
  },
  VIRTIO_LEGACY_PFN_UNALIGNED: {
    severity: 'error',
    meaning: 'A legacy queue address is not 4096-byte aligned and cannot be expressed as a PFN.',
  },
  VIRTIO_LEGACY_PFN_TOO_HIGH: {
    severity: 'error',
    meaning: 'A legacy queue address ≥ 2^44 does not fit the 32-bit QUEUE_PFN register.',
  },
});

export type VirtioDiagnosticCode = keyof typeof VIRTIO_DIAGNOSTICS;
