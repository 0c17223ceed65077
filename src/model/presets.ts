// Descriptions that reproduce the layouts of real virtio-pci implementations. Sources are in
// docs/model.md; the QEMU ones were checked against qemu-system-x86_64 7.2 config reads.
import type { CommonCfgLayout } from '../virtio/common-cfg.js';
import { VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_RING_RESET, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { VIRTIO_PCI_MODERN_DEVICE_BASE } from '../virtio/ids.js';
import type { ModelBar } from './bars.js';
import { appendedCapOrder, prependedCapOrder, type ModelCapEntry, type ModelNotifyRegion, type ModelQueue, type VirtioModelDescription } from './description.js';

const VERSION_1 = 1n << BigInt(VIRTIO_F_VERSION_1);
const INDIRECT_DESC = 1n << BigInt(VIRTIO_F_INDIRECT_DESC);
const EVENT_IDX = 1n << BigInt(VIRTIO_F_EVENT_IDX);
const RING_RESET = 1n << BigInt(VIRTIO_F_RING_RESET);
/** VIRTIO_F_NOTIFY_ON_EMPTY, VIRTIO_F_ANY_LAYOUT, VIRTIO_F_BAD_FEATURE: QEMU's legacy HOST_FEATURES has them, device_feature not. */
const QEMU_LEGACY_ONLY_FEATURES = (1 << 24) | (1 << 27) | (1 << 30);

export interface ModelPresetOptions {
  /** Virtio device type (default 2, block). */
  readonly deviceType?: number;
  /** Queues (default one queue of 256, as QEMU's virtio-blk-pci). */
  readonly queues?: readonly ModelQueue[];
  /** Transport features (default VERSION_1 | INDIRECT_DESC | EVENT_IDX, QEMU presets also RING_RESET); the backend adds its own. */
  readonly features?: bigint;
  /** MSI-X vectors (default queues + 1, as QEMU). */
  readonly vectors?: number;
  readonly commonCfgLayout?: CommonCfgLayout;
}

export interface QemuPresetOptions extends ModelPresetOptions {
  /** page-per-vq=on: notify multiplier 4096. */
  readonly pagePerVq?: boolean;
  /** modern-pio-notify=on: an extra notify capability on I/O BAR 2, multiplier 0. */
  readonly modernPioNotify?: boolean;
  /** Transitional (disable-legacy=off): legacy registers in I/O BAR 0. */
  readonly transitional?: boolean;
  /** Device config length, for the legacy BAR size (default 0x60, struct virtio_blk_config). */
  readonly deviceConfigLength?: number;
  /**
   * Behind a PCI Express port (q35 `pcie-root-port`): a PCI Express v2 endpoint capability
   * and a power-management capability are created before the virtio ones (so they end the
   * walk, at 0x40 and 0x7c, and push every other capability up by 0x44), and the config
   * space is 4 KiB. QEMU then defaults to modern-only; `transitional` is not implied.
   */
  readonly pcie?: boolean;
}

/**
 * What QEMU 7.2 puts in those two capabilities for virtio-pci behind a pcie-root-port (read
 * through qtest): PCIe v2 endpoint with role-based error reporting and FLR, a 2.5 GT/s x1
 * link with L0s, extended fmt field and end-end TLP prefix support; PM version 3.
 */
const QEMU_PCIE_ENDPOINT = {
  flags: 0x0002, // version 2, type 0 (endpoint)
  devcap: (1 << 15) | (1 << 28), // RBER, FLR
  lnkcap: 0x1 | (0x1 << 4) | (0x1 << 10), // 2.5 GT/s, x1, ASPM L0s
  lnksta: 0x1 | (0x1 << 4), // 2.5 GT/s, x1
  devcap2: (1 << 20) | (1 << 21), // extended fmt field, end-end TLP prefix
} as const;
const QEMU_PM = { pmc: 0x0003 } as const; // version 3, no D1/D2, no PME

const defaults = (o: ModelPresetOptions) => {
  const queues = o.queues ?? [{ size: 256 }];
  return {
    deviceType: o.deviceType ?? 2,
    queues,
    features: o.features ?? VERSION_1 | INDIRECT_DESC | EVENT_IDX,
    vectors: o.vectors ?? queues.length + 1,
  };
};

function nextPow2(n: bigint): bigint {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

/**
 * QEMU's virtio-pci proxy (hw/virtio/virtio-pci.c): transport features VERSION_1,
 * INDIRECT_DESC, EVENT_IDX and RING_RESET by default; modern structures in BAR 4 (64-bit,
 * prefetchable) at 0x0/0x1000/0x2000/0x3000, 0x1000 each, notify multiplier 4 (4096 with
 * page-per-vq) and a notify area of multiplier × 1024; MSI-X in its own 4 KiB BAR 1 (table
 * at 0, PBA at 0x800). Capabilities are created common, ISR, device, notify, [notify-pio],
 * pci-cfg, MSI-X and each is put at the head of the list, so the walk starts at MSI-X.
 */
export function qemuVirtioPreset(o: QemuPresetOptions = {}): VirtioModelDescription {
  const { deviceType, queues, vectors } = defaults(o);
  // QEMU 7.2 offers VIRTIO_F_RING_RESET (its queue_reset property defaults on; seen through qtest).
  const features = o.features ?? VERSION_1 | INDIRECT_DESC | EVENT_IDX | RING_RESET;
  const multiplier = o.pagePerVq ? 0x1000 : 4;
  const notifyLength = multiplier * 1024;
  const bars: ModelBar[] = [];
  if (o.transitional) {
    const cfgLen = o.deviceConfigLength ?? 0x60;
    bars.push({ index: 0, kind: 'io', size: nextPow2(BigInt((vectors > 0 ? 24 : 20) + cfgLen)) });
  }
  if (vectors > 0) bars.push({ index: 1, kind: 'mem32', size: vectors * 16 <= 0x800 ? 0x1000n : nextPow2(BigInt(vectors * 16 + 8 * Math.ceil(vectors / 64))) });
  if (o.modernPioNotify) bars.push({ index: 2, kind: 'io', size: 4n });
  bars.push({ index: 4, kind: 'mem64', prefetchable: true, size: nextPow2(BigInt(0x3000 + notifyLength)) });
  const notify: ModelNotifyRegion[] = [{ bar: 4, offset: 0x3000, length: notifyLength, multiplier }];
  if (o.modernPioNotify) notify.push({ bar: 2, offset: 0, length: 4, multiplier: 0 });
  const creation: Omit<ModelCapEntry, 'at'>[] = o.pcie ? [{ kind: 'pcie' }, { kind: 'pm' }] : [];
  creation.push({ kind: 'common' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'notify', notify: 0 });
  if (o.modernPioNotify) creation.push({ kind: 'notify', notify: 1 });
  creation.push({ kind: 'pci_cfg' });
  if (vectors > 0) creation.push({ kind: 'msix' });
  const pbaOffset = vectors * 16 <= 0x800 ? 0x800 : vectors * 16;
  return {
    name: `qemu${o.transitional ? '-transitional' : '-modern'}${o.pagePerVq ? '-page-per-vq' : ''}${o.modernPioNotify ? '-pio-notify' : ''}${o.pcie ? '-pcie' : ''}`,
    deviceType,
    queues,
    features,
    bars,
    regions: {
      common: { bar: 4, offset: 0x0000, length: 0x1000 },
      isr: { bar: 4, offset: 0x1000, length: 0x1000 },
      device: { bar: 4, offset: 0x2000, length: 0x1000 },
      notify,
    },
    commonCfgLayout: o.commonCfgLayout ?? '1.2',
    msix: vectors > 0 ? { vectors, table: { bar: 1, offset: 0 }, pba: { bar: 1, offset: pbaOffset } } : undefined,
    caps: prependedCapOrder(creation),
    legacy: o.transitional ? { bar: 0, hostFeaturesExtra: QEMU_LEGACY_ONLY_FEATURES } : undefined,
    ...(o.pcie ? { configSpaceSize: 4096 as const, pcie: QEMU_PCIE_ENDPOINT, pm: QEMU_PM } : {}),
  };
}

export const qemuModernPreset = (o: ModelPresetOptions = {}) => qemuVirtioPreset({ ...o });
export const qemuPagePerVqPreset = (o: ModelPresetOptions = {}) => qemuVirtioPreset({ ...o, pagePerVq: true });
export const qemuModernPioNotifyPreset = (o: ModelPresetOptions = {}) => qemuVirtioPreset({ ...o, modernPioNotify: true });
export const qemuTransitionalPreset = (o: ModelPresetOptions = {}) => qemuVirtioPreset({ ...o, transitional: true });
export const qemuPcieEndpointPreset = (o: ModelPresetOptions = {}) => qemuVirtioPreset({ ...o, pcie: true });

/**
 * cloud-hypervisor (virtio-devices/src/transport/pci_device.rs): one 512 KiB 64-bit BAR 0
 * with common 0x0 (56 bytes), ISR 0x2000 (1), device 0x4000 (0x1000), notify 0x6000
 * (0x1000, multiplier 4), MSI-X table 0x8000 and PBA 0x48000 in the same BAR. Capabilities
 * are appended: common, ISR, device, notify, pci-cfg, MSI-X.
 */
export function cloudHypervisorPreset(o: ModelPresetOptions = {}): VirtioModelDescription {
  const { deviceType, queues, features, vectors } = defaults(o);
  const creation: Omit<ModelCapEntry, 'at'>[] = [{ kind: 'common' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'notify' }, { kind: 'pci_cfg' }];
  if (vectors > 0) creation.push({ kind: 'msix' });
  const deviceId = VIRTIO_PCI_MODERN_DEVICE_BASE + deviceType;
  return {
    name: 'cloud-hypervisor',
    deviceType,
    queues,
    features,
    bars: [{ index: 0, kind: 'mem64', size: 0x80000n }],
    regions: {
      common: { bar: 0, offset: 0x0000, length: 56 },
      isr: { bar: 0, offset: 0x2000, length: 1 },
      device: { bar: 0, offset: 0x4000, length: 0x1000 },
      notify: [{ bar: 0, offset: 0x6000, length: 0x1000, multiplier: 4 }],
    },
    commonCfgLayout: o.commonCfgLayout ?? '1.0',
    msix: vectors > 0 ? { vectors, table: { bar: 0, offset: 0x8000 }, pba: { bar: 0, offset: 0x48000 } } : undefined,
    caps: appendedCapOrder(creation),
    ids: {
      subsystemId: deviceId,
      baseClass: deviceType === 2 ? 0x01 : deviceType === 1 ? 0x02 : 0xff,
      subclass: deviceType === 2 ? 0x80 : deviceType === 1 ? 0x00 : 0xff,
    },
  };
}

/**
 * kvmtool (virtio/pci-modern.c): every structure in the 256-byte memory BAR 1: common at 0
 * (56 bytes), one 4-byte doorbell at 0x38 shared by all queues (multiplier 0), ISR at 0x3c,
 * device config from 0x40 to the end. MSI-X (33 vectors) in BAR 2. The capabilities sit at
 * fixed places in kvmtool's header struct: MSI-X first, then common, notify, ISR, device,
 * pci-cfg.
 */
export function kvmtoolPreset(o: ModelPresetOptions = {}): VirtioModelDescription {
  const { deviceType, queues, features } = defaults(o);
  const vectors = o.vectors ?? 33;
  const caps: ModelCapEntry[] = [{ kind: 'msix' }, { kind: 'common' }, { kind: 'notify' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'pci_cfg' }];
  return {
    name: 'kvmtool',
    deviceType,
    queues,
    features,
    bars: [
      { index: 1, kind: 'mem32', size: 0x100n },
      ...(vectors > 0 ? [{ index: 2, kind: 'mem32' as const, size: nextPow2(BigInt(vectors * 16 + 8 * Math.ceil(vectors / 64))) }] : []),
    ],
    regions: {
      common: { bar: 1, offset: 0x00, length: 56 },
      notify: [{ bar: 1, offset: 0x38, length: 4, multiplier: 0 }],
      isr: { bar: 1, offset: 0x3c, length: 4 },
      device: { bar: 1, offset: 0x40, length: 0xc0 },
    },
    commonCfgLayout: o.commonCfgLayout ?? '1.0',
    msix: vectors > 0 ? { vectors, table: { bar: 2, offset: 0 }, pba: { bar: 2, offset: vectors * 16 } } : undefined,
    caps: vectors > 0 ? caps : caps.slice(1),
    ids: { subsystemId: 0x40 + deviceType },
  };
}

/** Every preset by name, with default options (for tests and the CLI). */
export const VIRTIO_MODEL_PRESETS: Readonly<Record<string, (o?: ModelPresetOptions) => VirtioModelDescription>> = {
  'qemu-modern': qemuModernPreset,
  'qemu-page-per-vq': qemuPagePerVqPreset,
  'qemu-modern-pio-notify': qemuModernPioNotifyPreset,
  'qemu-transitional': qemuTransitionalPreset,
  'qemu-pcie': qemuPcieEndpointPreset,
  'cloud-hypervisor': cloudHypervisorPreset,
  kvmtool: kvmtoolPreset,
};
