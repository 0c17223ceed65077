// A split virtqueue in guest memory, seen from either side. SplitVringView reads and writes
// single entries; SplitVringDriver and SplitVringDevice keep each side's private indices
// (Linux virtio_ring.c and QEMU virtio.c keep the same shadow state).
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { VRING_DIAGNOSTICS } from './diagnostics.js';
import { vringNeedEvent } from './event.js';
import { vringAddr, vringDiagOffset, vringReadU16, vringWriteU16, type VringGuestMemory } from './memory.js';
import type { SplitVringLayout } from './split-layout.js';
import {
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_DESC_F_INDIRECT,
  VRING_DESC_F_NEXT,
  VRING_DESC_F_WRITE,
  VRING_USED_F_NO_NOTIFY,
  vringDesc,
  vringUsedElem,
  type VringDesc,
  type VringUsedElem,
} from './split-structs.js';
import { walkSplitChain, type VringBuffer, type VringWalkOptions } from './walk.js';

/** Guest addresses of the three parts (modern devices take them separately). */
export interface SplitVringAddrs {
  readonly desc: bigint;
  readonly avail: bigint;
  readonly used: bigint;
}

/** The part addresses of a contiguous layout placed at guest address `base`. */
export function splitVringAddrs(layout: SplitVringLayout, base: bigint): SplitVringAddrs {
  return { desc: vringAddr(base, layout.desc.offset), avail: vringAddr(base, layout.avail.offset), used: vringAddr(base, layout.used.offset) };
}

/** Entry-level access to a split ring. Slots are ring positions 0..N-1; memory errors propagate. */
export class SplitVringView {
  constructor(
    readonly mem: VringGuestMemory,
    readonly addrs: SplitVringAddrs,
    readonly queueSize: number,
  ) {
    if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 0xffff) throw new RangeError(`queue size ${queueSize} is not in 1..65535`);
  }

  descAddr(i: number): bigint {
    return vringAddr(this.addrs.desc, 16 * i);
  }
  readDesc(i: number): VringDesc {
    return vringDesc.decode(this.mem.read(this.descAddr(i), 16));
  }
  writeDesc(i: number, d: VringDesc): void {
    this.mem.write(this.descAddr(i), vringDesc.toBytes(d));
  }

  availFlags(): number {
    return vringReadU16(this.mem, this.addrs.avail);
  }
  setAvailFlags(v: number): void {
    vringWriteU16(this.mem, this.addrs.avail, v);
  }
  availIdx(): number {
    return vringReadU16(this.mem, vringAddr(this.addrs.avail, 2));
  }
  setAvailIdx(v: number): void {
    vringWriteU16(this.mem, vringAddr(this.addrs.avail, 2), v);
  }
  availRing(slot: number): number {
    return vringReadU16(this.mem, vringAddr(this.addrs.avail, 4 + 2 * slot));
  }
  setAvailRing(slot: number, head: number): void {
    vringWriteU16(this.mem, vringAddr(this.addrs.avail, 4 + 2 * slot), head);
  }
  usedEvent(): number {
    return vringReadU16(this.mem, vringAddr(this.addrs.avail, 4 + 2 * this.queueSize));
  }
  setUsedEvent(v: number): void {
    vringWriteU16(this.mem, vringAddr(this.addrs.avail, 4 + 2 * this.queueSize), v);
  }

  usedFlags(): number {
    return vringReadU16(this.mem, this.addrs.used);
  }
  setUsedFlags(v: number): void {
    vringWriteU16(this.mem, this.addrs.used, v);
  }
  usedIdx(): number {
    return vringReadU16(this.mem, vringAddr(this.addrs.used, 2));
  }
  setUsedIdx(v: number): void {
    vringWriteU16(this.mem, vringAddr(this.addrs.used, 2), v);
  }
  readUsedElem(slot: number): VringUsedElem {
    return vringUsedElem.decode(this.mem.read(vringAddr(this.addrs.used, 4 + 8 * slot), 8));
  }
  writeUsedElem(slot: number, e: VringUsedElem): void {
    this.mem.write(vringAddr(this.addrs.used, 4 + 8 * slot), vringUsedElem.toBytes(e));
  }
  availEvent(): number {
    return vringReadU16(this.mem, vringAddr(this.addrs.used, 4 + 8 * this.queueSize));
  }
  setAvailEvent(v: number): void {
    vringWriteU16(this.mem, vringAddr(this.addrs.used, 4 + 8 * this.queueSize), v);
  }
}

/** A buffer to publish: guest address, length, and whether the device writes it. */
export type VringBufferSpec = VringBuffer;

export interface SplitVringOptions {
  /** VIRTIO_F_EVENT_IDX negotiated. Default false. */
  readonly eventIdx?: boolean;
}

/** A chain the device returned, as the driver reads it. */
export interface VringUsedResult {
  readonly id: number;
  readonly len: number;
  readonly diagnostics: Diagnostic[];
}

function ringDiag(code: keyof typeof VRING_DIAGNOSTICS, at: bigint, message: string): Diagnostic {
  return diag(VRING_DIAGNOSTICS, code, vringDiagOffset(at), message);
}

/** The driver side: owns the descriptor table and the available ring, reads the used ring. */
export class SplitVringDriver {
  readonly view: SplitVringView;
  readonly eventIdx: boolean;
  private free: number[] = [];
  /** Descriptors of each in-flight chain, by head; the driver trusts its own record, not the ring. */
  private inFlight = new Map<number, number[]>();
  private availShadow = 0;
  private lastUsed = 0;
  private numAdded = 0;

  constructor(mem: VringGuestMemory, addrs: SplitVringAddrs, queueSize: number, opts: SplitVringOptions = {}) {
    this.view = new SplitVringView(mem, addrs, queueSize);
    this.eventIdx = opts.eventIdx ?? false;
    this.resetState();
  }

  get queueSize(): number {
    return this.view.queueSize;
  }
  /** Descriptors not in any in-flight chain. */
  get numFree(): number {
    return this.free.length;
  }
  /** The driver's next avail.idx (free-running, mod 2^16). */
  get availIdx(): number {
    return this.availShadow;
  }
  get lastUsedIdx(): number {
    return this.lastUsed;
  }

  private resetState(): void {
    this.free = Array.from({ length: this.queueSize }, (_, i) => i);
    this.inFlight.clear();
    this.availShadow = 0;
    this.lastUsed = 0;
    this.numAdded = 0;
  }

  /** Zero all three parts and forget every chain, as a driver does before enabling the queue. */
  reset(): void {
    const n = this.queueSize;
    this.view.mem.write(this.view.addrs.desc, new Uint8Array(16 * n));
    this.view.mem.write(this.view.addrs.avail, new Uint8Array(6 + 2 * n));
    this.view.mem.write(this.view.addrs.used, new Uint8Array(6 + 8 * n));
    this.resetState();
  }

  /**
   * Make a chain available: write its descriptors, put the head in avail.ring and bump
   * avail.idx (wrapping at 2^16). With `indirectTable`, the buffers go into a table written at
   * that guest address and the ring uses one INDIRECT descriptor. Returns the head, or null
   * when too few descriptors are free.
   */
  publish(buffers: readonly VringBufferSpec[], opts: { indirectTable?: bigint } = {}): number | null {
    if (buffers.length === 0) throw new RangeError('a chain needs at least one buffer');
    const v = this.view;
    if ((opts.indirectTable !== undefined ? 1 : buffers.length) > this.free.length) return null;
    let descs: VringDesc[];
    if (opts.indirectTable !== undefined) {
      const table = new Uint8Array(16 * buffers.length);
      buffers.forEach((b, k) => vringDesc.encode(chainDesc(b, k < buffers.length - 1 ? k + 1 : null), table, 16 * k));
      v.mem.write(opts.indirectTable, table);
      descs = [{ addr: opts.indirectTable, len: table.length, flags: VRING_DESC_F_INDIRECT, next: 0 }];
    } else {
      descs = buffers.map((b) => chainDesc(b, null));
    }
    const ids = this.free.splice(0, descs.length);
    descs.forEach((d, k) => {
      if (k < ids.length - 1) {
        d.flags |= VRING_DESC_F_NEXT;
        d.next = ids[k + 1];
      }
      v.writeDesc(ids[k], d);
    });
    const head = ids[0];
    this.inFlight.set(head, ids);
    v.setAvailRing(this.availShadow % this.queueSize, head);
    this.availShadow = (this.availShadow + 1) & 0xffff;
    v.setAvailIdx(this.availShadow);
    this.numAdded++;
    return head;
  }

  /**
   * Whether the device wants a notification for what was published since the last call
   * (Linux virtqueue_kick_prepare_split): avail_event with EVENT_IDX, else used.flags NO_NOTIFY.
   */
  kickPrepare(): boolean {
    const newIdx = this.availShadow;
    const oldIdx = (newIdx - this.numAdded) & 0xffff;
    this.numAdded = 0;
    if (this.eventIdx) return vringNeedEvent(this.view.availEvent(), newIdx, oldIdx);
    return (this.view.usedFlags() & VRING_USED_F_NO_NOTIFY) === 0;
  }

  /** Ask the device not to interrupt (avail.flags NO_INTERRUPT) or to interrupt again. */
  setNoInterrupt(on: boolean): void {
    const f = this.view.availFlags();
    this.view.setAvailFlags(on ? f | VRING_AVAIL_F_NO_INTERRUPT : f & ~VRING_AVAIL_F_NO_INTERRUPT);
  }

  /** Number of used elements the device has published and the driver not yet read. */
  pendingUsed(): number {
    return (this.view.usedIdx() - this.lastUsed) & 0xffff;
  }

  /**
   * Take the next used element, free its chain, and (with EVENT_IDX) move used_event along.
   * Null when the device has returned nothing new. Bad ids from the device are diagnostics.
   */
  getUsed(): VringUsedResult | null {
    const v = this.view;
    const pending = this.pendingUsed();
    if (pending === 0) return null;
    const diagnostics: Diagnostic[] = [];
    const idxAt = vringAddr(v.addrs.used, 2);
    if (pending > this.queueSize) {
      diagnostics.push(ringDiag('VRING_USED_IDX_AHEAD', idxAt, `used.idx is ${pending} entries ahead of the driver (queue size ${this.queueSize})`));
    }
    const slot = this.lastUsed % this.queueSize;
    const e = v.readUsedElem(slot);
    const at = vringAddr(v.addrs.used, 4 + 8 * slot);
    this.lastUsed = (this.lastUsed + 1) & 0xffff;
    if (e.id >= this.queueSize) {
      diagnostics.push(ringDiag('VRING_HEAD_OUT_OF_RANGE', at, `used id ${e.id} is not below the queue size ${this.queueSize}`));
    } else {
      const ids = this.inFlight.get(e.id);
      if (!ids) diagnostics.push(ringDiag('VRING_USED_ID_NOT_IN_FLIGHT', at, `used id ${e.id} is not an in-flight chain head`));
      else {
        this.inFlight.delete(e.id);
        this.free.push(...ids);
      }
    }
    if (this.eventIdx && (v.availFlags() & VRING_AVAIL_F_NO_INTERRUPT) === 0) v.setUsedEvent(this.lastUsed);
    return { id: e.id, len: e.len, diagnostics };
  }
}

function chainDesc(b: VringBufferSpec, next: number | null): VringDesc {
  return {
    addr: b.addr,
    len: b.len,
    flags: (b.write ? VRING_DESC_F_WRITE : 0) | (next === null ? 0 : VRING_DESC_F_NEXT),
    next: next ?? 0,
  };
}

/** A chain the device took from the available ring. */
export interface VringPopResult {
  /** Head descriptor index (what the device returns as used id); null when the ring was unreadable. */
  readonly head: number | null;
  readonly buffers: VringBuffer[];
  readonly diagnostics: Diagnostic[];
  /** True when the chain walk ended without an error. */
  readonly complete: boolean;
}

export interface SplitVringDeviceOptions extends SplitVringOptions, VringWalkOptions {}

/** The device side: reads the available ring and descriptors, writes the used ring. */
export class SplitVringDevice {
  readonly view: SplitVringView;
  readonly eventIdx: boolean;
  private readonly walkOpts: VringWalkOptions;
  private lastAvail = 0;
  private usedShadow = 0;
  private pushedSinceSignal = 0;

  constructor(mem: VringGuestMemory, addrs: SplitVringAddrs, queueSize: number, opts: SplitVringDeviceOptions = {}) {
    this.view = new SplitVringView(mem, addrs, queueSize);
    this.eventIdx = opts.eventIdx ?? false;
    this.walkOpts = { indirectDesc: opts.indirectDesc };
  }

  get queueSize(): number {
    return this.view.queueSize;
  }
  get lastAvailIdx(): number {
    return this.lastAvail;
  }
  get usedIdx(): number {
    return this.usedShadow;
  }

  /** Chains the driver has made available and the device not yet taken (mod 2^16). */
  availableCount(): number {
    return (this.view.availIdx() - this.lastAvail) & 0xffff;
  }

  /**
   * Take the next available chain and walk it. Null when nothing is available. A ring that
   * cannot be read gives a result with head null (and does not advance); an avail.idx more
   * than N ahead is reported but the entry is still taken, so popping until null terminates.
   */
  pop(): VringPopResult | null {
    const v = this.view;
    const diagnostics: Diagnostic[] = [];
    let count: number;
    let head: number;
    const slot = this.lastAvail % this.queueSize;
    try {
      count = this.availableCount();
      if (count === 0) return null;
      head = v.availRing(slot);
    } catch (e) {
      diagnostics.push(ringDiag('VRING_MEMORY_FAULT', v.addrs.avail, `cannot read the available ring: ${e instanceof Error ? e.message : String(e)}`));
      return { head: null, buffers: [], diagnostics, complete: false };
    }
    if (count > this.queueSize) {
      diagnostics.push(ringDiag('VRING_AVAIL_IDX_AHEAD', vringAddr(v.addrs.avail, 2), `avail.idx is ${count} entries ahead of the device (queue size ${this.queueSize})`));
    }
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (this.eventIdx) {
      try {
        v.setAvailEvent(this.lastAvail);
      } catch (e) {
        diagnostics.push(ringDiag('VRING_MEMORY_FAULT', v.addrs.used, `cannot write avail_event: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
    const w = walkSplitChain(v.mem, v.addrs.desc, this.queueSize, head, this.walkOpts);
    diagnostics.push(...w.diagnostics);
    return { head, buffers: w.buffers, diagnostics, complete: w.complete && count <= this.queueSize };
  }

  /** Return chain `head` with `len` bytes written: used.ring entry, then used.idx. */
  push(head: number, len: number): void {
    const v = this.view;
    v.writeUsedElem(this.usedShadow % this.queueSize, { id: head, len });
    this.usedShadow = (this.usedShadow + 1) & 0xffff;
    v.setUsedIdx(this.usedShadow);
    this.pushedSinceSignal++;
  }

  /** Ask the driver not to notify (used.flags NO_NOTIFY) or to notify again. */
  setNoNotify(on: boolean): void {
    const f = this.view.usedFlags();
    this.view.setUsedFlags(on ? f | VRING_USED_F_NO_NOTIFY : f & ~VRING_USED_F_NO_NOTIFY);
  }

  /**
   * Whether the driver wants an interrupt for what was pushed since the last call: used_event
   * with EVENT_IDX, else avail.flags NO_INTERRUPT.
   */
  needsInterrupt(): boolean {
    const newIdx = this.usedShadow;
    const oldIdx = (newIdx - this.pushedSinceSignal) & 0xffff;
    this.pushedSinceSignal = 0;
    if (this.eventIdx) return vringNeedEvent(this.view.usedEvent(), newIdx, oldIdx);
    return (this.view.availFlags() & VRING_AVAIL_F_NO_INTERRUPT) === 0;
  }
}
