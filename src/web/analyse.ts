// What the page shows of a dump, as the library computes it: the dump read, each function
// decoded (decodeFunction, as `pcicfg decode`), its annotated runs (as `decode --annotate`),
// and which structure each placed region belongs to (for the byte map's colours and the tree).
// No DOM here: the layout is in the render-* files.
import { hexDigits as hex } from '../bytes/hex.js';
import type { Region } from '../layout/annotate.js';
import { bytesKnown } from '../layout/fields-text.js';
import { annotateRuns, type AnnotatedRun } from '../layout/annotate-text.js';
import { formatPciAddress } from '../pci/bus.js';
import type { ConfigSpace } from '../pci/types.js';
import { readDump } from '../dump/read.js';
import { DumpParseError, type DumpFunction } from '../dump/types.js';
import { findQemuPciFunction, parseQemuInfoPci, qemuBarSizes, type QemuPciFunction } from '../dump/qemu-info-pci.js';
import type { PciNames } from '../pci/ids.js';
import { pciFunctionTitle, pciSubsystemTitle, type PciNameStyle } from '../pci/ids-text.js';
import { decodeFunction, type DecodedFunction } from '../virtio/decode-function.js';

/** A structure of the function: the header, one capability or one extended capability. */
export interface StructureGroup {
  /** `header`, `cap-98`, `ecap-100`: unique within the function. */
  readonly key: string;
  /** What the legend and the tree call it (`[98] MSI-X`). */
  readonly title: string;
  readonly kind: 'header' | 'cap' | 'ecap';
  readonly pos: number;
}

export interface FunctionView {
  /** `0000:00:04.0`, or null when the dump names no slot. */
  readonly slot: string | null;
  readonly description: string;
  readonly fn: DumpFunction;
  readonly decoded: DecodedFunction;
  readonly barSizes: ReadonlyMap<number, bigint> | null;
  /**
   * With a pci.ids loaded, lspci -v's first line (`SCSI storage controller: Red Hat, Inc. Virtio
   * block device`) and its Subsystem line; null without one, or when the dump lacks the ids.
   */
  readonly names: { readonly title: string; readonly subsystem: string | null } | null;
  readonly runs: readonly AnnotatedRun[];
  readonly groups: readonly StructureGroup[];
  /** The group of each region of `decoded.cs.regions` (same order). */
  readonly regionGroup: ReadonlyMap<Region, StructureGroup>;
}

export interface InputError {
  /** `FILE:LINE:COL: reason`, as the CLI prints it. */
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

export type Analysis = { readonly ok: true; readonly functions: readonly FunctionView[] } | { readonly ok: false; readonly error: InputError };

export interface AnalyseOptions {
  /** The name errors give (`FILE:LINE:COL`). */
  readonly name: string;
  /** QEMU `info pci` text given beside the dump: BAR sizes by slot. */
  readonly infoPci?: string | null;
  /** BAR sizes by slot from an embedded dump. */
  readonly barSizes?: Readonly<Record<string, Readonly<Record<string, string>>>> | null;
  /** Names from a pci.ids the user loaded or `pcicfg view` embedded (parsePciIds). */
  readonly names?: PciNames | null;
  /** Names alone (default), numbers alone (`pcicfg view -n`, without names) or both (`-nn`). */
  readonly nameStyle?: PciNameStyle;
}

function parseError(e: unknown): InputError | null {
  if (e instanceof DumpParseError) return { message: e.message, line: e.line, column: e.column };
  return null;
}

/** Read and decode every function of `input` (text or the bytes of a file). */
export function analyse(input: string | Uint8Array, opts: AnalyseOptions): Analysis {
  let info: QemuPciFunction[] | null = null;
  if (opts.infoPci && opts.infoPci.trim()) {
    try {
      info = parseQemuInfoPci(opts.infoPci, { file: 'info pci' });
    } catch (e) {
      const err = parseError(e);
      if (err) return { ok: false, error: err };
      throw e;
    }
  }
  let fns: DumpFunction[];
  try {
    fns = readDump(input, { file: opts.name }).functions;
  } catch (e) {
    const err = parseError(e);
    if (err) return { ok: false, error: err };
    throw e;
  }
  return { ok: true, functions: fns.map((fn) => view(fn, barSizesFor(fn, info, opts.barSizes ?? null), opts.names ?? null, opts.nameStyle ?? 'names')) };
}

function barSizesFor(
  fn: DumpFunction,
  info: QemuPciFunction[] | null,
  embedded: Readonly<Record<string, Readonly<Record<string, string>>>> | null,
): ReadonlyMap<number, bigint> | null {
  if (!fn.slot) return null;
  if (info) {
    const q = findQemuPciFunction(info, fn.slot);
    if (q) return qemuBarSizes(q);
  }
  const e = embedded?.[formatPciAddress(fn.slot)];
  if (!e) return null;
  const m = new Map<number, bigint>();
  for (const [k, v] of Object.entries(e)) if (/^[0-5]$/.test(k) && /^0x[0-9a-f]+$/i.test(v)) m.set(Number(k), BigInt(v));
  return m;
}

function view(fn: DumpFunction, barSizes: ReadonlyMap<number, bigint> | null, names: PciNames | null, style: PciNameStyle): FunctionView {
  const decoded = decodeFunction({ bytes: fn.bytes, known: fn.known, length: fn.length, diagnostics: fn.diagnostics, barSizes });
  const cs = decoded.cs;
  const runs = annotateRuns({ bytes: cs.bytes, known: fn.known, length: fn.length, regions: cs.regions });
  const { groups, regionGroup } = groupRegions(cs);
  return { slot: fn.slot ? formatPciAddress(fn.slot) : null, description: fn.description, fn, decoded, barSizes, names: namesOf(cs, fn.known, names, style), runs, groups, regionGroup };
}

/**
 * A header register's value; undefined when the dump did not give all its bytes (the decoder
 * reads the 0xff filling a hole; decode prints nothing from it either).
 */
export function headerValue(cs: ConfigSpace, known: Uint8Array | null, name: string): number | undefined {
  const v = (cs.header as Record<string, unknown>)[name];
  const r = cs.regions.find((x) => x.offset === 0);
  const f = r?.fields.find((x) => x.name === name);
  return typeof v === 'number' && f && bytesKnown(cs.length, known, f.offset, f.size) ? v : undefined;
}

/** The function's names as lspci prints them, from the header's ids (all of them given by the dump). */
function namesOf(cs: ConfigSpace, known: Uint8Array, names: PciNames | null, style: PciNameStyle): FunctionView['names'] {
  if (!names && style !== 'numbers') return null;
  const n = (k: string) => headerValue(cs, known, k);
  const [vendorId, deviceId, revisionId] = [n('vendor_id'), n('device_id'), n('revision_id')];
  if (vendorId === undefined || deviceId === undefined || revisionId === undefined || cs.classCode === null) return null;
  const ids = { vendorId, deviceId, revisionId, classCode: cs.classCode, subsystemVendorId: n('subsystem_vendor_id'), subsystemId: n('subsystem_id') };
  return { title: pciFunctionTitle(names ?? undefined, ids, style), subsystem: pciSubsystemTitle(names ?? undefined, ids, style) };
}

/** Each region to the header, the capability or the extended capability whose bytes hold it. */
function groupRegions(cs: ConfigSpace): { groups: StructureGroup[]; regionGroup: Map<Region, StructureGroup> } {
  const r0 = cs.regions.find((r) => r.offset === 0);
  const header: StructureGroup = { key: 'header', title: `Header${r0 ? ` (${r0.struct})` : ''}`, kind: 'header', pos: 0 };
  const caps = cs.capabilities.map((c): [StructureGroup, number, number] => [
    { key: `cap-${hex(c.pos, 2)}`, title: `[${hex(c.pos, 2)}] ${c.name}${c.vendor ? `: ${c.vendor.name}` : ''}`, kind: 'cap', pos: c.pos },
    c.pos,
    c.pos + Math.max(c.length, 1),
  ]);
  const ecaps = cs.extendedCapabilities.map((c): [StructureGroup, number, number] => [
    { key: `ecap-${hex(c.pos, 3)}`, title: `[${hex(c.pos, 3)} v${c.version}] ${c.name}`, kind: 'ecap', pos: c.pos },
    c.pos,
    c.pos + Math.max(c.length, 4),
  ]);
  const regionGroup = new Map<Region, StructureGroup>();
  const used = new Set<StructureGroup>();
  for (const r of cs.regions) {
    const hit = [...caps, ...ecaps].find(([, from, to]) => r.offset >= from && r.offset < to);
    const g = hit ? hit[0] : header;
    regionGroup.set(r, g);
    used.add(g);
  }
  const groups = [header, ...caps.map((c) => c[0]), ...ecaps.map((c) => c[0])].filter((g) => used.has(g) || g.kind !== 'header');
  return { groups, regionGroup };
}
