// Every display meaning declared in the tables (a bit's `display`: address shift, window limit,
// N-1 count, value names) shows in the CLI's register text as lspci reads the same register:
// `pcicfg decode --annotate` and `lspci -F -vvv -D` on each shared dump, function by function.
// A rule declared without a check here fails, and so does a declared meaning no dump exercises.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { declaredNames, declaredStructs } from '../../src/layout/emit.js';
import { bitValue, Struct, type BitSpec } from '../../src/layout/struct.js';
import { lspciGate, parseLspciVerbose, requireLspci, runLspci, type LspciDevice } from '../support/lspci.js';
import { runCli } from './run.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** The shared dump collection beside the checkout (real hardware: bridges, SR-IOV, CardBus, ROMs; CI has it too); PCICFG_DUMPS points elsewhere. */
const DUMPS = process.env.PCICFG_DUMPS ?? fileURLToPath(new URL('../../../shared/dumps', import.meta.url));
const DUMPS_MISSING = `${DUMPS} (the shared lspci dumps) is not there: the display-meaning comparison with lspci is skipped`;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.gen.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every bit range whose table declares a display meaning, by `struct.field.bit` (structures share bit lists: the same spec under several keys). */
async function declaredRules(): Promise<Map<string, BitSpec>> {
  const out = new Map<string, BitSpec>();
  for (const p of sources(SRC)) {
    if (relative(SRC, p).startsWith('layout/')) continue;
    const text = readFileSync(p, 'utf8');
    if (declaredNames(text).length === 0) continue;
    const exports = (await import(/* @vite-ignore */ p)) as Record<string, unknown>;
    for (const s of declaredStructs(text, exports, (v): v is Struct<any> => v instanceof Struct)) {
      for (const f of s.fields) for (const b of f.bits ?? []) if (b.display) out.set(`${s.name}.${f.name}.${b.name}`, b);
    }
  }
  return out;
}

/** One function of `decode --annotate`: each register's bits text, by `struct.field` (in order, for repeated structures). */
type Registers = Map<string, Array<{ value: number; bits: string }>>;

function annotateFunctions(text: string): Map<string, Registers> {
  const out = new Map<string, Registers>();
  let cur: Registers | null = null;
  for (const line of text.split('\n')) {
    const slot = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) /.exec(line);
    if (slot) {
      out.set(slot[1], (cur = new Map()));
      continue;
    }
    const m = /^ {2}[0-9a-f]{3}(?:-[0-9a-f]{3})? .*? ([a-z0-9_]+\.[a-z0-9_]+) = 0x([0-9a-f]+) {2}(.*)$/.exec(line);
    if (!cur || !m) continue;
    const list = cur.get(m[1]) ?? [];
    list.push({ value: parseInt(m[2], 16), bits: m[3] });
    cur.set(m[1], list);
  }
  return out;
}

/** The text `name=` shows in a bits text (`devsel=fast`, `address=0xd000`, `table_size=1 (N-1: 2 entries)`). */
function shown(bits: string, name: string): string | null {
  const m = new RegExp(`(?:^| )${name}=(\\S+(?: \\(N-1: \\d+ \\w+\\))?)`).exec(bits);
  return m ? m[1] : null;
}

const hex = (s: string) => '0x' + BigInt('0x' + s).toString(16);

/** The lspci line after `prefix` (trimmed), e.g. `Status:`. */
function lspciLine(d: LspciDevice, prefix: string): string | null {
  for (const l of d.lines) if (l.trim().startsWith(prefix)) return l.trim();
  return null;
}

function lspciDevsel(d: LspciDevice, prefix: string): string | null {
  const m = /DEVSEL=(\S+)/.exec(lspciLine(d, prefix) ?? '');
  // lspci names the reserved value 3 `??`; the table gives it its number.
  return m ? (m[1] === '??' ? '3' : m[1]) : null;
}

/** lspci's `LABEL behind bridge: BASE-LIMIT`, or null (None, disabled, not a bridge). */
function lspciWindow(d: LspciDevice, label: string): [bigint, bigint] | null {
  const m = new RegExp(`^${label} behind bridge: ([0-9a-f]+)-([0-9a-f]+)`).exec(lspciLine(d, `${label} behind bridge:`) ?? '');
  return m ? [BigInt('0x' + m[1]), BigInt('0x' + m[2])] : null;
}

/** Lines of lspci's block for the capability whose text starts with `name`, starting with its own. */
function lspciCapLines(d: LspciDevice, name: string): string[] {
  const i = d.lines.findIndex((l) => /^\s*Capabilities: \[[0-9a-f]+(?: v\d+)?\] /.test(l) && l.includes(`] ${name}`));
  if (i < 0) return [];
  const end = d.lines.findIndex((l, j) => j > i && /^\s*Capabilities: /.test(l));
  return d.lines.slice(i, end < 0 ? undefined : end).map((l) => l.trim());
}

interface Pair {
  /** The register that holds the bit range. */
  readonly value: number;
  readonly ours: string | null;
  readonly lspci: string | null;
}

/** For each rule: what pcicfg shows and what lspci says, for one function (null: nothing to compare there). */
type Check = (regs: Registers, d: LspciDevice, devselNames: Map<number, string>) => Pair | null;

const first = (regs: Registers, key: string) => regs.get(key)?.[0] ?? null;

const devsel =
  (key: string, lspciPrefix: string | null): Check =>
  (regs, d, names) => {
    const r = first(regs, key);
    if (!r) return null;
    const ours = shown(r.bits, 'devsel');
    // lspci does not print a CardBus bridge's secondary status: the name lspci gives the same
    // value in the Status lines of the dumps stands in.
    if (lspciPrefix === null) return { value: r.value, ours, lspci: names.get((r.value >> 9) & 3) ?? null };
    return { value: r.value, ours, lspci: lspciDevsel(d, lspciPrefix) };
  };

const rom =
  (key: string): Check =>
  (regs, d) => {
    const r = first(regs, key);
    if (!r) return null;
    const at = /^([0-9a-f]+)\b/.exec(d.expansionRom ?? '');
    // lspci says nothing of a ROM register that holds 0.
    return { value: r.value, ours: shown(r.bits, 'address'), lspci: at ? hex(at[1]) : d.expansionRom === null && (r.value & ~1) === 0 ? '0x0' : null };
  };

const window =
  (key: string, bit: string, label: string, end: 0 | 1, lowBits: bigint): Check =>
  (regs, d) => {
    const r = first(regs, key);
    const w = lspciWindow(d, label);
    if (!r || !w) return null;
    // The register holds the low part of the address (the upper registers the rest).
    return { value: r.value, ours: shown(r.bits, bit), lspci: '0x' + (w[end] & lowBits).toString(16) };
  };

const msixOffset =
  (key: string, lspciPrefix: string): Check =>
  (regs, d) => {
    const r = first(regs, key);
    if (!r) return null;
    const line = lspciCapLines(d, 'MSI-X').find((l) => l.startsWith(lspciPrefix));
    const m = /offset=([0-9a-f]+)/.exec(line ?? '');
    return { value: r.value, ours: shown(r.bits, 'offset'), lspci: m ? hex(m[1]) : null };
  };

const CHECKS: Record<string, Check> = {
  // Only for a header type pcicfg does not know; the same bit list as type 0's.
  'pci_common_header.status.devsel': devsel('pci_common_header.status', 'Status:'),
  'pci_header_type0.status.devsel': devsel('pci_header_type0.status', 'Status:'),
  'pci_header_type1.status.devsel': devsel('pci_header_type1.status', 'Status:'),
  'pci_header_cardbus.status.devsel': devsel('pci_header_cardbus.status', 'Status:'),
  'pci_header_type1.secondary_status.devsel': devsel('pci_header_type1.secondary_status', 'Secondary status:'),
  'pci_header_cardbus.secondary_status.devsel': devsel('pci_header_cardbus.secondary_status', null),
  'pci_header_type0.expansion_rom.address': rom('pci_header_type0.expansion_rom'),
  'pci_header_type1.expansion_rom.address': rom('pci_header_type1.expansion_rom'),
  'pci_header_type1.io_base.address': window('pci_header_type1.io_base', 'address', 'I/O', 0, 0xffffn),
  'pci_header_type1.io_limit.address': window('pci_header_type1.io_limit', 'address', 'I/O', 1, 0xffffn),
  'pci_header_type1.memory_base.address': window('pci_header_type1.memory_base', 'address', 'Memory', 0, 0xffffffffn),
  'pci_header_type1.memory_limit.address': window('pci_header_type1.memory_limit', 'address', 'Memory', 1, 0xffffffffn),
  'pci_header_type1.prefetchable_memory_base.address': window('pci_header_type1.prefetchable_memory_base', 'address_low', 'Prefetchable memory', 0, 0xffffffffn),
  'pci_header_type1.prefetchable_memory_limit.address': window('pci_header_type1.prefetchable_memory_limit', 'address_low', 'Prefetchable memory', 1, 0xffffffffn),
  'pci_msix_cap.message_control.table_size': (regs, d) => {
    const r = first(regs, 'pci_msix_cap.message_control');
    if (!r) return null;
    const m = /Count=(\d+)/.exec(lspciCapLines(d, 'MSI-X')[0] ?? '');
    return { value: r.value, ours: shown(r.bits, 'table_size'), lspci: m ? `${Number(m[1]) - 1} (N-1: ${m[1]} entries)` : null };
  },
  'pci_msix_cap.table.offset': msixOffset('pci_msix_cap.table', 'Vector table:'),
  'pci_msix_cap.pba.offset': msixOffset('pci_msix_cap.pba', 'PBA:'),
  'pci_sriov_cap.vf_migration_state.offset': (regs, d) => {
    const r = first(regs, 'pci_sriov_cap.vf_migration_state');
    if (!r) return null;
    const m = /VF Migration: offset: ([0-9a-f]+)/.exec(lspciCapLines(d, 'Single Root I/O Virtualization').find((l) => l.startsWith('VF Migration:')) ?? '');
    return { value: r.value, ours: shown(r.bits, 'offset'), lspci: m ? hex(m[1]) : null };
  },
};

/**
 * A dump's text (one function, lspci -xxxx) with `bytes` written at config offset `at`: for a
 * register the shared dumps only hold as zero.
 */
function patchDump(text: string, at: number, bytes: readonly number[]): string {
  const lines = text.split('\n');
  bytes.forEach((b, k) => {
    const o = at + k;
    const i = lines.findIndex((l) => l.startsWith(`${(o & ~0xf).toString(16).padStart(2, '0')}: `));
    const cells = lines[i].split(' ');
    cells[1 + (o & 0xf)] = b.toString(16).padStart(2, '0');
    lines[i] = cells.join(' ');
  });
  return lines.join('\n');
}

/** Dumps made from a shared one, by name and text. */
function variants(dumps: ReadonlyMap<string, string>): Array<[string, string]> {
  // The VF Migration State Array register at 0x35c of this SR-IOV function: BIR 5, offset 0x1230.
  const sriov = dumps.get('lpci-asus-adl-00_02_0.lspci');
  return sriov === undefined ? [] : [['lpci-asus-adl-00_02_0 (VF migration state 0x00001235)', patchDump(sriov, 0x35c, [0x35, 0x12, 0, 0])]];
}

const gate = lspciGate();
const haveDumps = existsSync(DUMPS);
if (!haveDumps) console.warn(DUMPS_MISSING);

it('every display rule declared in the tables has a check here, and every check a rule', async () => {
  expect([...(await declaredRules()).keys()].sort()).toEqual(Object.keys(CHECKS).sort());
});

describe.skipIf(gate.skip || !haveDumps)('display meanings in the tables, shown as lspci reads them', () => {
  it('on every shared dump, each rule shows what lspci prints for the same register', { timeout: 300_000 }, async () => {
    requireLspci();
    const dumps = new Map(
      readdirSync(DUMPS)
        .filter((f) => f.endsWith('.lspci'))
        .sort()
        .map((f) => [f, readFileSync(join(DUMPS, f), 'utf8')] as const),
    );
    expect(dumps.size).toBeGreaterThan(0);
    const runs = await Promise.all(
      [...dumps, ...variants(dumps)].map(async ([f, text]) => {
        const lspci = parseLspciVerbose((await runLspci(text, ['-vvv', '-D'])).stdout);
        const ours = annotateFunctions((await runCli(['decode', '--annotate', '-'], text)).stdout);
        return { f, lspci, ours };
      }),
    );
    // The names lspci gives each DEVSEL value in the Status lines of the dumps.
    const devselNames = new Map<number, string>();
    for (const { lspci, ours } of runs) {
      for (const d of lspci) {
        const regs = ours.get(d.slotText.split(' ')[0]);
        const r = regs && (first(regs, 'pci_header_type0.status') ?? first(regs, 'pci_header_type1.status'));
        const name = lspciDevsel(d, 'Status:');
        if (r && name) devselNames.set((r.value >> 9) & 3, name);
      }
    }
    const rules = await declaredRules();
    // How often each declared meaning was compared on a register whose bit range is not 0
    // (a scale or a missing N-1 cannot show on 0).
    const compared = new Map<BitSpec, number>([...rules.values()].map((b) => [b, 0]));
    const mismatches: string[] = [];
    for (const { f, lspci, ours } of runs) {
      for (const d of lspci) {
        const slot = d.slotText.split(' ')[0];
        const regs = ours.get(slot);
        expect(regs, `${f} ${slot}: pcicfg --annotate shows the function`).toBeDefined();
        for (const [rule, check] of Object.entries(CHECKS)) {
          const p = check(regs!, d, devselNames);
          if (!p || p.lspci === null) continue;
          const spec = rules.get(rule)!;
          if (bitValue(p.value, spec) !== 0) compared.set(spec, compared.get(spec)! + 1);
          if (p.ours !== p.lspci) mismatches.push(`${f} ${slot} ${rule}: pcicfg ${p.ours}, lspci ${p.lspci}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Each declared meaning (a bit spec, whichever structures share it) is compared somewhere.
    for (const [rule, spec] of rules) expect(compared.get(spec), `no dump has ${rule} other than 0`).toBeGreaterThan(0);
  });

  it('a bridge window whose base and limit disagree on the type bits is unknown, as lspci finds it', async () => {
    requireLspci();
    // A QEMU bridge with I/O base type 1 (limit type 0) and prefetchable base type 2 (reserved).
    const text = patchDump(readFileSync(join(DUMPS, 'cnlspci-qemu440fx-00_03_0.lspci'), 'utf8'), 0x1c, [0xd1]).replace(/^20: 80 fe 90 fe 21 fe/m, '20: 80 fe 90 fe 22 fe');
    const lspci = (await runLspci(text, ['-vvv'])).stdout;
    const io = /!!! Unknown I\/O range types ([0-9a-f]+)\/([0-9a-f]+)/.exec(lspci);
    const pref = /!!! Unknown prefetchable memory range types ([0-9a-f]+)\/([0-9a-f]+)/.exec(lspci);
    expect(io && pref).toBeTruthy();
    // lspci prints the registers; the type is their low four bits.
    const type = (x: string) => parseInt(x, 16) & 0xf;
    const ours = (await runCli(['decode', '-'], text)).stdout;
    expect(ours).toContain(`\tI/O behind bridge: unknown range type ${type(io![1])}/${type(io![2])}\n`);
    expect(ours).toContain(`\tPrefetchable memory behind bridge: unknown range type ${type(pref![1])}/${type(pref![2])}\n`);
    expect(ours).toContain('\tMemory behind bridge: fe800000-fe9fffff [size=2M] [32-bit]\n');
  });
});
