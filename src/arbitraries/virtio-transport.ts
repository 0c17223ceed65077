// Virtio-pci transports: a plain description (GenTransport), a builder that writes its config
// image with the PCI and virtio layers' encoders, arbitraries of valid transports (modern,
// transitional, legacy-only) that carry the facts they were built from, and mutations that
// each make the probe report one known diagnostic.
import fc from 'fast-check';
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import { pciMsixCap } from '../pci/caps/msix.js';
import { buildVirtioCap } from '../virtio/caps.js';
import { featuresFromBits, VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { VIRTIO_PCI_MODERN_DEVICE_BASE, VIRTIO_TRANSITIONAL_DEVICE_IDS } from '../virtio/ids.js';
import type { VirtioDiagnosticCode } from '../virtio/diagnostics.js';
import { alignUp, barFields, placeCapChain, pow2AtLeast, writeType0Header, type ArbBar, type ArbBarKind, type ChainPlan } from './place.js';
import { hexRows, printable, showBars, showHex } from './show.js';

export type GenBarKind = ArbBarKind;
export type GenBar = ArbBar;

/** One virtio capability (struct virtio_pci_cap and friends) as the generator chose it. */
export interface GenCap {
  readonly cfg_type: number;
  readonly bar: number;
  readonly offset: bigint;
  readonly length: bigint;
  readonly multiplier?: number;
  readonly id?: number;
  /** Padding bytes inside cap_len after the structure. */
  readonly pad?: number;
  /** Override of cap_len (short caps). */
  readonly cap_len?: number;
}

export interface GenMsix {
  readonly tableBar: number;
  readonly tableOffset: number;
  readonly pbaBar: number;
  readonly pbaOffset: number;
  readonly size: number;
  readonly enabled: boolean;
}

export interface GenTransport {
  readonly deviceType: number;
  readonly bars: readonly GenBar[];
  /** Virtio caps in list order. */
  readonly caps: readonly GenCap[];
  readonly msix: GenMsix | null;
  /** Where the MSI-X cap sits in the list (index into caps, inserted before it). */
  readonly msixAt: number;
  readonly queueNotifyOffs: readonly number[];
  readonly features: bigint;
  /** Whether BAR sizes are given to the decoder (a live device) or not (a dump). */
  readonly sizesKnown: boolean;
  /** A transitional device (ID 0x1000 + n, revision 0, legacy registers in I/O BAR0). */
  readonly transitional?: boolean;
  /** Where the capabilities sit in config space (default: packed from 0x40 in list order). */
  readonly capPlan?: ChainPlan;
}

/** Transitional PCI device IDs (virtio spec 4.1.2.1) by device type. */
export const TRANSITIONAL_DEVICE_ID: Readonly<Record<number, number>> = Object.fromEntries(
  Object.entries(VIRTIO_TRANSITIONAL_DEVICE_IDS).map(([id, type]) => [type, Number(id)]),
);

/** PCI device ID of a transport: transitional or 0x1040 + type. */
export function transportDeviceId(g: Pick<GenTransport, 'deviceType' | 'transitional'>): number {
  return g.transitional ? TRANSITIONAL_DEVICE_ID[g.deviceType] : VIRTIO_PCI_MODERN_DEVICE_BASE + g.deviceType;
}

/** Offsets of each capability in the image, in list order (MSI-X included at `msixAt`). */
export interface TransportLayout {
  readonly image: Uint8Array;
  /** Offsets of the virtio caps, in `caps` order. */
  readonly capOffsets: readonly number[];
  readonly msixOffset: number | null;
}

/** Lay out the config image of a transport; throws RangeError when the caps do not fit 256 bytes. */
export function layoutTransportImage(g: GenTransport): TransportLayout {
  const img = new Uint8Array(256);
  const hasCaps = g.caps.length > 0 || g.msix !== null;
  writeType0Header(img, {
    vendor_id: 0x1af4,
    device_id: transportDeviceId(g),
    command: 0x0007,
    status: hasCaps ? 0x0010 : 0,
    revision_id: g.transitional ? 0 : 1,
    base_class: 0xff,
    ...barFields(g.bars),
    subsystem_vendor_id: 0x1af4,
    subsystem_id: g.transitional ? g.deviceType : 0x40 + g.deviceType,
    interrupt_pin: 1,
  });
  const blobs: Uint8Array[] = g.caps.map((c) =>
    buildVirtioCap({
      cfg_type: c.cfg_type,
      bar: c.bar,
      offset: c.offset,
      length: c.length,
      id: c.id,
      notify_off_multiplier: c.multiplier,
      extra: new Uint8Array(c.pad ?? 0),
      cap_len: c.cap_len,
    }),
  );
  let msixIndex: number | null = null;
  if (g.msix) {
    const m = g.msix;
    const cap = pciMsixCap.toBytes({
      cap_id: PCI_CAP_ID.MSIX,
      cap_next: 0,
      message_control: (m.size - 1) | (m.enabled ? 0x8000 : 0),
      table: (m.tableOffset | m.tableBar) >>> 0,
      pba: (m.pbaOffset | m.pbaBar) >>> 0,
    });
    msixIndex = Math.min(g.msixAt, blobs.length);
    blobs.splice(msixIndex, 0, cap);
  }
  const at = placeCapChain(img, blobs, g.capPlan ?? null);
  if (!at) throw new RangeError(`the capabilities of this transport do not fit in 256 bytes`);
  img[0x34] = blobs.length ? at[0] : 0;
  const capOffsets = at.filter((_, i) => i !== msixIndex);
  return { image: img, capOffsets, msixOffset: msixIndex === null ? null : at[msixIndex] };
}

/** The config-space image of a transport (256 bytes). */
export function buildTransportImage(g: GenTransport): Uint8Array {
  return layoutTransportImage(g).image;
}

/** BAR sizes to hand the decoder, or undefined for a dump-like transport. */
export function barSizesOf(g: GenTransport): Map<number, bigint> | undefined {
  return g.sizesKnown ? new Map(g.bars.map((b) => [b.index, b.size])) : undefined;
}

/** The first cap of each cfg_type in list order: what the probe must choose. */
export function expectedCap(g: GenTransport, cfgType: number): GenCap | undefined {
  return g.caps.find((c) => c.cfg_type === cfgType);
}

export interface StructureFact {
  readonly bar: number;
  readonly space: 'mem' | 'io';
  readonly offset: bigint;
  readonly length: bigint;
  readonly address: bigint;
}

export interface NotifyFact {
  readonly queue: number;
  readonly queueNotifyOff: number;
  readonly space: 'mem' | 'io';
  readonly address: bigint;
}

/** What a probe of the transport must find, computed from the generating values alone. */
export interface TransportFacts {
  readonly kind: 'modern' | 'modern-incomplete' | 'transitional' | 'legacy-only';
  readonly deviceId: number;
  readonly common: StructureFact | null;
  readonly notify: (StructureFact & { readonly multiplier: number }) | null;
  readonly isr: StructureFact | null;
  readonly device: StructureFact | null;
  /** Every queue's doorbell (modern interface). */
  readonly notifyAddresses: readonly NotifyFact[];
  /** The legacy QUEUE_NOTIFY register (BAR0 + 16) of a transitional or legacy-only device. */
  readonly legacyNotify: { readonly space: 'io'; readonly address: bigint } | null;
  /** Width of a doorbell write: 4 with VIRTIO_F_NOTIFICATION_DATA, else 2. */
  readonly notifyWidth: 2 | 4;
  /** Every shared-memory region (cfg_type 8), in list order, with its id. */
  readonly sharedMemory: readonly (StructureFact & { readonly id: number })[];
  /** The MSI-X table (16 bytes per entry) and pending-bit array (8 bytes per 64 entries), or null without MSI-X. */
  readonly msix: { readonly table: StructureFact & { readonly entries: number }; readonly pba: StructureFact } | null;
}

/** Facts of a transport (see TransportFacts). */
export function transportFacts(g: GenTransport): TransportFacts {
  const barOf = (i: number) => g.bars.find((b) => b.index === i);
  const fact = (t: number): StructureFact | null => {
    const c = expectedCap(g, t);
    const b = c && barOf(c.bar);
    if (!c || !b) return null;
    return { bar: b.index, space: b.kind === 'io' ? 'io' : 'mem', offset: c.offset, length: c.length, address: b.address + c.offset };
  };
  const n = fact(2);
  const mult = expectedCap(g, 2)?.multiplier ?? 0;
  const at = (bar: number, offset: bigint, length: bigint): StructureFact => {
    const b = barOf(bar)!;
    return { bar, space: b.kind === 'io' ? 'io' : 'mem', offset, length, address: b.address + offset };
  };
  const m = g.msix;
  const legacyBar = g.transitional ? barOf(0) : undefined;
  const common = fact(1);
  const isr = fact(3);
  return {
    kind: g.transitional ? (g.caps.length ? 'transitional' : 'legacy-only') : common && n && isr ? 'modern' : 'modern-incomplete',
    deviceId: transportDeviceId(g),
    common,
    notify: n && { ...n, multiplier: mult },
    isr,
    device: fact(4),
    notifyAddresses: n ? g.queueNotifyOffs.map((off, queue) => ({ queue, queueNotifyOff: off, space: n.space, address: n.address + BigInt(off) * BigInt(mult) })) : [],
    legacyNotify: legacyBar ? { space: 'io', address: legacyBar.address + 16n } : null,
    notifyWidth: g.features & (1n << BigInt(VIRTIO_F_NOTIFICATION_DATA)) ? 4 : 2,
    sharedMemory: g.caps.filter((c) => c.cfg_type === 8 && barOf(c.bar)).map((c) => ({ ...at(c.bar, c.offset, c.length), id: c.id ?? 0 })),
    msix:
      m && barOf(m.tableBar) && barOf(m.pbaBar)
        ? {
            table: { ...at(m.tableBar, BigInt(m.tableOffset), BigInt(16 * m.size)), entries: m.size },
            pba: at(m.pbaBar, BigInt(m.pbaOffset), BigInt(8 * Math.ceil(m.size / 64))),
          }
        : null,
  };
}

/** A generated transport with its image and facts. */
export interface GeneratedTransport extends GenTransport {
  readonly image: Uint8Array;
  readonly facts: TransportFacts;
}

/** Attach the image and the facts to a description. */
export function withTransportFacts(g: GenTransport): GeneratedTransport {
  return printable({ ...g, image: buildTransportImage(g), facts: transportFacts(g) }, (t) => `${showTransport(t)}\n  image:\n${hexRows(t.image, '    ')}`);
}

const CFG_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'common', 2: 'notify', 3: 'isr', 4: 'device', 5: 'pci_cfg', 8: 'shm', 9: 'vendor' };

/** A transport description in a few lines (BARs, capabilities in list order, MSI-X, queues), for counterexamples. */
function showTransport(g: GenTransport): string {
  const kind = g.transitional ? (g.caps.length ? 'transitional' : 'legacy-only') : [1, 2, 3].every((t) => expectedCap(g, t)) ? 'modern' : 'modern-incomplete';
  const cap = (c: GenCap) => {
    const extra = [c.multiplier !== undefined ? `multiplier ${c.multiplier}` : '', c.id !== undefined ? `id ${c.id}` : '', c.pad ? `pad ${c.pad}` : '', c.cap_len !== undefined ? `cap_len ${c.cap_len}` : ''].filter(Boolean);
    return `${CFG_TYPE_NAMES[c.cfg_type] ?? `cfg_type ${c.cfg_type}`} BAR${c.bar}+${showHex(c.offset)} (${showHex(c.length)} B${extra.length ? `, ${extra.join(', ')}` : ''})`;
  };
  const m = g.msix;
  return [
    `virtio transport: ${kind}, device type ${g.deviceType} (ID ${showHex(transportDeviceId(g), 4)}), features ${showHex(g.features)}, BAR sizes ${g.sizesKnown ? 'known' : 'unknown'}`,
    `  BARs: ${showBars(g.bars)}`,
    `  caps: ${g.caps.length ? g.caps.map(cap).join(' → ') : 'none'}`,
    ...(m ? [`  MSI-X: ${m.size} entries${m.enabled ? ', enabled' : ''}, table BAR${m.tableBar}+${showHex(m.tableOffset)}, PBA BAR${m.pbaBar}+${showHex(m.pbaOffset)}, before cap ${g.msixAt}`] : []),
    `  queue_notify_off: ${g.queueNotifyOffs.length ? g.queueNotifyOffs.join(' ') : 'no queues'}`,
  ].join('\n');
}

interface Placement {
  readonly kind: 'common' | 'notify' | 'isr' | 'device' | 'shm' | 'msix_table' | 'msix_pba';
  readonly barSlot: number;
  readonly gap: number;
  readonly length: bigint;
  readonly multiplier?: number;
  readonly id?: number;
}

/** Knobs of arbTransport. Every knob left out is drawn at random. */
export interface TransportKnobs {
  /** Device types to draw from (default: a spread of known types; transitional ones have a transitional ID). */
  readonly deviceTypes?: readonly number[] | undefined;
  /** 'modern' (ID 0x1040 + n, the default), 'transitional' (legacy I/O BAR0 too), or 'any'. */
  readonly kind?: 'modern' | 'transitional' | 'any' | undefined;
  /** Offer VIRTIO_F_NOTIFICATION_DATA (4-byte doorbells, multiplier a multiple of 4). */
  readonly notificationData?: boolean | undefined;
  /** Largest number of queues (default 64). */
  readonly maxQueues?: number | undefined;
  /** notify_off_multiplier values to draw from (default 0, 2, 4, ..., 4096, all legal). */
  readonly multipliers?: readonly number[] | undefined;
  /** With an MSI-X capability (default either). */
  readonly msix?: boolean | undefined;
  /** BAR sizes given to the decoder (default either). */
  readonly sizesKnown?: boolean | undefined;
  /** A second notify capability (a duplicate the probe must ignore); default either. */
  readonly duplicateNotify?: boolean | undefined;
  /** A shared-memory capability; default either. */
  readonly sharedMemory?: boolean | undefined;
}

const MODERN_TYPES = [1, 2, 3, 4, 5, 8, 9, 16, 18, 19, 20, 26];
const LEGAL_MULTIPLIERS = [0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
const opt = <T>(v: T | undefined, a: fc.Arbitrary<T>): fc.Arbitrary<T> => (v === undefined ? a : fc.constant(v));

/** Valid transports: every rule of the probe satisfied; BARs, layout, cap order and queues at random. */
export function arbTransport(knobs: TransportKnobs = {}): fc.Arbitrary<GeneratedTransport> {
  const kind = knobs.kind ?? 'modern';
  const transitional = kind === 'modern' ? fc.constant(false) : kind === 'transitional' ? fc.constant(true) : fc.boolean();
  return fc
    .record({
      transitional,
      typePick: fc.nat(),
      slotKinds: fc.array(fc.constantFrom<'none' | GenBarKind>('none', 'io', 'mem32', 'mem64', 'mem64'), { minLength: 6, maxLength: 6 }),
      prefetch: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      addrSeeds: fc.array(fc.bigInt({ min: 1n, max: (1n << 40n) - 1n }), { minLength: 7, maxLength: 7 }),
      nd: opt(knobs.notificationData, fc.boolean()),
      multPick: fc.constantFrom(...(knobs.multipliers ?? LEGAL_MULTIPLIERS)),
      queueCount: fc.integer({ min: 1, max: knobs.maxQueues ?? 64 }),
      offMode: fc.constantFrom('index', 'random', 'zero'),
      offSeeds: fc.array(fc.integer({ min: 0, max: 1023 }), { minLength: 64, maxLength: 64 }),
      barPick: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      gaps: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 8, maxLength: 8 }),
      commonLen: fc.constantFrom(56n, 60n, 64n, 0x1000n),
      isrLen: fc.constantFrom(1n, 4n, 0x1000n),
      devLen: fc.integer({ min: 1, max: 0x200 }),
      slack: fc.integer({ min: 0, max: 64 }),
      extraNotify: opt(knobs.duplicateNotify, fc.boolean()),
      extraMult: fc.integer({ min: 0, max: 3 }),
      shm: opt(knobs.sharedMemory, fc.boolean()),
      shmLen: fc.bigInt({ min: 1n, max: 1n << 33n }),
      msix: knobs.msix === false ? fc.constant(null) : knobs.msix ? fc.record({ size: fc.integer({ min: 1, max: 64 }), enabled: fc.boolean() }) : fc.option(fc.record({ size: fc.integer({ min: 1, max: 64 }), enabled: fc.boolean() })),
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      msixAt: fc.nat(),
      pads: fc.array(fc.constantFrom(0, 0, 4), { minLength: 8, maxLength: 8 }),
      sizesKnown: opt(knobs.sizesKnown, fc.boolean()),
      placement: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 }),
      capGaps: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 9, maxLength: 9 }),
    })
    .map((r): GeneratedTransport => {
      const types = knobs.deviceTypes ?? (r.transitional ? Object.keys(TRANSITIONAL_DEVICE_ID).map(Number) : MODERN_TYPES);
      const usable = r.transitional ? types.filter((t) => TRANSITIONAL_DEVICE_ID[t] !== undefined) : types;
      if (usable.length === 0) throw new RangeError('arbTransport: no device type of the requested kind');
      const deviceType = usable[r.typePick % usable.length];
      // BAR slots: a 64-bit BAR takes its upper neighbour; none in the last slot. A transitional
      // device keeps BAR0 for the legacy registers.
      const kinds: Array<{ index: number; kind: GenBarKind }> = [];
      for (let i = r.transitional ? 1 : 0; i < 6; i++) {
        let k = r.slotKinds[i];
        if (k === 'none') continue;
        if (k === 'mem64' && i === 5) k = 'mem32';
        kinds.push({ index: i, kind: k });
        if (k === 'mem64') i++;
      }
      if (kinds.length === 0) kinds.push({ index: r.transitional ? 1 : 0, kind: 'mem32' });
      // The MSI-X table and PBA live in memory space (PCI Local Bus spec 6.8.2.4): give them a
      // memory BAR, turning the first I/O one into a 32-bit memory BAR when there is none.
      if (r.msix && kinds.every((k) => k.kind === 'io')) kinds[0] = { index: kinds[0].index, kind: 'mem32' };
      const memKinds = kinds.filter((k) => k.kind !== 'io');
      const width = r.nd ? 4n : 2n;
      let mult = r.multPick;
      if (r.nd && mult % 4 !== 0) mult = 4;
      const offs =
        r.offMode === 'index'
          ? Array.from({ length: r.queueCount }, (_, i) => i)
          : r.offMode === 'zero'
            ? new Array<number>(r.queueCount).fill(0)
            : r.offSeeds.slice(0, r.queueCount);
      const maxOff = BigInt(Math.max(...offs));
      const notifyLen = (m: number) => maxOff * BigInt(m) + width + BigInt(r.slack);
      const pl: Placement[] = [
        { kind: 'common', barSlot: r.barPick[0], gap: r.gaps[0], length: r.commonLen },
        { kind: 'notify', barSlot: r.barPick[1], gap: r.gaps[1], length: notifyLen(mult), multiplier: mult },
        { kind: 'isr', barSlot: r.barPick[2], gap: r.gaps[2], length: r.isrLen },
        { kind: 'device', barSlot: r.barPick[3], gap: r.gaps[3], length: BigInt(r.devLen) },
      ];
      if (r.extraNotify) {
        const m2 = r.extraMult === 0 ? 0 : 4 << r.extraMult;
        pl.push({ kind: 'notify', barSlot: r.barPick[4], gap: r.gaps[4], length: notifyLen(m2), multiplier: m2 });
      }
      if (r.msix) {
        pl.push({ kind: 'msix_table', barSlot: r.barPick[6], gap: r.gaps[6], length: BigInt(r.msix.size * 16) });
        pl.push({ kind: 'msix_pba', barSlot: r.barPick[7], gap: r.gaps[7], length: BigInt(Math.ceil(r.msix.size / 64) * 8) });
      }
      if (r.shm) {
        // Shared memory goes last in its BAR; multi-GiB regions only in 64-bit BARs.
        const b64 = kinds.findIndex((k) => k.kind === 'mem64');
        if (b64 >= 0) pl.push({ kind: 'shm', barSlot: b64, gap: r.gaps[5], length: r.shmLen, id: 0 });
        else pl.push({ kind: 'shm', barSlot: r.barPick[5], gap: r.gaps[5], length: 1n + (r.shmLen % 0x10000n), id: 0 });
      }
      // Lay out each BAR's structures one after another.
      const cursor = new Map<number, bigint>();
      const placed = pl.map((p) => {
        const pool = p.kind.startsWith('msix') ? memKinds : kinds;
        const k = pool[p.barSlot % pool.length];
        const align = p.kind === 'notify' ? width : p.kind === 'isr' ? 1n : p.kind.startsWith('msix') ? 8n : 4n;
        const offset = alignUp((cursor.get(k.index) ?? 0n) + BigInt(p.gap), align);
        cursor.set(k.index, offset + p.length);
        return { ...p, bar: k.index, offset };
      });
      const bars: GenBar[] = kinds.map((k, j) => {
        const size = pow2AtLeast(cursor.get(k.index) ?? 16n);
        // I/O BARs are at most 256 bytes; a bigger one becomes a memory BAR.
        const kind: GenBarKind = k.kind === 'io' && size > 256n ? 'mem32' : k.kind;
        return { index: k.index, kind, prefetchable: kind !== 'io' && r.prefetch[j], address: barAddress(kind, size, r.addrSeeds[j]), size };
      });
      if (r.transitional) bars.unshift({ index: 0, kind: 'io', prefetchable: false, address: barAddress('io', 0x40n, r.addrSeeds[6]), size: 0x40n });
      const caps: Array<GenCap & { key: number }> = placed
        .filter((p) => !p.kind.startsWith('msix'))
        .map((p, i) => ({
          cfg_type: { common: 1, notify: 2, isr: 3, device: 4, shm: 8 }[p.kind as 'common']!,
          bar: p.bar,
          offset: p.offset,
          length: p.length,
          multiplier: p.multiplier,
          id: p.id,
          pad: p.kind === 'shm' ? 0 : r.pads[i], // Linux wants cap_len 24 exactly for shm
          key: r.order[i],
        }));
      caps.push({ cfg_type: 5, bar: 0, offset: 0n, length: 0n, key: r.order[7], pad: 0 });
      caps.sort((a, b) => a.key - b.key);
      const t = placed.find((p) => p.kind === 'msix_table');
      const pba = placed.find((p) => p.kind === 'msix_pba');
      const nBlobs = caps.length + (r.msix ? 1 : 0);
      const placement = r.placement
        .slice(0, nBlobs)
        .map((k, i) => ({ k, i }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.i);
      const g: GenTransport = {
        deviceType,
        bars,
        caps: caps.map(({ key: _k, ...c }) => c),
        msix: r.msix && t && pba ? { tableBar: t.bar, tableOffset: Number(t.offset), pbaBar: pba.bar, pbaOffset: Number(pba.offset), size: r.msix.size, enabled: r.msix.enabled } : null,
        msixAt: r.msixAt % (caps.length + 1),
        queueNotifyOffs: offs,
        features: featuresFromBits(r.nd ? [VIRTIO_F_VERSION_1, VIRTIO_F_NOTIFICATION_DATA] : [VIRTIO_F_VERSION_1]),
        sizesKnown: r.sizesKnown,
        transitional: r.transitional,
        capPlan: { placement, gaps: r.capGaps.slice(0, nBlobs) },
      };
      return withTransportFacts(g);
    });
}

/** A base address aligned to `size` inside the space of `kind` (never 0: 0 means unassigned). */
function barAddress(kind: GenBarKind, size: bigint, seed: bigint): bigint {
  const limit = kind === 'io' ? 0x10000n : kind === 'mem32' ? 1n << 32n : 1n << 40n;
  const slots = limit / size;
  return slots > 1n ? (1n + (seed % (slots - 1n))) * size : size;
}

/**
 * Legacy-only devices: a transitional ID and the legacy registers in I/O BAR0, no virtio
 * capabilities (what the probe calls 'legacy-only').
 */
export function arbLegacyTransport(knobs: Pick<TransportKnobs, 'deviceTypes' | 'sizesKnown' | 'maxQueues'> = {}): fc.Arbitrary<GeneratedTransport> {
  const types = (knobs.deviceTypes ?? Object.keys(TRANSITIONAL_DEVICE_ID).map(Number)).filter((t) => TRANSITIONAL_DEVICE_ID[t] !== undefined);
  return fc
    .record({
      deviceType: fc.constantFrom(...types),
      size: fc.constantFrom(0x20n, 0x40n, 0x80n, 0x100n),
      seed: fc.bigInt({ min: 1n, max: 0xffffn }),
      queues: fc.integer({ min: 1, max: knobs.maxQueues ?? 16 }),
      sizesKnown: opt(knobs.sizesKnown, fc.boolean()),
    })
    .map((r) =>
      withTransportFacts({
        deviceType: r.deviceType,
        bars: [{ index: 0, kind: 'io', prefetchable: false, address: barAddress('io', r.size, r.seed), size: r.size }],
        caps: [],
        msix: null,
        msixAt: 0,
        queueNotifyOffs: Array.from({ length: r.queues }, (_, i) => i),
        features: 0n,
        sizesKnown: r.sizesKnown,
        transitional: true,
      }),
    );
}

/** Mutations of a valid transport, each of which makes the probe report exactly one error or warning. */
export type TransportMutation =
  | 'bar-reserved'
  | 'bar-unimplemented'
  | 'bar-upper-half'
  | 'offset-misaligned'
  | 'length-short'
  | 'region-wrap'
  | 'region-outside-bar'
  | 'notify-mult-not-pow2'
  | 'notify-mult-odd'
  | 'notify-mult-not-mult4'
  | 'notify-bound'
  | 'cap-short'
  | 'shm-cap-len'
  | 'shm-id-duplicate';

/** The diagnostic code each mutation must produce. */
export const TRANSPORT_MUTATION_CODES: Readonly<Record<TransportMutation, VirtioDiagnosticCode>> = {
  'bar-reserved': 'VIRTIO_CAP_BAR_RESERVED',
  'bar-unimplemented': 'VIRTIO_CAP_BAR_UNIMPLEMENTED',
  'bar-upper-half': 'VIRTIO_CAP_BAR_UPPER_HALF',
  'offset-misaligned': 'VIRTIO_CAP_OFFSET_MISALIGNED',
  'length-short': 'VIRTIO_CAP_LENGTH_SHORT',
  'region-wrap': 'VIRTIO_CAP_REGION_WRAP',
  'region-outside-bar': 'VIRTIO_CAP_REGION_OUTSIDE_BAR',
  'notify-mult-not-pow2': 'VIRTIO_NOTIFY_MULTIPLIER_NOT_POW2',
  'notify-mult-odd': 'VIRTIO_NOTIFY_MULTIPLIER_ODD',
  'notify-mult-not-mult4': 'VIRTIO_NOTIFY_MULTIPLIER_NOT_MULT4',
  'notify-bound': 'VIRTIO_NOTIFY_OFF_OUT_OF_RANGE',
  'cap-short': 'VIRTIO_CAP_SHORT',
  'shm-cap-len': 'VIRTIO_SHM_CAP_LEN',
  'shm-id-duplicate': 'VIRTIO_SHM_ID_DUPLICATE',
};

export const TRANSPORT_MUTATIONS = Object.keys(TRANSPORT_MUTATION_CODES) as TransportMutation[];

export const arbTransportMutation: fc.Arbitrary<TransportMutation> = fc.constantFrom(...TRANSPORT_MUTATIONS);

const ND = 1n << BigInt(VIRTIO_F_NOTIFICATION_DATA);

function mutateFirst(g: GenTransport, cfgType: number, f: (c: GenCap) => GenCap | null): GenTransport | null {
  const i = g.caps.findIndex((c) => c.cfg_type === cfgType);
  if (i < 0) return null;
  const m = f(g.caps[i]);
  return m && { ...g, caps: g.caps.map((c, j) => (j === i ? m : c)) };
}

/** A faulty copy of the first cap of a type, put in the list just before it (the probe falls back to the original). */
function insertBefore(g: GenTransport, cfgType: number, f: (c: GenCap) => GenCap): GenTransport | null {
  const i = g.caps.findIndex((c) => c.cfg_type === cfgType);
  if (i < 0) return null;
  const caps = [...g.caps.slice(0, i), f(g.caps[i]), ...g.caps.slice(i)];
  return { ...g, caps, msixAt: g.msixAt > i ? g.msixAt + 1 : g.msixAt, capPlan: undefined };
}

/** Reset the notify cap's length to what `mult` needs, with sizes unknown (so no BAR bound applies). */
function withNotify(g: GenTransport, mult: number, nd: boolean): GenTransport | null {
  const width = nd ? 4n : 2n;
  const maxOff = BigInt(Math.max(...g.queueNotifyOffs));
  return mutateFirst({ ...g, sizesKnown: false, features: nd ? g.features | ND : g.features & ~ND }, 2, (c) => ({
    ...c,
    multiplier: mult,
    offset: c.offset - (c.offset % width),
    length: maxOff * BigInt(mult) + width,
  }));
}

/**
 * Apply a mutation to a valid transport. Returns null when the transport cannot carry it (no
 * 64-bit BAR for bar-upper-half, every BAR index in use for bar-unimplemented, no shared
 * memory, no room for one more capability).
 */
export function mutateTransport(g: GenTransport, m: TransportMutation, seed: number): GenTransport | null {
  const width = g.features & ND ? 4n : 2n;
  const out = ((): GenTransport | null => {
    switch (m) {
      case 'bar-reserved':
        return insertBefore(g, 1, (c) => ({ ...c, bar: 6 + (seed % 250) }));
      case 'bar-unimplemented': {
        const used = new Set(g.bars.flatMap((b) => (b.kind === 'mem64' ? [b.index, b.index + 1] : [b.index])));
        const free = [0, 1, 2, 3, 4, 5].filter((i) => !used.has(i));
        return free.length ? insertBefore(g, 3, (c) => ({ ...c, bar: free[seed % free.length] })) : null;
      }
      case 'bar-upper-half': {
        const b64 = g.bars.filter((b) => b.kind === 'mem64');
        return b64.length ? insertBefore(g, 4, (c) => ({ ...c, bar: b64[seed % b64.length].index + 1 })) : null;
      }
      case 'offset-misaligned':
        // Moved down inside the BAR, or up with the length cut to stay inside.
        return mutateFirst(g, 4, (c) => {
          const k = BigInt(1 + (seed % 3));
          if (c.offset >= 4n) return { ...c, offset: c.offset - k };
          return c.length > k ? { ...c, offset: c.offset + k, length: c.length - k } : null;
        });
      case 'length-short':
        return mutateFirst(g, 4, (c) => ({ ...c, length: 0n }));
      case 'region-wrap':
        return mutateFirst(g, 3, (c) => ({ ...c, offset: 0xffffff00n + BigInt(seed % 0x80), length: 0x101n + BigInt(seed % 0x1000) }));
      case 'region-outside-bar': {
        const gs = { ...g, sizesKnown: true };
        return mutateFirst(gs, 4, (c) => {
          const bar = g.bars.find((b) => b.index === c.bar)!;
          const offset = alignUp(bar.size - c.length + 1n + BigInt(seed % 64), 4n);
          // Beyond what a 32-bit offset can say: that is region-wrap's business.
          return offset + c.length > 0xffffffffn ? null : { ...c, offset };
        });
      }
      case 'notify-mult-not-pow2':
        return withNotify(g, [12, 20, 24, 100, 0x1004][seed % 5], (g.features & ND) !== 0n);
      case 'notify-mult-odd':
        return withNotify(g, 1, false);
      case 'notify-mult-not-mult4':
        return withNotify(g, 2, true);
      case 'notify-bound': {
        const maxOff = BigInt(Math.max(...g.queueNotifyOffs));
        return mutateFirst(g, 2, (c) => {
          const product = maxOff * BigInt(c.multiplier ?? 0);
          if (product === 0n) return null; // a shorter cap would be LENGTH_SHORT instead
          return { ...c, length: product + width - 1n - (BigInt(seed) % product) };
        });
      }
      case 'cap-short':
        return mutateFirst(g, 5, (c) => ({ ...c, cap_len: 16 + (seed % 4), pad: 0 }));
      case 'shm-cap-len':
        return mutateFirst(g, 8, (c) => ({ ...c, pad: 4 * (1 + (seed % 2)) }));
      case 'shm-id-duplicate': {
        const i = g.caps.findIndex((c) => c.cfg_type === 8);
        if (i < 0) return null;
        const caps = [...g.caps.slice(0, i + 1), g.caps[i], ...g.caps.slice(i + 1)];
        return { ...g, caps, msixAt: g.msixAt > i ? g.msixAt + 1 : g.msixAt, capPlan: undefined };
      }
    }
  })();
  if (!out) return null;
  // A mutated transport no longer has the facts of the valid one.
  const { image: _i, facts: _f, ...rest } = out as Partial<GeneratedTransport> & GenTransport;
  try {
    layoutTransportImage(rest);
  } catch {
    return null; // no room for the inserted capability
  }
  return rest;
}

/** An invalid transport: the mutated description, its image, and the code the probe must report. */
export interface InvalidTransport {
  readonly valid: GeneratedTransport;
  readonly mutation: TransportMutation;
  readonly transport: GenTransport;
  readonly image: Uint8Array;
  readonly code: VirtioDiagnosticCode;
}

/**
 * Invalid transports, each labelled with the one error or warning the probe must report
 * (probe with the transport's `features`, `queueNotifyOffs` and `barSizesOf`).
 */
export function arbInvalidTransport(knobs: TransportKnobs = {}, mutations: readonly TransportMutation[] = TRANSPORT_MUTATIONS): fc.Arbitrary<InvalidTransport> {
  return fc
    .tuple(arbTransport(knobs), fc.constantFrom(...mutations), fc.nat())
    .map(([valid, mutation, seed]) => {
      const t = mutateTransport(valid, mutation, seed);
      if (!t) return null;
      const x: InvalidTransport = { valid, mutation, transport: t, image: buildTransportImage(t), code: TRANSPORT_MUTATION_CODES[mutation] };
      return printable(x, (v) => [`invalid virtio transport: ${v.mutation}, expects ${v.code}`, `  as ${showTransport(v.transport).trimStart()}`, '  image:', hexRows(v.image, '    ')].join('\n'));
    })
    .filter((x): x is InvalidTransport => x !== null);
}
