// Where the three parts of a split virtqueue sit when placed contiguously, as the legacy
// interface requires (one page frame number for the whole ring) and as Linux allocates even
// for modern devices. Formulas: virtio spec "Legacy Interfaces: A Note on Virtqueue Layout",
// Linux vring_init()/vring_size(), QEMU virtio_queue_update_rings().
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { region, type Region } from '../layout/annotate.js';
import type { Struct } from '../layout/struct.js';
import { VRING_DIAGNOSTICS } from './diagnostics.js';
import { vringAlignUp, vringCheckQueueSize, vringIsPowerOfTwo } from './size.js';
import {
  VRING_AVAIL_ALIGN_SIZE,
  VRING_DESC_ALIGN_SIZE,
  VRING_USED_ALIGN_SIZE,
  vringAvailElem,
  vringAvailEvent,
  vringAvailHeader,
  vringDesc,
  vringUsedElem,
  vringUsedEvent,
  vringUsedHeader,
} from './split-structs.js';

/** One part of a ring: byte offset from the start of the ring, size in bytes, required alignment. */
export interface VringPart {
  readonly offset: number;
  readonly size: number;
  readonly align: number;
}

/**
 * How the used ring is placed after the available ring:
 * - `linux`: at align_up(16N + 6 + 2N, align), i.e. after avail.used_event whether or not
 *   EVENT_IDX is negotiated (vring_init; also QEMU's libqos and the spec's legacy formula);
 * - `qemu`: at align_up(16N + 4 + 2N, align), i.e. right after avail.ring[N-1], ignoring
 *   used_event (QEMU's device side, virtio_queue_update_rings).
 * They agree whenever 18N + 4 is not a multiple of `align`.
 */
export type SplitVringPlacement = 'linux' | 'qemu';

export interface SplitVringLayoutOptions {
  /** Alignment of the used ring's start (the legacy "Queue Align"); a power of two. Default 4. */
  readonly align?: number;
  /** Whether used_event / avail_event are part of the rings (VIRTIO_F_EVENT_IDX). Default true. */
  readonly eventIdx?: boolean;
  /** Default `linux`. */
  readonly placement?: SplitVringPlacement;
}

export interface SplitVringLayout {
  readonly kind: 'split';
  /** The size the layout was computed for (0 when the requested size was unusable). */
  readonly queueSize: number;
  readonly eventIdx: boolean;
  readonly align: number;
  readonly placement: SplitVringPlacement;
  /** Descriptor table: 16·N bytes, align 16. */
  readonly desc: VringPart;
  /** Available ring (driver area): flags, idx, ring[N], [used_event]; align 2. */
  readonly avail: VringPart;
  /** Used ring (device area): flags, idx, ring[N] of {id, len}, [avail_event]; align 4. */
  readonly used: VringPart;
  /** Bytes from the descriptor table's start to the used ring's end. */
  readonly total: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Linux vring_size(num, align): the contiguous legacy ring size, used ring not padded at the end. */
export function vringSize(num: number, align: number): number {
  return vringAlignUp(16 * num + 2 * (3 + num), align) + 6 + 8 * num;
}

/**
 * The spec's legacy virtq_size(): both the driver part and the used ring rounded up to the
 * alignment (larger than Linux's vring_size, which leaves the used ring unpadded).
 */
export function specLegacyVringSize(num: number, align: number): number {
  return vringAlignUp(16 * num + 2 * (3 + num), align) + vringAlignUp(6 + 8 * num, align);
}

/** Layout of a split virtqueue of `queueSize` entries placed contiguously. Never throws on data. */
export function splitVringLayout(queueSize: number, options: SplitVringLayoutOptions = {}): SplitVringLayout {
  const eventIdx = options.eventIdx ?? true;
  const placement = options.placement ?? 'linux';
  const { size: n, diagnostics } = vringCheckQueueSize(queueSize, 'split');
  let align = options.align ?? VRING_USED_ALIGN_SIZE;
  if (!vringIsPowerOfTwo(align)) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_ALIGN_INVALID', null, `ring alignment ${String(align)} is not a power of two; using 4`));
    align = VRING_USED_ALIGN_SIZE;
  }
  const ev = eventIdx ? 2 : 0;
  const desc: VringPart = { offset: 0, size: 16 * n, align: VRING_DESC_ALIGN_SIZE };
  const avail: VringPart = { offset: desc.size, size: 4 + 2 * n + ev, align: VRING_AVAIL_ALIGN_SIZE };
  const usedAfter = placement === 'linux' ? 16 * n + 6 + 2 * n : 16 * n + 4 + 2 * n;
  const used: VringPart = { offset: vringAlignUp(usedAfter, align), size: 4 + 8 * n + ev, align: VRING_USED_ALIGN_SIZE };
  if (used.offset % VRING_USED_ALIGN_SIZE !== 0) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_PART_MISALIGNED', used.offset, `used ring at ${used.offset} is not 4-byte aligned (alignment ${align})`));
  }
  if (avail.offset + avail.size > used.offset) {
    diagnostics.push(
      diag(VRING_DIAGNOSTICS, 'VRING_QEMU_USED_EVENT_OVERLAP', avail.offset + avail.size - 2, `used_event at ${avail.offset + avail.size - 2} overlaps the used ring at ${used.offset}`),
    );
  }
  return { kind: 'split', queueSize: n, eventIdx, align, placement, desc, avail, used, total: used.offset + used.size, diagnostics };
}

/** The legacy (virtio 0.9.5 PCI) layout: Queue Align 4096 unless told otherwise. */
export function legacySplitVringLayout(queueSize: number, options: SplitVringLayoutOptions = {}): SplitVringLayout {
  return splitVringLayout(queueSize, { ...options, align: options.align ?? 4096 });
}

/** What covers one byte of a ring: part, element index, field, and a printable label. */
export interface VringLocation {
  readonly part: string;
  /** Struct name of the covering element (`vring_desc`, `vring_used_elem`, ...); null in padding. */
  readonly struct: string | null;
  /** Element index in its array (descriptor or ring slot), or null for headers and event words. */
  readonly index: number | null;
  readonly field: string | null;
  readonly byteInField: number;
  /** e.g. `desc[3].len`, `avail.ring[5]`, `used.ring[2].id`, `avail.used_event`, `padding`. */
  readonly label: string;
}

function inPart(p: VringPart, at: number): boolean {
  return at >= p.offset && at < p.offset + p.size;
}

function located(part: string, s: Struct<any>, rel: number, index: number | null, prefix: string): VringLocation {
  const f = s.fieldAt(rel)!;
  return { part, struct: s.name, index, field: f.name, byteInField: rel - f.offset, label: `${prefix}.${f.name}` };
}

/** Which part, element and field of a split ring covers byte `at` (relative to the ring's start). */
export function locateSplitVring(layout: SplitVringLayout, at: number): VringLocation | undefined {
  const n = layout.queueSize;
  if (!Number.isInteger(at) || at < 0 || at >= layout.total) return undefined;
  // The used ring is checked first: with QEMU's placement used_event may overlap it, and the
  // used ring is what the device actually writes there.
  if (inPart(layout.used, at)) {
    const rel = at - layout.used.offset;
    if (rel < 4) return located('used', vringUsedHeader, rel, null, 'used');
    if (rel < 4 + 8 * n) {
      const i = Math.floor((rel - 4) / 8);
      return located('used', vringUsedElem, (rel - 4) % 8, i, `used.ring[${i}]`);
    }
    return located('used', vringAvailEvent, rel - 4 - 8 * n, null, 'used');
  }
  if (inPart(layout.desc, at)) {
    const i = Math.floor(at / 16);
    return located('desc', vringDesc, at % 16, i, `desc[${i}]`);
  }
  if (inPart(layout.avail, at)) {
    const rel = at - layout.avail.offset;
    if (rel < 4) return located('avail', vringAvailHeader, rel, null, 'avail');
    if (rel < 4 + 2 * n) {
      const i = Math.floor((rel - 4) / 2);
      return { part: 'avail', struct: vringAvailElem.name, index: i, field: 'id', byteInField: (rel - 4) % 2, label: `avail.ring[${i}]` };
    }
    return located('avail', vringUsedEvent, rel - 4 - 2 * n, null, 'avail');
  }
  return { part: 'padding', struct: null, index: null, field: null, byteInField: 0, label: 'padding' };
}

/**
 * Annotation regions (src/layout/annotate) for every element of the ring, offsets relative to
 * `base`. 3N + 4 or more regions: meant for a ring, not for a whole address space.
 */
export function splitVringRegions(layout: SplitVringLayout, base = 0): Region[] {
  const n = layout.queueSize;
  const out: Region[] = [];
  for (let i = 0; i < n; i++) out.push(region(vringDesc, base + 16 * i, `desc[${i}]`));
  const a = base + layout.avail.offset;
  out.push(region(vringAvailHeader, a, 'avail'));
  for (let i = 0; i < n; i++) out.push(region(vringAvailElem, a + 4 + 2 * i, `avail.ring[${i}]`));
  if (layout.eventIdx) out.push(region(vringUsedEvent, a + 4 + 2 * n, 'avail.used_event'));
  const u = base + layout.used.offset;
  out.push(region(vringUsedHeader, u, 'used'));
  for (let i = 0; i < n; i++) out.push(region(vringUsedElem, u + 4 + 8 * i, `used.ring[${i}]`));
  if (layout.eventIdx) out.push(region(vringAvailEvent, u + 4 + 8 * n, 'used.avail_event'));
  return out;
}
