// What a model virtio-pci function looks like: which BAR holds which structure, how the
// capabilities are ordered and placed, the queues and features. A description is plain data,
// so presets, random test descriptions and hand-written ones go through the same code.
import { pciMsixCap } from '../pci/caps/msix.js';
import { pciExpCap, type PciExpCap } from '../pci/caps/pcie.js';
import { pciPmCap, type PciPmCap } from '../pci/caps/pm.js';
import { virtioPciCap, virtioPciCfgCap, virtioPciNotifyCap } from '../virtio/caps.js';
import type { CommonCfgLayout } from '../virtio/common-cfg.js';
import { VIRTIO_PCI_DEVICE_ID_MIN, VIRTIO_PCI_MODERN_DEVICE_BASE, VIRTIO_PCI_VENDOR_ID, VIRTIO_TRANSITIONAL_DEVICE_IDS } from '../virtio/ids.js';
import type { ModelBar } from './bars.js';

/** A structure placed inside a BAR. */
export interface ModelBarRegion {
  readonly bar: number;
  readonly offset: number;
  readonly length: number;
}

export interface ModelNotifyRegion extends ModelBarRegion {
  readonly multiplier: number;
}

/** Virtio capabilities by cfg_type, MSI-X, and the PCI Express and power-management capabilities. */
export type ModelCapKind = 'common' | 'isr' | 'device' | 'notify' | 'pci_cfg' | 'msix' | 'pcie' | 'pm';

/** One capability in the list, in walk order. */
export interface ModelCapEntry {
  readonly kind: ModelCapKind;
  /** For `notify`: index into `regions.notify` (default 0). */
  readonly notify?: number;
  /** Config-space offset; default: right after the previous entry (the first at 0x40). */
  readonly at?: number;
}

export interface ModelQueue {
  /** Maximum (and reset) size. */
  readonly size: number;
  /** queue_notify_off the device reports; default = queue index. */
  readonly notifyOff?: number;
}

export interface ModelMsix {
  readonly vectors: number;
  readonly table: { readonly bar: number; readonly offset: number };
  readonly pba: { readonly bar: number; readonly offset: number };
}

export interface ModelPciIds {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly subsystemVendorId: number;
  readonly subsystemId: number;
  readonly revision: number;
  readonly baseClass: number;
  readonly subclass: number;
  readonly progIf: number;
}

export interface VirtioModelDescription {
  /** Free text, e.g. `qemu-modern`. */
  readonly name?: string;
  /** Virtio device type (2 = block). */
  readonly deviceType: number;
  readonly queues: readonly ModelQueue[];
  /** Device feature bits (bigint, any width). */
  readonly features: bigint;
  readonly bars: readonly ModelBar[];
  readonly regions: {
    readonly common: ModelBarRegion;
    readonly isr: ModelBarRegion;
    readonly device?: ModelBarRegion;
    /** First entry is the main notify structure; more are extra doorbells (e.g. an I/O BAR). */
    readonly notify: readonly ModelNotifyRegion[];
  };
  /** Which common_cfg layout the device implements (default 1.2, as current QEMU). */
  readonly commonCfgLayout?: CommonCfgLayout;
  readonly msix?: ModelMsix;
  readonly caps: readonly ModelCapEntry[];
  /** Transitional device: legacy registers at the start of this I/O BAR. */
  readonly legacy?: {
    readonly bar: number;
    /**
     * Bits HOST_FEATURES shows besides the low 32 device features: legacy-only ones the
     * modern device_feature hides (QEMU: NOTIFY_ON_EMPTY 24, ANY_LAYOUT 27, BAD_FEATURE 30).
     */
    readonly hostFeaturesExtra?: number;
  };
  /** Default: derived from deviceType and transitional/modern. */
  readonly ids?: Partial<ModelPciIds>;
  /** 256 (conventional) or 4096 (PCIe). */
  readonly configSpaceSize?: 256 | 4096;
  /** Register values of a `pcie` capability entry (cap_id and cap_next come from the placement). */
  readonly pcie?: Partial<PciExpCap>;
  /** Register values of a `pm` capability entry. */
  readonly pm?: Partial<PciPmCap>;
  readonly interruptPin?: number;
  /** Command register bits a write can change (QEMU: I/O, memory, master, SERR, INTx disable). */
  readonly commandWritable?: number;
}

/** Bytes of each capability the model places: its structure's size. */
export const MODEL_CAP_SIZES: Readonly<Record<ModelCapKind, number>> = {
  common: virtioPciCap.size,
  isr: virtioPciCap.size,
  device: virtioPciCap.size,
  notify: virtioPciNotifyCap.size,
  pci_cfg: virtioPciCfgCap.size,
  msix: pciMsixCap.size,
  pcie: pciExpCap.size,
  pm: pciPmCap.size,
};

/** QEMU's writable Command bits, observed by writing 0xffff to a virtio-pci function. */
export const MODEL_DEFAULT_COMMAND_WRITABLE = 0x0507;

/**
 * Capability placement the QEMU way: space is allocated first-fit from 0x40 in creation
 * order, and each new capability is put at the head of the list, so the walk order is the
 * reverse of creation. Returns the entries in walk order with their offsets.
 */
export function prependedCapOrder(creation: readonly Omit<ModelCapEntry, 'at'>[], start = 0x40): ModelCapEntry[] {
  let at = start;
  const placed = creation.map((c) => {
    const e = { ...c, at };
    at += (MODEL_CAP_SIZES[c.kind] + 3) & ~3;
    return e;
  });
  return placed.reverse();
}

/** Capability placement by appending: walk order = creation order (cloud-hypervisor). */
export function appendedCapOrder(creation: readonly Omit<ModelCapEntry, 'at'>[], start = 0x40): ModelCapEntry[] {
  let at = start;
  return creation.map((c) => {
    const e = { ...c, at };
    at += (MODEL_CAP_SIZES[c.kind] + 3) & ~3;
    return e;
  });
}

/** Resolve default offsets: an entry without `at` follows the previous one. */
export function resolveCapOffsets(caps: readonly ModelCapEntry[]): Array<ModelCapEntry & { at: number }> {
  let next = 0x40;
  return caps.map((c) => {
    const at = c.at ?? next;
    next = (at + MODEL_CAP_SIZES[c.kind] + 3) & ~3;
    return { ...c, at };
  });
}

/** IDs a description gets unless it says otherwise. */
export function defaultModelIds(d: VirtioModelDescription): ModelPciIds {
  const transitional = d.legacy !== undefined;
  const cls = DEVICE_CLASS[d.deviceType] ?? [0xff, 0x00, 0x00];
  const base: ModelPciIds = {
    vendorId: VIRTIO_PCI_VENDOR_ID,
    deviceId: transitional ? (TRANSITIONAL_IDS[d.deviceType] ?? VIRTIO_PCI_DEVICE_ID_MIN) : VIRTIO_PCI_MODERN_DEVICE_BASE + d.deviceType,
    subsystemVendorId: VIRTIO_PCI_VENDOR_ID,
    subsystemId: transitional ? d.deviceType : 0x1100,
    revision: transitional ? 0 : 1,
    baseClass: cls[0],
    subclass: cls[1],
    progIf: cls[2],
  };
  return { ...base, ...d.ids };
}

// Transitional device IDs (virtio spec 4.1.2.1).
/** Transitional device ID by device type: virtio/ids.ts's table, inverted. */
const TRANSITIONAL_IDS: Readonly<Record<number, number>> = Object.fromEntries(Object.entries(VIRTIO_TRANSITIONAL_DEVICE_IDS).map(([id, type]) => [type, Number(id)]));
// Class codes QEMU gives its virtio-pci devices (block: mass storage/SCSI, net: ethernet,
// console: other communication); everything else here gets 'other' (0xff).
const DEVICE_CLASS: Readonly<Record<number, readonly [number, number, number]>> = {
  1: [0x02, 0x00, 0x00],
  2: [0x01, 0x00, 0x00],
  3: [0x07, 0x80, 0x00],
  8: [0x01, 0x00, 0x00],
};

/** Throws on descriptions no device could have (programming errors of the caller). */
export function checkModelDescription(d: VirtioModelDescription): void {
  const fail = (m: string): never => {
    throw new RangeError(`${d.name ?? 'model description'}: ${m}`);
  };
  if (d.queues.length === 0 || d.queues.length > 1024) fail(`${d.queues.length} queues (1..1024)`);
  d.queues.forEach((q, i) => {
    if (!Number.isInteger(q.size) || q.size < 1 || q.size > 32768) fail(`queue ${i} size ${q.size}`);
    if (q.notifyOff !== undefined && (!Number.isInteger(q.notifyOff) || q.notifyOff < 0 || q.notifyOff > 0xffff)) fail(`queue ${i} notifyOff ${q.notifyOff}`);
  });
  const barOf = (i: number) => d.bars.find((b) => b.index === i);
  const inBar = (r: ModelBarRegion, what: string) => {
    const b = barOf(r.bar);
    if (!b) fail(`${what} is in BAR ${r.bar}, which the description does not have`);
    if (r.offset < 0 || r.length < 0 || BigInt(r.offset + r.length) > b!.size) fail(`${what} [0x${r.offset.toString(16)}, +0x${r.length.toString(16)}) is outside BAR ${r.bar}`);
  };
  inBar(d.regions.common, 'common');
  inBar(d.regions.isr, 'isr');
  if (d.regions.device) inBar(d.regions.device, 'device');
  if (d.regions.notify.length === 0) fail('no notify region');
  d.regions.notify.forEach((n, i) => {
    inBar(n, `notify[${i}]`);
    if (!Number.isInteger(n.multiplier) || n.multiplier < 0 || n.multiplier > 0xffffffff) fail(`notify[${i}] multiplier ${n.multiplier}`);
  });
  if (d.msix) {
    if (d.msix.vectors < 1 || d.msix.vectors > 2048) fail(`${d.msix.vectors} MSI-X vectors`);
    inBar({ ...d.msix.table, length: 16 * d.msix.vectors }, 'MSI-X table');
    inBar({ ...d.msix.pba, length: 8 * Math.ceil(d.msix.vectors / 64) }, 'MSI-X PBA');
  }
  if (d.legacy) {
    const b = barOf(d.legacy.bar);
    if (!b || b.kind !== 'io') fail(`legacy registers need an I/O BAR ${d.legacy.bar}`);
  }
  const size = d.configSpaceSize ?? 256;
  const caps = resolveCapOffsets(d.caps);
  const used = new Uint8Array(size);
  for (const c of caps) {
    if (c.kind === 'msix' && !d.msix) fail('an msix capability without msix');
    if (c.kind === 'notify' && !d.regions.notify[c.notify ?? 0]) fail(`notify capability names region ${c.notify}`);
    if (c.kind === 'device' && !d.regions.device) fail('a device capability without a device region');
    if (c.kind === 'pcie' && !d.pcie) fail('a pcie capability without pcie register values');
    if (c.kind === 'pm' && !d.pm) fail('a pm capability without pm register values');
    const end = c.at + MODEL_CAP_SIZES[c.kind];
    if (c.at < 0x40 || c.at % 4 !== 0 || end > Math.min(size, 256)) fail(`capability ${c.kind} at 0x${c.at.toString(16)}`);
    for (let i = c.at; i < end; i++) {
      if (used[i]) fail(`capabilities overlap at 0x${i.toString(16)}`);
      used[i] = 1;
    }
  }
}
