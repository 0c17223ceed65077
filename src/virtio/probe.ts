// The driver-side transport probe, from the configuration image alone: which capability of
// each cfg_type a driver uses (the first usable one in list order, as Linux's
// virtio_pci_find_capability takes it), where its structure is, and every check Linux's
// vp_modern_map_capability and the spec make, each reported as a diagnostic.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { readU16 } from '../bytes/window.js';
import type { Bar, BarKind, ConfigSpace } from '../pci/types.js';
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import { PCI_STATUS_CAP_LIST } from '../pci/config-space.js';
import { pciHeaderType0 } from '../pci/header.js';
import { PCI_BASE_ADDRESS_0, PCI_CAPABILITY_LIST, PCI_STATUS } from '../pci/header-regs.js';
import { msixLayout, type MsixPlacement } from '../pci/msix-check.js';
import {
  decodeVirtioCap,
  VIRTIO_PCI_CAP_BAR,
  VIRTIO_PCI_CAP_COMMON_CFG,
  VIRTIO_PCI_CAP_DEVICE_CFG,
  VIRTIO_PCI_CAP_ISR_CFG,
  VIRTIO_PCI_CAP_LENGTH,
  VIRTIO_PCI_CAP_NOTIFY_CFG,
  VIRTIO_PCI_CAP_OFFSET,
  VIRTIO_PCI_CAP_PCI_CFG,
  VIRTIO_PCI_CAP_SHARED_MEMORY_CFG,
  VIRTIO_PCI_CAP_VENDOR_CFG,
  VIRTIO_PCI_NOTIFY_CAP_MULT,
  virtioCfgTypeName,
  type VirtioCap,
} from './caps.js';
import { checkCommonCfgLength } from './common-cfg.js';
import { VIRTIO_TYPES_WITHOUT_DEVICE_CONFIG } from './devices/index.js';
import { vdiag } from './diag.js';
import { hasFeature, VIRTIO_F_NOTIFICATION_DATA, type Features } from './features.js';
import { identifyVirtio, type VirtioIdentity, type VirtioPciKind } from './ids.js';
import { legacyDeviceConfigOffset } from './legacy.js';
import { hookedVirtioCap } from './vendor-hook.js';

/** A BAR as the transport uses it. */
export interface VirtioBarRef {
  readonly index: number;
  readonly kind: BarKind;
  readonly space: 'mem' | 'io';
  /** Base address (flag bits masked). */
  readonly address: bigint;
  /** Size when known (from a live device or given sizes), else null. */
  readonly size: bigint | null;
}

/** Where a virtio structure lives: the capability, its BAR and its address. */
export interface VirtioStructureLocation {
  readonly cap: VirtioCap;
  readonly cfgType: number;
  readonly bar: VirtioBarRef;
  readonly offset: bigint;
  readonly length: bigint;
  /** bar.address + offset. */
  readonly address: bigint;
}

export interface VirtioNotifyLocation extends VirtioStructureLocation {
  readonly multiplier: number;
  /** 'cap': from inside cap_len; 'cap+16': read past a short cap_len, as Linux does. */
  readonly multiplierSource: 'cap' | 'cap+16';
}

/** An MSI-X table or PBA placement (from the PCI MSI-X capability). */
export interface VirtioMsixRegion {
  readonly bir: number;
  readonly offset: number;
  readonly bar: VirtioBarRef | null;
  readonly address: bigint | null;
  readonly length: number;
}

export interface VirtioMsix {
  readonly capPos: number;
  readonly tableSize: number;
  readonly enabled: boolean;
  readonly functionMask: boolean;
  readonly table: VirtioMsixRegion;
  readonly pba: VirtioMsixRegion;
}

/** The legacy interface in BAR0 (transitional and legacy-only devices). */
export interface VirtioLegacyLocation {
  readonly bar: VirtioBarRef | null;
  readonly msixEnabled: boolean;
  /** 20, or 24 with MSI-X enabled. */
  readonly deviceConfigOffset: number;
}

interface VirtioTransportOf<Kind extends VirtioPciKind | null> {
  readonly identity: VirtioIdentity;
  /** null when the function is not virtio. */
  readonly kind: Kind;
  /** Every virtio capability in list order. */
  readonly caps: readonly VirtioCap[];
  readonly common: VirtioStructureLocation | null;
  /** null when there is no usable notification capability, or its multiplier cannot be read. */
  readonly notify: VirtioNotifyLocation | null;
  readonly isr: VirtioStructureLocation | null;
  readonly device: VirtioStructureLocation | null;
  /** The PCI configuration access capability (its bar/offset/length are driver-written). */
  readonly pciCfg: VirtioCap | null;
  /** Usable shared-memory regions, in list order (each cap.id once). */
  readonly sharedMemory: readonly VirtioStructureLocation[];
  readonly vendorData: readonly VirtioCap[];
  /** The legacy interface: there for transitional and legacy-only devices, null otherwise. */
  readonly legacy: VirtioLegacyLocation | null;
  readonly msix: VirtioMsix | null;
  /** Features the probe applied (offered or negotiated), null when none were given. */
  readonly features: Features | null;
  /** VIRTIO_F_NOTIFICATION_DATA in `features`: 4-byte doorbells. */
  readonly notificationData: boolean;
  /**
   * queue_notify_off of queue i as given in ProbeOptions.queueNotifyOffs (read from common_cfg);
   * null when none were given. notifyAddressForQueue takes them instead of assuming off = index.
   */
  readonly queueNotifyOffs: readonly number[] | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Not a virtio function: nothing of the transport was looked for. */
export interface VirtioTransportNone extends VirtioTransportOf<null> {
  readonly caps: readonly [];
  readonly common: null;
  readonly notify: null;
  readonly isr: null;
  readonly device: null;
  readonly pciCfg: null;
  readonly sharedMemory: readonly [];
  readonly vendorData: readonly [];
  readonly legacy: null;
  readonly queueNotifyOffs: null;
}

/**
 * A non-transitional device ID (0x1040 and up) whose modern interface Linux's vp_modern_probe
 * accepts: usable common, notify and ISR structures (device is optional). No legacy interface.
 */
export interface VirtioModernTransport extends VirtioTransportOf<'modern'> {
  readonly common: VirtioStructureLocation;
  readonly notify: VirtioNotifyLocation;
  readonly isr: VirtioStructureLocation;
  readonly legacy: null;
}

/**
 * A non-transitional device ID lacking a usable common, notify or ISR structure (or whose
 * capability list is not in the image): "incomplete" because Linux refuses it and there is no
 * legacy interface to fall back to. What is missing is null and reported (VIRTIO_MISSING_*_CFG,
 * VIRTIO_NOTIFY_MULTIPLIER_UNAVAILABLE, VIRTIO_CAPS_NOT_IN_IMAGE).
 */
export interface VirtioModernIncompleteTransport extends VirtioTransportOf<'modern-incomplete'> {
  readonly legacy: null;
}

/**
 * A transitional device ID with a usable common configuration: both interfaces. notify and isr
 * may still be null (reported): Linux's vp_modern_probe then fails with -EINVAL, which
 * virtio_pci_probe does not answer with the legacy driver, so such a device is not driven.
 */
export interface VirtioTransitionalTransport extends VirtioTransportOf<'transitional'> {
  readonly common: VirtioStructureLocation;
  readonly legacy: VirtioLegacyLocation;
}

/** A transitional device ID without a usable common configuration: the legacy interface only. */
export interface VirtioLegacyOnlyTransport extends VirtioTransportOf<'legacy-only'> {
  readonly common: null;
  readonly legacy: VirtioLegacyLocation;
}

/** What `probeVirtio` found; `kind` tells which interfaces there are. */
export type VirtioTransport =
  | VirtioTransportNone
  | VirtioModernTransport
  | VirtioModernIncompleteTransport
  | VirtioTransitionalTransport
  | VirtioLegacyOnlyTransport;

export interface ProbeOptions {
  /** Device features (offered) or negotiated features: selects the NOTIFICATION_DATA rules. */
  readonly features?: Features | undefined;
  /** queue_notify_off of each queue (read from common_cfg): checked against the notify length. */
  readonly queueNotifyOffs?: readonly number[] | undefined;
  /** Number of queues, when queue_notify_off values are unknown: off = index is assumed. */
  readonly numQueues?: number | undefined;
  /** BAR sizes by index, overriding what the config space carries. */
  readonly barSizes?: ReadonlyMap<number, bigint> | Readonly<Record<number, bigint>> | undefined;
  /** MSI-X enable state to assume for the legacy layout (default: the MSI-X capability's bit). */
  readonly msixEnabled?: boolean | undefined;
}

type BarResolution = { ok: true; bar: VirtioBarRef } | { ok: false; diagnostic: Diagnostic };

function sizeOverride(opts: ProbeOptions, index: number): bigint | null {
  const s = opts.barSizes;
  if (!s) return null;
  if (s instanceof Map) return s.get(index) ?? null;
  const v = (s as Readonly<Record<number, bigint>>)[index];
  return typeof v === 'bigint' ? v : null;
}

function barRef(b: Bar, opts: ProbeOptions): VirtioBarRef {
  return {
    index: b.index,
    kind: b.kind,
    space: b.kind === 'io' ? 'io' : 'mem',
    address: b.address,
    size: sizeOverride(opts, b.index) ?? b.size,
  };
}

/** Resolve the `bar` field of a capability at `pos` to a BAR of the function. */
export function resolveVirtioBar(cs: ConfigSpace, index: number, pos: number | null, opts: ProbeOptions = {}): BarResolution {
  const at = pos === null ? null : pos + VIRTIO_PCI_CAP_BAR;
  const where = pos === null ? '' : `virtio cap at ${hex(pos, 2)}: `;
  if (index > 5) return { ok: false, diagnostic: vdiag('VIRTIO_CAP_BAR_RESERVED', at, `${where}bar ${index} is reserved (not 0–5)`) };
  const b = cs.bars.find((x) => x.index === index);
  if (!b) {
    const lower = cs.bars.find((x) => x.index === index - 1 && x.kind === 'mem64');
    if (lower) {
      return { ok: false, diagnostic: vdiag('VIRTIO_CAP_BAR_UPPER_HALF', at, `${where}bar ${index} is the upper half of 64-bit BAR ${index - 1}`) };
    }
    return { ok: false, diagnostic: vdiag('VIRTIO_CAP_BAR_UNIMPLEMENTED', at, `${where}bar ${index} is not implemented by the function`) };
  }
  const ref = barRef(b, opts);
  if (ref.size === 0n) return { ok: false, diagnostic: vdiag('VIRTIO_CAP_BAR_UNIMPLEMENTED', at, `${where}bar ${index} has size 0`) };
  return { ok: true, bar: ref };
}

/** Alignment and minimum length of each structure (Linux vp_modern_probe's map_capability calls). */
function rulesFor(cfgType: number, nd: boolean): { align: number; minlen: number } {
  switch (cfgType) {
    case VIRTIO_PCI_CAP_COMMON_CFG:
      return { align: 4, minlen: 56 };
    case VIRTIO_PCI_CAP_ISR_CFG:
      return { align: 1, minlen: 1 };
    case VIRTIO_PCI_CAP_NOTIFY_CFG:
      return nd ? { align: 4, minlen: 4 } : { align: 2, minlen: 2 };
    case VIRTIO_PCI_CAP_DEVICE_CFG:
      return { align: 4, minlen: 1 };
    default:
      return { align: 1, minlen: 0 };
  }
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * Check the structure a capability describes: offset alignment, minimum length, 32-bit (or
 * 64-bit for cap64) wrap, and containment in the BAR when its size is known.
 */
function checkRegion(cap: VirtioCap, cfgType: number, bar: VirtioBarRef, nd: boolean, out: Diagnostic[], unassigned: Set<number>): void {
  const off = cap.offset!;
  const len = cap.length!;
  const p = cap.pos;
  const name = virtioCfgTypeName(cfgType);
  const { align, minlen } = rulesFor(cfgType, nd);
  if (align > 1 && off % BigInt(align) !== 0n) {
    out.push(vdiag('VIRTIO_CAP_OFFSET_MISALIGNED', p + VIRTIO_PCI_CAP_OFFSET, `${name} offset ${hex(off)} is not ${align}-byte aligned`));
  }
  if (len < BigInt(minlen) || (minlen > 0 && len === 0n)) {
    out.push(vdiag('VIRTIO_CAP_LENGTH_SHORT', p + VIRTIO_PCI_CAP_LENGTH, `${name} length ${len} < minimum ${minlen}`));
  }
  const limit = cfgType === VIRTIO_PCI_CAP_SHARED_MEMORY_CFG ? 1n << 64n : 1n << 32n;
  if (off + len > limit) {
    out.push(vdiag('VIRTIO_CAP_REGION_WRAP', p + VIRTIO_PCI_CAP_OFFSET, `${name} offset ${hex(off)} + length ${hex(len)} wraps around ${limit === 1n << 64n ? 64 : 32} bits`));
  } else if (bar.size !== null && off + len > bar.size) {
    out.push(
      vdiag('VIRTIO_CAP_REGION_OUTSIDE_BAR', p + VIRTIO_PCI_CAP_OFFSET, `${name} ${hex(off)}+${hex(len)} is outside BAR ${bar.index} of size ${hex(bar.size)}`),
    );
  }
  if (bar.address === 0n && !unassigned.has(bar.index)) {
    unassigned.add(bar.index);
    out.push(vdiag('VIRTIO_BAR_UNASSIGNED', p + VIRTIO_PCI_CAP_BAR, `BAR ${bar.index} of the ${name} structure has address 0 (unassigned)`));
  }
}

/** The multiplier rules of the spec (4.1.4.4). */
export function checkNotifyMultiplier(multiplier: number, notificationData: boolean, offset: number | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (multiplier === 0) return out;
  if (!isPow2(multiplier)) {
    out.push(vdiag('VIRTIO_NOTIFY_MULTIPLIER_NOT_POW2', offset, `notify_off_multiplier ${multiplier} is neither 0 nor a power of 2`));
  } else if (multiplier === 1) {
    out.push(vdiag('VIRTIO_NOTIFY_MULTIPLIER_ODD', offset, 'notify_off_multiplier 1 is not even: neighbouring doorbells overlap'));
  }
  if (notificationData && multiplier % 4 !== 0) {
    out.push(vdiag('VIRTIO_NOTIFY_MULTIPLIER_NOT_MULT4', offset, `notify_off_multiplier ${multiplier} is not a multiple of 4 (VIRTIO_F_NOTIFICATION_DATA)`));
  }
  return out;
}

/** The bound cap.length ≥ queue_notify_off × multiplier + 2 (or + 4), in 64-bit arithmetic. */
export function checkNotifyBound(
  notify: Pick<VirtioNotifyLocation, 'length' | 'multiplier' | 'cap'>,
  queueNotifyOff: number,
  notificationData: boolean,
  queueLabel: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const product = BigInt(queueNotifyOff) * BigInt(notify.multiplier);
  const width = notificationData ? 4n : 2n;
  if (product > 0xffffffffn) {
    out.push(vdiag('VIRTIO_NOTIFY_PRODUCT_OVER_32BIT', notify.cap.pos + VIRTIO_PCI_NOTIFY_CAP_MULT, `${queueLabel}: queue_notify_off ${queueNotifyOff} × ${notify.multiplier} exceeds 32 bits`));
  }
  if (notify.length < product + width) {
    out.push(
      vdiag(
        'VIRTIO_NOTIFY_OFF_OUT_OF_RANGE',
        notify.cap.pos + VIRTIO_PCI_CAP_LENGTH,
        `${queueLabel}: notify length ${hex(notify.length)} < ${queueNotifyOff} × ${notify.multiplier} + ${width}`,
      ),
    );
  }
  return out;
}

function readMsix(cs: ConfigSpace, opts: ProbeOptions): VirtioMsix | null {
  const c = cs.capabilities.find((x) => x.id === PCI_CAP_ID.MSIX);
  const m = c ? msixLayout(cs.bytes, c.pos, c.length, cs.length) : null;
  if (!c || !m || !m.pba) return null;
  const region = (p: MsixPlacement): VirtioMsixRegion => {
    const r = p.bir <= 5 ? resolveVirtioBar(cs, p.bir, null, opts) : null;
    const bar = r && r.ok ? r.bar : null;
    return { bir: p.bir, offset: p.offset, bar, address: bar ? bar.address + BigInt(p.offset) : null, length: p.length };
  };
  return {
    capPos: c.pos,
    tableSize: m.entries,
    enabled: m.enabled,
    functionMask: m.functionMask,
    table: region(m.table),
    pba: region(m.pba),
  };
}

function byteKnown(cs: ConfigSpace, i: number): boolean {
  return i < cs.length && (cs.known === null || cs.known[i] === 1);
}

/** True when the header type and the capability pointer are both known. */
function listStartKnown(cs: ConfigSpace): boolean {
  return cs.headerType !== null && byteKnown(cs, PCI_CAPABILITY_LIST);
}

/** True when the capability list goes on past the known bytes (a short dump), or its start is not known (holes). */
function capListCut(cs: ConfigSpace): boolean {
  if (cs.length < PCI_STATUS + 2) return true;
  if (byteKnown(cs, PCI_STATUS) && !(readU16(cs.bytes, PCI_STATUS) & PCI_STATUS_CAP_LIST)) return false;
  // Without the header type (or the pointer) where the list starts is not known.
  if (!listStartKnown(cs)) return true;
  const last = cs.capabilities[cs.capabilities.length - 1];
  const next = (last ? last.next : cs.bytes[PCI_CAPABILITY_LIST]) & 0xfc;
  return next >= pciHeaderType0.size && next >= cs.length;
}

/**
 * Probe the virtio transport of a decoded configuration space. Never throws on data; every
 * problem is a diagnostic. Works on dumps (BAR sizes unknown: containment is not checked).
 */
export function probeVirtio(cs: ConfigSpace, opts: ProbeOptions = {}): VirtioTransport {
  const identity = identifyVirtio(cs.bytes, cs.length);
  const diagnostics: Diagnostic[] = [...identity.diagnostics];
  const features = opts.features ?? null;
  const nd = features !== null && hasFeature(features, VIRTIO_F_NOTIFICATION_DATA);
  const msix = readMsix(cs, opts);
  const empty: VirtioTransportNone = {
    identity,
    kind: null,
    caps: [],
    common: null,
    notify: null,
    isr: null,
    device: null,
    pciCfg: null,
    sharedMemory: [],
    vendorData: [],
    legacy: null,
    msix,
    features,
    notificationData: nd,
    queueNotifyOffs: null,
    diagnostics,
  };
  if (!identity.isVirtio) return empty;

  const caps: VirtioCap[] = [];
  for (const c of cs.capabilities) {
    if (c.id !== PCI_CAP_ID.VNDR) continue;
    // Decoded already when the PCI decoder ran with virtioVendorCapDecoder (as the CLI does).
    const cap = hookedVirtioCap(c.vendor, cs.bytes, cs.length) ?? decodeVirtioCap(cs.bytes, c.pos, cs.length);
    caps.push(cap);
    diagnostics.push(...cap.diagnostics);
  }

  // The first usable capability of each type, in list order (Linux: bar in 0–5 and the BAR
  // exists; a later cap is taken only when an earlier one's BAR is unusable).
  const chosen = new Map<number, { cap: VirtioCap; bar: VirtioBarRef }>();
  const unassigned = new Set<number>();
  const sharedMemory: VirtioStructureLocation[] = [];
  const shmIds = new Set<number>();
  const vendorData: VirtioCap[] = [];
  let pciCfg: VirtioCap | null = null;
  for (const cap of caps) {
    const t = cap.cfg_type;
    if (t === null) continue;
    if (t === VIRTIO_PCI_CAP_VENDOR_CFG) {
      vendorData.push(cap);
      continue;
    }
    if (t === VIRTIO_PCI_CAP_PCI_CFG) {
      // Its bar/offset/length are the driver's access window, not a structure location.
      if (pciCfg === null) pciCfg = cap;
      continue;
    }
    const known = t === VIRTIO_PCI_CAP_COMMON_CFG || t === VIRTIO_PCI_CAP_NOTIFY_CFG || t === VIRTIO_PCI_CAP_ISR_CFG || t === VIRTIO_PCI_CAP_DEVICE_CFG;
    if (!known && t !== VIRTIO_PCI_CAP_SHARED_MEMORY_CFG) continue; // reserved: already reported
    if (known && chosen.has(t)) {
      diagnostics.push(vdiag('VIRTIO_CAP_DUPLICATE_IGNORED', cap.pos, `virtio ${virtioCfgTypeName(t)} cap at ${hex(cap.pos, 2)} not used: an earlier one was`));
      continue;
    }
    if (cap.bar === null || cap.offset === null || cap.length === null) continue; // cut short: reported
    const r = resolveVirtioBar(cs, cap.bar, cap.pos, opts);
    if (!r.ok) {
      diagnostics.push(r.diagnostic);
      continue;
    }
    if (t === VIRTIO_PCI_CAP_SHARED_MEMORY_CFG) {
      if (cap.id !== null && shmIds.has(cap.id)) {
        diagnostics.push(vdiag('VIRTIO_SHM_ID_DUPLICATE', cap.pos + 5, `shared-memory id ${cap.id} appears again at ${hex(cap.pos, 2)}`));
        continue;
      }
      if (cap.id !== null) shmIds.add(cap.id);
      checkRegion(cap, t, r.bar, nd, diagnostics, unassigned);
      sharedMemory.push({ cap, cfgType: t, bar: r.bar, offset: cap.offset, length: cap.length, address: r.bar.address + cap.offset });
      continue;
    }
    chosen.set(t, { cap, bar: r.bar });
  }

  const locate = (t: number): VirtioStructureLocation | null => {
    const c = chosen.get(t);
    if (!c) return null;
    checkRegion(c.cap, t, c.bar, nd, diagnostics, unassigned);
    return { cap: c.cap, cfgType: t, bar: c.bar, offset: c.cap.offset!, length: c.cap.length!, address: c.bar.address + c.cap.offset! };
  };
  const common = locate(VIRTIO_PCI_CAP_COMMON_CFG);
  const isr = locate(VIRTIO_PCI_CAP_ISR_CFG);
  const device = locate(VIRTIO_PCI_CAP_DEVICE_CFG);
  let notify: VirtioNotifyLocation | null = null;
  const n = locate(VIRTIO_PCI_CAP_NOTIFY_CFG);
  if (n) {
    let multiplier = n.cap.notify_off_multiplier;
    let source: 'cap' | 'cap+16' = 'cap';
    if (multiplier === null && n.cap.multiplierAtCap16 !== null) {
      multiplier = n.cap.multiplierAtCap16;
      source = 'cap+16';
      diagnostics.push(
        vdiag('VIRTIO_NOTIFY_MULTIPLIER_PAST_CAP_LEN', n.cap.pos + VIRTIO_PCI_NOTIFY_CAP_MULT, `notify cap at ${hex(n.cap.pos, 2)}: multiplier ${multiplier} read at cap+16, past cap_len ${n.cap.cap_len}`),
      );
    }
    if (multiplier === null) {
      diagnostics.push(vdiag('VIRTIO_NOTIFY_MULTIPLIER_UNAVAILABLE', n.cap.pos, `notify cap at ${hex(n.cap.pos, 2)} has no readable notify_off_multiplier`));
    } else {
      notify = Object.assign({}, n, { multiplier, multiplierSource: source });
      diagnostics.push(...checkNotifyMultiplier(multiplier, nd, n.cap.pos + VIRTIO_PCI_NOTIFY_CAP_MULT));
      const offs = opts.queueNotifyOffs ?? (opts.numQueues !== undefined ? Array.from({ length: opts.numQueues }, (_, i) => i) : []);
      const assumed = opts.queueNotifyOffs === undefined;
      // Only the largest off can fail the bound; report that one queue.
      let worst = -1;
      for (let q = 0; q < offs.length; q++) if (worst < 0 || offs[q] > offs[worst]) worst = q;
      if (worst >= 0) diagnostics.push(...checkNotifyBound(notify, offs[worst], nd, `queue ${worst}${assumed ? ' (queue_notify_off assumed = index)' : ''}`));
    }
  }
  if (common && features !== null) diagnostics.push(...checkCommonCfgLength(common.length, features, common.cap.pos + VIRTIO_PCI_CAP_LENGTH));

  // Classification and the legacy interface.
  const hasModern = common !== null;
  const cut = capListCut(cs);
  if (cut) {
    const unknownStart = PCI_CAPABILITY_LIST < cs.length && !listStartKnown(cs);
    const why = unknownStart ? `is not known: ${cs.headerType === null ? 'the header type byte 0x0e' : 'the capability pointer'} is not known` : `continues past the ${cs.length} known bytes`;
    diagnostics.push(vdiag('VIRTIO_CAPS_NOT_IN_IMAGE', PCI_CAPABILITY_LIST, `the capability list ${why}`));
  }
  let kind: VirtioPciKind;
  // Linux's vp_modern_probe: no common is -ENODEV (legacy driver next), no ISR or notify -EINVAL.
  if (!identity.transitionalId) kind = hasModern && isr !== null && notify !== null ? 'modern' : 'modern-incomplete';
  else kind = hasModern ? 'transitional' : 'legacy-only';

  if (!identity.transitionalId && !hasModern && !cut) {
    diagnostics.push(vdiag('VIRTIO_MISSING_COMMON_CFG', null, 'no usable common configuration capability on a non-transitional device'));
  }
  if (hasModern && !cut) {
    // A chosen notify cap without a readable multiplier was reported above.
    if (!chosen.has(VIRTIO_PCI_CAP_NOTIFY_CFG)) diagnostics.push(vdiag('VIRTIO_MISSING_NOTIFY_CFG', null, 'no usable notification capability'));
    if (!isr) diagnostics.push(vdiag('VIRTIO_MISSING_ISR_CFG', null, 'no usable ISR capability'));
    if (!device && identity.deviceType !== null && !VIRTIO_TYPES_WITHOUT_DEVICE_CONFIG.has(identity.deviceType)) {
      diagnostics.push(vdiag('VIRTIO_MISSING_DEVICE_CFG', null, `no device configuration capability for a ${identity.typeName} device`));
    }
    if (!pciCfg) diagnostics.push(vdiag('VIRTIO_MISSING_PCI_CFG', null, 'no PCI configuration access capability'));
  }

  let legacy: VirtioLegacyLocation | null = null;
  if (identity.transitionalId) {
    if (kind === 'legacy-only' && !cut) diagnostics.push(vdiag('VIRTIO_LEGACY_ONLY', null, 'no virtio capabilities: legacy interface only'));
    const msixEnabled = opts.msixEnabled ?? msix?.enabled ?? false;
    const r = resolveVirtioBar(cs, 0, null, opts);
    let bar: VirtioBarRef | null = null;
    if (r.ok) {
      bar = r.bar;
      if (bar.space !== 'io') diagnostics.push(vdiag('VIRTIO_LEGACY_BAR_NOT_IO', PCI_BASE_ADDRESS_0, 'legacy BAR0 is a memory BAR'));
    } else if (kind === 'legacy-only' && cs.headerType !== null) {
      // With the header layout not known there are no BARs to look in: nothing is missing.
      diagnostics.push(vdiag('VIRTIO_LEGACY_BAR_MISSING', PCI_BASE_ADDRESS_0, 'legacy interface without a usable BAR0'));
    }
    legacy = { bar, msixEnabled, deviceConfigOffset: legacyDeviceConfigOffset(msixEnabled) };
  }

  // Not `{ ...empty, kind, … }`: fields added after a spread are slow on Node 20.
  // kind was chosen from the ID, common, notify and isr, legacy from the ID: they agree as VirtioTransport says.
  const queueNotifyOffs = opts.queueNotifyOffs === undefined ? null : opts.queueNotifyOffs.slice();
  return { identity, kind, caps, common, notify, isr, device, pciCfg, sharedMemory, vendorData, legacy, msix, features, notificationData: nd, queueNotifyOffs, diagnostics } as VirtioTransport;
}
