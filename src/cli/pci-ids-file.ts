// The system's pci.ids for the CLI (Node only): `PCICFG_PCI_IDS=FILE`, else the first of the
// places it is installed: IDSDIR=/usr/share/misc (Debian, Gentoo), /usr/share/hwdata (Fedora,
// hwdata), the old /usr/share, and pciutils' own default for a build from source without zlib.
// Only its existence is checked up front; it is read at the first name looked up.
import { existsSync, readFileSync } from 'node:fs';
import { parsePciIds, type PciNames } from '../pci/ids.js';
import type { PciNameStyle } from '../pci/ids-text.js';
import type { CliNames } from './names.js';
import { shown } from './shown.js';
import { systemMessage } from './system-message.js';

export const PCI_IDS_PATHS = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids', '/usr/local/share/pci.ids'] as const;

/** The pci.ids to read: PCICFG_PCI_IDS when set (empty: none), else the first installed one. */
export function pciIdsPath(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const own = env.PCICFG_PCI_IDS;
  if (own !== undefined) return own === '' ? null : own;
  return PCI_IDS_PATHS.find((p) => existsSync(p)) ?? null;
}

/** Names read from `path` at the first lookup; `warn` gets at most one line (unreadable file, or its first malformed line). */
function lazyNames(path: string, warn: (line: string) => void): PciNames {
  let names: PciNames | null = null;
  let warned = false;
  const once = (line: string) => {
    if (!warned) warn(line);
    warned = true;
  };
  const load = (): PciNames => {
    if (names) return names;
    let text = '';
    try {
      // As latin1 (a byte a character, faster than decoding UTF-8), and each name decoded as
      // UTF-8 when it is returned: the format itself is ASCII.
      text = readFileSync(path, 'latin1');
    } catch (e) {
      once(`pcicfg: warning: cannot read ${shown(path, 1000)}: ${systemMessage(e)}; no names shown`);
    }
    return (names = parsePciIds(text, {
      onProblem: (p) => once(`pcicfg: warning: ${shown(path, 1000)}:${p.line}:1: ${p.message}; line skipped (lspci refuses such a file)`),
    }));
  };
  const decoded = new Map<string, string>();
  const utf8 = (name: string | undefined) => {
    if (name === undefined) return undefined;
    let u = decoded.get(name);
    if (u === undefined) decoded.set(name, (u = Buffer.from(name, 'latin1').toString('utf8')));
    return u;
  };
  return {
    vendor: (v) => utf8(load().vendor(v)),
    device: (v, d) => utf8(load().device(v, d)),
    subsystem: (v, d, sv, sd) => utf8(load().subsystem(v, d, sv, sd)),
    genericSubsystem: (sv, sd) => utf8(load().genericSubsystem?.(sv, sd)),
    baseClass: (c) => utf8(load().baseClass(c)),
    subclass: (c, s) => utf8(load().subclass(c, s)),
    progIf: (c, s, p) => utf8(load().progIf(c, s, p)),
  };
}

/** `-n`/`-nn` (lspci's options), for the commands that print names: decode, qemu dump, view. */
export const NAMES_OPTIONS = { numeric: { type: 'boolean', short: 'n', multiple: true } } as const;

/** cliNames for a command's parsed NAMES_OPTIONS; `warnings` collects the lines to print after the output. */
export function cliNamesOption(values: { readonly numeric?: unknown }, warnings: string[]): CliNames {
  return cliNames(Array.isArray(values.numeric) ? values.numeric.length : 0, (w) => warnings.push(w));
}

/**
 * How decode names functions for `-n` given `numeric` times (0, 1, 2+ as lspci): without -n
 * and without a pci.ids, null (output as without names support).
 */
export function cliNames(numeric: number, warn: (line: string) => void, env?: Readonly<Record<string, string | undefined>>): CliNames {
  const path = pciIdsPath(env);
  const style: PciNameStyle = numeric === 0 ? 'names' : numeric === 1 ? 'numbers' : 'both';
  if (path === null && style === 'names') return null;
  return { names: path === null ? undefined : lazyNames(path, warn), style };
}
