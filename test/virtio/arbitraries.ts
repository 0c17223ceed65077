// Generators of virtio-pci transports: a plain description (GenTransport), a builder that turns
// it into a config-space image with the layer's own encoders, and fast-check arbitraries of
// valid transports and of invalid variants with the diagnostic each must produce. Kept in one
// file so it can later move to a public `pcicfg/arbitraries` subpath.
import { fc } from '@fast-check/vitest';
import { buildVirtioCap, VIRTIO_F_NOTIFICATION_DATA, type VirtioDiagnosticCode } from '../../src/virtio/index.js';

export type GenBarKind = 'io' | 'mem32' | 'mem64';

export interface GenBar {
  readonly index: number;
  readonly kind: GenBarKind;
  readonly prefetchable: boolean;
  readonly address: bigint;
  readonly size: bigint;
}

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
}

/** The config-space image of a transport (256 bytes, caps from 0x40, 4-byte aligned). */
export function buildTransportImage(g: GenTransport): Uint8Array {
  const img = new Uint8Array(256);
  const dv = new DataView(img.buffer);
  dv.setUint16(0x00, 0x1af4, true);
  dv.setUint16(0x02, 0x1040 + g.deviceType, true);
  dv.setUint16(0x04, 0x0007, true);
  dv.setUint16(0x06, 0x0010, true);
  img[0x08] = 1;
  img[0x0b] = 0xff;
  for (const b of g.bars) {
    const o = 0x10 + 4 * b.index;
    if (b.kind === 'io') dv.setUint32(o, Number(b.address) | 1, true);
    else if (b.kind === 'mem32') dv.setUint32(o, Number(b.address) | (b.prefetchable ? 8 : 0), true);
    else {
      dv.setUint32(o, Number(b.address & 0xffffffffn) | 4 | (b.prefetchable ? 8 : 0), true);
      dv.setUint32(o + 4, Number(b.address >> 32n), true);
    }
  }
  dv.setUint16(0x2c, 0x1af4, true);
  dv.setUint16(0x2e, 0x40 + g.deviceType, true);
  img[0x3d] = 1;
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
  if (g.msix) {
    const m = new Uint8Array(12);
    const mv = new DataView(m.buffer);
    m[0] = 0x11;
    mv.setUint16(2, (g.msix.size - 1) | (g.msix.enabled ? 0x8000 : 0), true);
    mv.setUint32(4, g.msix.tableOffset | g.msix.tableBar, true);
    mv.setUint32(8, g.msix.pbaOffset | g.msix.pbaBar, true);
    blobs.splice(g.msixAt, 0, m);
  }
  let pos = 0x40;
  const positions: number[] = [];
  for (const b of blobs) {
    positions.push(pos);
    pos += (b.length + 3) & ~3;
  }
  if (pos > 256) throw new Error(`capabilities need ${pos} bytes`);
  blobs.forEach((b, i) => {
    img.set(b, positions[i]);
    img[positions[i] + 1] = i + 1 < blobs.length ? positions[i + 1] : 0;
  });
  img[0x34] = blobs.length ? 0x40 : 0;
  return img;
}

export function barSizesOf(g: GenTransport): Map<number, bigint> | undefined {
  return g.sizesKnown ? new Map(g.bars.map((b) => [b.index, b.size])) : undefined;
}

/** The first cap of each cfg_type in list order: what the probe must choose. */
export function expectedCap(g: GenTransport, cfgType: number): GenCap | undefined {
  return g.caps.find((c) => c.cfg_type === cfgType);
}

const nextPow2 = (n: bigint) => {
  let p = 16n;
  while (p < n) p <<= 1n;
  return p;
};
const alignUp = (n: bigint, a: bigint) => ((n + a - 1n) / a) * a;

interface Placement {
  readonly kind: 'common' | 'notify' | 'isr' | 'device' | 'shm' | 'msix_table' | 'msix_pba';
  readonly barSlot: number;
  readonly gap: number;
  readonly length: bigint;
  readonly multiplier?: number;
  readonly id?: number;
}

/** Valid transports: every rule of the probe satisfied, random BARs, layout, order and queues. */
export function arbTransport(opts: { notificationData?: boolean } = {}): fc.Arbitrary<GenTransport> {
  const slotKinds = fc.array(fc.constantFrom<'none' | GenBarKind>('none', 'io', 'mem32', 'mem64', 'mem64'), { minLength: 6, maxLength: 6 });
  const nd = opts.notificationData === undefined ? fc.boolean() : fc.constant(opts.notificationData);
  return fc
    .record({
      deviceType: fc.constantFrom(1, 2, 3, 5, 8, 16, 18, 19, 20, 26),
      slotKinds,
      prefetch: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      addrSeeds: fc.array(fc.bigInt({ min: 1n, max: (1n << 40n) - 1n }), { minLength: 6, maxLength: 6 }),
      nd,
      multExp: fc.integer({ min: -1, max: 12 }),
      queueCount: fc.integer({ min: 1, max: 64 }),
      offMode: fc.constantFrom('index', 'random', 'zero'),
      offSeeds: fc.array(fc.integer({ min: 0, max: 1023 }), { minLength: 64, maxLength: 64 }),
      barPick: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      gaps: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 8, maxLength: 8 }),
      commonLen: fc.constantFrom(56n, 60n, 64n, 0x1000n),
      isrLen: fc.constantFrom(1n, 4n, 0x1000n),
      devLen: fc.integer({ min: 1, max: 0x200 }),
      slack: fc.integer({ min: 0, max: 64 }),
      extraNotify: fc.boolean(),
      extraMult: fc.integer({ min: 0, max: 3 }),
      shm: fc.boolean(),
      shmLen: fc.bigInt({ min: 1n, max: 1n << 33n }),
      msix: fc.option(fc.record({ size: fc.integer({ min: 1, max: 64 }), enabled: fc.boolean() })),
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      msixAt: fc.nat(),
      pads: fc.array(fc.constantFrom(0, 0, 4), { minLength: 8, maxLength: 8 }),
      sizesKnown: fc.boolean(),
    })
    .map((r): GenTransport => {
      // BAR slots: a 64-bit BAR takes its upper neighbour; none in the last slot.
      const kinds: Array<{ index: number; kind: GenBarKind }> = [];
      for (let i = 0; i < 6; i++) {
        let k = r.slotKinds[i];
        if (k === 'none') continue;
        if (k === 'mem64' && i === 5) k = 'mem32';
        kinds.push({ index: i, kind: k });
        if (k === 'mem64') i++;
      }
      if (kinds.length === 0) kinds.push({ index: 0, kind: 'mem32' });
      const width = r.nd ? 4n : 2n;
      let mult = r.multExp < 0 ? 0 : 2 ** r.multExp;
      if (mult === 1) mult = 2;
      if (r.nd && mult !== 0 && mult < 4) mult = 4;
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
        const k = kinds[p.barSlot % kinds.length];
        const align = p.kind === 'notify' ? (r.nd ? 4n : 2n) : p.kind === 'isr' ? 1n : p.kind.startsWith('msix') ? 8n : 4n;
        const offset = alignUp((cursor.get(k.index) ?? 0n) + BigInt(p.gap), align);
        cursor.set(k.index, offset + p.length);
        return { ...p, bar: k.index, offset };
      });
      const bars: GenBar[] = kinds.map((k, j) => {
        const size = nextPow2(cursor.get(k.index) ?? 16n);
        // I/O BARs are at most 256 bytes; a bigger one becomes a memory BAR.
        const kind: GenBarKind = k.kind === 'io' && size > 256n ? 'mem32' : k.kind;
        const limit = kind === 'io' ? 0x10000n : kind === 'mem32' ? 1n << 32n : 1n << 40n;
        const slots = limit / size;
        const address = slots > 1n ? (1n + (r.addrSeeds[j] % (slots - 1n))) * size : size;
        return { index: k.index, kind, prefetchable: kind !== 'io' && r.prefetch[j], address, size };
      });
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
      return {
        deviceType: r.deviceType,
        bars,
        caps: caps.map(({ key: _k, ...c }) => c),
        msix: r.msix && t && pba ? { tableBar: t.bar, tableOffset: Number(t.offset), pbaBar: pba.bar, pbaOffset: Number(pba.offset), size: r.msix.size, enabled: r.msix.enabled } : null,
        msixAt: r.msixAt % (caps.length + 1),
        queueNotifyOffs: offs,
        features: (1n << 32n) | (r.nd ? 1n << BigInt(VIRTIO_F_NOTIFICATION_DATA) : 0n),
        sizesKnown: r.sizesKnown,
      };
    });
}

export type Mutation =
  | 'bar-reserved'
  | 'bar-unimplemented'
  | 'bar-upper-half'
  | 'common-misaligned'
  | 'common-short'
  | 'notify-mult-not-pow2'
  | 'notify-mult-not-mult4'
  | 'notify-bound'
  | 'isr-wrap'
  | 'device-outside-bar'
  | 'notify-short-cap-len';

export const MUTATION_CODES: Readonly<Record<Mutation, VirtioDiagnosticCode>> = {
  'bar-reserved': 'VIRTIO_CAP_BAR_RESERVED',
  'bar-unimplemented': 'VIRTIO_CAP_BAR_UNIMPLEMENTED',
  'bar-upper-half': 'VIRTIO_CAP_BAR_UPPER_HALF',
  'common-misaligned': 'VIRTIO_CAP_OFFSET_MISALIGNED',
  'common-short': 'VIRTIO_CAP_LENGTH_SHORT',
  'notify-mult-not-pow2': 'VIRTIO_NOTIFY_MULTIPLIER_NOT_POW2',
  'notify-mult-not-mult4': 'VIRTIO_NOTIFY_MULTIPLIER_NOT_MULT4',
  'notify-bound': 'VIRTIO_NOTIFY_OFF_OUT_OF_RANGE',
  'isr-wrap': 'VIRTIO_CAP_REGION_WRAP',
  'device-outside-bar': 'VIRTIO_CAP_REGION_OUTSIDE_BAR',
  'notify-short-cap-len': 'VIRTIO_CAP_SHORT',
};

function mutateFirst(g: GenTransport, cfgType: number, f: (c: GenCap) => GenCap): GenTransport {
  const i = g.caps.findIndex((c) => c.cfg_type === cfgType);
  return { ...g, caps: g.caps.map((c, j) => (j === i ? f(c) : c)) };
}

/**
 * Apply a mutation to a valid transport. Returns null when the transport cannot carry it (no
 * 64-bit BAR for bar-upper-half, every index in use for bar-unimplemented).
 */
export function mutate(g: GenTransport, m: Mutation, seed: number): GenTransport | null {
  const width = g.features & (1n << BigInt(VIRTIO_F_NOTIFICATION_DATA)) ? 4n : 2n;
  switch (m) {
    case 'bar-reserved':
      return mutateFirst(g, 1, (c) => ({ ...c, bar: 6 + (seed % 250) }));
    case 'bar-unimplemented': {
      const used = new Set(g.bars.flatMap((b) => (b.kind === 'mem64' ? [b.index, b.index + 1] : [b.index])));
      const free = [0, 1, 2, 3, 4, 5].filter((i) => !used.has(i));
      return free.length ? mutateFirst(g, 3, (c) => ({ ...c, bar: free[seed % free.length] })) : null;
    }
    case 'bar-upper-half': {
      const b64 = g.bars.filter((b) => b.kind === 'mem64');
      return b64.length ? mutateFirst(g, 2, (c) => ({ ...c, bar: b64[seed % b64.length].index + 1 })) : null;
    }
    case 'common-misaligned':
      return mutateFirst(g, 1, (c) => ({ ...c, offset: c.offset + BigInt(1 + (seed % 3)) }));
    case 'common-short':
      return mutateFirst(g, 1, (c) => ({ ...c, length: BigInt(seed % 56) }));
    case 'notify-mult-not-pow2':
      return mutateFirst(g, 2, (c) => ({ ...c, multiplier: [3, 5, 6, 12, 100, 0x1001, 0xffffffff][seed % 7] }));
    case 'notify-mult-not-mult4':
      return mutateFirst({ ...g, features: g.features | (1n << BigInt(VIRTIO_F_NOTIFICATION_DATA)) }, 2, (c) => ({ ...c, multiplier: 2 }));
    case 'notify-bound': {
      const maxOff = BigInt(Math.max(...g.queueNotifyOffs));
      return mutateFirst(g, 2, (c) => {
        const need = maxOff * BigInt(c.multiplier ?? 0) + width;
        return { ...c, length: need - 1n - BigInt(seed % Number(need < 8n ? 1n : 4n)) };
      });
    }
    case 'isr-wrap':
      return mutateFirst(g, 3, (c) => ({ ...c, offset: 0xffffff00n + BigInt(seed % 0x80), length: 0x101n + BigInt(seed % 0x1000) }));
    case 'device-outside-bar': {
      const gs = { ...g, sizesKnown: true };
      const m = mutateFirst(gs, 4, (c) => {
        const bar = g.bars.find((b) => b.index === c.bar)!;
        return { ...c, offset: alignUp(bar.size - c.length + 1n + BigInt(seed % 64), 4n) };
      });
      // Beyond what a 32-bit offset can say: not this mutation's business.
      if (m.caps.some((c) => c.cfg_type !== 8 && c.cfg_type !== 5 && c.offset + c.length > 0x100000000n)) return null;
      return m;
    }
    case 'notify-short-cap-len':
      return mutateFirst(g, 2, (c) => ({ ...c, cap_len: 16 + (seed % 4), pad: 0 }));
  }
}

export const arbMutation: fc.Arbitrary<Mutation> = fc.constantFrom(...(Object.keys(MUTATION_CODES) as Mutation[]));
