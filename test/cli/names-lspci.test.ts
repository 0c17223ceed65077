// Names as lspci prints them: `pcicfg decode` (names, -n, -nn) against `lspci -F FILE -v -D`
// (same options) on every shared dump, both reading the same pci.ids (lspci -i; udev's hwdb
// off, so pci.ids is the only source). Compared for every function: the first line after the
// slot, and the Subsystem line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCI_IDS_PATHS } from '../../src/cli/pci-ids-file.js';
import { lspciGate, lspciRequired, requireLspci, runLspci } from '../support/lspci.js';
import { runCli } from './run.js';

const DUMPS = process.env.PCICFG_DUMPS ?? fileURLToPath(new URL('../../../shared/dumps', import.meta.url));
const SYSTEM_IDS = PCI_IDS_PATHS.find((p) => existsSync(p));
const gate = lspciGate();
const haveDumps = existsSync(DUMPS);
if (!haveDumps) console.warn(`${DUMPS} (the shared lspci dumps) is not there: the name comparison with lspci is skipped`);
if (!SYSTEM_IDS) console.warn(`no pci.ids at ${PCI_IDS_PATHS.join(', ')}: the name comparison with lspci is skipped (Debian: apt-get install pci.ids)`);

/** Per function (by slot): the first line after the slot, and the Subsystem line's text (null: none). */
type Titles = Map<string, { title: string; subsystem: string | null }>;

function titles(text: string): Titles {
  const out: Titles = new Map();
  let cur: { title: string; subsystem: string | null } | null = null;
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (.*)$/.exec(line);
    if (m) out.set(m[1]!, (cur = { title: m[2]!, subsystem: null }));
    else if (cur && line.startsWith('\tSubsystem: ') && cur.subsystem === null) cur.subsystem = line.slice('\tSubsystem: '.length);
    else if (line === '') cur = null;
  }
  return out;
}

const STYLES = [[], ['-n'], ['-nn']] as const;

// lspci reads some dumps of the collection as all ones (a layout of lspci -x text it does not
// take; pcicfg reads the bytes). Only that is excused, by its exact -n line.
const LSPCI_READ_ONES = 'ffff: ffff:ffff (rev ff) (prog-if ff)';

describe.skipIf(gate.skip || !haveDumps || (!SYSTEM_IDS && !lspciRequired()))('names against lspci', () => {
  const saved = process.env.PCICFG_PCI_IDS;
  beforeAll(() => {
    if (SYSTEM_IDS) process.env.PCICFG_PCI_IDS = SYSTEM_IDS;
  });
  afterAll(() => {
    process.env.PCICFG_PCI_IDS = saved;
  });

  it('decode, -n and -nn: the first line and Subsystem line of every shared dump function as lspci -v prints them', { timeout: 900_000 }, async () => {
    requireLspci();
    expect(SYSTEM_IDS, 'a pci.ids (Debian: the pci.ids package)').toBeDefined();
    const files = readdirSync(DUMPS).filter((f) => f.endsWith('.lspci')).sort();
    expect(files.length).toBeGreaterThan(100);
    let compared = 0;
    let subsystems = 0;
    const excused = new Set<string>();
    const mismatches: string[] = [];
    // Each file's three lspci runs at once, and a few files at a time: most of the time is lspci starting.
    const outputs = new Map<string, Promise<Array<{ style: string; lspci: Titles; ours: Titles }>>>();
    const started = (f: string) => {
      let p = outputs.get(f);
      if (!p) {
        const text = readFileSync(join(DUMPS, f), 'utf8');
        p = Promise.all(
          STYLES.map(async (style) => ({
            style: style.join(''),
            lspci: titles((await runLspci(text, ['-v', '-D', '-O', 'hwdb.disable=1', '-i', SYSTEM_IDS!, ...style])).stdout),
            ours: titles((await runCli(['decode', '-', ...style], text)).stdout),
          })),
        );
        outputs.set(f, p);
      }
      return p;
    };
    for (const [i, f] of files.entries()) {
      for (const ahead of files.slice(i + 1, i + 4)) void started(ahead).catch(() => undefined);
      const runs = await started(f);
      outputs.delete(f);
      const numeric = runs[1]!;
      for (const { style, lspci, ours } of runs) {
        for (const [slot, l] of lspci) {
          if (numeric.lspci.get(slot)?.title === LSPCI_READ_ONES && numeric.ours.get(slot)?.title !== LSPCI_READ_ONES) {
            excused.add(f);
            continue;
          }
          const o = ours.get(slot);
          const at = `${f} ${slot} decode ${style || '(names)'}`;
          if (!o) {
            mismatches.push(`${at}: not decoded`);
            continue;
          }
          compared++;
          if (o.title !== l.title) mismatches.push(`${at}: first line\n  pcicfg: ${o.title}\n  lspci:  ${l.title}`);
          if (l.subsystem !== null) subsystems++;
          // A subsystem vendor 0000 or ffff means none: lspci prints no line, pcicfg the numbers.
          const none = l.subsystem === null && o.subsystem !== null && /^(0000|ffff):[0-9a-f]{4}$/.test(o.subsystem);
          if (o.subsystem !== l.subsystem && !none) mismatches.push(`${at}: Subsystem\n  pcicfg: ${o.subsystem}\n  lspci:  ${l.subsystem}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(3 * 250);
    expect(subsystems).toBeGreaterThan(3 * 100);
    expect(excused.size).toBeLessThan(20);
  });
});
