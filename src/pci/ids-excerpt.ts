// A pci.ids excerpt: the entries some lookups found, written back in pci.ids' own format, so
// that parsePciIds of the excerpt answers those lookups as the whole file did. `pcicfg view`
// records the lookups the CLI makes for a dump's functions and embeds the excerpt in the page
// (a few lines, not the 1.4 MB file). Internal: not exported from the package.
import { hexDigits } from '../bytes/hex.js';
import type { PciNames } from './ids.js';

/** `names`, recording every lookup made through it; `excerpt()` writes what they found. */
export interface RecordingPciNames {
  readonly names: PciNames;
  excerpt(): string;
}

/** pci.ids strips one trailing blank from a line: a name ending in one gets another. */
const line = (tabs: number, ids: string, name: string) => `${'\t'.repeat(tabs)}${ids}  ${name}${/[ \t]$/.test(name) ? ' ' : ''}\n`;

export function recordingPciNames(from: PciNames): RecordingPciNames {
  const vendors = new Set<number>();
  const devices = new Set<string>();
  const subsystems = new Set<string>();
  const classes = new Set<string>();
  const key = (...ids: number[]) => ids.join(',');
  const names: PciNames = {
    vendor: (v) => (vendors.add(v), from.vendor(v)),
    device: (v, d) => (devices.add(key(v, d)), from.device(v, d)),
    subsystem: (v, d, sv, sd) => (subsystems.add(key(v, d, sv, sd)), from.subsystem(v, d, sv, sd)),
    // Written as the subsystem under each device asked about (what lspci looks at first), so no `S` block is needed.
    genericSubsystem: (sv, sd) => from.genericSubsystem?.(sv, sd),
    baseClass: (c) => (classes.add(key(c)), from.baseClass(c)),
    subclass: (c, s) => (classes.add(key(c, s)), from.subclass(c, s)),
    progIf: (c, s, p) => (classes.add(key(c, s, p)), from.progIf(c, s, p)),
  };
  const excerpt = (): string => {
    const ids = (k: string) => k.split(',').map(Number);
    // Vendor → device → subsystem lines, each under its parent; an entry without a name is left out.
    const tree = new Map<number, Map<number, Map<string, string>>>();
    const vendor = (v: number) => tree.get(v) ?? (tree.set(v, new Map()), tree.get(v)!);
    for (const v of vendors) if (from.vendor(v) !== undefined) vendor(v);
    for (const k of devices) {
      const [v, d] = ids(k) as [number, number];
      if (from.vendor(v) !== undefined && from.device(v, d) !== undefined && !vendor(v).has(d)) vendor(v).set(d, new Map());
    }
    for (const k of subsystems) {
      const [v, d, sv, sd] = ids(k) as [number, number, number, number];
      // Its own entry, or the generic one (lspci's second choice); the third, the device's own
      // name, needs no line: the page finds it as lspci does.
      const name = from.subsystem(v, d, sv, sd) ?? from.genericSubsystem?.(sv, sd);
      const under = tree.get(v)?.get(d);
      if (name !== undefined && under) under.set(`${hexDigits(sv, 4)} ${hexDigits(sd, 4)}`, name);
    }
    let out = '';
    for (const [v, devs] of [...tree].sort((a, b) => a[0] - b[0])) {
      out += line(0, hexDigits(v, 4), from.vendor(v)!);
      for (const [d, subs] of [...devs].sort((a, b) => a[0] - b[0])) {
        out += line(1, hexDigits(d, 4), from.device(v, d)!);
        for (const [s, name] of [...subs].sort()) out += line(2, s, name);
      }
    }
    // Classes: `C cc`, its subclasses, their programming interfaces.
    const cls = new Map<number, Map<number, Set<number>>>();
    for (const k of classes) {
      const [c, s, p] = ids(k) as [number, number | undefined, number | undefined];
      if (from.baseClass(c) === undefined) continue;
      const subs = cls.get(c) ?? (cls.set(c, new Map()), cls.get(c)!);
      if (s === undefined || from.subclass(c, s) === undefined) continue;
      const ifs = subs.get(s) ?? (subs.set(s, new Set()), subs.get(s)!);
      if (p !== undefined && from.progIf(c, s, p) !== undefined) ifs.add(p);
    }
    for (const [c, subs] of [...cls].sort((a, b) => a[0] - b[0])) {
      out += line(0, `C ${hexDigits(c, 2)}`, from.baseClass(c)!);
      for (const [s, ifs] of [...subs].sort((a, b) => a[0] - b[0])) {
        out += line(1, hexDigits(s, 2), from.subclass(c, s)!);
        for (const p of [...ifs].sort((a, b) => a - b)) out += line(2, hexDigits(p, 2), from.progIf(c, s, p)!);
      }
    }
    return out;
  };
  return { names, excerpt };
}
