// A Linux guest's record (spec-vectors/linux-guest/<machine>/, or a live boot in the same form)
// read for the tests: its functions decoded by pcicfg, QEMU's memory map, and the doorbell writes
// of the trace, each found from what QEMU and Linux say (the region QEMU names a notify
// structure, or the legacy register at Linux's VIRTIO_PCI_QUEUE_NOTIFY; the value Linux's
// vp_notify writes is the queue index), never from pcicfg.
import { parseQemuTraceLine, readDump, type QemuTraceAccess } from '../../src/dump/index.js';
import { parseQemuInfoPci, qemuBarSizes, findQemuPciFunction } from '../../src/dump/qemu-info-pci.js';
import { parseSysfsResource, parseSysfsSlot, type SysfsResource } from '../../src/dump/sysfs.node.js';
import { decodeConfigSpace } from '../../src/pci/index.js';
import type { ConfigSpace } from '../../src/pci/types.js';
import { probeVirtio, virtioVendorCapDecoder, type VirtioTransport } from '../../src/virtio/index.js';
import { splitResourceText } from '../../scripts/guest/record.mjs';

// include/uapi/linux/virtio_pci.h (legacy header) and the modern common_cfg offsets
// (VIRTIO_PCI_COMMON_Q_SELECT, VIRTIO_PCI_COMMON_Q_NOFF): Linux's numbers, not pcicfg's tables.
const VIRTIO_PCI_QUEUE_SEL = 14;
const VIRTIO_PCI_QUEUE_NOTIFY = 16;
const VIRTIO_PCI_COMMON_Q_SELECT = 22;
const VIRTIO_PCI_COMMON_Q_NOFF = 30;
// include/linux/ioport.h
const IORESOURCE_IO = 0x100n;
const IORESOURCE_MEM = 0x200n;
const IORESOURCE_PREFETCH = 0x2000n;
const IORESOURCE_MEM_64 = 0x100000n;

export interface GuestFunction {
  readonly slot: string;
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly resources: readonly SysfsResource[];
  /** BAR sizes as QEMU's `info pci` gives them. */
  readonly qemuSizes: Map<number, bigint>;
  readonly cs: ConfigSpace;
  readonly transport: VirtioTransport | null;
}

export interface MtreeRegion {
  readonly space: 'mem' | 'io';
  readonly start: bigint;
  readonly end: bigint;
  readonly name: string;
}

export interface Doorbell {
  /** 1-based line in the trace. */
  readonly line: number;
  readonly access: QemuTraceAccess;
  readonly space: 'mem' | 'io';
  readonly fn: GuestFunction;
  readonly legacy: boolean;
  /** The queue index the guest wrote. */
  readonly queue: number;
  /** queue_notify_off the guest read from common_cfg for that queue (modern), or null. */
  readonly queueNotifyOff: number | null;
}

const isVirtio = (b: Uint8Array) => (b[0] | (b[1] << 8)) === 0x1af4;

/** Every function of the record, decoded with QEMU's BAR sizes. */
export function guestFunctions(files: Record<string, string>): GuestFunction[] {
  const resources = splitResourceText(files['resource.txt']);
  const info = parseQemuInfoPci(files['info-pci.txt']);
  return readDump(files['config.lspci']).functions.map((f) => {
    const slot = [...resources.keys()].find((s) => {
      const a = parseSysfsSlot(s)!;
      return f.slot && a.bus === f.slot.bus && a.device === f.slot.device && a.function === f.slot.function;
    })!;
    const q = findQemuPciFunction(info, f.slot!);
    const qemuSizes = q ? qemuBarSizes(q) : new Map<number, bigint>();
    const cs = decodeConfigSpace(f.bytes, { length: f.length, barSizes: qemuSizes, vendorCaps: [virtioVendorCapDecoder] });
    const transport = isVirtio(f.bytes) ? probeVirtio(cs, { barSizes: qemuSizes }) : null;
    return { slot, bytes: f.bytes, length: f.length, resources: parseSysfsResource(resources.get(slot) ?? ''), qemuSizes, cs, transport };
  });
}

/** The memory and I/O regions of `info mtree -f` (the flat views of AS "memory" and AS "I/O"). */
export function mtreeRegions(text: string): MtreeRegion[] {
  const out: MtreeRegion[] = [];
  for (const view of text.split(/^FlatView #\d+\n/m)) {
    const space = /^ AS "memory",/m.test(view) ? 'mem' : /^ AS "I\/O",/m.test(view) ? 'io' : null;
    if (!space) continue;
    for (const m of view.matchAll(/^ {2}([0-9a-f]+)-([0-9a-f]+) \([^)]*\): (\S+)/gm)) {
      out.push({ space, start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), name: m[3] });
    }
  }
  return out;
}

/** The BAR (sysfs resource line 0-5) of `fn` holding `address` in `space`. */
export function resourceAt(fn: GuestFunction, space: 'mem' | 'io', address: bigint): SysfsResource | undefined {
  const flag = space === 'io' ? IORESOURCE_IO : IORESOURCE_MEM;
  return fn.resources.find((r) => r.index < 6 && r.flags & flag && address >= r.start && address <= r.end);
}

/** What a sysfs resource line says of a BAR, in the terms pcicfg's Bar uses. */
export function resourceBar(r: SysfsResource) {
  const size = r.end - r.start + 1n;
  if (r.flags & IORESOURCE_IO) return { index: r.index, kind: 'io', prefetchable: false, address: r.start, size };
  return { index: r.index, kind: r.flags & IORESOURCE_MEM_64 ? 'mem64' : 'mem32', prefetchable: (r.flags & IORESOURCE_PREFETCH) !== 0n, address: r.start, size };
}

export function traceAccesses(trace: string): { line: number; access: QemuTraceAccess }[] {
  return trace.split('\n').flatMap((l, i) => {
    const access = parseQemuTraceLine(l);
    return access.kind === 'access' ? [{ line: i + 1, access }] : [];
  });
}

/** Every doorbell write of the trace, with its function, queue and queue_notify_off. */
export function doorbellWrites(files: Record<string, string>, fns: readonly GuestFunction[]): Doorbell[] {
  const regions = mtreeRegions(files['mtree.txt']);
  const regionOf = (a: QemuTraceAccess) => regions.find((r) => r.name === a.name && a.addr >= r.start && a.addr <= r.end);
  const fnAt = (space: 'mem' | 'io', address: bigint) => fns.find((f) => resourceAt(f, space, address));
  // queue_select as last written, and each queue's queue_notify_off as read, per function
  const selected = new Map<GuestFunction, number>();
  const notifyOffs = new Map<GuestFunction, Map<number, number>>();
  const out: Doorbell[] = [];
  for (const { line, access } of traceAccesses(files['trace.log'])) {
    const r = regionOf(access);
    if (!r) continue;
    const fn = fnAt(r.space, access.addr);
    if (!fn) continue;
    const rel = Number(access.addr - r.start);
    if (r.name.startsWith('virtio-pci-common')) {
      if (access.op === 'write' && rel === VIRTIO_PCI_COMMON_Q_SELECT) selected.set(fn, Number(access.value));
      if (access.op === 'read' && rel === VIRTIO_PCI_COMMON_Q_NOFF && selected.has(fn)) {
        if (!notifyOffs.has(fn)) notifyOffs.set(fn, new Map());
        notifyOffs.get(fn)!.set(selected.get(fn)!, Number(access.value));
      }
    }
    if (access.op !== 'write') continue;
    if (r.name.startsWith('virtio-pci-notify')) {
      const queue = Number(access.value);
      out.push({ line, access, space: r.space, fn, legacy: false, queue, queueNotifyOff: notifyOffs.get(fn)?.get(queue) ?? null });
    } else if (r.name === 'virtio-pci' && r.space === 'io' && rel === VIRTIO_PCI_QUEUE_NOTIFY) {
      out.push({ line, access, space: r.space, fn, legacy: true, queue: Number(access.value), queueNotifyOff: null });
    }
  }
  return out;
}

/** Queue indexes the guest selected on a legacy function (writes to VIRTIO_PCI_QUEUE_SEL). */
export function legacyQueuesSelected(files: Record<string, string>, fn: GuestFunction): number[] {
  const qs = new Set<number>();
  const bar0 = fn.resources.find((r) => r.index === 0 && r.flags & IORESOURCE_IO);
  if (!bar0) return [];
  for (const { access } of traceAccesses(files['trace.log'])) {
    if (access.op === 'write' && access.name === 'virtio-pci' && access.addr === bar0.start + BigInt(VIRTIO_PCI_QUEUE_SEL)) qs.add(Number(access.value));
  }
  return [...qs].sort((a, b) => a - b);
}
