// The transport-independent state of a virtio device: features, status, queues, ISR,
// configuration generation. Both register files (modern common_cfg and legacy I/O) act on
// one core, as QEMU's VirtIODevice sits behind both of a transitional device's interfaces.
import { VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_FEATURES_OK } from '../virtio/common-cfg.js';
import { VIRTIO_MSI_NO_VECTOR } from '../virtio/legacy.js';

/** QEMU's VIRTIO_QUEUE_MAX: a queue_select at or above it is ignored. */
const VIRTIO_QUEUE_MAX = 1024;

export interface ModelQueueState {
  readonly index: number;
  /** Size at reset (the maximum). */
  readonly maxSize: number;
  size: number;
  msixVector: number;
  enabled: boolean;
  /** queue_notify_off as the device reports it. */
  readonly notifyOff: number;
  /** queue_notify_data (spec 1.4: queue_notif_config_data). */
  readonly notifConfigData: number;
  desc: bigint;
  driver: bigint;
  device: bigint;
}

export interface VirtioModelCoreEvents {
  /** After a device reset (status 0 or legacy PFN 0). */
  reset?(): void;
  /** A queue became enabled (queue_enable 1, or a legacy PFN). */
  queueEnabled?(q: ModelQueueState): void;
  /** A single queue was reset (queue_reset). */
  queueReset?(q: ModelQueueState): void;
  /** The driver set DRIVER_OK. */
  driverOk?(): void;
}

export class VirtioModelCore {
  readonly deviceFeatures: bigint;
  readonly queues: ModelQueueState[];
  /** MSI-X table size; vectors at or above it read back as NO_VECTOR. */
  readonly msixVectors: number;
  driverFeatures = 0n;
  deviceFeatureSelect = 0;
  driverFeatureSelect = 0;
  status = 0;
  configGeneration = 0;
  msixConfig = VIRTIO_MSI_NO_VECTOR;
  queueSelect = 0;
  isr = 0;
  events: VirtioModelCoreEvents = {};

  constructor(deviceFeatures: bigint, queues: ReadonlyArray<{ size: number; notifyOff?: number }>, msixVectors: number) {
    this.deviceFeatures = deviceFeatures;
    this.msixVectors = msixVectors;
    this.queues = queues.map((q, index) => ({
      index,
      maxSize: q.size,
      size: q.size,
      msixVector: VIRTIO_MSI_NO_VECTOR,
      enabled: false,
      notifyOff: q.notifyOff ?? index,
      notifConfigData: index,
      desc: 0n,
      driver: 0n,
      device: 0n,
    }));
  }

  /** Features both sides have (what the device acts on). */
  get negotiated(): bigint {
    return this.driverFeatures & this.deviceFeatures;
  }

  hasNegotiated(bitNumber: number): boolean {
    return ((this.negotiated >> BigInt(bitNumber)) & 1n) === 1n;
  }

  /** The 32-bit word `sel` of a feature set. */
  static featureWord(f: bigint, sel: number): number {
    return Number((f >> BigInt(32 * sel)) & 0xffffffffn);
  }

  setDriverFeatureWord(sel: number, v: number): void {
    // Features are fixed once FEATURES_OK is accepted (spec 3.1.1); QEMU refuses the change too.
    if (this.status & VIRTIO_CONFIG_S_FEATURES_OK) return;
    const shift = BigInt(32 * sel);
    this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(v >>> 0) << shift);
  }

  selectedQueue(): ModelQueueState | undefined {
    return this.queues[this.queueSelect];
  }

  selectQueue(v: number): void {
    if (v < VIRTIO_QUEUE_MAX) this.queueSelect = v;
  }

  /** A vector the device accepts, or NO_VECTOR (the driver reads the failure back). */
  checkedVector(v: number): number {
    return v < this.msixVectors ? v : VIRTIO_MSI_NO_VECTOR;
  }

  setStatus(v: number): void {
    v &= 0xff;
    if (v === 0) {
      this.reset();
      return;
    }
    // FEATURES_OK is accepted only for a subset of what the device offers (spec 3.1.1 step 5).
    if (v & VIRTIO_CONFIG_S_FEATURES_OK && !(this.status & VIRTIO_CONFIG_S_FEATURES_OK)) {
      if ((this.driverFeatures & ~this.deviceFeatures) !== 0n) v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    const wasOk = (this.status & VIRTIO_CONFIG_S_DRIVER_OK) !== 0;
    this.status = v;
    if (!wasOk && v & VIRTIO_CONFIG_S_DRIVER_OK) this.events.driverOk?.();
  }

  setQueueSize(q: ModelQueueState, v: number): void {
    // QEMU ignores sizes above the maximum and a change between 0 and non-zero.
    if (v >= 1 && v <= q.maxSize && !q.enabled) q.size = v;
  }

  enableQueue(q: ModelQueueState): void {
    q.enabled = true;
    this.events.queueEnabled?.(q);
  }

  resetQueue(q: ModelQueueState): void {
    clearQueue(q);
    this.events.queueReset?.(q);
  }

  /** Device reset: everything back to its power-on value. */
  reset(): void {
    this.status = 0;
    this.driverFeatures = 0n;
    this.deviceFeatureSelect = 0;
    this.driverFeatureSelect = 0;
    this.msixConfig = VIRTIO_MSI_NO_VECTOR;
    this.queueSelect = 0;
    this.isr = 0;
    for (const q of this.queues) clearQueue(q);
    this.events.reset?.();
  }

  /** ISR read: the value, then cleared (spec 4.1.4.5). */
  readIsr(): number {
    const v = this.isr;
    this.isr = 0;
    return v;
  }
}

function clearQueue(q: ModelQueueState): void {
  q.size = q.maxSize;
  q.msixVector = VIRTIO_MSI_NO_VECTOR;
  q.enabled = false;
  q.desc = 0n;
  q.driver = 0n;
  q.device = 0n;
}
