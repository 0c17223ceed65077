// Differential-test harness around pciutils' lspci (shared by the dump, pci, virtio and CLI tests).
//
// Runs `lspci -F FILE …` on a dump written to a temporary file (execFile, no shell) and parses
// `lspci -vvv` output into per-function regions, capabilities, extended capabilities and virtio
// capabilities, so tests can compare pcicfg's decoding with pciutils'.
//
// Gate: tests that need lspci use `lspciGate()`. When lspci is missing they skip with a printed
// reason, unless PCICFG_REQUIRE_LSPCI=1 (CI), where `requireLspci()` makes them fail.
//
// Where lspci (3.9.0, checked by hand on generated dumps) is known to be wrong or surprising,
// so comparisons must allow for it:
// - Phantom region for the upper half of a 64-bit BAR: lspci walks all six BAR registers and
//   does not skip the upper dword of a 64-bit BAR. When that upper dword is non-zero it prints an
//   extra `Region N+1`, decoded as if it were a BAR of its own (e.g. upper = 0x00000001 prints
//   `Region 5: I/O ports at 0000`). A zero upper dword is skipped as an unused BAR.
// - A 64-bit BAR in the last register (BAR5) has no upper half: lspci prints
//   `Region 5: Memory at <unassigned> (64-bit, …)` and pcilib warns "Invalid 64-bit address seen
//   for BAR 5" on stderr.
// - Virtio cfg_types other than 1–4 are printed as `VirtIO: <unknown>` by 3.9.0: 5 (PCI config
//   access), 6, 7, 8 (shared memory; newer pciutils name it and print 64-bit offset/size and id),
//   9 (vendor data). `BAR=… offset=… size=…` is still printed from bytes 4–15, even for type 9
//   whose layout has no such fields.
// - The notify `multiplier=` is read from cap+16 whenever cap_len >= 20, even if cap_len says the
//   field is there but it overlaps the next capability.
// - A vendor capability with cap_len < 16 prints `Vendor Specific Information: Len=xx <?>`.
// - With only 64 bytes known (`lspci -x`), the capability list prints `Capabilities: <access denied>`;
//   with fewer than 64 bytes lspci prints almost nothing (just a bogus `Interrupt: pin ? routed
//   to IRQ 255`).
// - Bytes inside the known length that the dump did not give read as 0xff.
// - The description after the slot is not kept: lspci prints its own names from pci.ids.
// - Slots are printed with a domain only when some function has a non-zero domain.
// - BAR sizes never appear (a dump has no sizes), so `[size=…]` is absent.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PciAddress } from '../../src/pci/bus.js';

let cached: boolean | null = null;

/** Whether `lspci` can be run. */
export function hasLspci(): boolean {
  if (cached === null) {
    try {
      execFileSync('lspci', ['--version'], { stdio: 'ignore' });
      cached = true;
    } catch {
      cached = false;
    }
  }
  return cached;
}

/** PCICFG_REQUIRE_LSPCI=1: a missing lspci is a failure, not a skip. */
export function lspciRequired(): boolean {
  return process.env.PCICFG_REQUIRE_LSPCI === '1';
}

export const LSPCI_MISSING = 'lspci (pciutils) is not installed: the lspci differential tests are skipped (set PCICFG_REQUIRE_LSPCI=1 to fail instead)';

/**
 * For `describe.skipIf(lspciGate().skip)`: skip (with a printed reason) when lspci is missing,
 * except when it is required, where the tests run and `requireLspci()` fails them.
 */
export function lspciGate(): { skip: boolean; reason: string | null } {
  if (hasLspci()) return { skip: false, reason: null };
  if (lspciRequired()) return { skip: false, reason: LSPCI_MISSING };
  console.warn(LSPCI_MISSING);
  return { skip: true, reason: LSPCI_MISSING };
}

/** Throws when lspci is missing (call at the start of each lspci test). */
export function requireLspci(): void {
  if (!hasLspci()) throw new Error('PCICFG_REQUIRE_LSPCI=1 but lspci cannot be run');
}

/** Run `lspci -F FILE ...args` on dump text; resolves with stdout, rejects with lspci's stderr. */
export async function runLspci(dumpText: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pcicfg-lspci-'));
  const file = join(dir, 'dump.lspci');
  try {
    await writeFile(file, dumpText);
    return await new Promise((resolve, reject) => {
      execFile('lspci', ['-F', file, ...args], { maxBuffer: 1 << 28, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`lspci -F ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
        else resolve({ stdout, stderr });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `lspci -F FILE -vvv` output. */
export async function lspciVerbose(dumpText: string): Promise<string> {
  return (await runLspci(dumpText, ['-vvv'])).stdout;
}

/** `lspci -F FILE -xxxx` output: lspci's own re-dump of the bytes it read. */
export async function lspciRedump(dumpText: string, level: '-x' | '-xxx' | '-xxxx' = '-xxxx'): Promise<string> {
  return (await runLspci(dumpText, [level])).stdout;
}

export interface LspciRegion {
  /** N of `Region N:`. */
  readonly index: number;
  readonly kind: 'io' | 'memory';
  /** Null for `<unassigned>`, `<ignored>` and the like. */
  readonly address: bigint | null;
  readonly addressText: string;
  /** Memory only: `(64-bit, …)`; null for I/O. */
  readonly bits64: boolean | null;
  readonly prefetchable: boolean | null;
  readonly disabled: boolean;
  readonly virtual: boolean;
  /** `[size=…]` text when printed (never from a dump). */
  readonly size: string | null;
  readonly line: string;
}

export interface LspciCapability {
  readonly pos: number;
  /** Everything after `] `, e.g. `MSI-X: Enable- Count=2 Masked-`. */
  readonly text: string;
  /** The text up to the first ':' (e.g. `MSI-X`, `Vendor Specific Information`), or the whole text. */
  readonly name: string;
}

export interface LspciExtendedCapability extends LspciCapability {
  readonly version: number;
}

export interface LspciVirtioCapability {
  readonly pos: number;
  /** As lspci names it: `CommonCfg`, `Notify`, `ISR`, `DeviceCfg`, `<unknown>`, … */
  readonly cfgTypeName: string;
  readonly bar: number | null;
  readonly offset: bigint | null;
  readonly size: bigint | null;
  /** Notify only (cap_len >= 20). */
  readonly multiplier: number | null;
  /** Shared memory in newer pciutils. */
  readonly id: number | null;
}

export interface LspciDevice {
  readonly slot: PciAddress;
  readonly slotText: string;
  readonly description: string;
  readonly regions: LspciRegion[];
  readonly expansionRom: string | null;
  readonly capabilities: LspciCapability[];
  readonly extendedCapabilities: LspciExtendedCapability[];
  readonly virtio: LspciVirtioCapability[];
  /** `Capabilities: <access denied>` was printed. */
  readonly capabilitiesDenied: boolean;
  /** Every line of the device's block, verbatim. */
  readonly lines: string[];
}

const DEVICE = /^(?:([0-9a-f]{4,6}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) ?(.*)$/;
const REGION = /^Region (\d+): (I\/O ports|Memory) at (\S+)(.*)$/;
const CAP = /^Capabilities: \[([0-9a-f]+)\] (.*)$/;
const ECAP = /^Capabilities: \[([0-9a-f]+) v(\d+)\] (.*)$/;
// Older pciutils print `VirtIO: …` without the `Vendor Specific Information: ` prefix.
const VIRTIO = /^(?:Vendor Specific Information: )?VirtIO: (.*)$/;
const VIRTIO_FIELDS = /^BAR=(\d+) offset=([0-9a-f]+) size=([0-9a-f]+)(?: multiplier=([0-9a-f]+))?(?: id=(\d+))?\s*$/;

/** Parse `lspci -vvv` (or -v / -vv) output into devices. */
export function parseLspciVerbose(text: string): LspciDevice[] {
  const out: LspciDevice[] = [];
  let cur: { -readonly [K in keyof LspciDevice]: LspciDevice[K] } | null = null;
  let lastVirtio: { -readonly [K in keyof LspciVirtioCapability]: LspciVirtioCapability[K] } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      const m = DEVICE.exec(line);
      if (!m) continue;
      cur = {
        slot: { domain: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2], 16), device: parseInt(m[3], 16), function: Number(m[4]) },
        slotText: line.slice(0, line.length - m[5].length).trim(),
        description: m[5],
        regions: [],
        expansionRom: null,
        capabilities: [],
        extendedCapabilities: [],
        virtio: [],
        capabilitiesDenied: false,
        lines: [line],
      };
      out.push(cur);
      lastVirtio = null;
      continue;
    }
    if (!cur) continue;
    cur.lines.push(line);
    // Property lines are tab-indented; copies pasted from web pages often have spaces instead.
    const p = line.trim();
    let m: RegExpExecArray | null;
    if ((m = REGION.exec(p))) {
      const rest = m[4];
      const io = m[2] === 'I/O ports';
      const flags = /\((32|64)-bit, (non-prefetchable|prefetchable)\)/.exec(rest);
      const size = /\[size=([^\]]+)\]/.exec(rest);
      cur.regions.push({
        index: Number(m[1]),
        kind: io ? 'io' : 'memory',
        address: /^[0-9a-f]+$/.test(m[3]) ? BigInt('0x' + m[3]) : null,
        addressText: m[3],
        bits64: io ? null : flags ? flags[1] === '64' : null,
        prefetchable: io ? null : flags ? flags[2] === 'prefetchable' : null,
        disabled: rest.includes('[disabled]'),
        virtual: rest.includes('[virtual]'),
        size: size ? size[1] : null,
        line,
      });
    } else if (p.startsWith('Expansion ROM at ')) {
      cur.expansionRom = p.slice('Expansion ROM at '.length);
    } else if (p === 'Capabilities: <access denied>') {
      cur.capabilitiesDenied = true;
    } else if ((m = ECAP.exec(p))) {
      cur.extendedCapabilities.push({ pos: parseInt(m[1], 16), version: Number(m[2]), text: m[3], name: capName(m[3]) });
      lastVirtio = null;
    } else if ((m = CAP.exec(p))) {
      const pos = parseInt(m[1], 16);
      cur.capabilities.push({ pos, text: m[2], name: capName(m[2]) });
      const v = VIRTIO.exec(m[2]);
      lastVirtio = v ? { pos, cfgTypeName: v[1], bar: null, offset: null, size: null, multiplier: null, id: null } : null;
      if (lastVirtio) cur.virtio.push(lastVirtio);
    } else if (lastVirtio && (m = VIRTIO_FIELDS.exec(p))) {
      lastVirtio.bar = Number(m[1]);
      lastVirtio.offset = BigInt('0x' + m[2]);
      lastVirtio.size = BigInt('0x' + m[3]);
      if (m[4] !== undefined) lastVirtio.multiplier = parseInt(m[4], 16);
      if (m[5] !== undefined) lastVirtio.id = Number(m[5]);
      lastVirtio = null;
    }
  }
  return out;
}

function capName(text: string): string {
  const i = text.indexOf(':');
  return i < 0 ? text : text.slice(0, i);
}

/** Parse lspci's `-x…` re-dump into {slot, bytes by offset} without the reader under test. */
export function parseLspciHex(text: string): Array<{ slotText: string; bytes: Map<number, number> }> {
  const out: Array<{ slotText: string; bytes: Map<number, number> }> = [];
  for (const line of text.split('\n')) {
    const data = /^([0-9a-f]{2,3}):((?: [0-9a-f]{2})+)$/.exec(line);
    if (data && out.length) {
      const base = parseInt(data[1], 16);
      data[2].trim().split(' ').forEach((h, i) => out[out.length - 1].bytes.set(base + i, parseInt(h, 16)));
    } else if (/^[0-9a-f]/.test(line)) {
      out.push({ slotText: line.split(' ')[0], bytes: new Map() });
    }
  }
  return out;
}
