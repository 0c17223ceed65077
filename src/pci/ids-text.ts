// A function's names as lspci prints them (pciutils lib/names.c pci_lookup_name, lspci.c
// show_terse): the class and vendor/device after the slot, and the Subsystem line.
import { hexDigits } from '../bytes/hex.js';
import type { PciNames } from './ids.js';

/** lspci's `-n` (numbers), default (names, numbers where no name is known) and `-nn` (both). */
export type PciNameStyle = 'numbers' | 'names' | 'both';

/** The ids lspci's first line and Subsystem line are made of (config space values). */
export interface PciFunctionIds {
  readonly vendorId: number;
  readonly deviceId: number;
  /** The 24-bit class code: base class, subclass, programming interface. */
  readonly classCode: number;
  readonly revisionId: number;
  readonly subsystemVendorId?: number | undefined;
  readonly subsystemId?: number | undefined;
}

const h = hexDigits;

/** A name, its number, or both (`format_name`); `unknown` prefixes a number that has no name. */
function one(name: string | undefined, num: string, unknown: string, style: PciNameStyle): string {
  if (style === 'numbers') return num;
  if (name === undefined) return style === 'both' ? `${unknown} [${num}]` : `${unknown} ${num}`;
  return style === 'both' ? `${name} [${num}]` : name;
}

/** `Vendor Device`, with `Device` standing for an unknown device name (`format_name_pair`). */
function both(v: string | undefined, d: string | undefined, ids: string, style: PciNameStyle): string {
  if (style === 'numbers') return ids;
  const dev = ids.slice(5);
  if (style === 'both') return v === undefined ? `Device [${ids}]` : `${v} ${d ?? 'Device'} [${ids}]`;
  return v === undefined ? `Device ${ids}` : `${v} ${d ?? `Device ${dev}`}`;
}

/** The class as lspci names it: its subclass, else its base class with the full number. */
export function pciClassTitle(names: PciNames | undefined, classCode: number, style: PciNameStyle): string {
  const base = (classCode >> 16) & 0xff;
  const sub = (classCode >> 8) & 0xff;
  const num = h((classCode >> 8) & 0xffff, 4);
  if (style === 'numbers') return num;
  const s = names?.subclass(base, sub);
  if (s !== undefined) return one(s, num, 'Class', style);
  const b = names?.baseClass(base);
  return one(b, num, 'Class', b !== undefined ? 'both' : style);
}

/** lspci's `[Master SecP PriP]` for an IDE interface's prog-if that pci.ids does not name (`[]` for none of them). */
function ideProgIf(p: number): string {
  const bits = [
    [0x80, 'Master'],
    [0x08, 'SecP'],
    [0x04, 'SecO'],
    [0x02, 'PriP'],
    [0x01, 'PriO'],
  ] as const;
  const s = bits.filter(([b]) => p & b).map(([, n]) => n);
  return s.join(' ');
}

/** ` (prog-if 01 [AHCI 1.0])`, or '' when the prog-if is 0 and has no name (lspci -v). */
function progIfText(names: PciNames | undefined, classCode: number): string {
  const base = (classCode >> 16) & 0xff;
  const sub = (classCode >> 8) & 0xff;
  const p = classCode & 0xff;
  let name = names?.progIf(base, sub, p);
  if (name === undefined && base === 0x01 && sub === 0x01 && !(p & 0x70)) name = ideProgIf(p);
  if (!p && name === undefined) return '';
  return ` (prog-if ${h(p, 2)}${name !== undefined ? ` [${name}]` : ''})`;
}

/**
 * lspci -v's first line after the slot: `SCSI storage controller: Red Hat, Inc. Virtio block
 * device (rev 01) (prog-if 01 [AHCI 1.0])`. Prog-if names show in every style, as in lspci.
 */
export function pciFunctionTitle(names: PciNames | undefined, ids: PciFunctionIds, style: PciNameStyle): string {
  const { vendorId: v, deviceId: d } = ids;
  const pair = both(
    style === 'numbers' ? undefined : names?.vendor(v),
    style === 'numbers' ? undefined : names?.device(v, d),
    `${h(v, 4)}:${h(d, 4)}`,
    style,
  );
  const rev = ids.revisionId ? ` (rev ${h(ids.revisionId, 2)})` : '';
  return `${pciClassTitle(names, ids.classCode, style)}: ${pair}${rev}${progIfText(names, ids.classCode)}`;
}

/**
 * A subsystem's name as lspci finds it: its entry under the device, else a generic (`S`)
 * entry, else the device's own name when the subsystem ids are the device's ids.
 */
export function pciSubsystemName(names: PciNames, v: number, d: number, sv: number, sd: number): string | undefined {
  return (
    (v > 0 && d > 0 ? names.subsystem(v, d, sv, sd) : undefined) ??
    names.genericSubsystem?.(sv, sd) ??
    (v === sv && d === sd ? names.device(v, d) : undefined)
  );
}

/** lspci -v's Subsystem line after `Subsystem: ` (`Red Hat, Inc. Device 0002`), or null without subsystem ids. */
export function pciSubsystemTitle(names: PciNames | undefined, ids: PciFunctionIds, style: PciNameStyle): string | null {
  const { subsystemVendorId: sv, subsystemId: sd } = ids;
  if (sv === undefined || sd === undefined) return null;
  const named = style !== 'numbers' && names !== undefined;
  return both(
    named ? names.vendor(sv) : undefined,
    named ? pciSubsystemName(names, ids.vendorId, ids.deviceId, sv, sd) : undefined,
    `${h(sv, 4)}:${h(sd, 4)}`,
    style,
  );
}
