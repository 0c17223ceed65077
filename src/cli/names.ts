// Vendor, device, subsystem and class names in `decode` output, as lspci prints them: the
// function's first line and its Subsystem line, and a `names` object in --json.
import { hexDigits } from '../bytes/hex.js';
import type { PciNames } from '../pci/ids.js';
import { pciFunctionTitle, pciSubsystemName, pciSubsystemTitle, type PciFunctionIds, type PciNameStyle } from '../pci/ids-text.js';
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import type { ConfigSpace } from '../pci/types.js';
import { shown } from './shown.js';

// Names are pci.ids text: shown with control characters escaped, cut where a hostile file makes them long.
const NAMES_MAX = 1000;

/** How `decode` names functions; null: as without a pci.ids file (the dump's own description, numbers). */
export type CliNames = { readonly names: PciNames | undefined; readonly style: PciNameStyle } | null;

// Texts by the ids they are made of, per run: a dump repeats a few devices thousands of times.
// Bounded: a dump of arbitrary bytes must not make the cache grow with its functions.
const TEXTS = new WeakMap<object, Map<string, unknown>>();
const TEXTS_MAX = 4096;

function cached<T>(n: object, key: string, make: () => T): T {
  let m = TEXTS.get(n);
  if (!m) TEXTS.set(n, (m = new Map()));
  let t = m.get(key) as T | undefined;
  if (t === undefined) {
    t = make();
    if (m.size < TEXTS_MAX) m.set(key, t);
  }
  return t;
}

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
  if (!n || !f) return null;
  return cached(n, `t${f.vendorId},${f.deviceId},${f.classCode},${f.revisionId}`, () => shown(pciFunctionTitle(n.names, f, n.style), NAMES_MAX));
}

/**
 * The subsystem ids: a type 0 or CardBus header's registers; with names (as lspci), a
 * bridge's Subsystem ID capability. Null when the dump does not give them.
 */
export function subsystemIds(n: CliNames, cs: ConfigSpace, reg: Reg, known: Uint8Array | null): [number, number] | null {
  const sv = reg('subsystem_vendor_id');
  const sd = reg('subsystem_id');
  if (sv !== null && sd !== null) return [sv, sd];
  const cap = n && cs.headerType === 1 ? cs.capabilities.find((c) => c.id === PCI_CAP_ID.SSVID) : undefined;
  if (!cap) return null;
  const at = cap.pos + 4; // subsystem vendor ID, then subsystem ID (PCI-to-PCI Bridge Architecture, SSVID capability)
  for (let i = at; i < at + 4; i++) if (i >= cs.length || (known && known[i] !== 1)) return null;
  const u16 = (o: number) => cs.bytes[o]! | (cs.bytes[o + 1]! << 8);
  return [u16(at), u16(at + 2)];
}

/**
 * The Subsystem line's text (`Red Hat, Inc. Device 0002`), numbers without names; null when
 * the function has none. A subsystem vendor 0000 or ffff means none (lspci prints no line):
 * shown as numbers.
 */
export function namesSubsystem(n: CliNames, cs: ConfigSpace, reg: Reg, known: Uint8Array | null): string | null {
  const ids = subsystemIds(n, cs, reg, known);
  if (!ids) return null;
  const [sv, sd] = ids;
  const v = reg('vendor_id');
  const d = reg('device_id');
  if (!n || v === null || d === null || sv === 0 || sv === 0xffff) return `${hexDigits(sv, 4)}:${hexDigits(sd, 4)}`;
  const f: PciFunctionIds = { vendorId: v, deviceId: d, classCode: 0, revisionId: 0, subsystemVendorId: sv, subsystemId: sd };
  return cached(n, `s${v},${d},${sv},${sd}`, () => shown(pciSubsystemTitle(n.names, f, n.style) ?? '', NAMES_MAX));
}

/**
 * --json's `names`: the names pci.ids gives for the function's ids, each key only when a name
 * is known; null when no names are looked up (no pci.ids, or -n).
 */
export function namesJson(n: CliNames, reg: Reg, classCode: number | null, subsystem: [number, number] | null): Record<string, string> | null {
  if (!n || !n.names || n.style === 'numbers') return null;
  const key = `j${reg('vendor_id')},${reg('device_id')},${classCode},${subsystem}`;
  // One object per distinct function: JSON.stringify only reads it.
  return cached(n, key, () => namesObject(n.names!, reg, classCode, subsystem));
}

function namesObject(p: PciNames, reg: Reg, classCode: number | null, subsystem: [number, number] | null): Record<string, string> | null {
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
