// Guest RAM as the driver sees it through a Bus. Rings are plain memory the driver and the
// device share; the vring layer's driver classes are synchronous, so they work on a local
// mirror whose writes are queued and sent to the Bus in order (flush), and whose
// device-written parts are read back from the Bus before they are looked at (refresh).
import type { Bus } from '../pci/bus.js';
import { VringMemoryFault, type VringGuestMemory } from '../vring/memory.js';

const PAGE = 4096n;

/** Bump allocator over a window of guest-physical memory. */
export class GuestRamAllocator {
  private next: bigint;

  constructor(
    readonly base: bigint = 0x10_0000n,
    /** Exclusive end of the window. */
    readonly limit: bigint = 0x1000_0000n,
  ) {
    if (base < 0n || limit <= base) throw new RangeError(`empty guest memory window 0x${base.toString(16)}..0x${limit.toString(16)}`);
    this.next = base;
  }

  /** Bytes handed out so far (padding included). */
  get used(): bigint {
    return this.next - this.base;
  }

  /** `size` bytes aligned to `align` (a power of two), or null when the window is full. */
  alloc(size: number | bigint, align: number | bigint = 16): bigint | null {
    const a = BigInt(align);
    const n = BigInt(size);
    if (a <= 0n || (a & (a - 1n)) !== 0n) throw new RangeError(`alignment ${a} is not a power of two`);
    if (n < 0n) throw new RangeError(`negative size ${n}`);
    const at = (this.next + a - 1n) & ~(a - 1n);
    if (at + n > this.limit) return null;
    this.next = at + n;
    return at;
  }
}

/**
 * A write-back mirror of guest memory over a Bus: `write` lands in the mirror and in a queue,
 * `flush` sends the queue to the Bus in order (adjacent writes merged), `refresh` re-reads a
 * range from the Bus. Reading a byte never written nor refreshed is a fault, so a forgotten
 * refresh shows up instead of returning stale zeros.
 */
export class BusMirrorMemory implements VringGuestMemory {
  private readonly pages = new Map<bigint, { bytes: Uint8Array; known: Uint8Array }>();
  private pending: Array<{ addr: bigint; data: Uint8Array }> = [];
  /** Bus writes issued by flush (after merging), for reports and tests. */
  busWrites = 0;

  constructor(readonly bus: Bus) {}

  private page(p: bigint, create: boolean) {
    let pg = this.pages.get(p);
    if (!pg && create) this.pages.set(p, (pg = { bytes: new Uint8Array(Number(PAGE)), known: new Uint8Array(Number(PAGE)) }));
    return pg;
  }

  private store(addr: bigint, data: Uint8Array): void {
    for (let i = 0; i < data.length; ) {
      const a = addr + BigInt(i);
      const p = a / PAGE;
      const off = Number(a % PAGE);
      const n = Math.min(data.length - i, Number(PAGE) - off);
      const pg = this.page(p, true)!;
      pg.bytes.set(data.subarray(i, i + n), off);
      pg.known.fill(1, off, off + n);
      i += n;
    }
  }

  read(addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; ) {
      const a = addr + BigInt(i);
      const off = Number(a % PAGE);
      const n = Math.min(len - i, Number(PAGE) - off);
      const pg = this.page(a / PAGE, false);
      if (!pg || pg.known.subarray(off, off + n).includes(0)) throw new VringMemoryFault(addr, len, 'the driver mirror (never written nor refreshed)');
      out.set(pg.bytes.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  write(addr: bigint, data: Uint8Array): void {
    const copy = data.slice();
    this.store(addr, copy);
    const last = this.pending[this.pending.length - 1];
    if (last && last.addr + BigInt(last.data.length) === addr) {
      const merged = new Uint8Array(last.data.length + copy.length);
      merged.set(last.data);
      merged.set(copy, last.data.length);
      last.data = merged;
    } else this.pending.push({ addr, data: copy });
  }

  /** Queued writes not yet sent. */
  get pendingWrites(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    const list = this.pending;
    this.pending = [];
    for (const w of list) {
      await this.bus.memWriteBytes(w.addr, w.data);
      this.busWrites++;
    }
  }

  /** Flush, then replace the mirror of `[addr, addr + len)` with what the Bus holds. */
  async refresh(addr: bigint, len: number): Promise<void> {
    await this.flush();
    this.store(addr, await this.bus.memReadBytes(addr, len));
  }
}
