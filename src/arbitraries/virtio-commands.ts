// Model-based testing of a virtio-pci device over any Bus: fast-check commands that walk the
// initialisation sequence (reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK, queue
// setup, DRIVER_OK), make requests and read the used ring, and reset the device at any point,
// including with requests in flight. Each command checks what it reads against a small model
// of what any conforming device must show: the status it was given, features that do not
// change, queue registers back to their reset values after a reset, used elements naming
// only chains in flight, and (for virtio-blk) sectors reading back what was written.
// The device can be the in-process model (ModelBus), QEMU (QtestBus) or a user's own Bus.
import fc from 'fast-check';
import type { EnumeratedFunction, EnumerateOptions } from '../pci/enumerate.js';
import { BusMirrorMemory, GuestRamAllocator } from '../driver/guest-memory.js';
import { findVirtioFunctions, readConfigImage } from '../driver/virtio-pci.js';
import type { AccessWidth, Bus, PciAddress } from '../pci/bus.js';
import { decodeConfigSpace } from '../pci/config-space.js';
import {
  VIRTIO_CONFIG_S_ACKNOWLEDGE,
  VIRTIO_CONFIG_S_DRIVER,
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_PCI_COMMON_CFG_OFFSETS as C,
} from '../virtio/common-cfg.js';
import {
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_SECTOR_SIZE,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  virtioBlkOutHdr,
} from '../virtio/devices/blk.js';
import { VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_RING_PACKED, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { notifyAddress } from '../virtio/notify.js';
import { probeVirtio, type VirtioTransport } from '../virtio/probe.js';
import { virtioVendorCapDecoder } from '../virtio/vendor-hook.js';
import { packedVringLayout } from '../vring/packed-layout.js';
import { packedVringAddrs, PackedVringDriver } from '../vring/packed-ring.js';
import { splitVringLayout } from '../vring/split-layout.js';
import { splitVringAddrs, SplitVringDriver } from '../vring/split-ring.js';

// Feature masks, from the one table of feature bits (virtio/features.ts, devices/blk.ts).
const F_VERSION_1 = 1n << BigInt(VIRTIO_F_VERSION_1);
const F_INDIRECT_DESC = 1n << BigInt(VIRTIO_F_INDIRECT_DESC);
const F_EVENT_IDX = 1n << BigInt(VIRTIO_F_EVENT_IDX);
const F_RING_PACKED = 1n << BigInt(VIRTIO_F_RING_PACKED);
/** A virtio-blk driver must negotiate VIRTIO_BLK_F_FLUSH before it sends VIRTIO_BLK_T_FLUSH. */
const F_BLK_FLUSH = 1n << BigInt(VIRTIO_BLK_F_FLUSH);
const SECTOR = VIRTIO_BLK_SECTOR_SIZE;

/** A virtio function reachable through a Bus, with its BARs assigned and decoding enabled. */
export interface VirtioTarget {
  readonly bus: Bus;
  readonly fn: EnumeratedFunction;
  /** The probe of its config space (structure addresses as assigned). */
  readonly transport: VirtioTransport;
  readonly deviceType: number;
  /** Guest RAM the commands may use for rings and buffers: [ramBase, ramLimit). */
  readonly ramBase: bigint;
  readonly ramLimit: bigint;
  /** Awaited between used-ring polls (QEMU needs nothing; a slow device may). */
  readonly pause: () => Promise<void>;
  /** Polls of the used ring before a request counts as lost, and of device_status after a reset. */
  readonly maxPolls: number;
}

export interface VirtioTargetOptions {
  /** The function to test (default: the first virtio function enumeration finds). */
  readonly fn?: PciAddress | undefined;
  /** Enumeration options, or functions already enumerated and assigned by the caller. */
  readonly enumerate?: EnumerateOptions | readonly EnumeratedFunction[] | undefined;
  /** Guest RAM window for rings and buffers (default 0x100000..0x1000000). */
  readonly ramBase?: bigint | undefined;
  readonly ramLimit?: bigint | undefined;
  readonly pause?: (() => Promise<void>) | undefined;
  /** Default 100. */
  readonly maxPolls?: number | undefined;
}

const same = (a: PciAddress, b: PciAddress) => a.domain === b.domain && a.bus === b.bus && a.device === b.device && a.function === b.function;

/** Enumerate the bus (assigning BARs), pick a virtio function with a modern interface and probe it. */
export async function openVirtioTarget(bus: Bus, opts: VirtioTargetOptions = {}): Promise<VirtioTarget> {
  const fns = Array.isArray(opts.enumerate) ? (opts.enumerate as readonly EnumeratedFunction[]) : await findVirtioFunctions(bus, opts.enumerate as EnumerateOptions | undefined);
  const fn = fns.find((f) => (opts.fn ? same(f.address, opts.fn) : f.vendorId === 0x1af4));
  if (!fn) throw new Error('openVirtioTarget: no virtio function on the bus');
  const barSizes = new Map(fn.bars.map((b) => [b.index, b.size]));
  const cs = decodeConfigSpace(await readConfigImage(bus, fn.address), { vendorCaps: [virtioVendorCapDecoder], barSizes });
  const transport = probeVirtio(cs, { barSizes });
  if (!transport.common || !transport.notify || transport.identity.deviceType === null) throw new Error('openVirtioTarget: the function has no usable modern virtio interface');
  return {
    bus,
    fn,
    transport,
    deviceType: transport.identity.deviceType,
    ramBase: opts.ramBase ?? 0x10_0000n,
    ramLimit: opts.ramLimit ?? 0x100_0000n,
    pause: opts.pause ?? (async () => undefined),
    maxPolls: opts.maxPolls ?? 100,
  };
}

/** The virtio-blk requests the commands make: VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH. */
export type BlkOp = 'read' | 'write' | 'flush';

/** A request the model knows to be in flight. */
interface ModelRequest {
  readonly op: BlkOp;
  readonly sector: number;
  readonly count: number;
  readonly data: Uint8Array | null;
  readonly dataAddr: bigint;
  readonly statusAddr: bigint;
  readonly writable: number;
  /** Descriptors the chain holds in the ring (3 direct, 1 indirect). */
  readonly descriptors: number;
}

interface ModelQueue {
  maxSize: number | null;
  notifyOff: number | null;
  size: number;
  enabled: boolean;
  readonly inFlight: Map<number, ModelRequest>;
}

/** What the commands expect of the device. */
export interface VirtioCommandModel {
  status: number;
  /** Learned at the first read, then fixed. */
  deviceFeatures: bigint | null;
  negotiated: bigint | null;
  readonly numQueues: number;
  readonly queues: ModelQueue[];
  /** virtio-blk: sectors usable by requests (0 for other device types). */
  readonly sectors: number;
  /** virtio-blk: contents of sectors whose last write completed (unknown ones absent). */
  readonly disk: Map<number, Uint8Array>;
}

interface RealQueue {
  readonly driver: SplitVringDriver | PackedVringDriver;
  /** What the device writes when it returns buffers: the used ring (split) or the descriptor ring (packed). */
  readonly deviceWrites: { readonly address: bigint; readonly length: number };
  readonly notify: { space: 'mem' | 'io'; address: bigint };
}

/** The device side as the commands see it. */
export interface VirtioCommandReal {
  readonly target: VirtioTarget;
  readonly mem: BusMirrorMemory;
  readonly ram: GuestRamAllocator;
  readonly queues: Map<number, RealQueue>;
}

/** Most queues the commands touch (devices with more have their first ones exercised). */
export const VIRTIO_COMMANDS_MAX_QUEUES = 8;
/** Most sectors a request touches, and the sectors used at all. */
const MAX_SECTORS = 64;

function fail(message: string): never {
  throw new Error(message);
}

async function creg(r: VirtioCommandReal, off: number, width: AccessWidth): Promise<number> {
  const c = r.target.transport.common!;
  const a = c.address + BigInt(off);
  return c.bar.space === 'io' ? r.target.bus.ioRead(Number(a), width) : r.target.bus.memRead(a, width);
}

async function cwrite(r: VirtioCommandReal, off: number, width: AccessWidth, v: number): Promise<void> {
  const c = r.target.transport.common!;
  const a = c.address + BigInt(off);
  return c.bar.space === 'io' ? r.target.bus.ioWrite(Number(a), width, v >>> 0) : r.target.bus.memWrite(a, width, v >>> 0);
}

async function resetDevice(r: VirtioCommandReal): Promise<void> {
  await cwrite(r, C.device_status, 1, 0);
  for (let i = 0; i < r.target.maxPolls; i++) {
    if ((await creg(r, C.device_status, 1)) === 0) return;
    await r.target.pause();
  }
  fail('device_status does not read 0 after a reset');
}

/** The setup of one model run: reset the device, read num_queues (and a blk capacity). */
export function virtioModelSetup(target: VirtioTarget | (() => Promise<VirtioTarget>)): () => Promise<{ model: VirtioCommandModel; real: VirtioCommandReal }> {
  return async () => {
    const t = typeof target === 'function' ? await target() : target;
    const real: VirtioCommandReal = { target: t, mem: new BusMirrorMemory(t.bus), ram: new GuestRamAllocator(t.ramBase, t.ramLimit), queues: new Map() };
    await resetDevice(real);
    const numQueues = Math.min(await creg(real, C.num_queues, 2), VIRTIO_COMMANDS_MAX_QUEUES);
    let sectors = 0;
    if (t.deviceType === 2 && t.transport.device) {
      const d = t.transport.device;
      const rd = (o: number) => (d.bar.space === 'io' ? t.bus.ioRead(Number(d.address) + o, 4) : t.bus.memRead(d.address + BigInt(o), 4));
      const capacity = (BigInt(await rd(4)) << 32n) | BigInt(await rd(0));
      sectors = Number(capacity < BigInt(MAX_SECTORS) ? capacity : BigInt(MAX_SECTORS));
    }
    const queues = Array.from({ length: numQueues }, (): ModelQueue => ({ maxSize: null, notifyOff: null, size: 0, enabled: false, inFlight: new Map() }));
    return { model: { status: 0, deviceFeatures: null, negotiated: null, numQueues, queues, sectors, disk: new Map() }, real };
  };
}

class VirtioCommand implements fc.AsyncCommand<VirtioCommandModel, VirtioCommandReal> {
  constructor(
    private readonly label: string,
    private readonly when: (m: Readonly<VirtioCommandModel>) => boolean,
    private readonly body: (m: VirtioCommandModel, r: VirtioCommandReal) => Promise<void>,
  ) {}
  check(m: Readonly<VirtioCommandModel>): boolean {
    return this.when(m);
  }
  run(m: VirtioCommandModel, r: VirtioCommandReal): Promise<void> {
    return this.body(m, r);
  }
  toString(): string {
    return this.label;
  }
}

async function expectStatus(r: VirtioCommandReal, want: number, after: string): Promise<void> {
  const got = await creg(r, C.device_status, 1);
  if (got !== want) fail(`device_status reads 0x${got.toString(16)} after ${after}, expected 0x${want.toString(16)}`);
}

/** Reset (device_status = 0), at any time, also with requests in flight. */
export function resetCommand(): VirtioCommand {
  return new VirtioCommand('reset', () => true, async (m, r) => {
    await resetDevice(r);
    m.status = 0;
    m.negotiated = null;
    for (const q of m.queues) {
      // A write in flight may or may not have reached the disk.
      for (const req of q.inFlight.values()) if (req.op === 'write') for (let i = 0; i < req.count; i++) m.disk.delete(req.sector + i);
      q.inFlight.clear();
      q.enabled = false;
      q.size = q.maxSize ?? 0;
    }
    r.queues.clear();
  });
}

function statusStep(label: string, from: number, to: number): VirtioCommand {
  return new VirtioCommand(label, (m) => m.status === from, async (m, r) => {
    await cwrite(r, C.device_status, 1, to);
    await expectStatus(r, to, `writing ${label}`);
    m.status = to;
  });
}

/** Set ACKNOWLEDGE after a reset. */
export const acknowledgeCommand = (): VirtioCommand => statusStep('ACKNOWLEDGE', 0, VIRTIO_CONFIG_S_ACKNOWLEDGE);
/** Set DRIVER after ACKNOWLEDGE. */
export const driverCommand = (): VirtioCommand => statusStep('DRIVER', VIRTIO_CONFIG_S_ACKNOWLEDGE, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
/** Set DRIVER_OK after FEATURES_OK. */
export const driverOkCommand = (): VirtioCommand =>
  statusStep('DRIVER_OK', VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);

/** Read both device feature words: VERSION_1 offered, and the same bits every time. */
export function readFeaturesCommand(): VirtioCommand {
  return new VirtioCommand('read device features', () => true, async (m, r) => {
    let f = 0n;
    for (const sel of [0, 1]) {
      await cwrite(r, C.device_feature_select, 4, sel);
      f |= BigInt(await creg(r, C.device_feature, 4)) << BigInt(32 * sel);
    }
    if (!(f & F_VERSION_1)) fail(`device features 0x${f.toString(16)} lack VERSION_1`);
    if (m.deviceFeatures !== null && f !== m.deviceFeatures) fail(`device features changed from 0x${m.deviceFeatures.toString(16)} to 0x${f.toString(16)}`);
    m.deviceFeatures = f;
  });
}

/**
 * Write driver features (VERSION_1 plus, as `mask` picks, INDIRECT_DESC, EVENT_IDX and RING_PACKED when
 * offered; a virtio-blk device's FLUSH when offered) and set FEATURES_OK, which the device must keep.
 */
export function negotiateCommand(mask: number): VirtioCommand {
  const label = `negotiate${mask & 1 ? ' +INDIRECT_DESC' : ''}${mask & 2 ? ' +EVENT_IDX' : ''}${mask & 4 ? ' +RING_PACKED' : ''}`;
  return new VirtioCommand(label, (m) => m.status === (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER) && m.deviceFeatures !== null, async (m, r) => {
    const blk = r.target.deviceType === 2 ? F_BLK_FLUSH : 0n;
    const want = F_VERSION_1 | blk | (mask & 1 ? F_INDIRECT_DESC : 0n) | (mask & 2 ? F_EVENT_IDX : 0n) | (mask & 4 ? F_RING_PACKED : 0n);
    const f = want & m.deviceFeatures!;
    for (const sel of [0, 1]) {
      await cwrite(r, C.driver_feature_select, 4, sel);
      await cwrite(r, C.driver_feature, 4, Number((f >> BigInt(32 * sel)) & 0xffffffffn));
    }
    const to = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK;
    await cwrite(r, C.device_status, 1, to);
    await expectStatus(r, to, `FEATURES_OK with features 0x${f.toString(16)} (a subset of the offered ones)`);
    m.status = to;
    m.negotiated = f;
  });
}

/**
 * The first steps of initialisation in one command (from status 0): ACKNOWLEDGE, DRIVER, read
 * the features, negotiate as `mask` says. Makes long useful sequences likely.
 */
export function initCommand(mask: number): VirtioCommand {
  const steps = [acknowledgeCommand(), driverCommand(), readFeaturesCommand(), negotiateCommand(mask)];
  return new VirtioCommand(`init (${steps.map(String).join(', ')})`, (m) => m.status === 0, async (m, r) => {
    for (const s of steps) await s.run(m, r);
  });
}

async function selectQueue(r: VirtioCommandReal, q: number): Promise<void> {
  await cwrite(r, C.queue_select, 2, q);
}

/** Check a learned per-queue value, or learn it. */
function stable(q: ModelQueue, key: 'maxSize' | 'notifyOff', got: number, what: string): void {
  if (q[key] !== null && q[key] !== got) fail(`${what} changed from ${q[key]} to ${got}`);
  q[key] = got;
}

/** Set up queue `q` as a split (or, with RING_PACKED negotiated, packed) ring of at most 2^sizeLog entries and enable it. */
export function setupQueueCommand(q: number, sizeLog: number): VirtioCommand {
  return new VirtioCommand(
    `setup queue ${q} (size ≤ ${1 << sizeLog})`,
    (m) => m.status === (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK) && q < m.numQueues && !m.queues[q].enabled,
    async (m, r) => {
      const mq = m.queues[q];
      await selectQueue(r, q);
      const max = await creg(r, C.queue_size, 2);
      stable(mq, 'maxSize', max, `queue ${q} maximum size`);
      if (max === 0) return; // queue not available: nothing to set up
      let size = 1;
      while (size * 2 <= Math.min(max, 1 << sizeLog)) size *= 2;
      const f = m.negotiated ?? 0n;
      let driver: SplitVringDriver | PackedVringDriver;
      let parts: readonly [bigint, bigint, bigint];
      let deviceWrites: RealQueue['deviceWrites'];
      if (f & F_RING_PACKED) {
        const layout = packedVringLayout(size);
        const base = r.ram.alloc(layout.total, 4096);
        if (base === null) fail('the guest RAM window is full');
        const addrs = packedVringAddrs(layout, base);
        driver = new PackedVringDriver(r.mem, addrs, size);
        parts = [addrs.desc, addrs.driver, addrs.device];
        deviceWrites = { address: addrs.desc, length: 16 * size };
      } else {
        const layout = splitVringLayout(size, { align: 4 });
        const base = r.ram.alloc(layout.total, 4096);
        if (base === null) fail('the guest RAM window is full');
        const addrs = splitVringAddrs(layout, base);
        driver = new SplitVringDriver(r.mem, addrs, size, { eventIdx: (f & F_EVENT_IDX) !== 0n });
        parts = [addrs.desc, addrs.avail, addrs.used];
        deviceWrites = { address: addrs.used, length: layout.used.size };
      }
      driver.reset();
      await r.mem.flush();
      await cwrite(r, C.queue_size, 2, size);
      for (const [off, a] of [[C.queue_desc, parts[0]], [C.queue_driver, parts[1]], [C.queue_device, parts[2]]] as const) {
        await cwrite(r, off, 4, Number(a & 0xffffffffn));
        await cwrite(r, off + 4, 4, Number(a >> 32n));
      }
      const off = await creg(r, C.queue_notify_off, 2);
      stable(mq, 'notifyOff', off, `queue ${q} queue_notify_off`);
      await cwrite(r, C.queue_enable, 2, 1);
      const en = await creg(r, C.queue_enable, 2);
      if (en !== 1) fail(`queue ${q}: queue_enable reads ${en} after enabling`);
      const n = notifyAddress(r.target.transport, off);
      if (!n || n.diagnostics.some((d) => d.severity === 'error')) fail(`queue ${q}: no doorbell for queue_notify_off ${off}`);
      r.queues.set(q, { driver, deviceWrites, notify: { space: n.space, address: n.address } });
      mq.size = size;
      mq.enabled = true;
    },
  );
}

/**
 * The whole bring-up in one command (from status 0): init, set up queues 0..queues-1 with
 * rings of at most 2^sizeLog entries, DRIVER_OK. Makes sequences with requests likely.
 */
export function bringUpCommand(mask: number, queues: number, sizeLog: number): VirtioCommand {
  const init = initCommand(mask);
  const setups = Array.from({ length: queues }, (_, q) => setupQueueCommand(q, sizeLog));
  const ok = driverOkCommand();
  return new VirtioCommand(`bring up (${init}, ${queues} queue(s) ≤ ${1 << sizeLog}, DRIVER_OK)`, (m) => m.status === 0, async (m, r) => {
    await init.run(m, r);
    for (const s of setups) if (s.check(m)) await s.run(m, r);
    await ok.run(m, r);
  });
}

/** Read queue `q`'s registers: size, enable and notify offset as the model says. */
export function readQueueCommand(q: number): VirtioCommand {
  return new VirtioCommand(`read queue ${q}`, (m) => q < m.numQueues, async (m, r) => {
    const mq = m.queues[q];
    await selectQueue(r, q);
    const size = await creg(r, C.queue_size, 2);
    const enable = await creg(r, C.queue_enable, 2);
    if (enable !== (mq.enabled ? 1 : 0)) fail(`queue ${q}: queue_enable reads ${enable}, expected ${mq.enabled ? 1 : 0}`);
    if (mq.enabled) {
      if (size !== mq.size) fail(`queue ${q}: queue_size reads ${size}, expected ${mq.size} as written`);
    } else stable(mq, 'maxSize', size, `queue ${q} size of a disabled queue (its maximum)`);
    stable(mq, 'notifyOff', await creg(r, C.queue_notify_off, 2), `queue ${q} queue_notify_off`);
  });
}

function pattern(sector: number, seed: number): Uint8Array {
  const d = new Uint8Array(SECTOR);
  for (let i = 0; i < d.length; i++) d[i] = (Math.imul(i + 1 + sector * 7, 2654435761 ^ seed) >>> 11) & 0xff;
  return d;
}

const overlaps = (a: { sector: number; count: number }, b: { sector: number; count: number }) => a.sector < b.sector + b.count && b.sector < a.sector + a.count;

/**
 * virtio-blk: make a read or write request of `count` sectors (or a flush, once FLUSH is
 * negotiated) available on queue `q` (in an indirect table when negotiated and asked for) and
 * ring the doorbell. Requests never overlap a write in flight, so completion order does not matter.
 */
export function blkRequestCommand(q: number, op: BlkOp, sector: number, count: number, seed: number, indirect: boolean): VirtioCommand {
  const flush = op === 'flush';
  const label = flush ? `blk flush q${q}${indirect ? ' indirect' : ''}` : `blk ${op} q${q} sector ${sector}+${count}${indirect ? ' indirect' : ''}`;
  // A flush is a header and a status byte; a read or write has the data between them.
  const direct = flush ? 2 : 3;
  return new VirtioCommand(
    label,
    (m) => {
      if (m.status !== (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK) || q >= m.numQueues || !m.queues[q].enabled) return false;
      if (flush ? ((m.negotiated ?? 0n) & F_BLK_FLUSH) === 0n : m.sectors === 0 || sector + count > m.sectors) return false;
      const mq = m.queues[q];
      const need = indirect && ((m.negotiated ?? 0n) & F_INDIRECT_DESC) !== 0n ? 1 : direct;
      // As many buffers even through an indirect table: no chain may be longer than the queue.
      if (mq.size < direct) return false;
      let used = 0;
      for (const req of mq.inFlight.values()) used += req.descriptors;
      if (used + need > mq.size) return false;
      if (flush) return true;
      const me = { sector, count };
      return m.queues.every((x) => [...x.inFlight.values()].every((o) => !overlaps(o, me) || (o.op === 'read' && op === 'read')));
    },
    async (m, r) => {
      const rq = r.queues.get(q)!;
      const useIndirect = indirect && ((m.negotiated ?? 0n) & F_INDIRECT_DESC) !== 0n;
      const hdr = r.ram.alloc(virtioBlkOutHdr.size, 16);
      const dataAddr = flush ? 0n : r.ram.alloc(SECTOR * count, 16);
      const statusAddr = r.ram.alloc(1, 1);
      const table = useIndirect ? r.ram.alloc(16 * direct, 16) : null;
      if (hdr === null || dataAddr === null || statusAddr === null || (useIndirect && table === null)) fail('the guest RAM window is full');
      const data = op === 'write' ? new Uint8Array(SECTOR * count) : null;
      if (data) for (let i = 0; i < count; i++) data.set(pattern(sector + i, seed), SECTOR * i);
      const type = op === 'read' ? VIRTIO_BLK_T_IN : op === 'write' ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
      r.mem.write(hdr, virtioBlkOutHdr.toBytes({ type, ioprio: 0, sector: flush ? 0n : BigInt(sector) }));
      if (!flush) r.mem.write(dataAddr, data ?? new Uint8Array(SECTOR * count));
      r.mem.write(statusAddr, new Uint8Array([0xff]));
      const buffers = [
        { addr: hdr, len: virtioBlkOutHdr.size, write: false },
        ...(flush ? [] : [{ addr: dataAddr, len: SECTOR * count, write: op === 'read' }]),
        { addr: statusAddr, len: 1, write: true },
      ];
      const head = rq.driver.publish(buffers, table !== null ? { indirectTable: table } : {});
      if (head === null) fail(`queue ${q}: no free descriptors although the model counted room`);
      await r.mem.flush();
      const n = rq.notify;
      if (n.space === 'io') await r.target.bus.ioWrite(Number(n.address), 2, q);
      else await r.target.bus.memWrite(n.address, 2, q);
      m.queues[q].inFlight.set(head, {
        op,
        sector: flush ? 0 : sector,
        count: flush ? 0 : count,
        data,
        dataAddr: dataAddr,
        statusAddr,
        writable: 1 + (op === 'read' ? SECTOR * count : 0),
        descriptors: useIndirect ? 1 : direct,
      });
    },
  );
}

/**
 * Read queue `q`'s used ring until something comes back; every element must be a request in
 * flight, done right. With nothing in flight, one read: nothing may come back.
 */
export function pollUsedCommand(q: number): VirtioCommand {
  return new VirtioCommand(
    `poll used q${q}`,
    (m) => q < m.numQueues && m.queues[q].enabled && m.status === (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK),
    async (m, r) => {
      const rq = r.queues.get(q)!;
      const mq = m.queues[q];
      const bus = r.target.bus;
      const idle = mq.inFlight.size === 0;
      let got = 0;
      for (let poll = 0; poll < (idle ? 1 : r.target.maxPolls) && got === 0; poll++) {
        if (poll > 0) await r.target.pause();
        await r.mem.refresh(rq.deviceWrites.address, rq.deviceWrites.length);
        for (let u = rq.driver.getUsed(); u !== null; u = rq.driver.getUsed()) {
          got++;
          if (u.diagnostics.length) fail(`queue ${q}: used element ${u.id}: ${u.diagnostics.map((d) => d.code).join(', ')}`);
          const req = mq.inFlight.get(u.id);
          if (!req) fail(`queue ${q}: used id ${u.id} is not a request in flight`);
          mq.inFlight.delete(u.id);
          if (u.len > req.writable) fail(`queue ${q}: used len ${u.len} is more than the ${req.writable} writable bytes`);
          const status = (await bus.memReadBytes(req.statusAddr, 1))[0];
          if (status !== VIRTIO_BLK_S_OK) fail(`queue ${q}: ${req.op === 'flush' ? 'flush' : `${req.op} of sector ${req.sector}+${req.count}`} completed with status ${status}`);
          if (req.op === 'write') {
            for (let i = 0; i < req.count; i++) m.disk.set(req.sector + i, req.data!.slice(SECTOR * i, SECTOR * (i + 1)));
          } else if (req.op === 'read') {
            const back = await bus.memReadBytes(req.dataAddr, SECTOR * req.count);
            for (let i = 0; i < req.count; i++) {
              const want = m.disk.get(req.sector + i);
              if (want && want.some((b, k) => b !== back[SECTOR * i + k])) fail(`queue ${q}: sector ${req.sector + i} reads back other bytes than were written`);
            }
          }
        }
      }
      if (got === 0 && !idle) fail(`queue ${q}: ${mq.inFlight.size} request(s) in flight, nothing in the used ring after ${r.target.maxPolls} polls`);
    },
  );
}

/**
 * A queue command whose queue is picked when it runs: `pick mod num_queues`, so every drawn
 * queue command addresses a queue the device has; an I/O command (`enabled`) picks among the
 * enabled queues instead, so that it runs whenever any queue can take it.
 */
class AnyQueueCommand implements fc.AsyncCommand<VirtioCommandModel, VirtioCommandReal> {
  private inner: VirtioCommand | null = null;
  constructor(
    private readonly pick: number,
    private readonly make: (q: number) => VirtioCommand,
    private readonly enabled = false,
  ) {}
  check(m: Readonly<VirtioCommandModel>): boolean {
    const qs = this.enabled ? m.queues.flatMap((q, i) => (q.enabled ? [i] : [])) : m.queues.map((_, i) => i);
    if (qs.length === 0) return false;
    this.inner = this.make(qs[this.pick % qs.length]!);
    return this.inner.check(m);
  }
  run(m: VirtioCommandModel, r: VirtioCommandReal): Promise<void> {
    return this.inner!.run(m, r);
  }
  toString(): string {
    return this.inner ? String(this.inner) : `${this.make(this.pick)} (queue mod num_queues)`;
  }
}

/** Knobs of arbVirtioCommands. */
export interface VirtioCommandsKnobs {
  /** Longest command sequence (default 50). */
  readonly maxCommands?: number | undefined;
  /** Most queues bring-up sets up (default 4); queue commands address any queue the device has. */
  readonly queues?: number | undefined;
  /** Sectors requests address (default 8, so requests overlap; at most the device's capacity is used). */
  readonly sectors?: number | undefined;
}

/**
 * Command sequences for fc.asyncModelRun. Commands whose precondition does not hold are
 * skipped, so any sequence is a legal driver's.
 *
 * The draw is weighted towards I/O: bring-up (one command) is likely among the first few, and
 * then most commands are requests (reads, writes, flushes on any enabled queue) and used-ring
 * polls, on rings of mostly 4 or 8 entries so that the ring indices wrap within a run. Resets
 * and the step-by-step initialisation are rarer but present, so their paths are still walked.
 */
export function arbVirtioCommands(knobs: VirtioCommandsKnobs = {}): fc.Arbitrary<Iterable<fc.AsyncCommand<VirtioCommandModel, VirtioCommandReal>>> {
  const queue = fc.nat(1023);
  const onQueue = (make: (q: number) => VirtioCommand, enabled = false) => queue.map((pick) => new AnyQueueCommand(pick, make, enabled));
  const sectors = knobs.sectors ?? 8;
  // Small rings wrap after a few requests; larger ones still come up.
  const sizeLog = fc.oneof({ arbitrary: fc.integer({ min: 2, max: 4 }), weight: 3 }, { arbitrary: fc.integer({ min: 5, max: 8 }), weight: 1 });
  const op = fc.oneof({ arbitrary: fc.constant<BlkOp>('write'), weight: 4 }, { arbitrary: fc.constant<BlkOp>('read'), weight: 4 }, { arbitrary: fc.constant<BlkOp>('flush'), weight: 1 });
  const request = fc
    .record({ q: queue, op, sector: fc.nat(sectors - 1), count: fc.integer({ min: 1, max: Math.min(4, sectors) }), seed: fc.nat(), indirect: fc.boolean() })
    // Every request inside the first `sectors` sectors (fewer when the disk is smaller: the precondition skips those).
    .map((x) => new AnyQueueCommand(x.q, (q) => blkRequestCommand(q, x.op, x.sector % (sectors - x.count + 1), x.count, x.seed, x.indirect), true));
  const setup = fc.tuple(queue, sizeLog).map(([pick, s]) => new AnyQueueCommand(pick, (q) => setupQueueCommand(q, s)));
  const bringUp = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: knobs.queues ?? 4 }), sizeLog).map(([m, n, s]) => bringUpCommand(m, n, s));
  const w = (weight: number, arbitrary: fc.Arbitrary<fc.AsyncCommand<VirtioCommandModel, VirtioCommandReal>>) => ({ weight, arbitrary });
  // One weighted entry: fc.commands itself picks its entries uniformly.
  const command = fc.oneof(
    w(15, bringUp),
    w(40, request),
    w(35, onQueue(pollUsedCommand, true)),
    w(3, fc.constant(resetCommand())),
    w(2, onQueue(readQueueCommand)),
    w(2, setup),
    ...[acknowledgeCommand(), driverCommand(), readFeaturesCommand(), driverOkCommand()].map((c) => w(1, fc.constant(c))),
    w(1, fc.integer({ min: 0, max: 7 }).map(negotiateCommand)),
    w(1, fc.integer({ min: 0, max: 7 }).map(initCommand)),
  );
  return fc.commands([command], { maxCommands: knobs.maxCommands ?? 50, size: 'max' });
}

/**
 * Run a command sequence against a device: `target` is opened once (a VirtioTarget) or for
 * every run (a function returning one, e.g. a fresh model machine).
 */
export function runVirtioModel(
  target: VirtioTarget | (() => Promise<VirtioTarget>),
  cmds: Iterable<fc.AsyncCommand<VirtioCommandModel, VirtioCommandReal>>,
): Promise<void> {
  return fc.asyncModelRun(virtioModelSetup(target), cmds);
}
