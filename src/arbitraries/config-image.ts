// PCI configuration images, valid by construction: type 0 or type 1 headers, 256 or 4096
// bytes, BARs of every kind, a capability chain in any list order and any placement (PM, MSI
// in its four layouts, MSI-X, PCI Express v2, vendor-specific), extended capabilities (DSN,
// ARI, ATS, LTR, VSEC) anywhere in 0x100..0xfff. Every structure is written with the PCI
// layer's own tables; register contents are random where the decoder accepts any value. Each
// image carries the facts it was built from. Mutations break one rule each and are labelled
// with the diagnostic code the decoder must report.
import fc from 'fast-check';
import type { Struct } from '../layout/struct.js';
import { PCI_CAP_ID, PCI_EXT_CAP_ID, pciCapName, pciExtCapName } from '../pci/cap-ids.js';
import { msiStructFor, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_MASKBIT } from '../pci/caps/msi.js';
import { pciMsixCap } from '../pci/caps/msix.js';
import { pciExpCap } from '../pci/caps/pcie.js';
import { pciPmCap } from '../pci/caps/pm.js';
import { pciVendorCapStruct } from '../pci/caps/vendor.js';
import type { PciDiagnosticCode } from '../pci/diagnostics.js';
import { pciAriCap } from '../pci/ecaps/ari.js';
import { pciAtsCap } from '../pci/ecaps/ats.js';
import { pciDsnCap } from '../pci/ecaps/dsn.js';
import { pciLtrCap } from '../pci/ecaps/ltr.js';
import { pciVsecCap } from '../pci/ecaps/vsec.js';
import { pciHeaderType0, pciHeaderType1 } from '../pci/header.js';
import { barRegisters, placeCapChain, type ArbBar, type ChainPlan } from './place.js';
import { hexRows, printable, showBars, showCapList } from './show.js';

/** A standard capability as generated (its registers are random where any value is legal). */
export type ArbCapSpec =
  | { readonly kind: 'pm' }
  | { readonly kind: 'msi'; readonly address64: boolean; readonly perVectorMask: boolean }
  | { readonly kind: 'msix'; readonly tableSize: number }
  | { readonly kind: 'pcie'; readonly portType: number }
  | { readonly kind: 'vendor'; readonly capLen: number };

/** An extended capability as generated. */
export type ArbExtCapSpec = { readonly kind: 'dsn' | 'ari' | 'ats' | 'ltr' } | { readonly kind: 'vsec'; readonly length: number };

export interface ConfigImageSpec {
  readonly headerType: 0 | 1;
  readonly size: 256 | 4096;
  readonly multiFunction: boolean;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly bars: readonly ArbBar[];
  /** Capabilities in list order. */
  readonly caps: readonly ArbCapSpec[];
  readonly capPlan: ChainPlan;
  /** Extended capabilities in list order (the first always at 0x100). */
  readonly extCaps: readonly ArbExtCapSpec[];
  readonly extPlan: ChainPlan;
  /** Random bytes for register contents (header and capability bodies). */
  readonly noise: Uint8Array;
}

export interface ConfigImageFacts {
  readonly headerType: 0 | 1;
  readonly multiFunction: boolean;
  readonly vendorId: number;
  readonly deviceId: number;
  /** The BARs, by index (sizes are what a live device would report). */
  readonly bars: readonly ArbBar[];
  /** Capabilities in list (walk) order. */
  readonly caps: ReadonlyArray<{ readonly id: number; readonly pos: number; readonly length: number }>;
  readonly extCaps: ReadonlyArray<{ readonly id: number; readonly pos: number; readonly version: number; readonly length: number }>;
}

export interface GeneratedConfigImage {
  readonly spec: ConfigImageSpec;
  readonly bytes: Uint8Array;
  readonly facts: ConfigImageFacts;
}

/** BAR sizes of an image, as `decodeConfigSpace`'s `barSizes` takes them. */
export function configImageBarSizes(facts: Pick<ConfigImageFacts, 'bars'>): Map<number, bigint> {
  return new Map(facts.bars.map((b) => [b.index, b.size]));
}

const CAP_IDS: Readonly<Record<ArbCapSpec['kind'], number>> = { pm: PCI_CAP_ID.PM, msi: PCI_CAP_ID.MSI, msix: PCI_CAP_ID.MSIX, pcie: PCI_CAP_ID.EXP, vendor: PCI_CAP_ID.VNDR };
const EXT_IDS = { dsn: PCI_EXT_CAP_ID.DSN, ari: PCI_EXT_CAP_ID.ARI, ats: PCI_EXT_CAP_ID.ATS, ltr: PCI_EXT_CAP_ID.LTR, vsec: PCI_EXT_CAP_ID.VNDR } as const;

/** Decode `size` bytes of noise as `s`, override some fields, encode: random but well-formed registers. */
function noisy(s: Struct<any>, noise: Uint8Array, at: number, overrides: Record<string, unknown>): Uint8Array {
  const src = new Uint8Array(s.size);
  for (let i = 0; i < s.size; i++) src[i] = noise[(at + i) % noise.length];
  return s.toBytes({ ...(s.decode(src) as Record<string, unknown>), ...overrides } as never);
}

function largestMemBar(bars: readonly ArbBar[]): ArbBar | null {
  let best: ArbBar | null = null;
  for (const b of bars) if (b.kind !== 'io' && (!best || b.size > best.size)) best = b;
  return best;
}

/**
 * An MSI-X capability whose table and PBA fit a memory BAR of the function (fewer entries when
 * the BAR is small); without a memory BAR of at least 32 bytes there is no valid place, and a
 * power-management capability stands in for it.
 */
function fitMsix(c: ArbCapSpec, bars: readonly ArbBar[]): ArbCapSpec {
  if (c.kind !== 'msix') return c;
  const bar = largestMemBar(bars);
  if (!bar || bar.size < 32n) return { kind: 'pm' };
  // 16 bytes per entry, then the PBA: one bit per entry in 8-byte units.
  let n = c.tableSize;
  while (n > 1 && BigInt(n * 16 + Math.ceil(n / 64) * 8) > bar.size) n = Math.max(1, n >> 1);
  return n === c.tableSize ? c : { kind: 'msix', tableSize: n };
}

function capBytes(c: ArbCapSpec, noise: Uint8Array, salt: number, bars: readonly ArbBar[]): Uint8Array {
  const head = { cap_next: 0 };
  switch (c.kind) {
    case 'pm':
      return noisy(pciPmCap, noise, salt, { ...head, cap_id: PCI_CAP_ID.PM });
    case 'msi': {
      const mc = (noise[salt % noise.length] | (noise[(salt + 1) % noise.length] << 8)) & ~(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
      const control = mc | (c.address64 ? PCI_MSI_FLAGS_64BIT : 0) | (c.perVectorMask ? PCI_MSI_FLAGS_MASKBIT : 0);
      return noisy(msiStructFor(control), noise, salt, { ...head, cap_id: PCI_CAP_ID.MSI, message_control: control });
    }
    case 'msix': {
      // fitMsix chose a table size that fits the largest memory BAR: table at its start, PBA
      // right after it (the PCI spec maps both into memory space, without overlap).
      const bar = largestMemBar(bars)!;
      const control = (c.tableSize - 1) | (noise[salt % noise.length] & 0xc0) << 8;
      const pbaOffset = c.tableSize * 16;
      return noisy(pciMsixCap, noise, salt, { ...head, cap_id: PCI_CAP_ID.MSIX, message_control: control, table: bar.index, pba: (pbaOffset | bar.index) >>> 0 });
    }
    case 'pcie': {
      const flags = 2 | (c.portType << 4) | ((noise[salt % noise.length] & 0x3f) << 8);
      return noisy(pciExpCap, noise, salt, { ...head, cap_id: PCI_CAP_ID.EXP, flags });
    }
    case 'vendor':
      return noisy(pciVendorCapStruct(c.capLen), noise, salt, { ...head, cap_vndr: PCI_CAP_ID.VNDR, cap_len: c.capLen });
  }
}

/** Capability version of an extended capability (1 or 2, from the noise). */
const extVersion = (noise: Uint8Array, salt: number) => 1 + (noise[salt % noise.length] & 1);

function extCapBytes(c: ArbExtCapSpec, noise: Uint8Array, salt: number): Uint8Array {
  const version = extVersion(noise, salt);
  const header = (EXT_IDS[c.kind] | (version << 16)) >>> 0;
  switch (c.kind) {
    case 'dsn':
      return noisy(pciDsnCap, noise, salt, { header });
    case 'ari':
      return noisy(pciAriCap, noise, salt, { header });
    case 'ats':
      return noisy(pciAtsCap, noise, salt, { header });
    case 'ltr':
      return noisy(pciLtrCap, noise, salt, { header });
    case 'vsec': {
      const vh = (noise[salt % noise.length] | (noise[(salt + 1) % noise.length] << 8) | ((noise[(salt + 2) % noise.length] & 0xf) << 16) | (c.length << 20)) >>> 0;
      const out = new Uint8Array(c.length);
      out.set(noisy(pciVsecCap, noise, salt, { header, vsec_header: vh }), 0);
      for (let i = 8; i < c.length; i++) out[i] = noise[(salt + i) % noise.length]; // vendor-defined body
      return out;
    }
  }
}

function placeExtChain(img: Uint8Array, blobs: readonly Uint8Array[], plan: ChainPlan): number[] | null {
  if (blobs.length === 0) return [];
  // The walk starts at 0x100: the first capability in list order is placed first.
  const rest = plan.placement.filter((i) => i !== 0 && i < blobs.length);
  const placement = [0, ...rest];
  const at = placeCapChain(new Uint8Array(0x1000), blobs, { placement, gaps: [0, ...plan.gaps.slice(1)] }, 0x100, 0x1000);
  if (!at) return null;
  blobs.forEach((b, i) => {
    img.set(b, at[i]);
    const next = i + 1 < blobs.length ? at[i + 1] : 0;
    const h = (img[at[i]] | (img[at[i] + 1] << 8) | (img[at[i] + 2] << 16) | (img[at[i] + 3] << 24)) >>> 0;
    const v = ((h & 0xfffff) | (next << 20)) >>> 0;
    img[at[i] + 2] = (v >>> 16) & 0xff;
    img[at[i] + 3] = v >>> 24;
  });
  return at;
}

/** Build the image a spec describes; capabilities that do not fit are left out (and out of the facts). */
export function buildConfigImage(spec: ConfigImageSpec): GeneratedConfigImage {
  const img = new Uint8Array(spec.size);
  const noise = spec.noise.length ? spec.noise : new Uint8Array(1);
  let caps = spec.caps.map((c) => fitMsix(c, spec.bars));
  let blobs = caps.map((c, i) => capBytes(c, noise, 17 * i + 64, spec.bars));
  let placement = spec.capPlan.placement;
  let at = placeCapChain(img, blobs, spec.capPlan);
  while (!at) {
    // Leave out the last capability, but never a 4096-byte image's PCI Express capability.
    let drop = caps.length - 1;
    if (spec.size > 256) while (drop > 0 && caps[drop].kind === 'pcie') drop--;
    caps = caps.filter((_, i) => i !== drop);
    blobs = blobs.filter((_, i) => i !== drop);
    placement = placement.filter((i) => i !== drop).map((i) => (i > drop ? i - 1 : i));
    at = placeCapChain(img, blobs, { placement, gaps: spec.capPlan.gaps });
  }
  const regs: Record<string, number> = {};
  for (const b of spec.bars) {
    const [lo, hi] = barRegisters(b);
    regs[`bar${b.index}`] = lo;
    if (hi !== null) regs[`bar${b.index + 1}`] = hi;
  }
  const common = {
    vendor_id: spec.vendorId,
    device_id: spec.deviceId,
    status: (((noise[1] << 8) | noise[2]) & ~0x10) | (caps.length ? 0x10 : 0),
    header_type: spec.headerType | (spec.multiFunction ? 0x80 : 0),
    capabilities_pointer: caps.length ? at[0] : 0,
    ...(spec.headerType === 0 ? { bar0: 0, bar1: 0, bar2: 0, bar3: 0, bar4: 0, bar5: 0 } : { bar0: 0, bar1: 0 }),
    ...regs,
  };
  const header = noisy(spec.headerType === 0 ? pciHeaderType0 : pciHeaderType1, noise, 0, common);
  img.set(header, 0);

  let ext = spec.size === 4096 ? spec.extCaps : [];
  let extBlobs = ext.map((c, i) => extCapBytes(c, noise, 31 * i + 128));
  let extAt = placeExtChain(img, extBlobs, spec.extPlan);
  while (!extAt) {
    ext = ext.slice(0, -1);
    extBlobs = extBlobs.slice(0, -1);
    extAt = placeExtChain(img, extBlobs, spec.extPlan);
  }
  const facts: ConfigImageFacts = {
    headerType: spec.headerType,
    multiFunction: spec.multiFunction,
    vendorId: spec.vendorId,
    deviceId: spec.deviceId,
    bars: spec.bars,
    // From the spec and the placement, not read back from the image.
    caps: caps.map((c, i) => ({ id: CAP_IDS[c.kind], pos: at![i], length: blobs[i].length })),
    extCaps: ext.map((c, i) => ({ id: EXT_IDS[c.kind], pos: extAt![i], version: extVersion(noise, 31 * i + 128), length: extBlobs[i].length })),
  };
  return printable({ spec: { ...spec, caps, extCaps: ext }, bytes: img, facts }, (g) => `${showConfigImage(g.facts, g.bytes.length)}\n  bytes:\n${hexRows(g.bytes, '    ')}`);
}

/** The summary line and the BARs and capability lists of a generated image, for counterexamples. */
function showConfigImage(f: ConfigImageFacts, size: number): string {
  const id = (v: number) => v.toString(16).padStart(4, '0');
  return [
    `config image: type ${f.headerType}, ${size} bytes, ${id(f.vendorId)}:${id(f.deviceId)}${f.multiFunction ? ', multi-function' : ''}`,
    `  BARs: ${showBars(f.bars)}`,
    `  caps: ${showCapList(f.caps, pciCapName)}`,
    ...(size > 256 ? [`  ext caps: ${showCapList(f.extCaps, pciExtCapName)}`] : []),
  ].join('\n');
}

/** Knobs of arbConfigImage; whatever is left out is drawn. */
export interface ConfigImageKnobs {
  readonly headerType?: 0 | 1 | undefined;
  readonly size?: 256 | 4096 | undefined;
  /** Most standard capabilities (default 8). */
  readonly maxCaps?: number | undefined;
  /** Most extended capabilities (default 6; only in 4096-byte images). */
  readonly maxExtCaps?: number | undefined;
  /** Capability kinds to draw from (default all). */
  readonly capKinds?: ReadonlyArray<ArbCapSpec['kind']> | undefined;
}

const arbCap = (kinds: ReadonlyArray<ArbCapSpec['kind']>): fc.Arbitrary<ArbCapSpec> =>
  fc.oneof(
    ...kinds.map((k): fc.Arbitrary<ArbCapSpec> => {
      switch (k) {
        case 'pm':
          return fc.constant({ kind: 'pm' });
        case 'msi':
          return fc.record({ kind: fc.constant('msi' as const), address64: fc.boolean(), perVectorMask: fc.boolean() });
        case 'msix':
          return fc.record({ kind: fc.constant('msix' as const), tableSize: fc.integer({ min: 1, max: 2048 }) });
        case 'pcie':
          return fc.record({ kind: fc.constant('pcie' as const), portType: fc.constantFrom(0, 1, 4, 5, 6, 7, 8, 9, 10) });
        case 'vendor':
          return fc.record({ kind: fc.constant('vendor' as const), capLen: fc.integer({ min: 3, max: 40 }) });
      }
    }),
  );

const arbExtCap: fc.Arbitrary<ArbExtCapSpec> = fc.oneof(
  fc.constantFrom<ArbExtCapSpec>({ kind: 'dsn' }, { kind: 'ari' }, { kind: 'ats' }, { kind: 'ltr' }),
  fc.record({ kind: fc.constant('vsec' as const), length: fc.integer({ min: 8, max: 64 }) }),
);

const arbPlan = (n: number): fc.Arbitrary<ChainPlan> =>
  fc.record({
    placement: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
      keys
        .map((k, i) => ({ k, i }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.i),
    ),
    gaps: fc.array(fc.constantFrom(0, 0, 1, 2, 5), { minLength: n, maxLength: n }),
  });

/** BAR slots of a header: io, mem32, mem1m (below 1 MiB), mem64 (never in the last slot), or empty. */
function arbBars(slots: number): fc.Arbitrary<ArbBar[]> {
  return fc
    .array(
      fc.record({
        kind: fc.constantFrom<'none' | ArbBar['kind']>('none', 'io', 'mem32', 'mem1m', 'mem64', 'mem64'),
        prefetchable: fc.boolean(),
        sizeLog: fc.integer({ min: 4, max: 36 }),
        seed: fc.bigInt({ min: 1n, max: (1n << 44n) - 1n }),
      }),
      { minLength: slots, maxLength: slots },
    )
    .map((slotsDrawn) => {
      const bars: ArbBar[] = [];
      for (let i = 0; i < slots; i++) {
        let { kind } = slotsDrawn[i];
        if (kind === 'none') continue;
        if (kind === 'mem64' && i === slots - 1) kind = 'mem32';
        const { sizeLog, seed, prefetchable } = slotsDrawn[i];
        const maxLog = kind === 'io' ? 8 : kind === 'mem1m' ? 19 : kind === 'mem32' ? 31 : 36;
        const size = 1n << BigInt(Math.max(kind === 'io' ? 2 : 4, Math.min(sizeLog, maxLog)));
        const limit = kind === 'io' ? 0x10000n : kind === 'mem1m' ? 1n << 20n : kind === 'mem32' ? 1n << 32n : 1n << 44n;
        const slotsInSpace = limit / size;
        const address = slotsInSpace > 1n ? (1n + (seed % (slotsInSpace - 1n))) * size : size;
        bars.push({ index: i, kind, prefetchable: kind !== 'io' && prefetchable, address, size });
        if (kind === 'mem64') i++;
      }
      return bars;
    });
}

/** Valid configuration images with their facts. */
export function arbConfigImage(knobs: ConfigImageKnobs = {}): fc.Arbitrary<GeneratedConfigImage> {
  const maxCaps = knobs.maxCaps ?? 8;
  const maxExt = knobs.maxExtCaps ?? 6;
  const kinds = knobs.capKinds ?? (['pm', 'msi', 'msix', 'pcie', 'vendor'] as const);
  const headerType = knobs.headerType === undefined ? fc.constantFrom<0 | 1>(0, 1) : fc.constant(knobs.headerType);
  return headerType
    .chain((ht) =>
      fc.record({
        headerType: fc.constant(ht),
        size: knobs.size === undefined ? fc.constantFrom<256 | 4096>(256, 4096) : fc.constant(knobs.size),
        multiFunction: fc.boolean(),
        vendorId: fc.integer({ min: 0x0001, max: 0xfffe }),
        deviceId: fc.integer({ min: 0, max: 0xffff }),
        bars: arbBars(ht === 0 ? 6 : 2),
        caps: fc.array(arbCap(kinds), { maxLength: maxCaps }),
        capPlan: arbPlan(maxCaps),
        extCaps: fc.array(arbExtCap, { maxLength: maxExt }),
        extPlan: arbPlan(maxExt),
        noise: fc.uint8Array({ minLength: 64, maxLength: 64 }),
      }),
    )
    .map((drawn) => {
      const spec = { ...drawn, caps: withPcieCap(drawn.size, drawn.caps, maxCaps, drawn.noise) };
      return buildConfigImage({ ...spec, capPlan: trimPlan(spec.capPlan, spec.caps.length), extPlan: trimPlan(spec.extPlan, spec.extCaps.length) });
    });
}

/**
 * A 4096-byte image is a PCI Express function's: without a PCI Express capability the bytes
 * past 0xff are not config space to the OS (Linux's pci_cfg_space_size), so one is put first
 * in the list when none was drawn (whatever capKinds says; not with maxCaps 0).
 */
function withPcieCap(size: number, caps: readonly ArbCapSpec[], maxCaps: number, noise: Uint8Array): readonly ArbCapSpec[] {
  if (size !== 4096 || maxCaps === 0 || caps.some((c) => c.kind === 'pcie')) return caps;
  const portTypes = [0, 1, 4, 5, 6, 7, 8, 9, 10];
  const pcie: ArbCapSpec = { kind: 'pcie', portType: portTypes[noise[0]! % portTypes.length]! };
  return [pcie, ...caps].slice(0, maxCaps);
}

function trimPlan(p: ChainPlan, n: number): ChainPlan {
  return { placement: p.placement.filter((i) => i < n), gaps: p.gaps.slice(0, n) };
}

/** Mutations of a valid image, each of which makes decodeConfigSpace report exactly one diagnostic. */
export type ConfigImageMutation =
  | 'cap-loop'
  | 'cap-ptr-in-header'
  | 'cap-ptr-unaligned'
  | 'cap-id-ff'
  | 'caps-without-status-bit'
  | 'vendor-cap-len'
  | 'bar64-last-slot'
  | 'bar-type-reserved'
  | 'header-type-unknown'
  | 'extcap-loop'
  | 'extcap-ptr-invalid'
  | 'vsec-len';

export const CONFIG_IMAGE_MUTATION_CODES: Readonly<Record<ConfigImageMutation, PciDiagnosticCode>> = {
  'cap-loop': 'CAP_LOOP',
  'cap-ptr-in-header': 'CAP_PTR_IN_HEADER',
  'cap-ptr-unaligned': 'CAP_PTR_UNALIGNED',
  'cap-id-ff': 'CAP_ID_FF',
  'caps-without-status-bit': 'CAPS_WITHOUT_STATUS_BIT',
  'vendor-cap-len': 'VENDOR_CAP_LEN_INVALID',
  'bar64-last-slot': 'BAR64_LAST_SLOT',
  'bar-type-reserved': 'BAR_TYPE_RESERVED',
  'header-type-unknown': 'HEADER_TYPE_UNKNOWN',
  'extcap-loop': 'EXTCAP_LOOP',
  'extcap-ptr-invalid': 'EXTCAP_PTR_INVALID',
  'vsec-len': 'EXTCAP_LEN_INVALID',
};

export const CONFIG_IMAGE_MUTATIONS = Object.keys(CONFIG_IMAGE_MUTATION_CODES) as ConfigImageMutation[];

const setExtNext = (b: Uint8Array, pos: number, next: number) => {
  const v = ((b[pos + 2] & 0x0f) | (next << 4)) & 0xffff;
  b[pos + 2] = v & 0xff;
  b[pos + 3] = v >>> 8;
};

/**
 * The bytes of `img` broken by mutation `m` (seed picks among the ways), or null when the
 * image has nothing to break that way (no capabilities for cap-loop, no vendor capability, ...).
 */
export function mutateConfigImage(img: GeneratedConfigImage, m: ConfigImageMutation, seed: number): Uint8Array | null {
  const b = breakImage(img, m, seed);
  // A mutation that keeps the walk from the PCI Express capability leaves the bytes past 0xff
  // outside config space (EXT_CFG_NOT_CONFIG_SPACE besides the one code): it breaks the first
  // 256 bytes of a 4096-byte image, as a dump of that size would hold them.
  return b && b.length > 256 && hidesPcieCap(img.facts.caps, m, seed) ? b.slice(0, 256) : b;
}

function hidesPcieCap(caps: ConfigImageFacts['caps'], m: ConfigImageMutation, seed: number): boolean {
  const pcie = caps.findIndex((c) => c.id === PCI_CAP_ID.EXP);
  switch (m) {
    case 'caps-without-status-bit':
    case 'header-type-unknown':
      return true;
    case 'cap-ptr-unaligned': // the pointer to caps[k] (the header's when k is 0) is broken
    case 'cap-id-ff': // caps[k] reads as no capability
      return pcie < 0 || pcie >= seed % caps.length;
    default:
      return false;
  }
}

function breakImage(img: GeneratedConfigImage, m: ConfigImageMutation, seed: number): Uint8Array | null {
  const b = img.bytes.slice();
  const { caps, extCaps, bars, headerType } = img.facts;
  const last = caps[caps.length - 1];
  const lastExt = extCaps[extCaps.length - 1];
  const slots = headerType === 0 ? 6 : 2;
  switch (m) {
    case 'cap-loop':
      if (!last) return null;
      b[last.pos + 1] = caps[seed % caps.length].pos;
      return b;
    case 'cap-ptr-in-header':
      if (!last) return null;
      b[last.pos + 1] = 4 * (1 + (seed % 15));
      return b;
    case 'cap-ptr-unaligned': {
      if (!last) return null;
      // Low bits on one pointer (the header's or a capability's next).
      const k = seed % caps.length;
      const from = k === 0 ? 0x34 : caps[k - 1].pos + 1;
      b[from] |= 1 + (seed % 3);
      return b;
    }
    case 'cap-id-ff':
      if (!last) return null;
      b[caps[seed % caps.length].pos] = 0xff;
      return b;
    case 'caps-without-status-bit':
      if (!last) return null;
      b[0x06] &= ~0x10;
      return b;
    case 'vendor-cap-len': {
      const v = caps.filter((c) => c.id === PCI_CAP_ID.VNDR);
      if (!v.length) return null;
      b[v[seed % v.length].pos + 2] = seed % 3;
      return b;
    }
    case 'bar64-last-slot': {
      const top = slots - 1;
      if (bars.some((x) => x.kind === 'mem64' && x.index === top - 1)) return null; // the last slot is an upper half
      const at = 0x10 + 4 * top;
      b[at] = (b[at] & 0xf0) | 0x04 | (seed & 8);
      return b;
    }
    case 'bar-type-reserved': {
      const m32 = bars.filter((x) => x.kind === 'mem32' || x.kind === 'mem1m');
      if (!m32.length) return null;
      b[0x10 + 4 * m32[seed % m32.length].index] |= 0x06;
      return b;
    }
    case 'header-type-unknown':
      b[0x0e] = (b[0x0e] & 0x80) | (3 + (seed % 0x7d));
      return b;
    case 'extcap-loop':
      if (!lastExt) return null;
      setExtNext(b, lastExt.pos, extCaps[seed % extCaps.length].pos);
      return b;
    case 'extcap-ptr-invalid':
      if (!lastExt) return null;
      setExtNext(b, lastExt.pos, 4 * (1 + (seed % 63)));
      return b;
    case 'vsec-len': {
      const v = extCaps.filter((c) => c.id === PCI_EXT_CAP_ID.VNDR);
      if (!v.length) return null;
      // vsec_length is bits 20-31 of the dword at +4: set it to 0..7.
      const p = v[seed % v.length].pos + 4;
      b[p + 3] = 0;
      b[p + 2] = (b[p + 2] & 0x0f) | ((seed % 8) << 4);
      return b;
    }
  }
}

export interface InvalidConfigImage {
  readonly valid: GeneratedConfigImage;
  readonly mutation: ConfigImageMutation;
  readonly bytes: Uint8Array;
  readonly code: PciDiagnosticCode;
}

/** Invalid images, each labelled with the one diagnostic decodeConfigSpace must report. */
export function arbInvalidConfigImage(knobs: ConfigImageKnobs = {}, mutations: readonly ConfigImageMutation[] = CONFIG_IMAGE_MUTATIONS): fc.Arbitrary<InvalidConfigImage> {
  return fc
    .tuple(arbConfigImage(knobs), fc.constantFrom(...mutations), fc.nat())
    .map(([valid, mutation, seed]) => {
      const bytes = mutateConfigImage(valid, mutation, seed);
      if (!bytes) return null;
      const x: InvalidConfigImage = { valid, mutation, bytes, code: CONFIG_IMAGE_MUTATION_CODES[mutation] };
      return printable(x, (v) =>
        [`invalid config image: ${v.mutation}, expects ${v.code}`, `  of the ${showConfigImage(v.valid.facts, v.valid.bytes.length).trimStart()}`, '  bytes (mutated):', hexRows(v.bytes, '    ')].join('\n'),
      );
    })
    .filter((x): x is InvalidConfigImage => x !== null);
}
