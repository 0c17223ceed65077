// Reverse lookup: which function, BAR, structure and field an address belongs to, and which
// queue(s) a write to a doorbell kicks. Built from the same field tables as the decoders.
import type { ConfigSpace } from '../pci/types.js';
import { bytes, struct, type Struct } from '../layout/struct.js';
import { pciMsixTableEntry } from '../pci/caps/msix.js';
import { virtioCapStruct, type VirtioCap } from './caps.js';
import { commonCfgStruct, commonCfgLayoutFor, virtioPciModernCommonCfg } from './common-cfg.js';
import { deviceConfigLayoutFor } from './devices/index.js';
import { virtioPciIsr } from './isr.js';
import { legacyHeaderStruct } from './legacy.js';
import { probeVirtio, type ProbeOptions, type VirtioBarRef, type VirtioTransport, resolveVirtioBar } from './probe.js';

/** One function to search: its slot label, its config space and what is known about queues. */
export interface VirtioLookupDevice {
  /** Any label (e.g. `0000:00:04.0`); returned as is. */
  readonly slot: string;
  readonly config: ConfigSpace;
  /** The probe result; computed with `probeOptions` when absent. */
  readonly transport?: VirtioTransport;
  readonly probeOptions?: ProbeOptions;
  /** queue_notify_off of queue i at index i (read from common_cfg). */
  readonly queueNotifyOffs?: readonly number[];
  /** Number of queues, when their queue_notify_off values are unknown (off = index assumed). */
  readonly numQueues?: number;
}

export type VirtioStructureKind =
  | 'common_cfg'
  | 'isr'
  | 'device_cfg'
  | 'notify'
  | 'shared_memory'
  | 'pci_cfg_window'
  | 'msix_table'
  | 'msix_pba'
  | 'legacy'
  | 'legacy_device_cfg'
  | 'bar';

export interface VirtioAddressHit {
  readonly slot: string;
  readonly space: 'mem' | 'io';
  readonly bar: number;
  readonly barAddress: bigint;
  readonly offsetInBar: bigint;
  readonly structure: VirtioStructureKind;
  /** Config-space offset of the capability describing the structure (null: MSI-X, legacy, BAR). */
  readonly capOffset: number | null;
  /** Whether this capability is the one the probe chose (drivers use it). */
  readonly preferred: boolean;
  readonly offsetInStructure: bigint;
  /** Name of the field table and the field at that offset, when known. */
  readonly struct: string | null;
  readonly field: string | null;
  readonly byteInField: number | null;
  /** The field table named by `struct` (what reads a value written there), when there is one. */
  readonly table?: Struct<any> | null;
  /** Notify: queues whose doorbell covers the address (all known queues when multiplier is 0). */
  readonly queues?: readonly number[];
  /** Notify: the queue_notify_off value the address corresponds to (null when multiplier is 0). */
  readonly queueNotifyOff?: number | null;
  /** Notify: true when every queue shares this doorbell (multiplier 0). */
  readonly allQueues?: boolean;
  /** Notify: the capability's notify_off_multiplier (null when not in the image). */
  readonly multiplier?: number | null;
  /** Notify: true when queue numbers come from the assumption off = index. */
  readonly assumedNotifyOff?: boolean;
  /**
   * Notify: true when notify_off_multiplier is not in the image (a cut dump, or a cap_len too
   * short with nothing at cap+16): which queue the address kicks cannot be told.
   */
  readonly multiplierUnknown?: boolean;
  /** MSI-X table: entry number; PBA: first pending bit of the byte. */
  readonly entry?: number;
  /** Shared memory: the region id. */
  readonly shmId?: number;
}

const pbaQword = struct('msix_pba_qword', { pending: bytes(0, 8, 'ro') });

function fieldOf(s: Struct<any> | null, rel: bigint): { struct: string | null; field: string | null; byteInField: number | null; table: Struct<any> | null } {
  if (!s || rel < 0n || rel >= BigInt(s.size)) return { struct: s?.name ?? null, field: null, byteInField: null, table: s };
  const f = s.fieldAt(Number(rel));
  return { struct: s.name, field: f?.name ?? null, byteInField: f ? Number(rel) - f.offset : null, table: s };
}

function capRange(cs: ConfigSpace, cap: VirtioCap, opts: ProbeOptions): { bar: VirtioBarRef; start: bigint; end: bigint } | null {
  if (cap.bar === null || cap.offset === null || cap.length === null) return null;
  const r = resolveVirtioBar(cs, cap.bar, cap.pos, opts);
  if (!r.ok) return null;
  const start = r.bar.address + cap.offset;
  return { bar: r.bar, start, end: start + cap.length };
}

/**
 * Every structure of every device that contains `address` in `space`, best first (the
 * structure a driver uses before alternatives, structures before plain BAR hits).
 */
export function lookupAddress(devices: readonly VirtioLookupDevice[], address: bigint, space: 'mem' | 'io'): VirtioAddressHit[] {
  const hits: VirtioAddressHit[] = [];
  for (const d of devices) {
    const opts = d.probeOptions ?? {};
    const t = d.transport ?? probeVirtio(d.config, { ...opts, queueNotifyOffs: opts.queueNotifyOffs ?? d.queueNotifyOffs, numQueues: opts.numQueues ?? d.numQueues });
    const cs = d.config;
    const base = (bar: VirtioBarRef, start: bigint) => ({
      slot: d.slot,
      space: bar.space,
      bar: bar.index,
      barAddress: bar.address,
      offsetInBar: address - bar.address,
      offsetInStructure: address - start,
    });
    const chosenPos = new Set([t.common, t.notify, t.isr, t.device].filter((x) => x !== null).map((x) => x!.cap.pos));
    for (const s of t.sharedMemory) chosenPos.add(s.cap.pos);

    for (const cap of t.caps) {
      if (cap.cfg_type === null) continue;
      const range = capRange(cs, cap, opts);
      if (!range || range.bar.space !== space || address < range.start || address >= range.end) continue;
      const rel = address - range.start;
      const preferred = chosenPos.has(cap.pos);
      const common = { ...base(range.bar, range.start), capOffset: cap.pos, preferred };
      switch (cap.typeName) {
        case 'common': {
          // The layout whose size the length covers names the field; a length between two
          // layouts (58: queue_notify_data but not queue_reset) still has the fields it covers,
          // as decodeCommonCfg decodes them.
          const s = commonCfgStruct(commonCfgLayoutFor(cap.length!));
          const f = fieldOf(s, rel);
          const covered = rel < (cap.length! < 64n ? cap.length! : 64n);
          hits.push({ ...common, structure: 'common_cfg', ...(f.field === null && covered ? fieldOf(virtioPciModernCommonCfg, rel) : f) });
          break;
        }
        case 'isr':
          hits.push({ ...common, structure: 'isr', ...fieldOf(virtioPciIsr, rel < 1n ? rel : 0n), field: 'isr', byteInField: 0 });
          break;
        case 'device': {
          const layout = t.identity.deviceType === null ? null : deviceConfigLayoutFor(t.identity.deviceType);
          hits.push({ ...common, structure: 'device_cfg', ...fieldOf(layout?.struct ?? null, rel) });
          break;
        }
        case 'notify':
          hits.push({ ...common, structure: 'notify', struct: null, field: null, byteInField: null, ...notifyQueues(cap, rel, d, t) });
          break;
        case 'shared_memory':
          hits.push({ ...common, structure: 'shared_memory', struct: null, field: null, byteInField: null, shmId: cap.id ?? undefined });
          break;
        case 'pci_cfg':
          // The window the capability currently points at (driver-written bar/offset/length).
          hits.push({ ...common, preferred: false, structure: 'pci_cfg_window', struct: virtioCapStruct(5).name, field: 'pci_cfg_data', byteInField: null });
          break;
        default:
          break;
      }
    }

    if (t.msix) {
      for (const [kind, r] of [['msix_table', t.msix.table], ['msix_pba', t.msix.pba]] as const) {
        if (!r.bar || r.address === null || r.bar.space !== space) continue;
        const rel = address - r.address;
        if (rel < 0n || rel >= BigInt(r.length)) continue;
        const b = { ...base(r.bar, r.address), capOffset: null, preferred: true, structure: kind };
        if (kind === 'msix_table') hits.push({ ...b, ...fieldOf(pciMsixTableEntry, rel % BigInt(pciMsixTableEntry.size)), entry: Number(rel / BigInt(pciMsixTableEntry.size)) });
        else hits.push({ ...b, ...fieldOf(pbaQword, rel % 8n), entry: Number(rel) * 8 });
      }
    }

    const l = t.legacy;
    if (l && l.bar && l.bar.space === space) {
      const rel = address - l.bar.address;
      const hdr = legacyHeaderStruct(l.msixEnabled);
      const inBar = rel >= 0n && (l.bar.size === null || rel < l.bar.size);
      if (inBar && rel < BigInt(hdr.size)) {
        const h: VirtioAddressHit = { ...base(l.bar, l.bar.address), capOffset: null, preferred: t.kind === 'legacy-only', structure: 'legacy', ...fieldOf(hdr, rel) };
        hits.push(h.field === 'queue_notify' ? { ...h, ...legacyQueues(d, t) } : h);
      } else if (inBar && (l.bar.size !== null || rel < 256n)) {
        const start = l.bar.address + BigInt(l.deviceConfigOffset);
        const layout = t.identity.deviceType === null ? null : deviceConfigLayoutFor(t.identity.deviceType);
        hits.push({ ...base(l.bar, start), capOffset: null, preferred: t.kind === 'legacy-only', structure: 'legacy_device_cfg', ...fieldOf(layout?.struct ?? null, address - start) });
      }
    }

    if (hits.every((h) => h.slot !== d.slot)) {
      for (const b of cs.bars) {
        const ref = { index: b.index, kind: b.kind, space: b.kind === 'io' ? ('io' as const) : ('mem' as const), address: b.address, size: b.size };
        if (ref.space !== space || ref.size === null || address < ref.address || address >= ref.address + ref.size) continue;
        hits.push({ ...base(ref, ref.address), capOffset: null, preferred: false, structure: 'bar', struct: null, field: null, byteInField: null });
      }
    }
  }
  // Preferred structures first, plain BAR hits last; otherwise list order.
  const rank = (h: VirtioAddressHit) => (h.structure === 'bar' ? 2 : h.preferred ? 0 : 1);
  return hits.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);
}

function queueList(d: VirtioLookupDevice, t: VirtioTransport): { offs: readonly number[]; assumed: boolean } | null {
  // Read values first: the device's own, else those the transport was probed with.
  const read = d.queueNotifyOffs ?? t.queueNotifyOffs;
  if (read) return { offs: read, assumed: false };
  if (d.numQueues !== undefined) return { offs: Array.from({ length: d.numQueues }, (_, i) => i), assumed: true };
  return null;
}

function notifyQueues(cap: VirtioCap, rel: bigint, d: VirtioLookupDevice, t: VirtioTransport) {
  const mult = cap.notify_off_multiplier ?? cap.multiplierAtCap16;
  const width = BigInt(t.notificationData ? 4 : 2);
  const q = queueList(d, t);
  if (mult === null) {
    // Not 0 (every queue) and not any other value: the probe reports VIRTIO_NOTIFY_MULTIPLIER_UNAVAILABLE.
    return { allQueues: false, queueNotifyOff: null, queues: [], assumedNotifyOff: false, multiplierUnknown: true, multiplier: null };
  }
  if (mult === 0) {
    return { allQueues: true, queueNotifyOff: null, queues: q ? q.offs.map((_, i) => i) : [], assumedNotifyOff: q?.assumed ?? false, multiplier: 0 };
  }
  const m = BigInt(mult);
  // The doorbell of off k spans [k·m, k·m + width): the address may fall in several when m < width.
  const offs: number[] = [];
  for (let k = rel / m; k >= 0n && k * m + width > rel; k--) if (k <= 0xffffn) offs.unshift(Number(k));
  const queues = q ? q.offs.flatMap((o, i) => (offs.includes(o) ? [i] : [])) : offs;
  return {
    allQueues: false,
    queueNotifyOff: offs.length ? offs[offs.length - 1] : null,
    queues,
    // Without any queue information the queue numbers are the offsets themselves: assumed.
    assumedNotifyOff: q ? q.assumed : true,
    multiplier: mult,
  };
}

function legacyQueues(d: VirtioLookupDevice, t: VirtioTransport) {
  const q = queueList(d, t);
  // The legacy register takes the queue index as the written value: every queue shares it.
  return { allQueues: true, queueNotifyOff: null, queues: q ? q.offs.map((_, i) => i) : [], assumedNotifyOff: false };
}
