// Device-model descriptions and machines: random but valid VirtioModelDescriptions (BARs of
// every kind, structures anywhere in them, any capability order, queue_notify_off values other
// than the queue index, multipliers from 0 to 4096, I/O-space doorbells, MSI-X, legacy BAR0),
// and a model machine (one virtio-blk function on a ModelBus) to run them on.
import fc from 'fast-check';
import type { ModelBar } from '../model/bars.js';
import type { VirtioModelBackend } from '../model/backend.js';
import { VirtioBlkModelBackend, type ModelBlkOptions } from '../model/blk.js';
import { ModelBus } from '../model/bus.js';
import { checkModelDescription, type ModelBarRegion, type ModelCapEntry, type ModelNotifyRegion, type VirtioModelDescription } from '../model/description.js';
import { VirtioPciDevice } from '../model/device.js';
import { SparseGuestMemory } from '../model/memory.js';
import type { PciAddress } from '../pci/bus.js';
import { cloudHypervisorPreset, kvmtoolPreset, qemuVirtioPreset, type QemuPresetOptions } from '../model/presets.js';
import { featuresFromBits, VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { withFields } from './show.js';


/**
 * Descriptions the model accepts: queues with arbitrary notify offsets, any multiplier, caps in
 * any order. The notify region may be too short for some queues (their doorbells lie past its
 * end), so dispatch can be tested at the edges; use arbBlkDevice for devices a driver accepts.
 */
export const arbModelDescription: fc.Arbitrary<VirtioModelDescription> = fc
  .record({
    queues: fc.array(fc.record({ size: fc.integer({ min: 1, max: 256 }), notifyOff: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
    multiplier: fc.constantFrom(0, 2, 4, 8, 16, 64, 0x100),
    notifyOffset: fc.integer({ min: 0, max: 0x1ff }).map((x) => 0x3000 + 4 * x),
    notifyLength: fc.integer({ min: 2, max: 512 }),
    pio: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    notificationData: fc.boolean(),
  })
  .map((r): VirtioModelDescription => {
    const caps: ModelCapEntry[] = [{ kind: 'common' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'notify', notify: 0 }, { kind: 'pci_cfg' }, { kind: 'msix' }];
    if (r.pio) caps.push({ kind: 'notify', notify: 1 });
    // A shuffle driven by the generated keys.
    const keyed = caps.map((c, i) => ({ c, k: r.order[i] ?? i }));
    keyed.sort((a, b) => a.k - b.k);
    return {
      name: 'random',
      deviceType: 2,
      queues: r.queues,
      features: featuresFromBits(r.notificationData ? [VIRTIO_F_VERSION_1, VIRTIO_F_NOTIFICATION_DATA] : [VIRTIO_F_VERSION_1]),
      bars: [{ index: 1, kind: 'mem32', size: 0x1000n }, ...(r.pio ? [{ index: 2, kind: 'io' as const, size: 4n }] : []), { index: 4, kind: 'mem64', size: 0x4000n, prefetchable: true }],
      regions: {
        common: { bar: 4, offset: 0, length: 0x1000 },
        isr: { bar: 4, offset: 0x1000, length: 0x1000 },
        device: { bar: 4, offset: 0x2000, length: 0x1000 },
        notify: [{ bar: 4, offset: r.notifyOffset, length: Math.min(r.notifyLength, 0x4000 - r.notifyOffset), multiplier: r.multiplier }, ...(r.pio ? [{ bar: 2, offset: 0, length: 4, multiplier: 0 }] : [])],
      },
      msix: { vectors: r.queues.length + 1, table: { bar: 1, offset: 0 }, pba: { bar: 1, offset: 0x800 } },
      caps: keyed.map((x) => x.c),
    };
  })
  .map(withFields('model description'));

/** Where modelMachine plugs its function in. */
export const MODEL_MACHINE_SLOT: PciAddress = { domain: 0, bus: 0, device: 3, function: 0 };

/** A model machine: one virtio function on a ModelBus, with the guest RAM its backend reaches. */
export interface ModelMachineOf<B extends VirtioModelBackend> {
  readonly bus: ModelBus;
  readonly dev: VirtioPciDevice;
  readonly backend: B;
  /** Guest RAM: what the Bus's memReadBytes/memWriteBytes reach and the backend's host.memory. */
  readonly memory: SparseGuestMemory;
}

/** A model machine with pcicfg's virtio-blk backend, and its disk. */
export interface ModelMachine extends ModelMachineOf<VirtioBlkModelBackend> {
  readonly disk: Uint8Array;
}

/** modelMachine with a device backend of your own in place of pcicfg's virtio-blk. */
export interface ModelMachineBackendOptions<B extends VirtioModelBackend> {
  readonly backend: B;
}

/** A disk of `sectors` sectors whose bytes depend on `seed` and the position. */
export function patternDisk(sectors: number, seed = 1): Uint8Array {
  const d = new Uint8Array(512 * sectors);
  for (let i = 0; i < d.length; i++) d[i] = (Math.imul(i + 1, 2654435761 ^ seed) >>> 13) & 0xff;
  return d;
}

/**
 * One virtio function built from `d` at MODEL_MACHINE_SLOT of a fresh ModelBus. The device
 * side is pcicfg's virtio-blk backend (with `blk` options), or `{ backend }`: any
 * VirtioModelBackend of yours, for the description's device type.
 */
export function modelMachine(d: VirtioModelDescription, blk?: ModelBlkOptions): ModelMachine;
export function modelMachine<B extends VirtioModelBackend>(d: VirtioModelDescription, options: ModelMachineBackendOptions<B>): ModelMachineOf<B>;
export function modelMachine(d: VirtioModelDescription, options: ModelBlkOptions | ModelMachineBackendOptions<VirtioModelBackend> = {}): ModelMachineOf<VirtioModelBackend> {
  const memory = new SparseGuestMemory();
  const bus = new ModelBus(memory);
  if ('backend' in options) {
    const dev = new VirtioPciDevice(d, { memory, backend: options.backend });
    bus.attachVirtio(MODEL_MACHINE_SLOT, dev);
    return { bus, dev, backend: options.backend, memory };
  }
  const disk = options.disk ?? patternDisk(64);
  const backend = new VirtioBlkModelBackend({ ...options, disk });
  const dev = new VirtioPciDevice(d, { memory, backend });
  bus.attachVirtio(MODEL_MACHINE_SLOT, dev);
  const m: ModelMachine = { bus, dev, backend, memory, disk };
  return m;
}

/** The doorbell of queue q as the description says it must be (an oracle independent of the probe). */
export function expectedModelNotify(dev: VirtioPciDevice, q: number): { space: 'mem' | 'io'; address: bigint } {
  const d = dev.description;
  const first = d.caps.find((c) => c.kind === 'notify')!;
  const region = d.regions.notify[first.notify ?? 0];
  const bar = dev.programmedBars().find((b) => b.index === region.bar)!;
  const off = d.queues[q].notifyOff ?? q;
  return { space: bar.kind === 'io' ? 'io' : 'mem', address: bar.base + BigInt(region.offset) + BigInt(off) * BigInt(region.multiplier) };
}

const nextPow2 = (n: number) => {
  let p = 1;
  while (p < n) p *= 2;
  return p;
};
const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** What the driver is asked to negotiate, drawn with the device. */
export interface DriverAsk {
  readonly packed: boolean;
  readonly eventIdx: boolean;
  readonly notificationData: boolean;
}

export interface RandomBlkDevice {
  readonly description: VirtioModelDescription;
  readonly blk: ModelBlkOptions;
  readonly ask: DriverAsk;
  /** A request to make: queue, first sector, sector count. */
  readonly request: { queue: number; sector: number; count: number };
}

const F = (b: number) => 1n << BigInt(b);

/** Random descriptions of a virtio-blk function that checkModelDescription accepts. */
export const arbBlkDevice: fc.Arbitrary<RandomBlkDevice> = fc
  .record({
    queues: fc.array(
      fc.record({ pow2: fc.boolean(), size: fc.integer({ min: 1, max: 1024 }), exp: fc.integer({ min: 0, max: 10 }), customOff: fc.boolean(), off: fc.nat(0xffff) }),
      { minLength: 1, maxLength: 6 },
    ),
    multiplier: fc.constantFrom(0, 2, 4, 8, 64, 4096),
    notifyInIo: fc.boolean(),
    extraIoNotify: fc.boolean(),
    structBar: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 4, maxLength: 4 }),
    memKinds: fc.array(fc.constantFrom<'mem32' | 'mem64'>('mem32', 'mem64'), { minLength: 2, maxLength: 2 }),
    prefetchable: fc.boolean(),
    slotOrder: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
    gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
    pageAlign: fc.boolean(),
    commonLayout: fc.constantFrom<'1.0' | '1.2' | '1.3'>('1.0', '1.2', '1.3'),
    commonBig: fc.boolean(),
    isrLength: fc.constantFrom(1, 4, 0x1000),
    deviceLength: fc.constantFrom(0x60, 0x100, 0x1000),
    notifyExtra: fc.integer({ min: 0, max: 3 }),
    msix: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
    legacy: fc.boolean(),
    capKeys: fc.array(fc.double({ noNaN: true }), { minLength: 7, maxLength: 7 }),
    offer: fc.record({ eventIdx: fc.boolean(), indirect: fc.boolean(), packed: fc.boolean(), nd: fc.boolean(), mq: fc.boolean() }),
    ask: fc.record({ packed: fc.boolean(), eventIdx: fc.boolean(), notificationData: fc.boolean() }),
    request: fc.record({ queue: fc.nat(), sector: fc.nat(62), count: fc.integer({ min: 1, max: 2 }) }),
  })
  .map((p): RandomBlkDevice => {
    const nd = p.offer.nd;
    // With NOTIFICATION_DATA offered the multiplier must be 0 or a multiple of 4 (spec 4.1.4.4).
    let multiplier = nd && p.multiplier === 2 ? 4 : p.multiplier;
    // An I/O BAR holds at most 256 bytes: only small multipliers fit there.
    const notifyInIo = p.notifyInIo && multiplier <= 8;
    const limit = notifyInIo ? 0x100 : 0x40000;
    const maxOff = multiplier > 0 ? Math.floor((limit - 8 - 4 * p.notifyExtra) / multiplier) : 0xffff;
    const queues = p.queues.map((q, i) => ({
      size: q.pow2 ? 2 ** q.exp : q.size,
      notifyOff: q.customOff ? q.off % (maxOff + 1) : Math.min(i, maxOff),
    }));
    const highest = Math.max(...queues.map((q) => q.notifyOff));
    const notifyLength = (multiplier > 0 ? highest * multiplier : 0) + 4 + 4 * p.notifyExtra;
    if (multiplier > 0 && notifyLength > limit) multiplier = 0;

    // BAR numbers: legacy BAR0 first (the legacy interface is always BAR0), then the others in slotOrder.
    const free = new Set([0, 1, 2, 3, 4, 5]);
    const bars: ModelBar[] = [];
    const take = (kind: ModelBar['kind']): number | null => {
      for (const i of p.slotOrder) {
        if (!free.has(i)) continue;
        if (kind === 'mem64' && (i === 5 || !free.has(i + 1))) continue;
        free.delete(i);
        if (kind === 'mem64') free.delete(i + 1);
        return i;
      }
      return null;
    };
    if (p.legacy) free.delete(0);
    // Memory BARs first: at most 1 + 2 + 2 slots, so they always fit (a mem64 without two free
    // neighbouring slots becomes a mem32).
    const memBars = p.memKinds.map((k) => {
      let index = take(k);
      let kind: 'mem32' | 'mem64' = k;
      if (index === null) [index, kind] = [take('mem32'), 'mem32'];
      return { index: index!, kind };
    });
    const notifyIoIndex = notifyInIo ? take('io') : null;
    const extraIoIndex = p.extraIoNotify ? take('io') : null;

    // Place common, ISR, device, notify in the memory BARs (or notify in its I/O BAR).
    const cursors = [0, 0];
    const place = (which: number, length: number, gap: number): ModelBarRegion => {
      const start = alignUp(cursors[which] + gap * 0x100, p.pageAlign ? 0x1000 : 4);
      cursors[which] = start + length;
      return { bar: memBars[which].index, offset: start, length };
    };
    const commonLength = p.commonBig ? 0x1000 : p.commonLayout === '1.0' ? 56 : p.commonLayout === '1.2' ? 60 : 64;
    const common = place(p.structBar[0], commonLength, p.gaps[0]);
    const isr = place(p.structBar[1], p.isrLength, p.gaps[1]);
    const device = place(p.structBar[2], p.deviceLength, p.gaps[2]);
    const notify: ModelNotifyRegion[] = [
      notifyIoIndex !== null
        ? { bar: notifyIoIndex, offset: 0, length: notifyLength, multiplier }
        : { ...place(p.structBar[3], notifyLength, p.gaps[3]), multiplier },
    ];
    if (extraIoIndex !== null) notify.push({ bar: extraIoIndex, offset: 0, length: 4, multiplier: 0 });
    const msixVectors = p.msix;
    let msix: VirtioModelDescription['msix'];
    if (msixVectors !== null) {
      const w = p.structBar[0];
      const table = alignUp(cursors[w], 0x1000);
      const pba = table + 0x800;
      cursors[w] = pba + 8;
      msix = { vectors: msixVectors, table: { bar: memBars[w].index, offset: table }, pba: { bar: memBars[w].index, offset: pba } };
    }
    memBars.forEach((m, i) => {
      if (cursors[i] === 0) return; // unused: leave the slot empty
      bars.push({ index: m.index, kind: m.kind, prefetchable: m.kind === 'mem64' && p.prefetchable, size: BigInt(Math.max(nextPow2(cursors[i]), 16)) });
    });
    if (notifyIoIndex !== null) bars.push({ index: notifyIoIndex, kind: 'io', size: BigInt(Math.max(nextPow2(notifyLength), 4)) });
    if (extraIoIndex !== null) bars.push({ index: extraIoIndex, kind: 'io', size: 4n });
    if (p.legacy) bars.push({ index: 0, kind: 'io', size: BigInt(nextPow2((msix ? 24 : 20) + 0x60)) });

    const kinds: Omit<ModelCapEntry, 'at'>[] = [{ kind: 'common' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'notify', notify: 0 }, { kind: 'pci_cfg' }];
    if (msix) kinds.push({ kind: 'msix' });
    if (extraIoIndex !== null) kinds.push({ kind: 'notify', notify: 1 });
    const caps = kinds.map((k, i) => ({ k, key: p.capKeys[i] })).sort((a, b) => a.key - b.key).map((x) => x.k);

    let features = F(32);
    if (p.offer.eventIdx) features |= F(29);
    if (p.offer.indirect) features |= F(28);
    if (nd) features |= F(38);
    const description: VirtioModelDescription = {
      name: 'random',
      deviceType: 2,
      queues,
      features,
      bars,
      regions: { common, isr, device, notify },
      commonCfgLayout: p.commonLayout,
      msix,
      caps,
      legacy: p.legacy ? { bar: 0 } : undefined,
    };
    checkModelDescription(description);
    return {
      description,
      blk: { packed: p.offer.packed, numQueues: p.offer.mq ? queues.length : 1 },
      ask: p.ask,
      request: { queue: p.request.queue % queues.length, sector: p.request.sector, count: p.request.count },
    };
  })
  .map(withFields('virtio-blk device'));

/** A preset layout by name: how to build it and what it is. */
interface PresetEntry {
  readonly name: string;
  readonly make: (o: QemuPresetOptions) => VirtioModelDescription;
  /** Has the legacy interface (I/O BAR0) besides the modern one. */
  readonly transitional: boolean;
  /** A PCI Express endpoint (4 KiB config space). */
  readonly pcie: boolean;
}

/** The layouts of real implementations the model reproduces (docs/model.md), by name. */
export const MODEL_PRESET_LAYOUTS: readonly PresetEntry[] = [
  { name: 'qemu-modern', make: (o) => qemuVirtioPreset(o), transitional: false, pcie: false },
  { name: 'qemu-page-per-vq', make: (o) => qemuVirtioPreset({ ...o, pagePerVq: true }), transitional: false, pcie: false },
  { name: 'qemu-modern-pio-notify', make: (o) => qemuVirtioPreset({ ...o, modernPioNotify: true }), transitional: false, pcie: false },
  { name: 'qemu-transitional', make: (o) => qemuVirtioPreset({ ...o, transitional: true }), transitional: true, pcie: false },
  { name: 'qemu-transitional-pio-notify', make: (o) => qemuVirtioPreset({ ...o, transitional: true, modernPioNotify: true }), transitional: true, pcie: false },
  { name: 'qemu-pcie', make: (o) => qemuVirtioPreset({ ...o, pcie: true }), transitional: false, pcie: true },
  { name: 'cloud-hypervisor', make: (o) => cloudHypervisorPreset(o), transitional: false, pcie: false },
  { name: 'kvmtool', make: (o) => kvmtoolPreset(o), transitional: false, pcie: false },
];

export interface PresetDevice {
  /** A preset layout with the drawn queues. */
  readonly description: VirtioModelDescription;
  /** Backend options: packed rings offered or not, one request queue per virtqueue. */
  readonly blk: ModelBlkOptions;
  /** How the driver is asked to bring it up: the legacy path (only on a transitional preset) or the modern one, with the features to negotiate. */
  readonly driver: { readonly legacy: boolean; readonly packed: boolean; readonly eventIdx: boolean; readonly indirect: boolean };
  /** A request to make: queue (an existing one), first sector, sector count. */
  readonly request: { readonly queue: number; readonly sector: number; readonly count: number };
  readonly facts: { readonly preset: string; readonly transitional: boolean; readonly pcie: boolean; readonly queueSizes: readonly number[] };
}

/** Knobs of arbPresetDevice. */
export interface PresetDeviceKnobs {
  /** Preset names to draw from (default every one of MODEL_PRESET_LAYOUTS). */
  readonly presets?: readonly string[] | undefined;
  /** Most queues (default 8); sizes are powers of two from 1 to 1024. */
  readonly maxQueues?: number | undefined;
}

/** virtio-blk functions in the layout of a real implementation, with power-of-two queues, and how to drive them. */
export function arbPresetDevice(knobs: PresetDeviceKnobs = {}): fc.Arbitrary<PresetDevice> {
  const presets = knobs.presets ? MODEL_PRESET_LAYOUTS.filter((p) => knobs.presets!.includes(p.name)) : MODEL_PRESET_LAYOUTS;
  if (presets.length === 0) throw new RangeError('arbPresetDevice: no preset of that name');
  return fc
    .record({
      preset: fc.constantFrom(...presets),
      legacyPath: fc.boolean(),
      queueExps: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: knobs.maxQueues ?? 8 }),
      packed: fc.boolean(),
      eventIdx: fc.boolean(),
      indirect: fc.boolean(),
      request: fc.record({ queue: fc.nat(), sector: fc.nat(62), count: fc.integer({ min: 1, max: 2 }) }),
    })
    .map((p): PresetDevice => {
      const queues = p.queueExps.map((e) => ({ size: 2 ** e }));
      return {
        description: p.preset.make({ queues }),
        blk: { packed: p.packed, numQueues: queues.length },
        driver: { legacy: p.preset.transitional && p.legacyPath, packed: p.packed, eventIdx: p.eventIdx, indirect: p.indirect },
        request: { queue: p.request.queue % queues.length, sector: p.request.sector, count: p.request.count },
        facts: { preset: p.preset.name, transitional: p.preset.transitional, pcie: p.preset.pcie, queueSizes: queues.map((q) => q.size) },
      };
    })
    .map(withFields((d) => `preset device ${d.facts.preset}`));
}

/** Knobs of arbModelBars. */
export interface ModelBarsKnobs {
  /** Fewest BARs (default 1). */
  readonly minBars?: number | undefined;
  /** Largest 64-bit BAR as a power of two (default 40: 1 TiB). */
  readonly maxMem64Log?: number | undefined;
}

/**
 * BAR sets the device model accepts (checkModelBars): each of the six slots empty, I/O (4 bytes
 * to 64 KiB), 32-bit (16 bytes to 2 GiB) or 64-bit (16 bytes up to 2^maxMem64Log, taking the
 * next slot as its upper half; never in slot 5), memory BARs prefetchable or not. The BARs are
 * their own facts: what sizing with all-ones must give back.
 */
export function arbModelBars(knobs: ModelBarsKnobs = {}): fc.Arbitrary<ModelBar[]> {
  const maxLog64 = knobs.maxMem64Log ?? 40;
  return fc
    .array(fc.record({ kind: fc.constantFrom<'none' | ModelBar['kind']>('none', 'io', 'mem32', 'mem64'), sizeLog: fc.nat(maxLog64), prefetchable: fc.boolean() }), { minLength: 6, maxLength: 6 })
    .map((slots) => {
      const bars: ModelBar[] = [];
      for (let i = 0; i < 6; i++) {
        const s = slots[i];
        if (s.kind === 'none') continue;
        const kind = s.kind === 'mem64' && i === 5 ? 'mem32' : s.kind;
        const [min, max] = kind === 'io' ? [2, 16] : kind === 'mem32' ? [4, 31] : [4, maxLog64];
        const size = 1n << BigInt(Math.min(max, Math.max(min, s.sizeLog)));
        bars.push({ index: i, kind, size, prefetchable: kind !== 'io' && s.prefetchable });
        if (kind === 'mem64') i++;
      }
      return bars;
    })
    .filter((bars) => bars.length >= (knobs.minBars ?? 1));
}
