// A virtio-pci function built from a description: config space with register semantics,
// BARs holding common_cfg, ISR, device config, doorbells, the MSI-X table and PBA and (for a
// transitional device) the legacy registers. Everything is synchronous; ModelBus wraps it in
// the async Bus interface.
import { pciMsixCap, pciMsixTableEntry, PCI_MSIX_FLAGS_ENABLE, PCI_MSIX_FLAGS_MASKALL } from '../pci/caps/msix.js';
import { bitMask, PCI_BASE_ADDRESS_0, PCI_BIST, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY, PCI_STATUS, PCI_STATUS_INTERRUPT } from '../pci/header-regs.js';
import { virtioPciCfgCap } from '../virtio/caps.js';
import { legacyDeviceConfigOffset, legacyHeaderStruct, VIRTIO_MSI_NO_VECTOR } from '../virtio/legacy.js';
import { VIRTIO_PCI_ISR_CONFIG, VIRTIO_PCI_ISR_QUEUE } from '../virtio/isr.js';
import { VIRTIO_F_NOTIFICATION_DATA } from '../virtio/features.js';
import { legacySplitVringLayout } from '../vring/split-layout.js';
import { splitVringAddrs } from '../vring/split-ring.js';
import type { VringGuestMemory } from '../vring/memory.js';
import type { VirtioModelBackend, ModelBackendHost } from './backend.js';
import { installModelBars, programmedModelBars, type ProgrammedBar } from './bars.js';
import { commonCfgRegisters } from './common-regs.js';
import { ConfigSpaceModel, type ModelAccessWidth } from './config-space.js';
import { VirtioModelCore } from './core.js';
import { MODEL_DEFAULT_COMMAND_WRITABLE, type ModelBarRegion, type VirtioModelDescription } from './description.js';
import { buildModelConfigImage } from './image.js';
import { SparseGuestMemory } from './memory.js';
import { modelNotificationData, ModelNotifyDispatcher, type ModelKick } from './notify.js';
import { ModelStructRegisters } from './registers.js';

export type ModelInterrupt =
  | { readonly kind: 'msix'; readonly vector: number; readonly address: bigint; readonly data: number }
  | { readonly kind: 'intx'; readonly cause: 'queue' | 'config' };

interface BarRegionHandler extends ModelBarRegion {
  readonly name: string;
  read(offset: number, width: ModelAccessWidth): number;
  write(offset: number, width: ModelAccessWidth, value: number): void;
}

export interface VirtioPciDeviceOptions {
  /** Guest RAM the backend reads rings from (default: a fresh sparse memory). */
  readonly memory?: VringGuestMemory;
  readonly backend?: VirtioModelBackend;
  /** Called on every doorbell write, after it is logged. */
  readonly onKick?: (k: ModelKick) => void;
}

// MSI-X table entry geometry, from pci_msix_entry's table.
const MSIX_ENTRY = pciMsixTableEntry.size;
const msixField = (name: 'lower_address' | 'upper_address' | 'message_data' | 'vector_control') => pciMsixTableEntry.field(name).offset;
const MSIX_VECTOR_CONTROL = msixField('vector_control');
const MSIX_MASKED = bitMask(pciMsixTableEntry.field('vector_control').bits ?? [], 'masked');
const PCI_CFG_DATA = virtioPciCfgCap.field('pci_cfg_data').offset;

export class VirtioPciDevice implements ModelBackendHost {
  readonly description: VirtioModelDescription;
  readonly core: VirtioModelCore;
  readonly config: ConfigSpaceModel;
  readonly memory: VringGuestMemory;
  readonly backend: VirtioModelBackend | undefined;
  /** Every doorbell write, in order. */
  readonly kicks: ModelKick[] = [];
  /** Every interrupt the device raised, in order. */
  readonly interrupts: ModelInterrupt[] = [];
  readonly notifiers: readonly ModelNotifyDispatcher[];
  /** Legacy QUEUE_NOTIFY dispatch (by value); null for a modern-only device. */
  readonly legacyNotifier: ModelNotifyDispatcher | null;
  /** Device configuration with the backend's access column. */
  readonly deviceConfig: ConfigSpaceModel;
  onKick: ((k: ModelKick) => void) | undefined;
  private readonly regions = new Map<number, BarRegionHandler[]>();
  private readonly msixCapAt: number | null;
  private readonly msixTable: ConfigSpaceModel | null;
  private readonly pba: Uint8Array;

  constructor(description: VirtioModelDescription, options: VirtioPciDeviceOptions = {}) {
    const d = description;
    this.description = d;
    this.backend = options.backend;
    this.onKick = options.onKick;
    this.memory = options.memory ?? new SparseGuestMemory();
    if (this.backend && this.backend.deviceType !== d.deviceType) {
      throw new Error(`backend is for device type ${this.backend.deviceType}, description for ${d.deviceType}`);
    }
    const image = buildModelConfigImage(d);
    this.config = new ConfigSpaceModel(image.bytes, image.placed);
    installModelBars(this.config, d.bars);
    this.config.setMasks(PCI_COMMAND, 2, { write: d.commandWritable ?? MODEL_DEFAULT_COMMAND_WRITABLE });
    // No BIST: the start bit of a function that is not BIST-capable does nothing.
    this.config.setMasks(PCI_BIST, 1, {});

    const vectors = d.msix?.vectors ?? 0;
    this.core = new VirtioModelCore(d.features | (this.backend?.features ?? 0n), d.queues, vectors);
    this.core.events = {
      reset: () => this.backend?.reset(),
      queueEnabled: (q) => this.backend?.queueEnabled?.(q),
      queueReset: (q) => this.backend?.queueReset?.(q),
    };

    const cfgBytes = this.backend?.configBytes() ?? new Uint8Array(0);
    const cs = this.backend?.configStruct;
    // A config shorter than its table (QEMU's virtio-blk ends after write_zeroes_may_unmap)
    // keeps the access column of the fields it holds.
    this.deviceConfig = new ConfigSpaceModel(cfgBytes, cs ? [{ struct: cs, offset: 0, length: Math.min(cs.size, cfgBytes.length) }] : []);

    this.msixCapAt = image.caps.find((c) => c.kind === 'msix')?.at ?? null;
    if (d.msix) {
      const table = new Uint8Array(MSIX_ENTRY * vectors);
      const placed = [];
      for (let i = 0; i < vectors; i++) {
        table[MSIX_ENTRY * i + MSIX_VECTOR_CONTROL] = MSIX_MASKED; // entries start masked
        placed.push({ struct: pciMsixTableEntry, offset: MSIX_ENTRY * i });
      }
      this.msixTable = new ConfigSpaceModel(table, placed);
    } else this.msixTable = null;
    this.pba = new Uint8Array(8 * Math.ceil(vectors / 64));

    const offs = this.core.queues.map((q) => q.notifyOff);
    this.notifiers = d.regions.notify.map((n) => new ModelNotifyDispatcher(n.length, n.multiplier, offs));
    this.legacyNotifier = d.legacy ? new ModelNotifyDispatcher(2, 0, offs) : null;
    this.mapRegions();

    for (const c of image.caps) if (c.kind === 'pci_cfg') this.installPciCfgWindow(c.at);
    this.backend?.attach(this);
  }

  // ---- configuration space ----

  configRead(offset: number, width: ModelAccessWidth): number {
    return this.config.read(offset, width);
  }

  configWrite(offset: number, width: ModelAccessWidth, value: number): void {
    this.config.write(offset, width, value);
  }

  get command(): number {
    return this.config.peek(PCI_COMMAND, 2);
  }

  get busMaster(): boolean {
    return (this.command & PCI_COMMAND_MASTER) !== 0;
  }

  programmedBars(): ProgrammedBar[] {
    return programmedModelBars(this.config, this.description.bars);
  }

  /**
   * The BAR that decodes a bus access, given the Command enables and the BARs as programmed:
   * null when none does (memory or I/O decoding off, BAR unassigned, address outside).
   */
  decode(space: 'mem' | 'io', address: bigint): { index: number; offset: number; base: bigint } | null {
    const cmd = this.command;
    if (space === 'mem' && !(cmd & PCI_COMMAND_MEMORY)) return null;
    if (space === 'io' && !(cmd & PCI_COMMAND_IO)) return null;
    for (const b of this.programmedBars()) {
      if ((b.kind === 'io') !== (space === 'io') || b.base === 0n) continue;
      if (address >= b.base && address < b.base + b.size) return { index: b.index, offset: Number(address - b.base), base: b.base };
    }
    return null;
  }

  // ---- BAR contents ----

  barRead(index: number, offset: number, width: ModelAccessWidth): number {
    const r = this.regionAt(index, offset);
    return r ? r.read(offset - r.offset, width) : 0;
  }

  barWrite(index: number, offset: number, width: ModelAccessWidth, value: number): void {
    const r = this.regionAt(index, offset);
    if (r) r.write(offset - r.offset, width, value >>> 0);
  }

  /** Names of the structures in a BAR, for debugging and tests. */
  regionsOf(index: number): ReadonlyArray<ModelBarRegion & { name: string }> {
    return this.regions.get(index) ?? [];
  }

  // ---- interrupts ----

  msixEnabled(): boolean {
    return this.msixCapAt !== null && (this.config.peek(this.msixCapAt + pciMsixCap.field('message_control').offset, 2) & PCI_MSIX_FLAGS_ENABLE) !== 0;
  }

  signalQueue(q: number): void {
    this.core.isr |= VIRTIO_PCI_ISR_QUEUE;
    if (this.msixEnabled()) this.deliverMsix(this.core.queues[q]?.msixVector ?? VIRTIO_MSI_NO_VECTOR);
    else this.assertIntx('queue');
  }

  setDeviceConfig(bytes: Uint8Array): void {
    this.deviceConfig.bytes.set(bytes.subarray(0, this.deviceConfig.size));
    this.core.configGeneration = (this.core.configGeneration + 1) & 0xff;
    this.core.isr |= VIRTIO_PCI_ISR_CONFIG;
    if (this.msixEnabled()) this.deliverMsix(this.core.msixConfig);
    else this.assertIntx('config');
  }

  private assertIntx(cause: 'queue' | 'config'): void {
    this.config.bytes[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    this.interrupts.push({ kind: 'intx', cause });
  }

  private deliverMsix(vector: number): void {
    if (vector === VIRTIO_MSI_NO_VECTOR || !this.msixTable || vector >= this.core.msixVectors) return;
    const t = this.msixTable;
    const at = MSIX_ENTRY * vector;
    const masked =
      (t.peek(at + MSIX_VECTOR_CONTROL, 4) & MSIX_MASKED) !== 0 ||
      (this.config.peek(this.msixCapAt! + pciMsixCap.field('message_control').offset, 2) & PCI_MSIX_FLAGS_MASKALL) !== 0;
    if (masked) {
      this.pba[vector >> 3] |= 1 << (vector & 7);
      return;
    }
    const address = (BigInt(t.peek(at + msixField('upper_address'), 4)) << 32n) | BigInt(t.peek(at + msixField('lower_address'), 4));
    this.interrupts.push({ kind: 'msix', vector, address, data: t.peek(at + msixField('message_data'), 4) });
  }

  private readIsr(): number {
    const v = this.core.readIsr();
    this.config.bytes[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    return v;
  }

  // ---- doorbells ----

  /**
   * Current base of one BAR, as programmedBars() computes it (flag bits masked), 0n when the
   * description has no such BAR. Only the kicked BAR is read: decoding every BAR on each
   * doorbell write was most of the dispatch time.
   */
  private barBase(index: number): bigint {
    const b = this.description.bars.find((x) => x.index === index);
    if (!b) return 0n;
    const at = PCI_BASE_ADDRESS_0 + 4 * index;
    const lo = this.config.peek(at, 4);
    if (b.kind === 'io') return BigInt((lo & ~0x3) >>> 0);
    const low = BigInt((lo & ~0xf) >>> 0);
    return b.kind === 'mem64' ? (BigInt(this.config.peek(at + 4, 4)) << 32n) | low : low;
  }

  private kick(region: number, bar: number, barOffset: number, width: ModelAccessWidth, value: number, queues: readonly number[]): void {
    const base = this.barBase(bar);
    const withData = width === 4 && this.core.hasNegotiated(VIRTIO_F_NOTIFICATION_DATA);
    for (const queue of queues) {
      const k: ModelKick = {
        queue,
        region,
        bar,
        barOffset,
        address: base + BigInt(barOffset),
        width,
        value,
        ...(withData ? { data: modelNotificationData(value) } : {}),
      };
      this.kicks.push(k);
      this.onKick?.(k);
      this.backend?.kick(queue, k);
    }
  }

  // ---- layout ----

  private regionAt(index: number, offset: number): BarRegionHandler | undefined {
    const list = this.regions.get(index);
    if (!list) return undefined;
    for (const r of list) if (offset >= r.offset && offset < r.offset + r.length) return r;
    return undefined;
  }

  private addRegion(r: BarRegionHandler): void {
    let list = this.regions.get(r.bar);
    if (!list) this.regions.set(r.bar, (list = []));
    list.push(r);
  }

  private mapRegions(): void {
    const d = this.description;
    const common = commonCfgRegisters(this.core, d.commonCfgLayout ?? '1.2');
    this.addRegion({ name: 'common', ...d.regions.common, read: (o, w) => common.read(o, w), write: (o, w, v) => common.write(o, w, v) });
    this.addRegion({
      name: 'isr',
      ...d.regions.isr,
      // Any read in the ISR region returns the ISR and clears it (QEMU reads it at every offset).
      read: () => this.readIsr(),
      write: () => {},
    });
    if (d.regions.device) {
      this.addRegion({
        name: 'device',
        ...d.regions.device,
        read: (o, w) => this.deviceConfig.read(o, w),
        write: (o, w, v) => this.deviceConfig.write(o, w, v),
      });
    }
    d.regions.notify.forEach((n, i) => {
      const dispatcher = this.notifiers[i];
      this.addRegion({
        name: `notify${i === 0 ? '' : i}`,
        ...n,
        read: () => 0,
        write: (o, w, v) => this.kick(i, n.bar, n.offset + o, w, v, dispatcher.resolve(o, v)),
      });
    });
    if (d.msix && this.msixTable) {
      const t = this.msixTable;
      this.addRegion({ name: 'msix-table', ...d.msix.table, length: t.size, read: (o, w) => t.read(o, w), write: (o, w, v) => t.write(o, w, v) });
      const pba = this.pba;
      this.addRegion({
        name: 'msix-pba',
        ...d.msix.pba,
        length: pba.length,
        read: (o, w) => {
          let v = 0;
          for (let i = w - 1; i >= 0; i--) v = (v << 8) | (o + i < pba.length ? pba[o + i] : 0);
          return v >>> 0;
        },
        write: () => {},
      });
    }
    if (d.legacy) this.mapLegacy(d.legacy.bar);
  }

  private mapLegacy(bar: number): void {
    const core = this.core;
    const size = Number(this.description.bars.find((b) => b.index === bar)!.size);
    const values = {
      get: (field: string): number => {
        const q = core.selectedQueue();
        switch (field) {
          case 'host_features':
            return (VirtioModelCore.featureWord(core.deviceFeatures, 0) | (this.description.legacy?.hostFeaturesExtra ?? 0)) >>> 0;
          case 'guest_features':
            return VirtioModelCore.featureWord(core.driverFeatures, 0);
          case 'queue_pfn':
            return q && q.enabled ? Number((q.desc >> 12n) & 0xffffffffn) : 0;
          case 'queue_num':
            return q?.size ?? 0;
          case 'queue_sel':
            return core.queueSelect;
          case 'queue_notify':
            return 0;
          case 'status':
            return core.status;
          case 'isr':
            return this.readIsr();
          case 'msi_config_vector':
            return core.msixConfig;
          case 'msi_queue_vector':
            return q?.msixVector ?? VIRTIO_MSI_NO_VECTOR;
          default:
            throw new Error(`legacy register ${field} has no model behaviour`);
        }
      },
      set: (field: string, value: number | bigint): void => {
        const v = Number(value);
        const q = core.selectedQueue();
        switch (field) {
          case 'guest_features':
            core.setDriverFeatureWord(0, v);
            return;
          case 'queue_pfn':
            // QEMU: PFN 0 resets the whole device.
            if (v === 0) core.reset();
            else if (q) {
              const addrs = splitVringAddrs(legacySplitVringLayout(q.size, { placement: 'qemu' }), BigInt(v >>> 0) << 12n);
              q.desc = addrs.desc;
              q.driver = addrs.avail;
              q.device = addrs.used;
              core.enableQueue(q);
            }
            return;
          case 'queue_sel':
            core.selectQueue(v);
            return;
          case 'status':
            core.setStatus(v);
            return;
          case 'msi_config_vector':
            core.msixConfig = core.checkedVector(v);
            return;
          case 'msi_queue_vector':
            if (q) q.msixVector = core.checkedVector(v);
            return;
          default:
            throw new Error(`legacy register ${field} has no model behaviour`);
        }
      },
    };
    const plain = new ModelStructRegisters(legacyHeaderStruct(false), values);
    const msix = new ModelStructRegisters(legacyHeaderStruct(true), values);
    const notifyAt = legacyHeaderStruct(false).field('queue_notify').offset;
    this.addRegion({
      name: 'legacy',
      bar,
      offset: 0,
      length: size,
      read: (o, w) => {
        const cfgAt = legacyDeviceConfigOffset(this.msixEnabled());
        if (o >= cfgAt) return this.deviceConfig.read(o - cfgAt, w);
        return (cfgAt === legacyDeviceConfigOffset(true) ? msix : plain).read(o, w);
      },
      write: (o, w, v) => {
        const cfgAt = legacyDeviceConfigOffset(this.msixEnabled());
        if (o >= cfgAt) {
          this.deviceConfig.write(o - cfgAt, w, v);
          return;
        }
        if (o === notifyAt) {
          // By value, as QEMU: the low 16 bits name the queue; with NOTIFICATION_DATA the rest is data.
          const q = this.legacyNotifier!.queuesNamed(v & 0xffff).filter((i) => core.queues[i].size > 0);
          this.kick(-1, bar, o, w, v, q);
          return;
        }
        (cfgAt === legacyDeviceConfigOffset(true) ? msix : plain).write(o, w, v);
      },
    });
  }

  /** The virtio pci_cfg window: pci_cfg_data reads and writes go to BAR `bar` at `offset`. */
  private installPciCfgWindow(at: number): void {
    const cfg = this.config;
    const target = () => {
      const bar = cfg.peek(at + virtioPciCfgCap.field('bar').offset, 1);
      const offset = cfg.peek(at + virtioPciCfgCap.field('offset').offset, 4);
      const length = cfg.peek(at + virtioPciCfgCap.field('length').offset, 4);
      // Spec 4.1.4.9: length 1, 2 or 4 and offset a multiple of it; anything else does nothing.
      if ((length !== 1 && length !== 2 && length !== 4) || offset % length !== 0) return null;
      return { bar, offset, length: length as ModelAccessWidth };
    };
    cfg.addHook({
      offset: at + 16,
      length: 4,
      beforeRead: () => {
        const t = target();
        if (t) cfg.poke(at + PCI_CFG_DATA, 4, this.barRead(t.bar, t.offset, t.length));
      },
      afterWrite: () => {
        const t = target();
        if (t) this.barWrite(t.bar, t.offset, t.length, cfg.peek(at + PCI_CFG_DATA, t.length));
      },
    });
  }
}
