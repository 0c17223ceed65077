// Doorbells (virtio spec 4.1.4.4): notify address = BAR[cap.bar] + cap.offset +
// queue_notify_off × notify_off_multiplier, in 64-bit arithmetic; and the 32-bit notification
// value of VIRTIO_F_NOTIFICATION_DATA (spec 2.9 / 4.1.5.2).
import type { Diagnostic } from '../bytes/diagnostic.js';
import { bit, bits, struct, u32 } from '../layout/struct.js';
import { vdiag } from './diag.js';
import { hasFeature, VIRTIO_F_NOTIFICATION_DATA, type Features } from './features.js';
import { VIRTIO_PCI_LEGACY_QUEUE_NOTIFY } from './legacy.js';
import { checkNotifyBound, type VirtioTransport } from './probe.js';
import * as gen from './notify.gen.js';

export interface NotifyAddress {
  readonly space: 'mem' | 'io';
  readonly address: bigint;
  readonly bar: number;
  readonly barAddress: bigint;
  /** Config-space offset of the notify capability; null for the legacy register. */
  readonly capOffset: number | null;
  /** notify_off_multiplier (0 for the legacy register: every queue shares it). */
  readonly multiplier: number;
  readonly queueNotifyOff: number;
  /** True when queue_notify_off was not read from the device but assumed = queue index. */
  readonly assumedNotifyOff: boolean;
  /** Bytes a notification writes: 2, or 4 with VIRTIO_F_NOTIFICATION_DATA. */
  readonly width: 2 | 4;
  readonly legacy: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

export interface NotifyOptions {
  /** Override the transport's features (NOTIFICATION_DATA selects 4-byte doorbells and +4). */
  readonly features?: Features;
  /** Mark the result as assumed (what notifyAddressForQueue does). */
  readonly assumed?: boolean;
}

/**
 * The doorbell of a queue whose queue_notify_off is `queueNotifyOff`. For legacy-only devices
 * it is the legacy QUEUE_NOTIFY register (BAR0 + 16) whatever the value. Null when the
 * transport has neither a usable notify structure nor a legacy BAR0 (the probe said why).
 */
export function notifyAddress(transport: VirtioTransport, queueNotifyOff: number, opts: NotifyOptions = {}): NotifyAddress | null {
  if (!Number.isInteger(queueNotifyOff) || queueNotifyOff < 0 || queueNotifyOff > 0xffff) {
    throw new RangeError(`queue_notify_off must be a u16, got ${queueNotifyOff}`);
  }
  const features = opts.features ?? transport.features;
  const nd = features !== null && hasFeature(features, VIRTIO_F_NOTIFICATION_DATA);
  const width = nd ? 4 : 2;
  const assumedNotifyOff = opts.assumed ?? false;
  const diagnostics: Diagnostic[] = [];
  if (assumedNotifyOff) {
    diagnostics.push(vdiag('VIRTIO_NOTIFY_OFF_ASSUMED', null, `queue_notify_off ${queueNotifyOff} assumed equal to the queue index`));
  }
  const n = transport.notify;
  if (n && transport.kind !== 'legacy-only') {
    diagnostics.push(...checkNotifyBound(n, queueNotifyOff, nd, `queue_notify_off ${queueNotifyOff}`));
    return {
      space: n.bar.space,
      address: n.address + BigInt(queueNotifyOff) * BigInt(n.multiplier),
      bar: n.bar.index,
      barAddress: n.bar.address,
      capOffset: n.cap.pos,
      multiplier: n.multiplier,
      queueNotifyOff,
      assumedNotifyOff,
      width,
      legacy: false,
      diagnostics,
    };
  }
  const l = transport.legacy;
  if (l && l.bar && transport.kind === 'legacy-only') {
    return {
      space: l.bar.space,
      address: l.bar.address + BigInt(VIRTIO_PCI_LEGACY_QUEUE_NOTIFY),
      bar: l.bar.index,
      barAddress: l.bar.address,
      capOffset: null,
      multiplier: 0,
      queueNotifyOff,
      assumedNotifyOff,
      width,
      legacy: true,
      diagnostics,
    };
  }
  return null;
}

/**
 * The doorbell of queue `queueIndex`. Its queue_notify_off is the one the probe was given
 * (ProbeOptions.queueNotifyOffs, read from common_cfg); when the probe has none for this queue,
 * the index is taken as queue_notify_off (what QEMU, cloud-hypervisor and kvmtool report) and
 * the result says so (assumedNotifyOff, VIRTIO_NOTIFY_OFF_ASSUMED).
 */
export function notifyAddressForQueue(transport: VirtioTransport, queueIndex: number, opts: Omit<NotifyOptions, 'assumed'> = {}): NotifyAddress | null {
  const read = transport.queueNotifyOffs?.[queueIndex];
  if (read !== undefined) return notifyAddress(transport, read, Object.assign({}, opts, { assumed: false }));
  return notifyAddress(transport, queueIndex, Object.assign({}, opts, { assumed: true }));
}

/** The 32-bit notification value with VIRTIO_F_NOTIFICATION_DATA, as a field table. */
export const virtioNotificationData = struct('virtio_notification_data', {
  value: u32(0, 'wo', {
    bits: [
      bits('vqn', 0, 16, undefined, 'Virtqueue index (or queue_notify_data with VIRTIO_F_NOTIF_CONFIG_DATA)'),
      bits('next_off', 16, 15, undefined, 'Split: low 15 bits of the next avail idx; packed: offset of the next descriptor'),
      bit('next_wrap', 31, undefined, 'Split: bit 15 of the next avail idx; packed: the driver ring wrap counter'),
    ],
  }),
}, gen.virtio_notification_data);

export interface SplitNotification {
  readonly vqn: number;
  /** The 16-bit index of the next available ring entry (avail->idx). */
  readonly next_idx: number;
}

export interface PackedNotification {
  readonly vqn: number;
  /** 15-bit offset in the descriptor ring of the next available descriptor. */
  readonly next_off: number;
  readonly next_wrap: boolean;
}

function u(v: number, bitsWide: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bitsWide) throw new RangeError(`${what} must be a ${bitsWide}-bit unsigned integer, got ${v}`);
  return v;
}

export function encodeSplitNotification(n: SplitNotification): number {
  return (u(n.vqn, 16, 'vqn') | (u(n.next_idx, 16, 'next_idx') << 16)) >>> 0;
}

export function decodeSplitNotification(value: number): SplitNotification {
  u(value, 32, 'notification value');
  return { vqn: value & 0xffff, next_idx: value >>> 16 };
}

export function encodePackedNotification(n: PackedNotification): number {
  return (u(n.vqn, 16, 'vqn') | (u(n.next_off, 15, 'next_off') << 16) | (n.next_wrap ? 0x80000000 : 0)) >>> 0;
}

export function decodePackedNotification(value: number): PackedNotification {
  u(value, 32, 'notification value');
  return { vqn: value & 0xffff, next_off: (value >>> 16) & 0x7fff, next_wrap: value >>> 31 === 1 };
}
