// Vendor, device, subsystem and class names in `decode` output, as lspci prints them: the
// function's first line and its Subsystem line, and a `names` object in --json.
import { hexDigits } from '../bytes/hex.js';
import type { PciNames } from '../pci/ids.js';
import { pciFunctionTitle, pciSubsystemName, pciSubsystemTitle, type PciFunctionIds, type PciNameStyle } from '../pci/ids-text.js';
import { DESCRIPTION_MAX, shown } from './shown.js';

/** How `decode` names functions; null: as without a pci.ids file (the dump's own description, numbers). */
export type CliNames = { readonly names: PciNames | undefined; readonly style: PciNameStyle } | null;

/** A header register's value, null when the dump does not give it. */
type Reg = (name: string) => number | null;

function ids(reg: Reg, classCode: number | null): PciFunctionIds | null {
  const vendorId = reg('vendor_id');
  const deviceId = reg('device_id');
  const revisionId = reg('revision_id');
  if (vendorId === null || deviceId === null || revisionId === null || classCode === null) return null;
  return { vendorId, deviceId, classCode, revisionId };
}

/** The first line after the slot, as lspci -v prints it; null when the dump lacks an id (the caller prints as without names). */
export function namesTitle(n: CliNames, reg: Reg, classCode: number | null): string | null {
  const f = n && ids(reg, classCode);
  return f ? shown(pciFunctionTitle(n!.names, f, n!.style), DESCRIPTION_MAX) : null;
}

/** The Subsystem line's text (`Red Hat, Inc. Device 0002`); numbers without names. */
export function namesSubsystem(n: CliNames, reg: Reg, sv: number, sd: number): string {
  const v = reg('vendor_id');
  const d = reg('device_id');
  if (!n || v === null || d === null) return `${hexDigits(sv, 4)}:${hexDigits(sd, 4)}`;
  const t = pciSubsystemTitle(n.names, { vendorId: v, deviceId: d, classCode: 0, revisionId: 0, subsystemVendorId: sv, subsystemId: sd }, n.style);
  return shown(t ?? '', DESCRIPTION_MAX);
}

/**
 * --json's `names`: the names pci.ids gives for the function's ids, each key only when a name
 * is known; null when no names are looked up (no pci.ids, or -n).
 */
export function namesJson(n: CliNames, reg: Reg, classCode: number | null, subsystem: [number, number] | null): Record<string, string> | null {
  if (!n || !n.names || n.style === 'numbers') return null;
  const p = n.names;
  const out: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  const v = reg('vendor_id');
  const d = reg('device_id');
  if (v !== null) put('vendor', p.vendor(v));
  if (v !== null && d !== null) put('device', p.device(v, d));
  if (subsystem) {
    const [sv, sd] = subsystem;
    put('subsystem_vendor', p.vendor(sv));
    if (v !== null && d !== null) put('subsystem', pciSubsystemName(p, v, d, sv, sd));
  }
  if (classCode !== null) {
    const [b, s, i] = [classCode >> 16, (classCode >> 8) & 0xff, classCode & 0xff];
    put('class', p.baseClass(b));
    put('subclass', p.subclass(b, s));
    put('prog_if', p.progIf(b, s, i));
  }
  return Object.keys(out).length ? out : null;
}
