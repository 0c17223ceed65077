// Identification of a virtio PCI function (virtio spec 4.1.2 "PCI Device Discovery") and the
// names of virtio device types (spec chapter 5 "Device Types").
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { readU16 } from '../bytes/window.js';
import { vdiag } from './diag.js';

export const VIRTIO_PCI_VENDOR_ID = 0x1af4;
export const VIRTIO_PCI_DEVICE_ID_MIN = 0x1000;
export const VIRTIO_PCI_DEVICE_ID_MAX = 0x107f;
/** First non-transitional device ID: 0x1040 + virtio device type. */
export const VIRTIO_PCI_MODERN_DEVICE_BASE = 0x1040;
/** Last device ID a transitional device may use. */
export const VIRTIO_PCI_TRANSITIONAL_MAX = 0x103f;

/** Virtio device types (spec "Device Types"), by ID: short name and the spec's title. */
export const VIRTIO_DEVICE_TYPES: Readonly<Record<number, { readonly name: string; readonly title: string }>> = {
  0: { name: 'reserved', title: 'reserved (invalid)' },
  1: { name: 'net', title: 'network card' },
  2: { name: 'blk', title: 'block device' },
  3: { name: 'console', title: 'console' },
  4: { name: 'rng', title: 'entropy source' },
  5: { name: 'balloon', title: 'memory ballooning (traditional)' },
  6: { name: 'iomem', title: 'ioMemory' },
  7: { name: 'rpmsg', title: 'rpmsg' },
  8: { name: 'scsi', title: 'SCSI host' },
  9: { name: '9p', title: '9P transport' },
  10: { name: 'mac80211_wlan', title: 'mac80211 wlan' },
  11: { name: 'rproc_serial', title: 'rproc serial' },
  12: { name: 'caif', title: 'virtio CAIF' },
  13: { name: 'memory_balloon', title: 'memory balloon' },
  16: { name: 'gpu', title: 'GPU device' },
  17: { name: 'clock', title: 'Timer/Clock device' },
  18: { name: 'input', title: 'Input device' },
  19: { name: 'vsock', title: 'Socket device' },
  20: { name: 'crypto', title: 'Crypto device' },
  21: { name: 'signal_dist', title: 'Signal Distribution Module' },
  22: { name: 'pstore', title: 'pstore device' },
  23: { name: 'iommu', title: 'IOMMU device' },
  24: { name: 'mem', title: 'Memory device' },
  25: { name: 'sound', title: 'Sound device' },
  26: { name: 'fs', title: 'file system device' },
  27: { name: 'pmem', title: 'PMEM device' },
  28: { name: 'rpmb', title: 'RPMB device' },
  29: { name: 'mac80211_hwsim', title: 'mac80211 hwsim wireless simulation device' },
  30: { name: 'video_encoder', title: 'Video encoder device' },
  31: { name: 'video_decoder', title: 'Video decoder device' },
  32: { name: 'scmi', title: 'SCMI device' },
  33: { name: 'nitro_sec_mod', title: 'NitroSecureModule' },
  34: { name: 'i2c', title: 'I2C adapter' },
  35: { name: 'watchdog', title: 'Watchdog' },
  36: { name: 'can', title: 'CAN device' },
  38: { name: 'parameter_server', title: 'Parameter Server' },
  39: { name: 'audio_policy', title: 'Audio policy device' },
  40: { name: 'bluetooth', title: 'Bluetooth device' },
  41: { name: 'gpio', title: 'GPIO device' },
  42: { name: 'rdma', title: 'RDMA device' },
  43: { name: 'camera', title: 'Camera device' },
  44: { name: 'ism', title: 'ISM device' },
  45: { name: 'spi', title: 'SPI master' },
  48: { name: 'media', title: 'Media device' },
};

/** Virtio device type numbers used elsewhere in the layer. */
export const VIRTIO_ID_NET = 1;
export const VIRTIO_ID_BLOCK = 2;
export const VIRTIO_ID_CONSOLE = 3;
export const VIRTIO_ID_RNG = 4;
export const VIRTIO_ID_BALLOON = 5;
export const VIRTIO_ID_SCSI = 8;
export const VIRTIO_ID_9P = 9;
export const VIRTIO_ID_GPU = 16;
export const VIRTIO_ID_INPUT = 18;
export const VIRTIO_ID_VSOCK = 19;
export const VIRTIO_ID_CRYPTO = 20;
export const VIRTIO_ID_FS = 26;

/** Transitional PCI device IDs (spec 4.1.2.1): PCI device ID → virtio device type. */
export const VIRTIO_TRANSITIONAL_DEVICE_IDS: Readonly<Record<number, number>> = {
  0x1000: 1,
  0x1001: 2,
  0x1002: 5,
  0x1003: 3,
  0x1004: 8,
  0x1005: 4,
  0x1009: 9,
};

export function virtioDeviceTypeName(type: number): string {
  return VIRTIO_DEVICE_TYPES[type]?.name ?? `unknown(${type})`;
}

export function virtioDeviceTypeTitle(type: number): string {
  return VIRTIO_DEVICE_TYPES[type]?.title ?? `unknown device type ${type}`;
}

/** True for vendor 0x1af4 with a device ID in 0x1000–0x107f (what lspci and Linux match). */
export function isVirtioPciId(vendorId: number, deviceId: number): boolean {
  return vendorId === VIRTIO_PCI_VENDOR_ID && deviceId >= VIRTIO_PCI_DEVICE_ID_MIN && deviceId <= VIRTIO_PCI_DEVICE_ID_MAX;
}

/**
 * modern: non-transitional ID (≥ 0x1040) with usable common, notify and ISR structures (what
 * Linux's vp_modern_probe requires); modern-incomplete: non-transitional ID missing one of them;
 * transitional: ID < 0x1040 with a usable common structure; legacy-only: ID < 0x1040 without it.
 */
export type VirtioPciKind = 'modern' | 'modern-incomplete' | 'transitional' | 'legacy-only';

export interface VirtioIdentity {
  readonly isVirtio: boolean;
  readonly vendorId: number | null;
  readonly deviceId: number | null;
  readonly revision: number | null;
  readonly subsystemVendorId: number | null;
  readonly subsystemId: number | null;
  /** Virtio device type (1 net, 2 block, ...); null when not virtio or unknowable. */
  readonly deviceType: number | null;
  readonly typeName: string | null;
  /** True when the device ID is in the transitional range (0x1000–0x103f). */
  readonly transitionalId: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Identify a function from its header bytes (offsets 0x00, 0x02, 0x08, 0x2c, 0x2e of a type 0
 * header). `known` is how many bytes of the image are real.
 */
export function identifyVirtio(bytes: Uint8Array, known: number = bytes.length): VirtioIdentity {
  const limit = Math.min(known, bytes.length);
  const r16 = (o: number) => (o + 2 <= limit ? readU16(bytes, o) : null);
  const vendorId = r16(0x00);
  const deviceId = r16(0x02);
  const revision = 0x08 < limit ? bytes[0x08] : null;
  const subsystemVendorId = r16(0x2c);
  const subsystemId = r16(0x2e);
  const diagnostics: Diagnostic[] = [];
  if (vendorId === null || deviceId === null) {
    diagnostics.push(vdiag('VIRTIO_IDENTITY_UNAVAILABLE', 0, 'vendor and device ID are not in the known bytes of the image'));
    return { vendorId, deviceId, revision, subsystemVendorId, subsystemId, isVirtio: false, deviceType: null, typeName: null, transitionalId: false, diagnostics };
  }
  if (!isVirtioPciId(vendorId, deviceId)) {
    diagnostics.push(vdiag('VIRTIO_NOT_VIRTIO', 0, `${hex(vendorId, 4)}:${hex(deviceId, 4)} is not a virtio PCI ID`));
    return { vendorId, deviceId, revision, subsystemVendorId, subsystemId, isVirtio: false, deviceType: null, typeName: null, transitionalId: false, diagnostics };
  }
  const transitionalId = deviceId <= VIRTIO_PCI_TRANSITIONAL_MAX;
  let deviceType: number | null;
  if (!transitionalId) {
    deviceType = deviceId - VIRTIO_PCI_MODERN_DEVICE_BASE;
    if (subsystemId !== null && subsystemId < 0x40) {
      diagnostics.push(vdiag('VIRTIO_MODERN_SUBSYSTEM_ID', 0x2e, `non-transitional device with subsystem ID ${hex(subsystemId, 4)} < 0x40`));
    }
  } else {
    const fromTable = VIRTIO_TRANSITIONAL_DEVICE_IDS[deviceId] ?? null;
    if (subsystemId === null) {
      diagnostics.push(vdiag('VIRTIO_IDENTITY_UNAVAILABLE', 0x2e, 'subsystem ID not in the image; device type taken from the transitional ID table'));
      deviceType = fromTable;
    } else {
      deviceType = subsystemId;
      if (fromTable !== null && fromTable !== subsystemId) {
        diagnostics.push(
          vdiag('VIRTIO_TRANSITIONAL_ID_MISMATCH', 0x2e, `transitional ID ${hex(deviceId, 4)} means type ${fromTable} but the subsystem ID says ${subsystemId}`),
        );
      }
    }
    if (revision !== null && revision !== 0) {
      diagnostics.push(vdiag('VIRTIO_TRANSITIONAL_REVISION', 0x08, `transitional device ID with revision ${revision} (must be 0)`));
    }
  }
  if (deviceType !== null && !VIRTIO_DEVICE_TYPES[deviceType]) {
    diagnostics.push(vdiag('VIRTIO_DEVICE_TYPE_UNKNOWN', transitionalId ? 0x2e : 0x02, `virtio device type ${deviceType} is not named by the spec`));
  }
  // Whole literals, not a spread of the IDs plus more fields: on Node 20 every field added after
  // a spread costs about a microsecond (docs/benchmarks.md).
  return {
    vendorId,
    deviceId,
    revision,
    subsystemVendorId,
    subsystemId,
    isVirtio: true,
    deviceType,
    typeName: deviceType === null ? null : virtioDeviceTypeName(deviceType),
    transitionalId,
    diagnostics,
  };
}
