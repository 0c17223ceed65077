// Images for totality and round-trip properties: random bytes (or zeros) with capability
// chains laid over them, so that a decoder's walkers and capability decoders actually run on
// garbage. Standard and extended capability IDs are drawn from lists of decodable (and a few
// unknown) IDs; the links follow the list (optionally back to the first capability) or point
// anywhere in the chain (which then always loops). A variant puts a chain of virtio vendor
// capabilities with random cfg_type, cap_len and BAR into a virtio function's image. Each
// image carries where it put every capability and the walk a decoder must follow.
import fc from 'fast-check';
import { PCI_CAP_ID, PCI_EXT_CAP_ID } from '../pci/cap-ids.js';
import { printable, showFactsAndBytes } from './show.js';

/** Standard capability IDs drawn by default: the decoded ones and two without a decoder. */
export const NOISE_CAP_IDS: readonly number[] = [PCI_CAP_ID.PM, PCI_CAP_ID.MSI, PCI_CAP_ID.VNDR, PCI_CAP_ID.EXP, PCI_CAP_ID.MSIX, 0x03, 0x12];

/** Extended capability IDs drawn by default: the decoded ones and two without a decoder. */
export const NOISE_EXT_CAP_IDS: readonly number[] = [
  PCI_EXT_CAP_ID.ERR, PCI_EXT_CAP_ID.DSN, PCI_EXT_CAP_ID.VNDR, PCI_EXT_CAP_ID.ACS, PCI_EXT_CAP_ID.ARI, PCI_EXT_CAP_ID.ATS,
  PCI_EXT_CAP_ID.SRIOV, PCI_EXT_CAP_ID.REBAR, PCI_EXT_CAP_ID.LTR, PCI_EXT_CAP_ID.L1SS, PCI_EXT_CAP_ID.DVSEC, 0x02, 0x2e,
];

/** One capability as written: its place, the ID and the next pointer put there. */
export interface NoiseCapFact {
  readonly pos: number;
  readonly id: number;
  readonly next: number;
}

export interface NoiseExtCapFact extends NoiseCapFact {
  readonly version: number;
}

export interface CapChainImageFacts {
  readonly headerType: 0 | 1;
  /** Standard capabilities in the order written (the first is where 0x34 points). */
  readonly caps: readonly NoiseCapFact[];
  /** Offsets the standard walk visits, in order, up to the first one seen twice. */
  readonly walk: readonly number[];
  /** Whether the standard walk comes back to a capability it has visited. */
  readonly loops: boolean;
  /** Extended capabilities (the first at 0x100), in the order written; empty in 256-byte images. */
  readonly extCaps: readonly NoiseExtCapFact[];
  readonly extWalk: readonly number[];
  readonly extLoops: boolean;
}

export interface GeneratedCapChainImage {
  readonly bytes: Uint8Array;
  readonly facts: CapChainImageFacts;
}

/** Knobs of arbCapChainImage; whatever is left out is drawn. */
export interface CapChainImageKnobs {
  /** Image size (default 4096). Extended capabilities only in 4096-byte images. */
  readonly size?: 256 | 4096 | undefined;
  /** Random bytes under the chains (default) or zeros. */
  readonly background?: 'noise' | 'zero' | undefined;
  /** Header type (default 0 twice as often as 1). */
  readonly headerType?: 0 | 1 | undefined;
  /** Standard capability IDs to draw from, or 'any' (0x00..0xfe). Default NOISE_CAP_IDS. */
  readonly capIds?: readonly number[] | 'any' | undefined;
  /** Extended capability IDs to draw from, or 'any' (0x0001..0xffff). Default NOISE_EXT_CAP_IDS. */
  readonly extCapIds?: readonly number[] | 'any' | undefined;
  /** Fewest and most standard capabilities (default 0 and 8; at most 48). */
  readonly minCaps?: number | undefined;
  readonly maxCaps?: number | undefined;
  /** Most extended capabilities after the one at 0x100 (default 10; at most 959). */
  readonly maxExtCaps?: number | undefined;
  /**
   * 'list': each capability points at the next, the last at 0 or (see `loop`) back to the
   * first. 'any': each points at any capability of the chain, so the walk always loops.
   * Default 'list'.
   */
  readonly links?: 'list' | 'any' | undefined;
  /** With 'list' links: whether the last capability points back to the first (default drawn). */
  readonly loop?: boolean | undefined;
  /**
   * Bytes each standard capability must have before 0x100 (default 4): 12 keeps a whole MSI-X
   * capability inside conventional config space, for instance.
   */
  readonly capSpan?: number | undefined;
}

/** Offsets a walk from `first` visits by `nextOf`, up to 0 or the first repeated offset. */
function walkOf(first: number, nextOf: Map<number, number>): { walk: number[]; loops: boolean } {
  const walk: number[] = [];
  const seen = new Set<number>();
  for (let p = first; p !== 0; p = nextOf.get(p) ?? 0) {
    if (seen.has(p)) return { walk, loops: true };
    seen.add(p);
    walk.push(p);
  }
  return { walk, loops: false };
}

const idArb = (ids: readonly number[] | 'any', any: fc.Arbitrary<number>) => (ids === 'any' ? any : fc.constantFrom(...ids));

/**
 * Images whose standard and extended capability lists hold the given IDs at random dword
 * offsets (standard: 0x40..0xfc, extended: 0x100 first, then 0x104..0xffc), over random bytes or
 * zeros. The Status register's capabilities bit is set. Only the ID and next pointer of each
 * capability (the whole header dword of an extended one) are written; bodies are the background.
 */
export function arbCapChainImage(knobs: CapChainImageKnobs = {}): fc.Arbitrary<GeneratedCapChainImage> {
  const size = knobs.size ?? 4096;
  const maxCaps = Math.min(48, knobs.maxCaps ?? 8);
  const minCaps = Math.min(maxCaps, knobs.minCaps ?? 0);
  const maxExt = size === 4096 ? Math.min(959, knobs.maxExtCaps ?? 10) : 0;
  const links = knobs.links ?? 'list';
  return fc
    .record({
      std: fc.uniqueArray(fc.integer({ min: 0x10, max: Math.floor((0x100 - Math.max(4, knobs.capSpan ?? 4)) / 4) }), { minLength: minCaps, maxLength: maxCaps }),
      stdIds: fc.array(idArb(knobs.capIds ?? NOISE_CAP_IDS, fc.nat(0xfe)), { minLength: maxCaps, maxLength: maxCaps }),
      stdTargets: fc.array(fc.nat(), { minLength: links === 'any' ? maxCaps : 0, maxLength: links === 'any' ? maxCaps : 0 }),
      ext: fc.uniqueArray(fc.integer({ min: 0x41, max: 0x3ff }), { minLength: 0, maxLength: maxExt }),
      extIds: fc.array(idArb(knobs.extCapIds ?? NOISE_EXT_CAP_IDS, fc.integer({ min: 1, max: 0xffff })), { minLength: maxExt + 1, maxLength: maxExt + 1 }),
      extVersions: fc.array(fc.nat(15), { minLength: maxExt + 1, maxLength: maxExt + 1 }),
      extTargets: fc.array(fc.nat(), { minLength: links === 'any' ? maxExt + 1 : 0, maxLength: links === 'any' ? maxExt + 1 : 0 }),
      loop: knobs.loop === undefined ? fc.boolean() : fc.constant(knobs.loop),
      headerType: knobs.headerType === undefined ? fc.constantFrom<0 | 1>(0, 0, 1) : fc.constant(knobs.headerType),
      noise: knobs.background === 'zero' ? fc.constant(null) : fc.uint8Array({ minLength: size, maxLength: size }),
    })
    .map((r): GeneratedCapChainImage => {
      const b = r.noise ? r.noise.slice() : new Uint8Array(size);
      b[0x0e] = r.headerType;
      b[0x06] |= 0x10;
      const nextIn = (pos: readonly number[], i: number, targets: readonly number[]) =>
        links === 'any' ? pos[targets[i] % pos.length] : i + 1 < pos.length ? pos[i + 1] : r.loop ? pos[0] : 0;

      const std = r.std.map((s) => 4 * s);
      b[0x34] = std.length ? std[0] : 0;
      const caps = std.map((pos, i): NoiseCapFact => {
        const c = { pos, id: r.stdIds[i], next: nextIn(std, i, r.stdTargets) };
        b[pos] = c.id;
        b[pos + 1] = c.next;
        return c;
      });

      const extCaps: NoiseExtCapFact[] = [];
      if (size === 4096) {
        const ext = [0x100, ...r.ext.map((s) => 4 * s)];
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        ext.forEach((pos, i) => {
          const c = { pos, id: r.extIds[i], version: r.extVersions[i], next: nextIn(ext, i, r.extTargets) };
          dv.setUint32(pos, ((c.next << 20) | (c.version << 16) | c.id) >>> 0, true);
          extCaps.push(c);
        });
      }
      const s = walkOf(b[0x34], new Map(caps.map((c) => [c.pos, c.next])));
      const e = extCaps.length ? walkOf(0x100, new Map(extCaps.map((c) => [c.pos, c.next]))) : { walk: [], loops: false };
      const g = { bytes: b, facts: { headerType: r.headerType, caps, walk: s.walk, loops: s.loops, extCaps, extWalk: e.walk, extLoops: e.loops } };
      return printable(g, (v) => showFactsAndBytes(`capability chains over ${r.noise === null ? 'zeros' : 'noise'}, ${b.length} bytes`, v.facts, v.bytes));
    });
}

/** One virtio vendor capability as written over the noise. */
export interface NoiseVirtioCapFact {
  readonly pos: number;
  readonly next: number;
  readonly capLen: number;
  readonly cfgType: number;
  readonly bar: number;
}

export interface VirtioNoiseImageFacts {
  /** The PCI device ID written (0x1000..0x107f, vendor 0x1af4). */
  readonly deviceId: number;
  /** Vendor capabilities in list order; empty when the knobs ask for none (the pointer is then noise). */
  readonly caps: readonly NoiseVirtioCapFact[];
  /** Whether the last capability points back to the first. */
  readonly loops: boolean;
}

export interface GeneratedVirtioNoiseImage {
  readonly bytes: Uint8Array;
  readonly facts: VirtioNoiseImageFacts;
}

export interface VirtioNoiseImageKnobs {
  /**
   * Fewest and most vendor capabilities (default 1 and 12; at most 24). An image drawn with none
   * keeps its random header type and capabilities pointer.
   */
  readonly minCaps?: number | undefined;
  readonly maxCaps?: number | undefined;
  /** cfg_type values to draw (default the defined ones and some undefined: 0, 7, 9, 200). */
  readonly cfgTypes?: readonly number[] | undefined;
}

const NOISE_CFG_TYPES = [1, 2, 3, 4, 5, 8, 9, 0, 7, 200];

/**
 * 256 random bytes made into a virtio function (vendor 0x1af4, device 0x1000..0x107f,
 * capabilities bit set; header type 0 when a chain is laid over them) whose capability list is a chain of vendor capabilities (ID 9)
 * at random 8-byte-aligned offsets with random cfg_type, cap_len (mostly 16, 20 or 24; any up
 * to 40) and BAR (mostly 0..5; any byte), the last one pointing at 0 or back to the first.
 * Only bytes 0-4 of each capability are written: the rest (offset, length, multiplier, ...)
 * is noise, so capabilities may be short, long, overlapping or outside any BAR.
 */
export function arbVirtioNoiseImage(knobs: VirtioNoiseImageKnobs = {}): fc.Arbitrary<GeneratedVirtioNoiseImage> {
  const maxCaps = Math.min(24, knobs.maxCaps ?? 12);
  const minCaps = Math.min(maxCaps, knobs.minCaps ?? 1);
  return fc
    .record({
      noise: fc.uint8Array({ minLength: 256, maxLength: 256 }),
      device: fc.integer({ min: 0x1000, max: 0x107f }),
      // 8-byte slots, so the five bytes written never land on another capability's ID (overlap
      // still comes from cap_len).
      slots: fc.uniqueArray(fc.integer({ min: 8, max: 31 }), { minLength: minCaps, maxLength: maxCaps }),
      types: fc.array(fc.constantFrom(...(knobs.cfgTypes ?? NOISE_CFG_TYPES)), { minLength: maxCaps, maxLength: maxCaps }),
      lens: fc.array(fc.oneof(fc.constantFrom(16, 20, 24), fc.nat(40)), { minLength: maxCaps, maxLength: maxCaps }),
      bars: fc.array(fc.oneof(fc.nat(5), fc.nat(255)), { minLength: maxCaps, maxLength: maxCaps }),
      loop: fc.boolean(),
    })
    .map((r): GeneratedVirtioNoiseImage => {
      const b = r.noise.slice();
      b[0] = 0xf4;
      b[1] = 0x1a;
      b[2] = r.device & 0xff;
      b[3] = r.device >> 8;
      b[6] |= 0x10;
      const pos = r.slots.map((s) => 8 * s);
      if (pos.length) {
        b[0x0e] = 0;
        b[0x34] = pos[0];
      }
      const caps = pos.map((p, i): NoiseVirtioCapFact => {
        const c = { pos: p, next: i + 1 < pos.length ? pos[i + 1] : r.loop ? pos[0] : 0, capLen: r.lens[i], cfgType: r.types[i], bar: r.bars[i] };
        b[p] = PCI_CAP_ID.VNDR;
        b[p + 1] = c.next;
        b[p + 2] = c.capLen;
        b[p + 3] = c.cfgType;
        b[p + 4] = c.bar;
        return c;
      });
      return printable({ bytes: b, facts: { deviceId: r.device, caps, loops: pos.length > 0 && r.loop } }, (v) => showFactsAndBytes('virtio capabilities over noise', v.facts, v.bytes));
    });
}

export interface VirtioCapNoiseKnobs {
  /** Bytes of noise (default 64). */
  readonly size?: number | undefined;
  /** Largest offset of the capability (default size - 24, so its header and body fit). */
  readonly maxPos?: number | undefined;
  /** Largest cap_len (default 24: every length from empty to a 64-bit capability). */
  readonly maxCapLen?: number | undefined;
  /** cfg_type values to draw (default the defined ones, and 0, 6, 7, 200). */
  readonly cfgTypes?: readonly number[] | undefined;
}

export interface GeneratedVirtioCapNoise {
  readonly bytes: Uint8Array;
  /** Where the capability is and the cap_len and cfg_type written there (its next pointer and body are noise). */
  readonly facts: { readonly pos: number; readonly capLen: number; readonly cfgType: number };
}

/**
 * One virtio vendor capability header (ID 9, cap_len, cfg_type) at any byte offset of random
 * bytes, for properties of a single-capability decoder: short capabilities, unaligned ones,
 * unknown cfg_types.
 */
export function arbVirtioCapNoise(knobs: VirtioCapNoiseKnobs = {}): fc.Arbitrary<GeneratedVirtioCapNoise> {
  const size = knobs.size ?? 64;
  return fc
    .record({
      noise: fc.uint8Array({ minLength: size, maxLength: size }),
      cfgType: fc.constantFrom(...(knobs.cfgTypes ?? [1, 2, 3, 4, 5, 8, 9, 0, 6, 7, 200])),
      capLen: fc.integer({ min: 0, max: knobs.maxCapLen ?? 24 }),
      pos: fc.integer({ min: 0, max: knobs.maxPos ?? size - 24 }),
    })
    .map((r) => {
      const b = r.noise.slice();
      b[r.pos] = PCI_CAP_ID.VNDR;
      b[r.pos + 2] = r.capLen;
      b[r.pos + 3] = r.cfgType;
      return printable({ bytes: b, facts: { pos: r.pos, capLen: r.capLen, cfgType: r.cfgType } }, (v) => showFactsAndBytes('a virtio capability over noise', v.facts, v.bytes));
    });
}
