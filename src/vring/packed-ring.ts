// A packed virtqueue in guest memory. Availability and use are signalled in each descriptor's
// flags relative to a wrap counter that starts at 1 and flips whenever an index passes the
// ring's end (virtio spec "Packed Virtqueues"; Linux virtio_ring.c, QEMU virtio.c).
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { writeU16, writeU32 } from '../bytes/window.js';
import { VRING_DIAGNOSTICS } from './diagnostics.js';
import { vringNeedEvent } from './event.js';
import { vringAddr, vringDiagOffset, type VringGuestMemory } from './memory.js';
import type { PackedVringLayout } from './packed-layout.js';
import {
  VRING_PACKED_DESC_F_AVAIL,
  VRING_PACKED_DESC_F_USED,
  VRING_PACKED_EVENT_FLAG_DESC,
  VRING_PACKED_EVENT_FLAG_DISABLE,
  VRING_PACKED_EVENT_FLAG_ENABLE,
  VRING_PACKED_EVENT_F_WRAP_CTR,
  vringPackedDesc,
  vringPackedDescEvent,
  type VringPackedDesc,
  type VringPackedDescEvent,
} from './packed-structs.js';
import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from './split-structs.js';
import type { VringBufferSpec, VringUsedResult } from './split-ring.js';
import { walkPackedChain, type VringBuffer, type VringWalkOptions } from './walk.js';

/** Device side: is a descriptor available for wrap counter `wrap`? (AVAIL == wrap, USED != wrap) */
export function packedDescIsAvail(flags: number, wrap: boolean): boolean {
  return ((flags & VRING_PACKED_DESC_F_AVAIL) !== 0) === wrap && ((flags & VRING_PACKED_DESC_F_USED) !== 0) !== wrap;
}

/** Driver side: is a descriptor used for wrap counter `wrap`? (AVAIL == USED == wrap) */
export function packedDescIsUsed(flags: number, wrap: boolean): boolean {
  return ((flags & VRING_PACKED_DESC_F_AVAIL) !== 0) === wrap && ((flags & VRING_PACKED_DESC_F_USED) !== 0) === wrap;
}

/** AVAIL/USED bits a driver writes to make a descriptor available under wrap counter `wrap`. */
export function packedAvailFlags(wrap: boolean): number {
  return wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
}

/** AVAIL/USED bits a device writes to mark a descriptor used under wrap counter `wrap`. */
export function packedUsedFlags(wrap: boolean): number {
  return wrap ? VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED : 0;
}

/** Advance a ring index by `by` slots, flipping the wrap counter each time it passes the end. */
export function packedAdvance(idx: number, wrap: boolean, by: number, queueSize: number): { idx: number; wrap: boolean } {
  let i = idx + by;
  let w = wrap;
  while (i >= queueSize) {
    i -= queueSize;
    w = !w;
  }
  return { idx: i, wrap: w };
}

/** Pack a ring offset and wrap counter into off_wrap. */
export function packedOffWrap(off: number, wrap: boolean): number {
  return (off & 0x7fff) | (wrap ? 1 << VRING_PACKED_EVENT_F_WRAP_CTR : 0);
}

export type PackedEventMode = 'enable' | 'disable' | 'desc' | 'reserved';

/** A decoded event suppression structure with its checks. */
export interface PackedEventSuppression {
  readonly value: VringPackedDescEvent;
  readonly off: number;
  readonly wrap: boolean;
  readonly mode: PackedEventMode;
  readonly diagnostics: Diagnostic[];
}

const MODES: readonly PackedEventMode[] = ['enable', 'disable', 'desc', 'reserved'];

/**
 * Decode vring_packed_desc_event at `at` of `b`: flags value 3 and reserved bits 2-15 are
 * diagnostics; with `queueSize`, so is an offset beyond the ring. Offsets are relative to `b`.
 */
export function decodePackedEventSuppression(b: Uint8Array, at = 0, queueSize?: number): PackedEventSuppression {
  const value = vringPackedDescEvent.decode(b, at);
  const diagnostics: Diagnostic[] = [];
  const off = value.off_wrap & 0x7fff;
  const mode = MODES[value.flags & 3];
  if (mode === 'reserved') diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_PACKED_EVENT_FLAGS_RESERVED', at + 2, 'event suppression flags value 3 is reserved'));
  if (value.flags & 0xfffc) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_PACKED_EVENT_RESERVED_BITS', at + 2, `reserved event suppression flag bits set: 0x${(value.flags & 0xfffc).toString(16)}`));
  }
  if (queueSize !== undefined && mode === 'desc' && off >= queueSize) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_PACKED_EVENT_OFF_RANGE', at, `event offset ${off} is not below the queue size ${queueSize}`));
  }
  return { value, off, wrap: (value.off_wrap & 0x8000) !== 0, mode, diagnostics };
}

/**
 * vring_need_event for packed rings: `newIdx`/`oldIdx` are ring indices (oldIdx may be
 * "negative", i.e. taken mod 2^16, when the batch crossed the end); an event offset recorded
 * under the other wrap counter lies one ring length back.
 */
export function packedNeedEvent(offWrap: number, newIdx: number, oldIdx: number, wrap: boolean, queueSize: number): boolean {
  let off = offWrap & 0x7fff;
  if (((offWrap >> VRING_PACKED_EVENT_F_WRAP_CTR) & 1) !== (wrap ? 1 : 0)) off -= queueSize;
  return vringNeedEvent(off & 0xffff, newIdx & 0xffff, oldIdx & 0xffff);
}

/** Guest addresses of the packed parts (queue_desc, queue_driver, queue_device). */
export interface PackedVringAddrs {
  readonly desc: bigint;
  readonly driver: bigint;
  readonly device: bigint;
}

export function packedVringAddrs(layout: PackedVringLayout, base: bigint): PackedVringAddrs {
  return { desc: vringAddr(base, layout.desc.offset), driver: vringAddr(base, layout.driverEvent.offset), device: vringAddr(base, layout.deviceEvent.offset) };
}

/** Entry-level access to a packed ring; memory errors propagate. */
export class PackedVringView {
  constructor(
    readonly mem: VringGuestMemory,
    readonly addrs: PackedVringAddrs,
    readonly queueSize: number,
  ) {
    if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 0xffff) throw new RangeError(`queue size ${queueSize} is not in 1..65535`);
  }
  descAddr(i: number): bigint {
    return vringAddr(this.addrs.desc, 16 * i);
  }
  readDesc(i: number): VringPackedDesc {
    return vringPackedDesc.decode(this.mem.read(this.descAddr(i), 16));
  }
  writeDesc(i: number, d: VringPackedDesc): void {
    this.mem.write(this.descAddr(i), vringPackedDesc.toBytes(d));
  }
  readDriverEvent(): VringPackedDescEvent {
    return vringPackedDescEvent.decode(this.mem.read(this.addrs.driver, 4));
  }
  writeDriverEvent(v: VringPackedDescEvent): void {
    this.mem.write(this.addrs.driver, vringPackedDescEvent.toBytes(v));
  }
  readDeviceEvent(): VringPackedDescEvent {
    return vringPackedDescEvent.decode(this.mem.read(this.addrs.device, 4));
  }
  writeDeviceEvent(v: VringPackedDescEvent): void {
    this.mem.write(this.addrs.device, vringPackedDescEvent.toBytes(v));
  }
}

function eventFlags(mode: 'enable' | 'disable' | 'desc'): number {
  return mode === 'enable' ? VRING_PACKED_EVENT_FLAG_ENABLE : mode === 'disable' ? VRING_PACKED_EVENT_FLAG_DISABLE : VRING_PACKED_EVENT_FLAG_DESC;
}

function shouldSignal(ev: VringPackedDescEvent, newIdx: number, oldIdx: number, wrap: boolean, n: number): boolean {
  const mode = ev.flags & 3;
  if (mode === VRING_PACKED_EVENT_FLAG_DESC) return packedNeedEvent(ev.off_wrap, newIdx, oldIdx, wrap, n);
  return mode !== VRING_PACKED_EVENT_FLAG_DISABLE;
}

/** The driver side of a packed ring. */
export class PackedVringDriver {
  readonly view: PackedVringView;
  private nextAvail = 0;
  private availWrap = true;
  private lastUsed = 0;
  private usedWrap = true;
  private freeSlots = 0;
  private freeIds: number[] = [];
  /** Ring descriptors each in-flight buffer id occupies. */
  private inFlight = new Map<number, number>();
  private addedSlots = 0;

  constructor(mem: VringGuestMemory, addrs: PackedVringAddrs, queueSize: number) {
    this.view = new PackedVringView(mem, addrs, queueSize);
    this.resetState();
  }

  get queueSize(): number {
    return this.view.queueSize;
  }
  get numFree(): number {
    return this.freeSlots;
  }
  get nextAvailIdx(): number {
    return this.nextAvail;
  }
  get availWrapCounter(): boolean {
    return this.availWrap;
  }

  private resetState(): void {
    this.nextAvail = 0;
    this.availWrap = true;
    this.lastUsed = 0;
    this.usedWrap = true;
    this.freeSlots = this.queueSize;
    this.freeIds = Array.from({ length: this.queueSize }, (_, i) => i);
    this.inFlight.clear();
    this.addedSlots = 0;
  }

  /** Zero the ring and both event areas and forget every buffer. */
  reset(): void {
    this.view.mem.write(this.view.addrs.desc, new Uint8Array(16 * this.queueSize));
    this.view.mem.write(this.view.addrs.driver, new Uint8Array(4));
    this.view.mem.write(this.view.addrs.device, new Uint8Array(4));
    this.resetState();
  }

  /**
   * Make a chain available; returns its buffer id, or null when the ring lacks room. The head
   * descriptor is written last, so a device never sees half a chain.
   */
  publish(buffers: readonly VringBufferSpec[], opts: { indirectTable?: bigint } = {}): number | null {
    if (buffers.length === 0) throw new RangeError('a chain needs at least one buffer');
    const v = this.view;
    const slots = opts.indirectTable !== undefined ? 1 : buffers.length;
    if (slots > this.freeSlots || this.freeIds.length === 0) return null;
    const id = this.freeIds.shift()!;
    let descs: VringPackedDesc[];
    if (opts.indirectTable !== undefined) {
      const table = new Uint8Array(16 * buffers.length);
      buffers.forEach((b, k) => vringPackedDesc.encode({ addr: b.addr, len: b.len, id: 0, flags: b.write ? VRING_DESC_F_WRITE : 0 }, table, 16 * k));
      v.mem.write(opts.indirectTable, table);
      descs = [{ addr: opts.indirectTable, len: table.length, id, flags: VRING_DESC_F_INDIRECT }];
    } else {
      descs = buffers.map((b, k) => ({ addr: b.addr, len: b.len, id, flags: (b.write ? VRING_DESC_F_WRITE : 0) | (k < buffers.length - 1 ? VRING_DESC_F_NEXT : 0) }));
    }
    const placed: Array<[number, VringPackedDesc]> = [];
    let pos = { idx: this.nextAvail, wrap: this.availWrap };
    for (const d of descs) {
      placed.push([pos.idx, { ...d, flags: d.flags | packedAvailFlags(pos.wrap) }]);
      pos = packedAdvance(pos.idx, pos.wrap, 1, this.queueSize);
    }
    for (let k = placed.length - 1; k >= 0; k--) v.writeDesc(placed[k][0], placed[k][1]);
    this.nextAvail = pos.idx;
    this.availWrap = pos.wrap;
    this.freeSlots -= slots;
    this.inFlight.set(id, slots);
    this.addedSlots += slots;
    return id;
  }

  /** Whether the device wants a notification (device event suppression area), as Linux decides. */
  kickPrepare(): boolean {
    const newIdx = this.nextAvail;
    const oldIdx = newIdx - this.addedSlots;
    this.addedSlots = 0;
    return shouldSignal(this.view.readDeviceEvent(), newIdx, oldIdx, this.availWrap, this.queueSize);
  }

  /** Write the driver event suppression area (what the device reads before interrupting). */
  setDriverEvent(mode: 'enable' | 'disable' | 'desc', off = 0, wrap = true): void {
    this.view.writeDriverEvent({ off_wrap: packedOffWrap(off, wrap), flags: eventFlags(mode) });
  }

  /** Take the next used descriptor, or null when the device has not marked one used. */
  getUsed(): VringUsedResult | null {
    const v = this.view;
    const d = v.readDesc(this.lastUsed);
    if (!packedDescIsUsed(d.flags, this.usedWrap)) return null;
    const diagnostics: Diagnostic[] = [];
    const at = v.descAddr(this.lastUsed);
    let slots = this.inFlight.get(d.id);
    if (slots === undefined) {
      const code = d.id >= this.queueSize ? 'VRING_HEAD_OUT_OF_RANGE' : 'VRING_USED_ID_NOT_IN_FLIGHT';
      diagnostics.push(diag(VRING_DIAGNOSTICS, code, vringDiagOffset(at), `used buffer id ${d.id} is not in flight`));
      slots = 1;
    } else {
      this.inFlight.delete(d.id);
      this.freeIds.push(d.id);
      this.freeSlots += slots;
    }
    const next = packedAdvance(this.lastUsed, this.usedWrap, slots, this.queueSize);
    this.lastUsed = next.idx;
    this.usedWrap = next.wrap;
    return { id: d.id, len: d.len, diagnostics };
  }
}

/** A chain the device took from a packed ring. */
export interface PackedPopResult {
  /** Buffer id to return; null when the ring could not be read. */
  readonly id: number | null;
  /** Ring descriptors the chain occupies: pass to push(). */
  readonly ringDescriptors: number;
  readonly buffers: VringBuffer[];
  readonly diagnostics: Diagnostic[];
  readonly complete: boolean;
}

/** The device side of a packed ring. */
export class PackedVringDevice {
  readonly view: PackedVringView;
  private readonly walkOpts: VringWalkOptions;
  private nextAvail = 0;
  private availWrap = true;
  private nextUsed = 0;
  private usedWrap = true;
  private usedSinceSignal = 0;

  constructor(mem: VringGuestMemory, addrs: PackedVringAddrs, queueSize: number, opts: VringWalkOptions = {}) {
    this.view = new PackedVringView(mem, addrs, queueSize);
    this.walkOpts = opts;
  }

  get queueSize(): number {
    return this.view.queueSize;
  }

  /**
   * Take the next available chain. Null when the next descriptor is not available. A chain
   * that stops with an error still advances past the descriptors read, so popping terminates.
   */
  pop(): PackedPopResult | null {
    const v = this.view;
    let flags: number;
    try {
      flags = v.readDesc(this.nextAvail).flags;
    } catch (e) {
      const d = diag(VRING_DIAGNOSTICS, 'VRING_MEMORY_FAULT', vringDiagOffset(v.descAddr(this.nextAvail)), `cannot read the descriptor ring: ${e instanceof Error ? e.message : String(e)}`);
      return { id: null, ringDescriptors: 0, buffers: [], diagnostics: [d], complete: false };
    }
    if (!packedDescIsAvail(flags, this.availWrap)) return null;
    const w = walkPackedChain(v.mem, v.addrs.desc, this.queueSize, this.nextAvail, { ...this.walkOpts, wrapCounter: this.availWrap });
    const taken = Math.max(1, w.ringDescriptors);
    const next = packedAdvance(this.nextAvail, this.availWrap, taken, this.queueSize);
    this.nextAvail = next.idx;
    this.availWrap = next.wrap;
    return { id: w.id, ringDescriptors: taken, buffers: w.buffers, diagnostics: w.diagnostics, complete: w.complete };
  }

  /** Mark buffer `id` used with `len` bytes written, skipping the chain's `ringDescriptors` slots. */
  push(id: number, len: number, ringDescriptors: number): void {
    const b = new Uint8Array(8);
    writeU32(b, 0, len);
    writeU16(b, 4, id);
    writeU16(b, 6, packedUsedFlags(this.usedWrap));
    // addr is left as the driver wrote it; len, id and flags go in one write, flags last.
    this.view.mem.write(vringAddr(this.view.descAddr(this.nextUsed), 8), b);
    const next = packedAdvance(this.nextUsed, this.usedWrap, ringDescriptors, this.queueSize);
    this.nextUsed = next.idx;
    this.usedWrap = next.wrap;
    this.usedSinceSignal += ringDescriptors;
  }

  /** Write the device event suppression area (what the driver reads before notifying). */
  setDeviceEvent(mode: 'enable' | 'disable' | 'desc', off = 0, wrap = true): void {
    this.view.writeDeviceEvent({ off_wrap: packedOffWrap(off, wrap), flags: eventFlags(mode) });
  }

  /** Whether the driver wants an interrupt for what was pushed since the last call. */
  needsInterrupt(): boolean {
    const newIdx = this.nextUsed;
    const oldIdx = newIdx - this.usedSinceSignal;
    this.usedSinceSignal = 0;
    return shouldSignal(this.view.readDriverEvent(), newIdx, oldIdx, this.usedWrap, this.queueSize);
  }
}
