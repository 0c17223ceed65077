// Descriptor chain walkers. They read whatever the driver left in guest memory, so every
// malformation is a diagnostic and every walk terminates: a direct chain cannot visit more
// than N descriptors without repeating one, and no chain may yield more than N buffers.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { VRING_DIAGNOSTICS, type VringDiagnosticCode } from './diagnostics.js';
import { vringAddr, vringDiagOffset, type VringGuestMemory } from './memory.js';
import { vringPackedDesc, VRING_PACKED_DESC_F_AVAIL, VRING_PACKED_DESC_F_USED, type VringPackedDesc } from './packed-structs.js';
import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE, vringDesc, type VringDesc } from './split-structs.js';

/** One buffer of a chain, in chain order. */
export interface VringBuffer {
  readonly addr: bigint;
  readonly len: number;
  /** Device-writable (WRITE flag). */
  readonly write: boolean;
}

export interface VringChainWalk {
  readonly buffers: VringBuffer[];
  readonly diagnostics: Diagnostic[];
  /** True when no error stopped the walk (non-fatal errors and warnings may still be present). */
  readonly complete: boolean;
  /** Whether the chain went through an indirect table. */
  readonly indirect: boolean;
}

export interface VringWalkOptions {
  /** VIRTIO_F_INDIRECT_DESC negotiated. Default true. */
  readonly indirectDesc?: boolean;
}

const TWO_64 = 1n << 64n;
const TWO_32 = 2 ** 32;

/** Accumulates buffers with the checks common to split and packed chains. */
class ChainBuilder {
  readonly buffers: VringBuffer[] = [];
  readonly diagnostics: Diagnostic[] = [];
  complete = true;
  indirect = false;
  private seenWrite = false;
  private warnedOrder = false;
  private total = 0;
  private warnedTotal = false;

  constructor(readonly maxBuffers: number) {}

  stop(code: VringDiagnosticCode, at: bigint | null, message: string): VringChainWalk {
    this.report(code, at, message);
    this.complete = false;
    return this.result();
  }

  report(code: VringDiagnosticCode, at: bigint | null, message: string): void {
    this.diagnostics.push(diag(VRING_DIAGNOSTICS, code, at === null ? null : vringDiagOffset(at), message));
  }

  /** Add a buffer; false (with a diagnostic) when the chain is already at its limit. */
  add(addr: bigint, len: number, write: boolean, at: bigint): boolean {
    if (this.buffers.length >= this.maxBuffers) {
      this.stop('VRING_CHAIN_TOO_LONG', at, `chain has more than ${this.maxBuffers} buffers`);
      return false;
    }
    if (!write && this.seenWrite && !this.warnedOrder) {
      this.warnedOrder = true;
      this.report('VRING_WRITE_BEFORE_READ', at, `device-readable buffer at ${hex(addr)} follows a device-writable one`);
    }
    if (write) this.seenWrite = true;
    if (addr + BigInt(len) > TWO_64) this.report('VRING_BUFFER_WRAPS', at, `buffer ${hex(addr)}+${hex(len)} runs past 2^64`);
    this.total += len;
    if (this.total >= TWO_32 && !this.warnedTotal) {
      this.warnedTotal = true;
      this.report('VRING_CHAIN_BYTES_OVERFLOW', at, `chain buffers add up to ${this.total} bytes (limit 2^32 - 1)`);
    }
    this.buffers.push({ addr, len, write });
    return true;
  }

  result(): VringChainWalk {
    return { buffers: this.buffers, diagnostics: this.diagnostics, complete: this.complete, indirect: this.indirect };
  }
}

function readDesc<T>(mem: VringGuestMemory, s: { decode(b: Uint8Array, at?: number): T }, at: bigint): T | string {
  try {
    return s.decode(mem.read(at, 16), 0);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Checks an INDIRECT descriptor; returns the table's entry count, or null after stopping the walk. */
function enterIndirect(c: ChainBuilder, d: { addr: bigint; len: number; flags: number }, at: bigint, nested: boolean, opts: VringWalkOptions): number | null {
  if (nested) {
    c.stop('VRING_INDIRECT_NESTED', at, `descriptor at ${hex(at)} inside an indirect table has INDIRECT set`);
    return null;
  }
  if (opts.indirectDesc === false) {
    c.stop('VRING_INDIRECT_NOT_NEGOTIATED', at, `descriptor at ${hex(at)} has INDIRECT set without VIRTIO_F_INDIRECT_DESC`);
    return null;
  }
  if (d.flags & VRING_DESC_F_NEXT) c.report('VRING_INDIRECT_WITH_NEXT', at, `indirect descriptor at ${hex(at)} also has NEXT set; NEXT ignored`);
  if (d.len === 0) {
    c.stop('VRING_INDIRECT_EMPTY', at, `indirect descriptor at ${hex(at)} has length 0`);
    return null;
  }
  if (d.len % 16 !== 0) {
    c.stop('VRING_INDIRECT_LEN_UNALIGNED', at, `indirect table length ${d.len} at ${hex(at)} is not a multiple of 16`);
    return null;
  }
  c.indirect = true;
  return d.len / 16;
}

/**
 * Walk the split chain starting at descriptor `head` of the table at `descTable` (N = queueSize
 * entries): follows NEXT, enters one INDIRECT table, returns the buffers in order. Never throws
 * on memory contents; memory that cannot be read ends the walk with VRING_MEMORY_FAULT.
 */
export function walkSplitChain(mem: VringGuestMemory, descTable: bigint, queueSize: number, head: number, opts: VringWalkOptions = {}): VringChainWalk {
  const c = new ChainBuilder(queueSize);
  if (!Number.isInteger(head) || head < 0 || head >= queueSize) {
    return c.stop('VRING_HEAD_OUT_OF_RANGE', null, `chain head ${head} is not below the queue size ${queueSize}`);
  }
  let table = descTable;
  let tableSize = queueSize;
  let nested = false;
  // Direct descriptors: a bitmap of N; indirect ones: a set, as the table may be huge but the
  // buffer limit bounds how many entries are ever visited.
  const seenDirect = new Uint8Array(queueSize);
  const seenIndirect = new Set<number>();
  let i = head;
  for (;;) {
    const at = vringAddr(table, 16 * i);
    if (nested ? seenIndirect.has(i) : seenDirect[i]) {
      return c.stop('VRING_DESC_LOOP', at, `descriptor ${i}${nested ? ' of the indirect table' : ''} is visited twice`);
    }
    if (nested) seenIndirect.add(i);
    else seenDirect[i] = 1;
    const d = readDesc<VringDesc>(mem, vringDesc, at);
    if (typeof d === 'string') return c.stop('VRING_MEMORY_FAULT', at, `cannot read descriptor at ${hex(at)}: ${d}`);
    if (d.flags & VRING_DESC_F_INDIRECT) {
      const count = enterIndirect(c, d, at, nested, opts);
      if (count === null) return c.result();
      table = d.addr;
      tableSize = count;
      nested = true;
      i = 0;
      continue;
    }
    if (!c.add(d.addr, d.len, (d.flags & VRING_DESC_F_WRITE) !== 0, at)) return c.result();
    if (!(d.flags & VRING_DESC_F_NEXT)) return c.result();
    if (d.next >= tableSize) {
      return c.stop('VRING_NEXT_OUT_OF_RANGE', at, `descriptor at ${hex(at)} names next ${d.next}, table has ${tableSize} entries`);
    }
    i = d.next;
  }
}

export interface PackedChainWalk extends VringChainWalk {
  /** Buffer id (from the chain's last ring descriptor), or null when none was read. */
  readonly id: number | null;
  /** Ring descriptors the chain occupies: how far the device advances its index. */
  readonly ringDescriptors: number;
  /** The device's avail wrap counter after the chain. */
  readonly wrapCounter: boolean;
}

export interface PackedWalkOptions extends VringWalkOptions {
  /**
   * When given, every ring descriptor of the chain must be available for this wrap counter
   * (flipping at the ring's end); otherwise the walk stops with VRING_PACKED_DESC_NOT_AVAIL.
   */
  readonly wrapCounter?: boolean;
}

function packedAvail(flags: number, wrap: boolean): boolean {
  return ((flags & VRING_PACKED_DESC_F_AVAIL) !== 0) === wrap && ((flags & VRING_PACKED_DESC_F_USED) !== 0) !== wrap;
}

/**
 * Walk the packed chain starting at ring slot `start`: consecutive descriptors while NEXT is
 * set (wrapping at the ring's end), an INDIRECT descriptor's table read sequentially.
 */
export function walkPackedChain(mem: VringGuestMemory, ring: bigint, queueSize: number, start: number, opts: PackedWalkOptions = {}): PackedChainWalk {
  const c = new ChainBuilder(queueSize);
  let wrap = opts.wrapCounter ?? true;
  let id: number | null = null;
  let ringDescriptors = 0;
  const done = (): PackedChainWalk => ({ ...c.result(), id, ringDescriptors, wrapCounter: wrap });
  if (!Number.isInteger(start) || start < 0 || start >= queueSize) {
    c.stop('VRING_HEAD_OUT_OF_RANGE', null, `chain start ${start} is not below the queue size ${queueSize}`);
    return done();
  }
  let i = start;
  for (;;) {
    const at = vringAddr(ring, 16 * i);
    if (ringDescriptors >= queueSize) {
      c.stop('VRING_CHAIN_TOO_LONG', at, `chain runs through all ${queueSize} ring descriptors`);
      return done();
    }
    const d = readDesc<VringPackedDesc>(mem, vringPackedDesc, at);
    if (typeof d === 'string') {
      c.stop('VRING_MEMORY_FAULT', at, `cannot read descriptor at ${hex(at)}: ${d}`);
      return done();
    }
    if (opts.wrapCounter !== undefined && !packedAvail(d.flags, wrap)) {
      c.stop('VRING_PACKED_DESC_NOT_AVAIL', at, `descriptor ${i} is not available for wrap counter ${wrap ? 1 : 0}`);
      return done();
    }
    ringDescriptors++;
    id = d.id;
    if (++i === queueSize) {
      i = 0;
      wrap = !wrap;
    }
    if (d.flags & VRING_DESC_F_INDIRECT) {
      const count = enterIndirect(c, d, at, false, opts);
      if (count === null) return done();
      // Indirect entries are sequential; their NEXT flags carry no meaning.
      for (let k = 0; k < count; k++) {
        const ia = vringAddr(d.addr, 16 * k);
        const e = readDesc<VringPackedDesc>(mem, vringPackedDesc, ia);
        if (typeof e === 'string') {
          c.stop('VRING_MEMORY_FAULT', ia, `cannot read indirect descriptor at ${hex(ia)}: ${e}`);
          return done();
        }
        if (e.flags & VRING_DESC_F_INDIRECT) {
          enterIndirect(c, e, ia, true, opts);
          return done();
        }
        if (!c.add(e.addr, e.len, (e.flags & VRING_DESC_F_WRITE) !== 0, ia)) return done();
      }
      return done();
    }
    if (!c.add(d.addr, d.len, (d.flags & VRING_DESC_F_WRITE) !== 0, at)) return done();
    if (!(d.flags & VRING_DESC_F_NEXT)) return done();
  }
}
