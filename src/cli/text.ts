// `decode` text output, in the spirit of `lspci -vvv`: header, BARs, every capability and
// extended capability with all its registers and named bits, then the virtio transport and
// the diagnostics. Register lines come from the field tables (fields-text.ts).
import { hexDigits } from '../bytes/hex.js';
import type { Region } from '../layout/annotate.js';
import { displayedAddress } from '../layout/display.js';
import { bitValue, type BitSpec, type FieldInfo } from '../layout/struct.js';
import { pciHeaderType1 } from '../pci/header.js';
import { PCI_HEADER_TYPE } from '../pci/header-regs.js';
import { formatPciAddress } from '../pci/bus.js';
import { pciClassDescription } from '../pci/class-codes.js';
import { partialClassText } from '../pci/class-text.js';
import type { Bar, ConfigSpace } from '../pci/types.js';
import type { DecodedDevice } from './device.js';
import { diagnosticLine } from './diagnostics.js';
import { DESCRIPTION_MAX, shown } from './shown.js';
import { bitsText, bytesKnown, regionLines, shownBitNames, unknownText } from '../layout/fields-text.js';
import { humanSize } from './format.js';
import { knownParts, rangesText, runs } from './ranges.js';
import { virtioLines } from './virtio-view.js';
import { virtioCapRegisterNames } from '../virtio/caps.js';
import { namesSubsystem, namesTitle, type CliNames } from './names.js';

const h = (v: number, n: number) => hexDigits(v, n);

// The dump's known-byte map of the function being printed (the PCI decoder only knows a length).
let KNOWN: Uint8Array | null = null;

const BY_NAME = new WeakMap<readonly FieldInfo[], Map<string, FieldInfo>>();

/** A field of a structure by name (the maps are built once per field table). */
function fieldNamed(fields: readonly FieldInfo[], name: string): FieldInfo | undefined {
  let m = BY_NAME.get(fields);
  if (!m) BY_NAME.set(fields, (m = new Map(fields.map((f) => [f.name, f]))));
  return m.get(name);
}

/** A header register's value; null when it is not in the dump (past its length, or a hole). */
function num(cs: ConfigSpace, name: string): number | null {
  const v = (cs.header as Record<string, unknown>)[name];
  if (typeof v !== 'number') return null;
  const r = headerRegion(cs);
  const f = r && fieldNamed(r.fields, name);
  if (f && !bytesKnown(cs.length, KNOWN, f.offset, f.size)) return null;
  return v;
}

function barLine(b: Bar): string {
  const size = b.size === null ? '[size unknown]' : `[size=${humanSize(b.size)}]`;
  if (b.kind === 'io') return `Region ${b.index}: I/O ports at ${b.address.toString(16)} ${size}`;
  const width = b.kind === 'mem64' ? '64-bit' : b.kind === 'mem1m' ? 'low-1M' : '32-bit';
  const unassigned = b.address === 0n ? ' <unassigned>' : '';
  return `Region ${b.index}: Memory at ${b.address.toString(16).padStart(8, '0')}${unassigned} (${width}, ${b.prefetchable ? 'prefetchable' : 'non-prefetchable'}) ${size}`;
}

// The header region of the function being printed, looked up once (num and headerBits ask for
// it for every header register they read).
let HEADER_OF: ConfigSpace | null = null;
let HEADER: Region | undefined;

function headerRegion(cs: ConfigSpace): Region | undefined {
  if (cs !== HEADER_OF) {
    HEADER_OF = cs;
    HEADER = cs.regions.find((r) => r.offset === 0 && r.struct.startsWith('pci_'));
  }
  return HEADER;
}

/** Named bits of a header register (`Control:` / `Status:` lines). */
function headerBits(cs: ConfigSpace, name: string): string | null {
  const r = headerRegion(cs);
  const f = r && fieldNamed(r.fields, name);
  if (!r || !f || !bytesKnown(cs.length, KNOWN, r.offset + f.offset, f.size)) return null;
  return bitsText(cs.bytes, r.offset, f);
}

// Derived values whose names say they are addresses, offsets or masks print in hex; counts,
// sizes in ns and the like in decimal.
const HEX_INFO = /(address|addr|offset|mask|base|limit|_id|serial)/;

/** A capability's derived values, leaving out what its register lines already show. */
function infoText(info: object, shown: ReadonlySet<string>): string {
  let out = '';
  for (const k in info) {
    const v: unknown = (info as Record<string, unknown>)[k];
    if (v === undefined || (typeof v === 'object' && v !== null) || shown.has(k)) continue;
    const t =
      typeof v === 'boolean'
        ? `${k}${v ? '+' : '-'}`
        : `${k}=${typeof v === 'bigint' ? '0x' + v.toString(16) : typeof v === 'number' && v > 9 && hexInfo(k) ? '0x' + v.toString(16) : String(v)}`;
    out = out ? out + ' ' + t : t;
  }
  return out;
}

const HEX_KEYS = new Map<string, boolean>();

function hexInfo(k: string): boolean {
  let b = HEX_KEYS.get(k);
  if (b === undefined) HEX_KEYS.set(k, (b = HEX_INFO.test(k)));
  return b;
}

/**
 * Names the register lines of these regions show: each bit's name and `field_bit` (MSI-X's
 * info calls the table register's bir `table_bir`). An info value of the same name would say
 * the same thing twice, or, for N-1 encodings, two different numbers under one name.
 */
function shownNames(regions: readonly Region[]): ReadonlySet<string> {
  if (regions.length === 1) return namesOf(regions[0].fields);
  const out = new Set<string>();
  for (const r of regions) for (const n of namesOf(r.fields)) out.add(n);
  return out;
}

const NAMES = new WeakMap<readonly FieldInfo[], ReadonlySet<string>>();

function namesOf(fields: readonly FieldInfo[]): ReadonlySet<string> {
  let out = NAMES.get(fields);
  if (out) return out;
  const s = new Set<string>();
  for (const f of fields) {
    s.add(f.name);
    for (const b of shownBitNames(f)) {
      s.add(b);
      s.add(`${f.name}_${b}`);
    }
  }
  NAMES.set(fields, s);
  return s;
}

const CAP_HEADER_FIELDS: ReadonlySet<string> = new Set(['cap_id', 'cap_next', 'cap_vndr']);
const EXTCAP_HEADER_FIELDS: ReadonlySet<string> = new Set(['header']);
let virtioListed: ReadonlySet<string> | undefined;
/**
 * A virtio capability's fields that its line under "Virtio:" already gives (virtioLines): in
 * the capability list only the rest (pci_cfg_data, reserved bytes that are not zero) is shown.
 */
function virtioListedFields(): ReadonlySet<string> {
  return (virtioListed ??= new Set([...CAP_HEADER_FIELDS, ...virtioCapRegisterNames()]));
}

type BridgeField = keyof typeof pciHeaderType1.table & string;

/** A bridge window register: its address bits (with their declared shift) and its type bits (null: none). */
interface WindowRegister {
  readonly key: BridgeField;
  readonly address: BitSpec & { readonly display: { readonly shift: number } };
  readonly type: BitSpec | null;
}

function windowRegister(key: BridgeField, typeBit: string | null): WindowRegister {
  const specs = pciHeaderType1.field(key).bits ?? [];
  const address = specs.find((b) => b.display?.shift !== undefined);
  if (!address) throw new Error(`pci_header_type1.${key} declares no address bits`);
  return { key, address: address as WindowRegister['address'], type: typeBit === null ? null : (specs.find((b) => b.name === typeBit) ?? null) };
}

/**
 * The three forwarding windows of a bridge, read as the table declares them. Type 1 (32-bit
 * I/O, 64-bit memory) adds the upper registers, which hold the address bits above the base's.
 */
const BRIDGE_WINDOWS: ReadonlyArray<{ label: string; base: WindowRegister; limit: WindowRegister; upper: readonly [BridgeField, BridgeField] | null }> = [
  { label: 'I/O', base: windowRegister('io_base', 'io_type'), limit: windowRegister('io_limit', 'io_type'), upper: ['io_base_upper16', 'io_limit_upper16'] },
  { label: 'Memory', base: windowRegister('memory_base', null), limit: windowRegister('memory_limit', null), upper: null },
  {
    label: 'Prefetchable memory',
    base: windowRegister('prefetchable_memory_base', 'mem_type'),
    limit: windowRegister('prefetchable_memory_limit', 'mem_type'),
    upper: ['prefetchable_base_upper32', 'prefetchable_limit_upper32'],
  },
];

/** lspci's bridge summary: bus numbers and the three forwarding windows. */
function bridgeLines(cs: ConfigSpace, T: string): string[] {
  const n = (k: string) => num(cs, k);
  const out: string[] = [];
  const [pri, sec, sub, lat] = [n('primary_bus'), n('secondary_bus'), n('subordinate_bus'), n('sec_latency_timer')];
  if (pri !== null && sec !== null && sub !== null) {
    out.push(`${T}Bus: primary=${h(pri, 2)}, secondary=${h(sec, 2)}, subordinate=${h(sub, 2)}${lat !== null ? `, sec-latency=${lat}` : ''}`);
  }
  // As lspci -vv prints them: 8 hex digits (16 for a 64-bit prefetchable window) and the width.
  const win = (label: string, base: bigint, limit: bigint, width: number) => {
    const x = (v: bigint) => v.toString(16).padStart(width === 64 ? 16 : 8, '0');
    out.push(`${T}${label} behind bridge: ${base <= limit ? `${x(base)}-${x(limit)} [size=${humanSize(limit - base + 1n)}] [${width}-bit]` : 'None'}`);
  };
  for (const { label, base, limit, upper } of BRIDGE_WINDOWS) {
    const rb = n(base.key);
    const rl = n(limit.key);
    if (rb === null || rl === null) continue;
    const type = base.type ? bitValue(rb, base.type) : 0;
    const limitType = limit.type ? bitValue(rl, limit.type) : 0;
    if (type !== limitType || type > 1) {
      out.push(`${T}${label} behind bridge: unknown range type ${type}/${limitType}`);
      continue;
    }
    const top = base.address.display.shift + base.address.width;
    const wide = upper !== null && type === 1;
    const up = (k: BridgeField) => BigInt(n(k) ?? 0) << BigInt(top);
    win(
      label,
      BigInt(displayedAddress(base.address.display, bitValue(rb, base.address))) | (wide ? up(upper[0]) : 0n),
      BigInt(displayedAddress(limit.address.display, bitValue(rl, limit.address))) | (wide ? up(upper[1]) : 0n),
      wide ? top + pciHeaderType1.field(upper[0]).size * 8 : top,
    );
  }
  return out;
}

const PAST_COMMON = new WeakMap<readonly FieldInfo[], readonly FieldInfo[]>();

/** A header's fields beyond the common 16 bytes (one array per table, so regionLines can cache its plan). */
function pastCommonHeader(fields: readonly FieldInfo[]): readonly FieldInfo[] {
  let p = PAST_COMMON.get(fields);
  if (!p) PAST_COMMON.set(fields, (p = fields.filter((f) => f.offset >= 0x10)));
  return p;
}

/** Regions of a capability (its own structure, vendor views, entries), in placement order. */
function regionsIn(regions: readonly Region[], from: number, to: number): Region[] {
  const out: Region[] = [];
  for (const r of regions) if (r.offset >= from && r.offset < to) out.push(r);
  return out;
}

// Class texts by class code, up to CLASS_TEXT_MAX of them: a dump repeats a few codes, and a
// dump of arbitrary bytes must not make the cache grow with its number of functions.
const CLASS_TEXT = new Map<number, string>();
const CLASS_TEXT_MAX = 1024;

/** `Class Mass storage controller / … [010000]`, or `Class 123456` when the code has no name. */
function classText(code: number): string {
  let t = CLASS_TEXT.get(code);
  if (t !== undefined) return t;
  // pci.ids names some subclasses like their class (`Mass storage controller / Mass storage controller`).
  const d = pciClassDescription(code).replace(/^([^/[(]+?) \/ \1(?= [[(])/, '$1');
  t = d.startsWith('Class ') ? d : `Class ${d}`;
  if (CLASS_TEXT.size < CLASS_TEXT_MAX) CLASS_TEXT.set(code, t);
  return t;
}

/** The text of one decoded function. */
export function deviceText(dev: DecodedDevice, names: CliNames = null): string[] {
  const { cs, input } = dev;
  KNOWN = input.known;
  const out: string[] = [];
  const slot = input.slot ? formatPciAddress(input.slot) : '(no slot)';
  const title = namesTitle(names, (n) => num(cs, n), cs.classCode);
  out.push(`${slot} ${title ?? (input.description ? shown(input.description, DESCRIPTION_MAX) : cs.classCode !== null ? pciClassDescription(cs.classCode) : '')}`.trimEnd());
  const T = '\t';
  const vendor = num(cs, 'vendor_id');
  const device = num(cs, 'device_id');
  if (vendor !== null && device !== null) {
    const rev = num(cs, 'revision_id');
    out.push(
      `${T}Vendor ${h(vendor, 4)} Device ${h(device, 4)}${rev !== null ? ` Rev ${h(rev, 2)}` : ''}` +
        `, ${cs.classCode !== null ? classText(cs.classCode) : `Class ${partialClassText(cs.bytes, cs.length, cs.known)}`}` +
        `, header type ${num(cs, 'header_type') === null ? unknownText(PCI_HEADER_TYPE, cs.length) : `${cs.headerType}${cs.multiFunction ? ' (multi-function)' : ''}`}`,
    );
  }
  const sub = namesSubsystem(names, cs, (n) => num(cs, n), input.known);
  if (sub !== null) out.push(`${T}Subsystem: ${sub}`);
  if (input.known) {
    const k = input.known;
    const holes = runs(input.length, (i) => k[i] !== 1);
    const n = input.length - holes.reduce((a, r) => a + r.length, 0);
    out.push(`${T}Known bytes: ${n} of the first ${input.length} (not given by the dump, unknown: ${rangesText(holes)})`);
  } else out.push(`${T}Known bytes: ${input.length}`);
  const ctl = headerBits(cs, 'command');
  if (ctl !== null) out.push(`${T}Control: ${ctl}`);
  const st = headerBits(cs, 'status');
  if (st !== null) out.push(`${T}Status: ${st}`);
  const lat = num(cs, 'latency_timer');
  const cls = num(cs, 'cache_line_size');
  if (lat !== null && cls !== null) out.push(`${T}Latency: ${lat}, Cache Line Size: ${cls * 4} bytes`);
  const pin = num(cs, 'interrupt_pin');
  const line = num(cs, 'interrupt_line');
  if (pin !== null && line !== null && pin !== 0) {
    out.push(`${T}Interrupt: pin ${pin >= 1 && pin <= 4 ? String.fromCharCode(64 + pin) : '?' + pin} routed to IRQ ${line}`);
  }
  if (cs.headerType === 1) out.push(...bridgeLines(cs, T));
  if (cs.headerType !== 0 && cs.headerType !== null) {
    // Bridges and CardBus: every header register beyond the common 16 bytes, by name.
    const r = headerRegion(cs);
    if (r) {
      out.push(`${T}Header (${r.struct}):`);
      out.push(...regionLines(cs.bytes, cs.length, { ...r, fields: pastCommonHeader(r.fields) }, T + T, input.known));
    }
  }
  if (input.barSizes) out.push(`${T}BAR sizes from ${shown(input.barSizesFrom ?? '', 1000)}`);
  for (const b of cs.bars) out.push(T + barLine(b));
  if (cs.rom && cs.rom.raw !== 0) out.push(`${T}Expansion ROM at ${cs.rom.address.toString(16).padStart(8, '0')} [${cs.rom.enabled ? 'enabled' : 'disabled'}]`);
  capabilityLines(dev, out);
  extendedCapabilityLines(dev, out);
  if (dev.virtio) virtioLines(dev, T, out);
  const unclaimed = knownParts(cs.unclaimed, input.known);
  if (unclaimed.length) {
    out.push(`${T}Unclaimed bytes (${unclaimed.reduce((a, u) => a + u.length, 0)}): ${rangesText(unclaimed)}`);
  }
  if (dev.diagnostics.length) {
    out.push(`${T}Diagnostics:`);
    for (const d of dev.diagnostics) out.push(`${T}${T}${diagnosticLine(d)}`);
  }
  return out;
}

// The capability lists as functions of their own: smaller pieces for V8 to optimize (one
// function for the whole device took about 0.1 s of TurboFan time in an 8000-function run; the
// split made no difference to the wall time that could be measured here).
function capabilityLines(dev: DecodedDevice, out: string[]): void {
  const { cs, input } = dev;
  const T = '\t';
  const virtioCaps = dev.virtio ? dev.virtio.transport.caps : null;
  for (const c of cs.capabilities) {
    let regions = regionsIn(cs.regions, c.pos, c.pos + Math.max(c.length, 1));
    if (c.vendor) regions = regions.filter((r) => r.struct !== 'pci_vendor_cap');
    // A virtio capability whose bytes are all known has its fields on its line under "Virtio:";
    // printing them here too doubled the output of a virtio function.
    const listed =
      c.vendor !== undefined &&
      regions.length > 0 &&
      virtioCaps !== null &&
      virtioCaps.some((v) => v.pos === c.pos) &&
      bytesKnown(cs.length, input.known, regions[0].offset, regions[0].length);
    out.push(`${T}Capabilities: [${h(c.pos, 2)}] ${c.name}${c.vendor ? `: ${c.vendor.name}` : ''}${listed ? ' (fields under Virtio below)' : ''}`);
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i];
      if (i > 0) out.push(`${T}${T}${r.label}:`);
      // The heading already says the ID and where the next capability is.
      regionLines(cs.bytes, cs.length, r, i > 0 ? T + T + T : T + T, input.known, listed && i === 0 ? virtioListedFields() : CAP_HEADER_FIELDS, out);
    }
    const info = infoText(c.info, shownNames(regions));
    if (info) out.push(`${T}${T}${info}`);
  }
  const capPtr = num(cs, 'capabilities_pointer');
  const capList = ((num(cs, 'status') ?? 0) & 0x10) !== 0;
  if (!cs.capabilities.length && capList && capPtr && capPtr >= cs.length) {
    out.push(`${T}Capabilities: [${h(capPtr, 2)}] not in the dump (only ${cs.length} bytes known)`);
  }
}

function extendedCapabilityLines(dev: DecodedDevice, out: string[]): void {
  const { cs, input } = dev;
  const T = '\t';
  for (const c of cs.extendedCapabilities) {
    out.push(`${T}Capabilities: [${h(c.pos, 3)} v${c.version}] ${c.name}`);
    const eregions = regionsIn(cs.regions, c.pos, c.pos + Math.max(c.length, 1));
    for (const r of eregions) regionLines(cs.bytes, cs.length, r, T + T, input.known, EXTCAP_HEADER_FIELDS, out);
    const info = infoText(c.info, shownNames(eregions));
    if (info) out.push(`${T}${T}${info}`);
  }
}
