// A minimal virtio-pci driver over any Bus, in the order Linux's virtio_pci_modern and
// virtio_pci_legacy drivers take: read the config image, probe it, reset, ACKNOWLEDGE,
// DRIVER, negotiate, FEATURES_OK (modern), set up each queue, DRIVER_OK. It sees the device
// only through config cycles and memory / I/O accesses; every value it reads or computes is
// logged in `steps` so tests and the CLI can show them.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import type { AccessWidth, Bus, PciAddress } from '../pci/bus.js';
import { formatPciAddress } from '../pci/bus.js';
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import { decodeConfigSpace } from '../pci/config-space.js';
import type { ConfigSpace } from '../pci/types.js';
import {
  commonCfgRequiredLength,
  VIRTIO_CONFIG_S_ACKNOWLEDGE,
  VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FAILED,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_PCI_COMMON_CFG_OFFSETS,
} from '../virtio/common-cfg.js';
import { VIRTIO_PCI_DEVICE_ID_MAX, VIRTIO_PCI_DEVICE_ID_MIN, VIRTIO_PCI_MODERN_DEVICE_BASE, VIRTIO_PCI_VENDOR_ID } from '../virtio/ids.js';
import { featureBitList, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_RING_PACKED, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { legacyQueuePfn, virtioLegacyHeader, VIRTIO_PCI_LEGACY_QUEUE_NOTIFY } from '../virtio/legacy.js';
import { encodePackedNotification, encodeSplitNotification, notifyAddress, type NotifyAddress } from '../virtio/notify.js';
import { probeVirtio, type VirtioBarRef, type VirtioTransport } from '../virtio/probe.js';
import { virtioVendorCapDecoder } from '../virtio/vendor-hook.js';
import { packedVringLayout, type PackedVringLayout } from '../vring/packed-layout.js';
import { PackedVringDriver, packedVringAddrs } from '../vring/packed-ring.js';
import { legacySplitVringLayout, splitVringLayout, type SplitVringLayout } from '../vring/split-layout.js';
import { SplitVringDriver, splitVringAddrs, type VringBufferSpec, type VringUsedResult } from '../vring/split-ring.js';
import { vringIsPowerOfTwo } from '../vring/size.js';
import { enumeratePci, findCapabilityOnBus, type EnumeratedFunction, type EnumerateOptions } from '../pci/enumerate.js';
import { VirtioDriverError } from './errors.js';
import { BusMirrorMemory, GuestRamAllocator } from './guest-memory.js';


export type VirtioDriverPath = 'modern' | 'legacy';

export interface VirtioDriverOptions {
  /** Which interface to drive: modern when the device has one (default), or the legacy I/O BAR0. */
  readonly transport?: 'auto' | VirtioDriverPath;
  /** Negotiate VIRTIO_F_RING_PACKED when offered (modern only). */
  readonly packed?: boolean;
  /** Negotiate VIRTIO_F_EVENT_IDX when offered. */
  readonly eventIdx?: boolean;
  /**
   * Negotiate VIRTIO_F_INDIRECT_DESC when offered (default true, as Linux): chains of more
   * than one buffer then go into an indirect table and take one ring slot.
   */
  readonly indirect?: boolean;
  /** Negotiate VIRTIO_F_NOTIFICATION_DATA when offered (modern only): 32-bit doorbell writes. */
  readonly notificationData?: boolean;
  /** Device-specific feature bits wanted; each is taken only when the device offers it. */
  readonly deviceFeatures?: bigint;
  /** How many queues to set up, from queue 0 (default: all the device has, at most 64). */
  readonly queues?: number;
  /** Largest ring to use (default 256); the device's maximum wins when smaller. */
  readonly maxQueueSize?: number;
  /** Guest RAM window for rings and buffers (default 0x100000..0x10000000). */
  readonly ram?: GuestRamAllocator;
  /** Config bytes to read: 256, or 4096 (PCIe function on a Bus with extended config access). */
  readonly configSpaceSize?: 256 | 4096;
  /** Reads of device_status allowed while waiting for a reset to finish (default 1000). */
  readonly resetPolls?: number;
  /** Awaited between polls (reset, used ring); default: nothing. */
  readonly pause?: () => Promise<void>;
}

/** One logged step: what the driver did and the values it read or computed. */
export interface VirtioDriverStep {
  readonly step: string;
  readonly values: Readonly<Record<string, string | number | bigint | boolean | null>>;
}

export interface VirtioDriverQueue {
  readonly index: number;
  /** queue_size (modern) or QUEUE_NUM (legacy) as first read: the device's maximum. */
  readonly maxSize: number;
  readonly size: number;
  readonly format: 'split' | 'packed';
  readonly layout: SplitVringLayout | PackedVringLayout;
  /** Guest address of the ring block. */
  readonly ringBase: bigint;
  /** queue_desc / queue_driver / queue_device as written. */
  readonly desc: bigint;
  readonly driverArea: bigint;
  readonly deviceArea: bigint;
  /** QUEUE_PFN written (legacy), else null. */
  readonly legacyPfn: number | null;
  /** queue_notify_off read from the device (modern), else null. */
  readonly queueNotifyOff: number | null;
  /** The doorbell: notifyAddress(probe, queue_notify_off) for modern, BAR0 + 16 for legacy. */
  readonly notify: NotifyAddress;
  readonly ring: SplitVringDriver | PackedVringDriver;
}

export interface VirtioSubmitted {
  readonly queue: number;
  /** Head descriptor (split) or buffer id (packed). */
  readonly id: number;
  /** Whether the chain went into an indirect table (one ring slot). */
  readonly indirect: boolean;
  /** Whether the driver wrote the doorbell (event suppression may say no). */
  readonly kicked: boolean;
  /** The value written to the doorbell, when it was. */
  readonly notifyValue: number | null;
}

interface RegWindow {
  readonly space: 'mem' | 'io';
  readonly base: bigint;
}

async function regRead(bus: Bus, w: RegWindow, offset: number, width: AccessWidth): Promise<number> {
  const a = w.base + BigInt(offset);
  return w.space === 'io' ? bus.ioRead(Number(a), width) : bus.memRead(a, width);
}

async function regWrite(bus: Bus, w: RegWindow, offset: number, width: AccessWidth, value: number): Promise<void> {
  const a = w.base + BigInt(offset);
  return w.space === 'io' ? bus.ioWrite(Number(a), width, value >>> 0) : bus.memWrite(a, width, value >>> 0);
}

const windowOf = (bar: VirtioBarRef, offset: bigint): RegWindow => ({ space: bar.space, base: bar.address + offset });

const C = VIRTIO_PCI_COMMON_CFG_OFFSETS;
const L = Object.fromEntries(
  (['host_features', 'guest_features', 'queue_pfn', 'queue_num', 'queue_sel', 'queue_notify', 'status', 'isr'] as const).map((f) => [f, virtioLegacyHeader.field(f).offset]),
) as Record<'host_features' | 'guest_features' | 'queue_pfn' | 'queue_num' | 'queue_sel' | 'queue_notify' | 'status' | 'isr', number>;
/** Legacy device configuration offset: 20, because this driver never enables MSI-X. */
const LEGACY_DEVICE_CONFIG = 20;

/** Read `size` bytes of a function's configuration space with 32-bit config reads. */
export async function readConfigImage(bus: Bus, fn: PciAddress, size: 256 | 4096 = 256): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  for (let off = 0; off < size; off += 4) {
    const v = await bus.configRead(fn, off, 4);
    out[off] = v & 0xff;
    out[off + 1] = (v >>> 8) & 0xff;
    out[off + 2] = (v >>> 16) & 0xff;
    out[off + 3] = v >>> 24;
  }
  return out;
}

/** Enumerate (assigning BARs) and return the virtio functions. */
export async function findVirtioFunctions(bus: Bus, options: EnumerateOptions = {}): Promise<EnumeratedFunction[]> {
  const all = await enumeratePci(bus, options);
  return all.filter((f) => f.vendorId === VIRTIO_PCI_VENDOR_ID && f.deviceId >= VIRTIO_PCI_DEVICE_ID_MIN && f.deviceId <= VIRTIO_PCI_DEVICE_ID_MAX);
}

export class VirtioPciDriver {
  readonly steps: VirtioDriverStep[] = [];
  readonly mem: BusMirrorMemory;
  readonly ram: GuestRamAllocator;
  readonly queues: VirtioDriverQueue[] = [];
  config: Uint8Array = new Uint8Array(0);
  configSpace!: ConfigSpace;
  /** The probe of the config image, redone with the negotiated features and queue_notify_off values. */
  transport!: VirtioTransport;
  path: VirtioDriverPath = 'modern';
  deviceFeatures = 0n;
  /** What the driver wrote and the device accepted. */
  negotiatedFeatures = 0n;
  private common: RegWindow | null = null;
  private legacyRegs: RegWindow | null = null;
  private readonly pause: () => Promise<void>;

  private constructor(
    readonly bus: Bus,
    readonly fn: EnumeratedFunction,
    readonly options: VirtioDriverOptions,
  ) {
    this.mem = new BusMirrorMemory(bus);
    this.ram = options.ram ?? new GuestRamAllocator();
    this.pause = options.pause ?? (async () => undefined);
  }

  get address(): PciAddress {
    return this.fn.address;
  }

  private log(step: string, values: VirtioDriverStep['values'] = {}): void {
    this.steps.push({ step, values });
  }

  private fail(code: ConstructorParameters<typeof VirtioDriverError>[0], message: string): never {
    this.log('error', { code, message });
    throw new VirtioDriverError(code, `${formatPciAddress(this.address)}: ${message}`);
  }

  /** Initialise the function found by enumeration (its BARs assigned and decoding enabled). */
  static async init(bus: Bus, fn: EnumeratedFunction, options: VirtioDriverOptions = {}): Promise<VirtioPciDriver> {
    const d = new VirtioPciDriver(bus, fn, options);
    await d.probe();
    if (d.path === 'modern') await d.initModern();
    else await d.initLegacy();
    return d;
  }

  // ---- probe ----

  private async probe(): Promise<void> {
    const fn = this.fn;
    let size: 256 | 4096 = this.options.configSpaceSize ?? 256;
    if (this.options.configSpaceSize === undefined && (this.bus as { configSpaceSize?: number }).configSpaceSize === 4096) {
      if ((await findCapabilityOnBus(this.bus, fn.address, PCI_CAP_ID.EXP)) !== null) size = 4096;
    }
    this.config = await readConfigImage(this.bus, fn.address, size);
    const barSizes = new Map(fn.bars.map((b) => [b.index, b.size]));
    this.configSpace = decodeConfigSpace(this.config, { vendorCaps: [virtioVendorCapDecoder], barSizes });
    const t = probeVirtio(this.configSpace, { barSizes });
    this.transport = t;
    this.log('probe', {
      function: formatPciAddress(fn.address),
      id: `${hex(fn.vendorId, 4)}:${hex(fn.deviceId, 4)}`,
      configBytes: size,
      kind: t.kind,
      deviceType: t.identity.deviceType,
      bars: fn.bars.map((b) => `BAR${b.index} ${b.kind} ${hex(b.address)}+${hex(b.size)}`).join(', '),
      common: t.common ? `BAR${t.common.bar.index}+${hex(t.common.offset)} len ${hex(t.common.length)}` : null,
      notify: t.notify ? `BAR${t.notify.bar.index}+${hex(t.notify.offset)} len ${hex(t.notify.length)} multiplier ${t.notify.multiplier}` : null,
      isr: t.isr ? `BAR${t.isr.bar.index}+${hex(t.isr.offset)}` : null,
      device: t.device ? `BAR${t.device.bar.index}+${hex(t.device.offset)} len ${hex(t.device.length)}` : null,
      legacy: t.legacy?.bar ? `BAR${t.legacy.bar.index} ${t.legacy.bar.space} ${hex(t.legacy.bar.address)}` : null,
    });
    if (!t.identity.isVirtio || t.kind === null) this.fail('NOT_VIRTIO', `${hex(fn.vendorId, 4)}:${hex(fn.deviceId, 4)} is not a virtio function`);
    const want = this.options.transport ?? 'auto';
    const modernOk = t.common !== null && t.notify !== null; // a legacy-only transport has no common
    const legacyOk = t.legacy?.bar != null && t.legacy.bar.space === 'io';
    if (want === 'modern' || (want === 'auto' && modernOk)) {
      if (!modernOk) this.fail('NO_TRANSPORT', 'no usable common and notify structures for the modern interface');
      this.path = 'modern';
      this.common = windowOf(t.common!.bar, t.common!.offset);
    } else {
      if (!legacyOk) this.fail('NO_TRANSPORT', 'no legacy I/O BAR0');
      this.path = 'legacy';
      this.legacyRegs = windowOf(t.legacy!.bar!, 0n);
    }
    this.log('transport', { path: this.path });
  }

  // ---- modern (virtio 1.x common configuration) ----

  private c(offset: number, width: AccessWidth) {
    return regRead(this.bus, this.common!, offset, width);
  }
  private cw(offset: number, width: AccessWidth, value: number) {
    return regWrite(this.bus, this.common!, offset, width, value);
  }

  private async initModern(): Promise<void> {
    await this.cw(C.device_status, 1, 0);
    let polls = 0;
    const budget = this.options.resetPolls ?? 1000;
    while ((await this.c(C.device_status, 1)) !== 0) {
      if (++polls >= budget) this.fail('RESET_TIMEOUT', `device_status still not 0 after ${polls} reads`);
      await this.pause();
    }
    this.log('reset', { statusPolls: polls });
    await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);

    let dev = 0n;
    for (let sel = 0; sel < 2; sel++) {
      await this.cw(C.device_feature_select, 4, sel);
      dev |= BigInt(await this.c(C.device_feature, 4)) << BigInt(32 * sel);
    }
    this.deviceFeatures = dev;
    if (!(dev & (1n << BigInt(VIRTIO_F_VERSION_1)))) {
      await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FAILED);
      this.fail('NO_VERSION_1', 'device uses the modern interface but does not offer VIRTIO_F_VERSION_1');
    }
    let want = (1n << BigInt(VIRTIO_F_VERSION_1)) | (this.options.deviceFeatures ?? 0n);
    if (this.options.packed) want |= 1n << BigInt(VIRTIO_F_RING_PACKED);
    if (this.options.eventIdx) want |= 1n << BigInt(VIRTIO_F_EVENT_IDX);
    if (this.options.indirect !== false) want |= 1n << BigInt(VIRTIO_F_INDIRECT_DESC);
    if (this.options.notificationData) want |= 1n << BigInt(VIRTIO_F_NOTIFICATION_DATA);
    const drv = want & dev;
    for (let sel = 0; sel < 2; sel++) {
      await this.cw(C.driver_feature_select, 4, sel);
      await this.cw(C.driver_feature, 4, Number((drv >> BigInt(32 * sel)) & 0xffffffffn));
    }
    this.log('features', { device: hex(dev), driver: hex(drv), negotiated: featureBitList(drv).join(',') });
    const need = commonCfgRequiredLength(drv);
    if (this.transport.common!.length < BigInt(need)) {
      await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FAILED);
      this.fail('COMMON_CFG_TOO_SHORT', `common cfg length ${this.transport.common!.length} < ${need} needed by the features`);
    }
    await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    const st = await this.c(C.device_status, 1);
    this.log('features-ok', { status: hex(st, 2), accepted: (st & VIRTIO_CONFIG_S_FEATURES_OK) !== 0 });
    if (!(st & VIRTIO_CONFIG_S_FEATURES_OK)) {
      await this.cw(C.device_status, 1, st | VIRTIO_CONFIG_S_FAILED);
      this.fail('FEATURES_NOT_ACCEPTED', `FEATURES_OK did not stick (status ${hex(st, 2)})`);
    }
    this.negotiatedFeatures = drv;

    const numQueues = await this.c(C.num_queues, 2);
    const count = Math.min(this.options.queues ?? Math.min(numQueues, 64), numQueues);
    this.log('queues', { num_queues: numQueues, setUp: count });
    const packed = this.has(VIRTIO_F_RING_PACKED);
    for (let q = 0; q < count; q++) {
      await this.cw(C.queue_select, 2, q);
      const max = await this.c(C.queue_size, 2);
      if (max === 0) this.fail('QUEUE_UNAVAILABLE', `queue ${q} has size 0`);
      if ((await this.c(C.queue_enable, 2)) !== 0) this.fail('QUEUE_UNAVAILABLE', `queue ${q} is already enabled`);
      const size = this.chooseSize(max, packed);
      if (size !== max) await this.cw(C.queue_size, 2, size);
      const ring = await this.allocRing(q, size, packed, false);
      await this.cw(C.queue_desc, 4, lo(ring.desc));
      await this.cw(C.queue_desc + 4, 4, hi(ring.desc));
      await this.cw(C.queue_driver, 4, lo(ring.driverArea));
      await this.cw(C.queue_driver + 4, 4, hi(ring.driverArea));
      await this.cw(C.queue_device, 4, lo(ring.deviceArea));
      await this.cw(C.queue_device + 4, 4, hi(ring.deviceArea));
      const off = await this.c(C.queue_notify_off, 2);
      // From the bytes the probe read, as vp_modern_map_vq_notify does: cap.bar's address +
      // cap.offset + queue_notify_off × notify_off_multiplier.
      const notify = notifyAddress(this.transport, off, { features: this.negotiatedFeatures });
      if (!notify) this.fail('BAD_NOTIFY', `queue ${q}: no notify structure`);
      const bad = notify.diagnostics.filter((x) => x.severity === 'error');
      if (bad.length > 0) this.fail('BAD_NOTIFY', `queue ${q}: ${bad.map((x) => x.message).join('; ')}`);
      const vq: VirtioDriverQueue = { ...ring, index: q, maxSize: max, size, legacyPfn: null, queueNotifyOff: off, notify };
      this.queues.push(vq);
      this.logQueue(vq);
    }
    // vp_modern_find_vqs enables the queues only once every one is set up.
    for (const vq of this.queues) {
      await this.cw(C.queue_select, 2, vq.index);
      await this.cw(C.queue_enable, 2, 1);
    }
    // Redo the probe with what the driver now knows, so its diagnostics cover every queue.
    this.transport = probeVirtio(this.configSpace, {
      barSizes: new Map(this.fn.bars.map((b) => [b.index, b.size])),
      features: this.negotiatedFeatures,
      queueNotifyOffs: this.queues.map((x) => x.queueNotifyOff!),
    });
    await this.cw(C.device_status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
    const final = await this.c(C.device_status, 1);
    this.log('driver-ok', { status: hex(final, 2) });
    if (final & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)) this.fail('DEVICE_FAILED', `device status ${hex(final, 2)} after DRIVER_OK`);
  }

  // ---- legacy (virtio 0.9.5 I/O BAR0) ----

  private l(offset: number, width: AccessWidth) {
    return regRead(this.bus, this.legacyRegs!, offset, width);
  }
  private lw(offset: number, width: AccessWidth, value: number) {
    return regWrite(this.bus, this.legacyRegs!, offset, width, value);
  }

  private async initLegacy(): Promise<void> {
    // Linux vp_legacy_reset: write 0, read once to flush the posted write.
    await this.lw(L.status, 1, 0);
    const after = await this.l(L.status, 1);
    this.log('reset', { status: hex(after, 2) });
    if (after !== 0) this.fail('RESET_TIMEOUT', `legacy status reads ${hex(after, 2)} after reset`);
    await this.lw(L.status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    await this.lw(L.status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    const dev = BigInt(await this.l(L.host_features, 4));
    this.deviceFeatures = dev;
    let want = (this.options.deviceFeatures ?? 0n) & 0xffffffffn;
    if (this.options.eventIdx) want |= 1n << BigInt(VIRTIO_F_EVENT_IDX);
    if (this.options.indirect !== false) want |= 1n << BigInt(VIRTIO_F_INDIRECT_DESC);
    const drv = want & dev;
    await this.lw(L.guest_features, 4, Number(drv));
    this.negotiatedFeatures = drv;
    this.log('features', { device: hex(dev), driver: hex(drv), negotiated: featureBitList(drv).join(',') });

    const legacyBar = this.transport.legacy!.bar!;
    const count = this.options.queues ?? 1;
    const notify: NotifyAddress = {
      space: legacyBar.space,
      address: legacyBar.address + BigInt(VIRTIO_PCI_LEGACY_QUEUE_NOTIFY),
      bar: legacyBar.index,
      barAddress: legacyBar.address,
      capOffset: null,
      multiplier: 0,
      queueNotifyOff: 0,
      assumedNotifyOff: false,
      width: 2,
      legacy: true,
      diagnostics: [],
    };
    for (let q = 0; q < count; q++) {
      // Linux writes QUEUE_SEL with 16 bits (libqos with 8); QEMU takes either.
      await this.lw(L.queue_sel, 2, q);
      const num = await this.l(L.queue_num, 2);
      if (num === 0) this.fail('QUEUE_UNAVAILABLE', `legacy queue ${q} has size 0`);
      if ((await this.l(L.queue_pfn, 4)) !== 0) this.fail('QUEUE_UNAVAILABLE', `legacy queue ${q} already has a PFN`);
      // No size negotiation in the legacy interface: the ring has QUEUE_NUM entries, and a
      // split ring needs a power of two (Linux vring_create_virtqueue_split refuses others).
      if (!vringIsPowerOfTwo(num)) this.fail('BAD_QUEUE_SIZE', `legacy queue ${q} has QUEUE_NUM ${num}, not a power of two`);
      const ring = await this.allocRing(q, num, false, true);
      const { pfn, diagnostics } = legacyQueuePfn(ring.ringBase);
      if (pfn === null) this.fail('OUT_OF_GUEST_MEMORY', `legacy queue ${q}: ${diagnostics.map((x) => x.message).join('; ')}`);
      await this.lw(L.queue_pfn, 4, pfn);
      const vq: VirtioDriverQueue = { ...ring, index: q, maxSize: num, size: num, legacyPfn: pfn, queueNotifyOff: null, notify: { ...notify, queueNotifyOff: q } };
      this.queues.push(vq);
      this.logQueue(vq);
    }
    await this.lw(L.status, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
    const final = await this.l(L.status, 1);
    this.log('driver-ok', { status: hex(final, 2) });
    if (final & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)) this.fail('DEVICE_FAILED', `device status ${hex(final, 2)} after DRIVER_OK`);
  }

  // ---- rings ----

  private chooseSize(max: number, packed: boolean): number {
    const cap = Math.min(max, this.options.maxQueueSize ?? 256);
    if (packed) return cap;
    // Split rings need a power of two (Linux: "Bad virtqueue length"); take the largest that fits.
    let n = 1;
    while (n * 2 <= cap) n *= 2;
    return vringIsPowerOfTwo(n) ? n : 1;
  }

  private async allocRing(q: number, size: number, packed: boolean, legacy: boolean) {
    let layout: SplitVringLayout | PackedVringLayout;
    if (packed) layout = packedVringLayout(size);
    else if (legacy) layout = legacySplitVringLayout(size, { placement: 'linux' });
    else layout = splitVringLayout(size, { align: 64 });
    const base = this.ram.alloc(layout.total, 4096);
    if (base === null) this.fail('OUT_OF_GUEST_MEMORY', `queue ${q}: ${layout.total} bytes of ring do not fit the guest RAM window`);
    let ring: SplitVringDriver | PackedVringDriver;
    let desc: bigint, driverArea: bigint, deviceArea: bigint;
    if (layout.kind === 'packed') {
      const a = packedVringAddrs(layout, base);
      ring = new PackedVringDriver(this.mem, a, size);
      [desc, driverArea, deviceArea] = [a.desc, a.driver, a.device];
    } else {
      const a = splitVringAddrs(layout, base);
      ring = new SplitVringDriver(this.mem, a, size, { eventIdx: this.has(VIRTIO_F_EVENT_IDX) });
      [desc, driverArea, deviceArea] = [a.desc, a.avail, a.used];
    }
    ring.reset(); // zeroes the rings in the mirror, then on the Bus
    await this.mem.flush();
    return { format: layout.kind, layout, ring, ringBase: base, desc, driverArea, deviceArea };
  }

  private logQueue(vq: VirtioDriverQueue): void {
    this.log('queue', {
      index: vq.index,
      maxSize: vq.maxSize,
      size: vq.size,
      format: vq.format,
      desc: hex(vq.desc),
      driver: hex(vq.driverArea),
      device: hex(vq.deviceArea),
      legacyPfn: vq.legacyPfn === null ? null : hex(vq.legacyPfn),
      queue_notify_off: vq.queueNotifyOff,
      notifySpace: vq.notify.space,
      notifyBar: vq.notify.bar,
      notifyCap: vq.notify.capOffset === null ? null : hex(vq.notify.capOffset, 2),
      multiplier: vq.notify.multiplier,
      notifyAddress: hex(vq.notify.address),
      notifyWidth: vq.notify.width,
    });
  }

  /** Whether feature `bitNumber` was negotiated. */
  has(bitNumber: number): boolean {
    return ((this.negotiatedFeatures >> BigInt(bitNumber)) & 1n) === 1n;
  }

  /** Diagnostics of the final probe (error and warning severities alike). */
  get diagnostics(): readonly Diagnostic[] {
    return this.transport.diagnostics;
  }

  queue(index: number): VirtioDriverQueue {
    const q = this.queues.find((x) => x.index === index);
    if (!q) throw new RangeError(`queue ${index} was not set up`);
    return q;
  }

  // ---- requests ----

  /** The doorbell value for `q` now: its index, or index | next << 16 with NOTIFICATION_DATA. */
  notifyValue(q: VirtioDriverQueue): number {
    if (q.notify.width === 2) return q.index;
    const r = q.ring;
    if (r instanceof PackedVringDriver) return encodePackedNotification({ vqn: q.index, next_off: r.nextAvailIdx, next_wrap: r.availWrapCounter });
    return encodeSplitNotification({ vqn: q.index, next_idx: r.availIdx });
  }

  /** Write `value` to a doorbell (memory or I/O) with `width` bytes. */
  async writeDoorbell(n: Pick<NotifyAddress, 'space' | 'address'>, width: AccessWidth, value: number): Promise<void> {
    if (n.space === 'io') await this.bus.ioWrite(Number(n.address), width, value >>> 0);
    else await this.bus.memWrite(n.address, width, value >>> 0);
  }

  /** Notify queue `index` through its own doorbell. Returns the value written. */
  async kick(index: number): Promise<number> {
    const q = this.queue(index);
    const v = this.notifyValue(q);
    await this.writeDoorbell(q.notify, q.notify.width, v);
    return v;
  }

  /** Reload the device-written parts of a ring from the Bus. */
  private async refreshDeviceSide(q: VirtioDriverQueue): Promise<void> {
    const l = q.layout;
    if (l.kind === 'packed') {
      await this.mem.refresh(q.desc, l.desc.size);
      await this.mem.refresh(q.deviceArea, 4);
    } else {
      await this.mem.refresh(q.deviceArea, l.used.size);
    }
  }

  /**
   * Make a chain available on queue `index` and, unless `kick` is false or the device
   * suppressed notifications, write the doorbell.
   */
  async submit(index: number, buffers: readonly VringBufferSpec[], opts: { kick?: boolean } = {}): Promise<VirtioSubmitted> {
    const q = this.queue(index);
    // Spec 2.7.5.3.1: no chain longer than the queue size, indirect tables included (the
    // vring walker enforces it on the device side too).
    if (buffers.length > q.size) throw new VirtioDriverError('QUEUE_FULL', `queue ${index}: a chain of ${buffers.length} is longer than the queue size ${q.size}`);
    // Linux virtqueue_add_split/packed: an indirect table for any chain of more than one
    // buffer once VIRTIO_F_INDIRECT_DESC is negotiated.
    const indirect = this.has(VIRTIO_F_INDIRECT_DESC) && buffers.length > 1;
    let indirectTable: bigint | undefined;
    if (indirect) {
      const t = this.ram.alloc(16 * buffers.length, 16);
      if (t === null) throw new VirtioDriverError('OUT_OF_GUEST_MEMORY', `queue ${index}: indirect table of ${buffers.length} descriptors does not fit the guest RAM window`);
      indirectTable = t;
    }
    const id = q.ring.publish(buffers, { indirectTable });
    if (id === null) throw new VirtioDriverError('QUEUE_FULL', `queue ${index}: no room for a chain of ${buffers.length}${indirect ? ' (indirect)' : ''}`);
    await this.mem.flush();
    if (opts.kick === false) return { queue: index, id, indirect, kicked: false, notifyValue: null };
    await this.refreshDeviceSide(q);
    if (!q.ring.kickPrepare()) return { queue: index, id, indirect, kicked: false, notifyValue: null };
    const v = await this.kick(index);
    return { queue: index, id, indirect, kicked: true, notifyValue: v };
  }

  /** Poll the used side of queue `index` up to `maxPolls` times; null when nothing came back. */
  async pollUsed(index: number, maxPolls = 1000): Promise<VringUsedResult | null> {
    const q = this.queue(index);
    for (let i = 0; i < maxPolls; i++) {
      await this.refreshDeviceSide(q);
      const u = q.ring.getUsed();
      if (u) {
        await this.mem.flush(); // used_event moves with EVENT_IDX
        return u;
      }
      await this.pause();
    }
    return null;
  }

  // ---- device configuration and status ----

  /** Read the device-specific configuration (modern device cap, or legacy BAR0 + 20). */
  async readDeviceConfig(offset: number, width: AccessWidth): Promise<number> {
    if (this.path === 'legacy') return regRead(this.bus, this.legacyRegs!, LEGACY_DEVICE_CONFIG + offset, width);
    const d = this.transport.device;
    if (!d) throw new VirtioDriverError('NO_TRANSPORT', 'the device has no device configuration structure');
    return regRead(this.bus, windowOf(d.bar, d.offset), offset, width);
  }

  /** A 64-bit device config field read as two 32-bit halves, low first (Linux does the same). */
  async readDeviceConfig64(offset: number): Promise<bigint> {
    const lo32 = await this.readDeviceConfig(offset, 4);
    const hi32 = await this.readDeviceConfig(offset + 4, 4);
    return (BigInt(hi32) << 32n) | BigInt(lo32);
  }

  async readStatus(): Promise<number> {
    return this.path === 'legacy' ? this.l(L.status, 1) : this.c(C.device_status, 1);
  }

  /** Reset the device (status 0) so it stops using the rings. */
  async reset(): Promise<void> {
    if (this.path === 'legacy') await this.lw(L.status, 1, 0);
    else await this.cw(C.device_status, 1, 0);
    this.log('reset', {});
  }
}

const lo = (v: bigint) => Number(v & 0xffffffffn);
const hi = (v: bigint) => Number((v >> 32n) & 0xffffffffn);

export interface OpenVirtioOptions extends VirtioDriverOptions {
  /** Pick this function; default the first virtio function of `deviceType` (or any). */
  readonly slot?: PciAddress;
  readonly deviceType?: number;
  /** Enumeration options, or functions already enumerated (and assigned) by the caller. */
  readonly enumerate?: EnumerateOptions | readonly EnumeratedFunction[];
}

/** Enumerate the bus, pick a virtio function and initialise it. */
export async function openVirtioPci(bus: Bus, options: OpenVirtioOptions = {}): Promise<VirtioPciDriver> {
  const fns = Array.isArray(options.enumerate)
    ? (options.enumerate as readonly EnumeratedFunction[]).filter((f) => f.vendorId === VIRTIO_PCI_VENDOR_ID)
    : await findVirtioFunctions(bus, options.enumerate as EnumerateOptions | undefined);
  const same = (a: PciAddress, b: PciAddress) => a.domain === b.domain && a.bus === b.bus && a.device === b.device && a.function === b.function;
  const typeOf = (f: EnumeratedFunction) => (f.deviceId >= VIRTIO_PCI_MODERN_DEVICE_BASE ? f.deviceId - VIRTIO_PCI_MODERN_DEVICE_BASE : null);
  const pick = fns.find((f) => (options.slot ? same(f.address, options.slot) : options.deviceType === undefined || typeOf(f) === null || typeOf(f) === options.deviceType));
  if (!pick) throw new VirtioDriverError('NOT_VIRTIO', options.slot ? `no virtio function at ${formatPciAddress(options.slot)}` : 'no virtio function on the bus');
  return VirtioPciDriver.init(bus, pick, options);
}
