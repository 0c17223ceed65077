// A PCI bus of model functions: config accesses go to the function at the address (absent
// functions read all-ones), memory and I/O accesses to whichever function's BAR decodes them
// as currently programmed, and everything else to guest RAM (memory) or nowhere (I/O).
// The Bus methods are async; the model underneath is synchronous.
import type { AccessWidth, Bus, PciAddress } from '../pci/bus.js';
import type { VirtioPciDevice } from './device.js';
import { SparseGuestMemory } from './memory.js';

/** Anything that can sit on a ModelBus: a VirtioPciDevice, or another function model. */
export interface ModelFunction {
  configRead(offset: number, width: AccessWidth): number;
  configWrite(offset: number, width: AccessWidth, value: number): void;
  decode(space: 'mem' | 'io', address: bigint): { index: number; offset: number } | null;
  barRead(index: number, offset: number, width: AccessWidth): number;
  barWrite(index: number, offset: number, width: AccessWidth, value: number): void;
}

const key = (a: PciAddress) => `${a.domain}:${a.bus}:${a.device}.${a.function}`;
const ALL_ONES = (w: AccessWidth) => (w === 4 ? 0xffffffff : (1 << (8 * w)) - 1);

export class ModelBus implements Bus {
  readonly ram: SparseGuestMemory;
  private readonly functions = new Map<string, { address: PciAddress; fn: ModelFunction }>();

  constructor(ram: SparseGuestMemory = new SparseGuestMemory()) {
    this.ram = ram;
  }

  /** Plug a function in at `address`. */
  attach(address: PciAddress, fn: ModelFunction): void {
    const k = key(address);
    if (this.functions.has(k)) throw new Error(`a function is already at ${k}`);
    this.functions.set(k, { address, fn });
  }

  /** Plug a virtio device in; it must use this bus's RAM for its rings. */
  attachVirtio(address: PciAddress, dev: VirtioPciDevice): void {
    if (dev.memory !== this.ram) throw new Error('the device reads rings from another memory than this bus');
    this.attach(address, dev);
  }

  /**
   * Config accesses reach all 4096 bytes, as through ECAM (so a driver reads the extended
   * space of functions with a PCI Express capability); past a 256-byte function's end,
   * reads return all-ones.
   */
  get configSpaceSize(): 4096 {
    return 4096;
  }

  get addresses(): PciAddress[] {
    return [...this.functions.values()].map((f) => f.address);
  }

  functionAt(address: PciAddress): ModelFunction | undefined {
    return this.functions.get(key(address))?.fn;
  }

  // ---- synchronous access (what the async methods call) ----

  configReadSync(address: PciAddress, offset: number, width: AccessWidth): number {
    const f = this.functionAt(address);
    return f ? f.configRead(offset, width) : ALL_ONES(width);
  }

  configWriteSync(address: PciAddress, offset: number, width: AccessWidth, value: number): void {
    this.functionAt(address)?.configWrite(offset, width, value);
  }

  memReadSync(address: bigint, width: AccessWidth): number {
    const hit = this.decode('mem', address);
    return hit ? hit.fn.barRead(hit.index, hit.offset, width) : this.ram.readWidth(address, width);
  }

  memWriteSync(address: bigint, width: AccessWidth, value: number): void {
    const hit = this.decode('mem', address);
    if (hit) hit.fn.barWrite(hit.index, hit.offset, width, value);
    else this.ram.writeWidth(address, width, value);
  }

  ioReadSync(port: number, width: AccessWidth): number {
    const hit = this.decode('io', BigInt(port));
    return hit ? hit.fn.barRead(hit.index, hit.offset, width) : ALL_ONES(width);
  }

  ioWriteSync(port: number, width: AccessWidth, value: number): void {
    const hit = this.decode('io', BigInt(port));
    hit?.fn.barWrite(hit.index, hit.offset, width, value);
  }

  private decode(space: 'mem' | 'io', address: bigint): { fn: ModelFunction; index: number; offset: number } | null {
    for (const { fn } of this.functions.values()) {
      const d = fn.decode(space, address);
      if (d) return { fn, index: d.index, offset: d.offset };
    }
    return null;
  }

  // ---- Bus ----

  async configRead(fn: PciAddress, offset: number, width: AccessWidth): Promise<number> {
    return this.configReadSync(fn, offset, width);
  }

  async configWrite(fn: PciAddress, offset: number, width: AccessWidth, value: number): Promise<void> {
    this.configWriteSync(fn, offset, width, value);
  }

  async memRead(address: bigint, width: AccessWidth): Promise<number> {
    return this.memReadSync(address, width);
  }

  async memWrite(address: bigint, width: AccessWidth, value: number): Promise<void> {
    this.memWriteSync(address, width, value);
  }

  /** Bulk access: byte by byte through BARs where a BAR decodes the range, RAM otherwise. */
  async memReadBytes(address: bigint, length: number): Promise<Uint8Array> {
    if (!this.overlapsBar(address, length)) return this.ram.readBytes(address, length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.memReadSync(address + BigInt(i), 1);
    return out;
  }

  async memWriteBytes(address: bigint, data: Uint8Array): Promise<void> {
    if (!this.overlapsBar(address, data.length)) {
      this.ram.writeBytes(address, data);
      return;
    }
    for (let i = 0; i < data.length; i++) this.memWriteSync(address + BigInt(i), 1, data[i]);
  }

  async ioRead(port: number, width: AccessWidth): Promise<number> {
    return this.ioReadSync(port, width);
  }

  async ioWrite(port: number, width: AccessWidth, value: number): Promise<void> {
    this.ioWriteSync(port, width, value);
  }

  private overlapsBar(address: bigint, length: number): boolean {
    if (length === 0) return false;
    for (const { fn } of this.functions.values()) {
      const bars = (fn as Partial<VirtioPciDevice>).programmedBars?.();
      if (!bars) {
        // Unknown function kind: be exact, one decode per byte.
        for (let i = 0; i < length; i++) if (fn.decode('mem', address + BigInt(i))) return true;
        continue;
      }
      for (const b of bars) {
        if (b.kind === 'io' || b.base === 0n) continue;
        if (address < b.base + b.size && b.base < address + BigInt(length)) {
          if (fn.decode('mem', b.base)) return true;
        }
      }
    }
    return false;
  }
}
