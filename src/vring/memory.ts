// Guest memory as the rings see it: byte reads and writes at 64-bit guest-physical addresses.
// The device model supplies a sparse paged implementation; VringFlatMemory is the simple one.
import { readU16, readU32, readU64, writeU16, writeU32, writeU64 } from '../bytes/window.js';

/**
 * What a ring view needs from guest memory. `read` returns a copy of `len` bytes; both may
 * throw (any Error, VringMemoryFault preferred) when the range is not backed: the device-side
 * code turns that into a VRING_MEMORY_FAULT diagnostic instead of crashing.
 */
export interface VringGuestMemory {
  read(addr: bigint, len: number): Uint8Array;
  write(addr: bigint, data: Uint8Array): void;
}

/** Thrown by memory implementations for an access outside what they back. */
export class VringMemoryFault extends RangeError {
  readonly addr: bigint;
  readonly len: number;
  constructor(addr: bigint, len: number, what = 'guest memory') {
    super(`${len} bytes at 0x${addr.toString(16)} are outside ${what}`);
    this.name = 'VringMemoryFault';
    this.addr = addr;
    this.len = len;
  }
}

/** One contiguous block of guest memory: `bytes` mapped at guest address `base`. */
export class VringFlatMemory implements VringGuestMemory {
  readonly bytes: Uint8Array;
  readonly base: bigint;

  constructor(bytes: Uint8Array, base: bigint = 0n) {
    this.bytes = bytes;
    this.base = base;
  }

  /** True when `[addr, addr + len)` lies inside this block. */
  contains(addr: bigint, len: number): boolean {
    return addr >= this.base && len >= 0 && addr - this.base + BigInt(len) <= BigInt(this.bytes.length);
  }

  private offset(addr: bigint, len: number): number {
    if (!this.contains(addr, len)) throw new VringMemoryFault(addr, len, `[0x${this.base.toString(16)}, +${this.bytes.length})`);
    return Number(addr - this.base);
  }

  read(addr: bigint, len: number): Uint8Array {
    const o = this.offset(addr, len);
    return this.bytes.slice(o, o + len);
  }

  write(addr: bigint, data: Uint8Array): void {
    this.bytes.set(data, this.offset(addr, data.length));
  }
}

// Little-endian scalar helpers over any VringGuestMemory.
export function vringReadU16(m: VringGuestMemory, addr: bigint): number {
  return readU16(m.read(addr, 2), 0);
}
export function vringReadU32(m: VringGuestMemory, addr: bigint): number {
  return readU32(m.read(addr, 4), 0);
}
export function vringReadU64(m: VringGuestMemory, addr: bigint): bigint {
  return readU64(m.read(addr, 8), 0);
}
export function vringWriteU16(m: VringGuestMemory, addr: bigint, v: number): void {
  const b = new Uint8Array(2);
  writeU16(b, 0, v);
  m.write(addr, b);
}
export function vringWriteU32(m: VringGuestMemory, addr: bigint, v: number): void {
  const b = new Uint8Array(4);
  writeU32(b, 0, v);
  m.write(addr, b);
}
export function vringWriteU64(m: VringGuestMemory, addr: bigint, v: bigint): void {
  const b = new Uint8Array(8);
  writeU64(b, 0, v);
  m.write(addr, b);
}

/** A guest address as a diagnostic offset: exact when it fits a JS number, else null. */
export function vringDiagOffset(addr: bigint): number | null {
  return addr >= 0n && addr <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(addr) : null;
}

/** Guest address arithmetic stays in 64 bits, like the hardware's. */
export function vringAddr(base: bigint, offset: number | bigint): bigint {
  return BigInt.asUintN(64, base + BigInt(offset));
}
