// Feature bits (virtio spec 2.2 and 6 "Reserved Feature Bits", plus each device type's list).
// A feature set is a bigint or an array of 32-bit words (word 0 = bits 0–31), of any length:
// virtio 1.4 devices may offer more than 64 bits.

/** A feature set: bigint, or 32-bit words as device_feature_select 0, 1, 2, ... give them. */
export type Features = bigint | readonly number[];

export function featuresToBigInt(f: Features): bigint {
  if (typeof f === 'bigint') {
    if (f < 0n) throw new RangeError('feature sets are non-negative');
    return f;
  }
  let v = 0n;
  for (let i = f.length - 1; i >= 0; i--) {
    const w = f[i];
    if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new RangeError(`feature word ${i} is not a u32: ${w}`);
    v = (v << 32n) | BigInt(w);
  }
  return v;
}

/** Split into 32-bit words; at least `minWords` of them (default: as many as the value needs, ≥ 1). */
export function featuresToWords(f: Features, minWords = 1): number[] {
  let v = featuresToBigInt(f);
  const out: number[] = [];
  while (v > 0n || out.length < minWords) {
    out.push(Number(v & 0xffffffffn));
    v >>= 32n;
  }
  return out;
}

/** Whether feature bit `bitNumber` (e.g. VIRTIO_F_VERSION_1, a bit number) is set in `f`. */
export function hasFeature(f: Features, bitNumber: number): boolean {
  if (typeof f === 'bigint') return ((f >> BigInt(bitNumber)) & 1n) === 1n;
  const w = f[bitNumber >>> 5] ?? 0;
  return ((w >>> (bitNumber & 31)) & 1) === 1;
}

/** Set bit numbers, ascending. */
export function featureBitList(f: Features): number[] {
  const out: number[] = [];
  let v = featuresToBigInt(f);
  for (let i = 0; v > 0n; i++, v >>= 1n) if (v & 1n) out.push(i);
  return out;
}

export function featuresFromBits(bitNumbers: Iterable<number>): bigint {
  let v = 0n;
  for (const b of bitNumbers) v |= 1n << BigInt(b);
  return v;
}

// Feature constants are bit numbers, as the spec and Linux define them: test one with
// hasFeature(f, VIRTIO_F_VERSION_1), build a mask with featuresFromBits([...]) or
// 1n << BigInt(bit). Names are the spec's (section 6, "Reserved Feature Bits").

/** Legacy interface only: notify even when the ring is empty (spec 6, legacy). */
export const VIRTIO_F_NOTIFY_ON_EMPTY = 24;
/** Legacy interface only: any descriptor layout (spec 6, legacy). */
export const VIRTIO_F_ANY_LAYOUT = 27;
/** Indirect descriptors (Linux: VIRTIO_RING_F_INDIRECT_DESC). */
export const VIRTIO_F_INDIRECT_DESC = 28;
/** used_event / avail_event (Linux: VIRTIO_RING_F_EVENT_IDX). */
export const VIRTIO_F_EVENT_IDX = 29;
/** Compliance with virtio 1.0 and later: the modern interface. */
export const VIRTIO_F_VERSION_1 = 32;
/** The device is behind an IOMMU or other platform translation (old name VIRTIO_F_IOMMU_PLATFORM). */
export const VIRTIO_F_ACCESS_PLATFORM = 33;
export const VIRTIO_F_RING_PACKED = 34;
export const VIRTIO_F_IN_ORDER = 35;
export const VIRTIO_F_ORDER_PLATFORM = 36;
export const VIRTIO_F_SR_IOV = 37;
/** Doorbell writes carry 32 bits of notification data. */
export const VIRTIO_F_NOTIFICATION_DATA = 38;
/** common_cfg.queue_notify_data (queue_notif_config_data) is the value to notify with. */
export const VIRTIO_F_NOTIF_CONFIG_DATA = 39;
/** Per-queue reset through common_cfg.queue_reset. */
export const VIRTIO_F_RING_RESET = 40;
/** Administration virtqueues (common_cfg.admin_queue_index/num). */
export const VIRTIO_F_ADMIN_VQ = 41;
/** DEVICE_STATUS SUSPEND (virtio 1.4). */
export const VIRTIO_F_SUSPEND = 43;

/**
 * Names of the device-independent bits, by bit number: every constant above, and bit 30, which
 * the spec leaves unnamed (QEMU offers it as VIRTIO_F_BAD_FEATURE to catch broken drivers).
 */
export const VIRTIO_F: Readonly<Record<number, string>> = {
  [VIRTIO_F_NOTIFY_ON_EMPTY]: 'VIRTIO_F_NOTIFY_ON_EMPTY',
  [VIRTIO_F_ANY_LAYOUT]: 'VIRTIO_F_ANY_LAYOUT',
  [VIRTIO_F_INDIRECT_DESC]: 'VIRTIO_F_INDIRECT_DESC',
  [VIRTIO_F_EVENT_IDX]: 'VIRTIO_F_EVENT_IDX',
  30: 'VIRTIO_F_BAD_FEATURE',
  [VIRTIO_F_VERSION_1]: 'VIRTIO_F_VERSION_1',
  [VIRTIO_F_ACCESS_PLATFORM]: 'VIRTIO_F_ACCESS_PLATFORM',
  [VIRTIO_F_RING_PACKED]: 'VIRTIO_F_RING_PACKED',
  [VIRTIO_F_IN_ORDER]: 'VIRTIO_F_IN_ORDER',
  [VIRTIO_F_ORDER_PLATFORM]: 'VIRTIO_F_ORDER_PLATFORM',
  [VIRTIO_F_SR_IOV]: 'VIRTIO_F_SR_IOV',
  [VIRTIO_F_NOTIFICATION_DATA]: 'VIRTIO_F_NOTIFICATION_DATA',
  [VIRTIO_F_NOTIF_CONFIG_DATA]: 'VIRTIO_F_NOTIF_CONFIG_DATA',
  [VIRTIO_F_RING_RESET]: 'VIRTIO_F_RING_RESET',
  [VIRTIO_F_ADMIN_VQ]: 'VIRTIO_F_ADMIN_VQ',
  [VIRTIO_F_SUSPEND]: 'VIRTIO_F_SUSPEND',
};

/** Other names of the same bits (Linux's), accepted by virtioFeatureBit. */
const VIRTIO_F_ALIASES: Readonly<Record<string, number>> = {
  VIRTIO_RING_F_INDIRECT_DESC: VIRTIO_F_INDIRECT_DESC,
  VIRTIO_RING_F_EVENT_IDX: VIRTIO_F_EVENT_IDX,
  VIRTIO_F_IOMMU_PLATFORM: VIRTIO_F_ACCESS_PLATFORM,
};

/** Device-specific feature bits by virtio device type. rng (4) and input (18) have none. */
export const VIRTIO_DEVICE_FEATURES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'VIRTIO_NET_F_CSUM',
    1: 'VIRTIO_NET_F_GUEST_CSUM',
    2: 'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS',
    3: 'VIRTIO_NET_F_MTU',
    5: 'VIRTIO_NET_F_MAC',
    6: 'VIRTIO_NET_F_GSO',
    7: 'VIRTIO_NET_F_GUEST_TSO4',
    8: 'VIRTIO_NET_F_GUEST_TSO6',
    9: 'VIRTIO_NET_F_GUEST_ECN',
    10: 'VIRTIO_NET_F_GUEST_UFO',
    11: 'VIRTIO_NET_F_HOST_TSO4',
    12: 'VIRTIO_NET_F_HOST_TSO6',
    13: 'VIRTIO_NET_F_HOST_ECN',
    14: 'VIRTIO_NET_F_HOST_UFO',
    15: 'VIRTIO_NET_F_MRG_RXBUF',
    16: 'VIRTIO_NET_F_STATUS',
    17: 'VIRTIO_NET_F_CTRL_VQ',
    18: 'VIRTIO_NET_F_CTRL_RX',
    19: 'VIRTIO_NET_F_CTRL_VLAN',
    20: 'VIRTIO_NET_F_CTRL_RX_EXTRA',
    21: 'VIRTIO_NET_F_GUEST_ANNOUNCE',
    22: 'VIRTIO_NET_F_MQ',
    23: 'VIRTIO_NET_F_CTRL_MAC_ADDR',
    50: 'VIRTIO_NET_F_DEVICE_STATS',
    52: 'VIRTIO_NET_F_VQ_NOTF_COAL',
    53: 'VIRTIO_NET_F_NOTF_COAL',
    54: 'VIRTIO_NET_F_GUEST_USO4',
    55: 'VIRTIO_NET_F_GUEST_USO6',
    56: 'VIRTIO_NET_F_HOST_USO',
    57: 'VIRTIO_NET_F_HASH_REPORT',
    59: 'VIRTIO_NET_F_GUEST_HDRLEN',
    60: 'VIRTIO_NET_F_RSS',
    61: 'VIRTIO_NET_F_RSC_EXT',
    62: 'VIRTIO_NET_F_STANDBY',
    63: 'VIRTIO_NET_F_SPEED_DUPLEX',
  },
  2: {
    0: 'VIRTIO_BLK_F_BARRIER',
    1: 'VIRTIO_BLK_F_SIZE_MAX',
    2: 'VIRTIO_BLK_F_SEG_MAX',
    4: 'VIRTIO_BLK_F_GEOMETRY',
    5: 'VIRTIO_BLK_F_RO',
    6: 'VIRTIO_BLK_F_BLK_SIZE',
    7: 'VIRTIO_BLK_F_SCSI',
    9: 'VIRTIO_BLK_F_FLUSH',
    10: 'VIRTIO_BLK_F_TOPOLOGY',
    11: 'VIRTIO_BLK_F_CONFIG_WCE',
    12: 'VIRTIO_BLK_F_MQ',
    13: 'VIRTIO_BLK_F_DISCARD',
    14: 'VIRTIO_BLK_F_WRITE_ZEROES',
    15: 'VIRTIO_BLK_F_LIFETIME',
    16: 'VIRTIO_BLK_F_SECURE_ERASE',
    17: 'VIRTIO_BLK_F_ZONED',
  },
  3: {
    0: 'VIRTIO_CONSOLE_F_SIZE',
    1: 'VIRTIO_CONSOLE_F_MULTIPORT',
    2: 'VIRTIO_CONSOLE_F_EMERG_WRITE',
  },
  4: {},
  5: {
    0: 'VIRTIO_BALLOON_F_MUST_TELL_HOST',
    1: 'VIRTIO_BALLOON_F_STATS_VQ',
    2: 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM',
    3: 'VIRTIO_BALLOON_F_FREE_PAGE_HINT',
    4: 'VIRTIO_BALLOON_F_PAGE_POISON',
    5: 'VIRTIO_BALLOON_F_PAGE_REPORTING',
  },
  8: {
    0: 'VIRTIO_SCSI_F_INOUT',
    1: 'VIRTIO_SCSI_F_HOTPLUG',
    2: 'VIRTIO_SCSI_F_CHANGE',
    3: 'VIRTIO_SCSI_F_T10_PI',
  },
  9: { 0: 'VIRTIO_9P_MOUNT_TAG' },
  16: {
    0: 'VIRTIO_GPU_F_VIRGL',
    1: 'VIRTIO_GPU_F_EDID',
    2: 'VIRTIO_GPU_F_RESOURCE_UUID',
    3: 'VIRTIO_GPU_F_RESOURCE_BLOB',
    4: 'VIRTIO_GPU_F_CONTEXT_INIT',
  },
  18: {},
  19: {
    0: 'VIRTIO_VSOCK_F_STREAM',
    1: 'VIRTIO_VSOCK_F_SEQPACKET',
    2: 'VIRTIO_VSOCK_F_NO_IMPLIED_STREAM',
  },
  20: {
    0: 'VIRTIO_CRYPTO_F_REVISION_1',
    1: 'VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE',
    2: 'VIRTIO_CRYPTO_F_HASH_STATELESS_MODE',
    3: 'VIRTIO_CRYPTO_F_MAC_STATELESS_MODE',
    4: 'VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE',
    5: 'VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE',
  },
  26: { 0: 'VIRTIO_FS_F_NOTIFICATION' },
};

export interface NamedFeature {
  readonly bit: number;
  /** Spec/Linux constant name, or `bit N` when nothing names it. */
  readonly name: string;
  readonly scope: 'device' | 'transport' | 'unknown';
}

/** Name one feature bit for a device type (null type: device-independent names only). */
export function virtioFeatureName(bitNumber: number, deviceType: number | null = null): NamedFeature {
  const dev = deviceType === null ? undefined : VIRTIO_DEVICE_FEATURES[deviceType]?.[bitNumber];
  if (dev) return { bit: bitNumber, name: dev, scope: 'device' };
  const t = VIRTIO_F[bitNumber];
  if (t) return { bit: bitNumber, name: t, scope: 'transport' };
  return { bit: bitNumber, name: `bit ${bitNumber}`, scope: 'unknown' };
}

/** Name every set bit of a feature set. */
export function virtioFeatureNames(f: Features, deviceType: number | null = null): NamedFeature[] {
  return featureBitList(f).map((b) => virtioFeatureName(b, deviceType));
}

/** The bit number of a named feature for a device type (either table, or a Linux alias), or null. */
export function virtioFeatureBit(name: string, deviceType: number | null = null): number | null {
  const tables = [deviceType === null ? undefined : VIRTIO_DEVICE_FEATURES[deviceType], VIRTIO_F];
  for (const t of tables) {
    if (!t) continue;
    for (const [k, v] of Object.entries(t)) if (v === name) return Number(k);
  }
  return Object.hasOwn(VIRTIO_F_ALIASES, name) ? VIRTIO_F_ALIASES[name]! : null;
}
