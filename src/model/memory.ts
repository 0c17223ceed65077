// Guest RAM for the model: sparse, so a test can put a ring at 0x1_0000_0000 and a buffer
// at 0x7fff_f000 without allocating gigabytes. Pages are allocated on the first write;
// reading a page nobody wrote gives zeros, as fresh guest RAM does.
import { readU16, readU32, readU64, writeU16, writeU32, writeU64 } from '../bytes/window.js';
import type { VringGuestMemory } from '../vring/memory.js';

const PAGE_SIZE = 4096;
const PAGE_SHIFT = 12n;
const PAGE_MASK = 0xfffn;
const ADDRESS_LIMIT = 1n << 64n;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/** Sparse guest physical memory addressed by bigint (the whole 64-bit space). */
export class SparseGuestMemory implements VringGuestMemory {
  private readonly pages = new Map<bigint, Uint8Array>();

  /** Pages that have been written at least once. */
  get pageCount(): number {
    return this.pages.size;
  }

  readU8(address: bigint): number {
    const [page, off] = this.locate(address, 1);
    return page[off];
  }

  readU16(address: bigint): number {
    return this.readNumber(address, 2);
  }

  readU32(address: bigint): number {
    return this.readNumber(address, 4);
  }

  readU64(address: bigint): bigint {
    const [page, off] = this.locate(address, 8);
    if (off + 8 <= PAGE_SIZE) return readU64(page, off);
    return readU64(this.readBytes(address, 8), 0);
  }

  writeU8(address: bigint, value: number): void {
    const [page, off] = this.locate(address, 1, true);
    page[off] = value & 0xff;
  }

  writeU16(address: bigint, value: number): void {
    this.writeNumber(address, 2, value);
  }

  writeU32(address: bigint, value: number): void {
    this.writeNumber(address, 4, value);
  }

  writeU64(address: bigint, value: bigint): void {
    const [page, off] = this.locate(address, 8, true);
    if (off + 8 <= PAGE_SIZE) writeU64(page, off, value);
    else {
      const tmp = new Uint8Array(8);
      writeU64(tmp, 0, value);
      this.writeBytes(address, tmp);
    }
  }

  /** Read 1, 2 or 4 bytes little-endian (what a bus access does). */
  readWidth(address: bigint, width: 1 | 2 | 4): number {
    return width === 1 ? this.readU8(address) : this.readNumber(address, width);
  }

  writeWidth(address: bigint, width: 1 | 2 | 4, value: number): void {
    if (width === 1) this.writeU8(address, value);
    else this.writeNumber(address, width, value);
  }

  /** VringGuestMemory: a copy of `len` bytes. */
  read(addr: bigint, len: number): Uint8Array {
    return this.readBytes(addr, len);
  }

  /** VringGuestMemory: store `data` at `addr`. */
  write(addr: bigint, data: Uint8Array): void {
    this.writeBytes(addr, data);
  }

  /** A copy of `length` bytes starting at `address`. */
  readBytes(address: bigint, length: number): Uint8Array {
    checkRange(address, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = address + BigInt(done);
      const off = Number(a & PAGE_MASK);
      const n = Math.min(PAGE_SIZE - off, length - done);
      const page = this.pages.get(a >> PAGE_SHIFT);
      if (page) out.set(page.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  writeBytes(address: bigint, data: Uint8Array): void {
    checkRange(address, data.length);
    let done = 0;
    while (done < data.length) {
      const a = address + BigInt(done);
      const off = Number(a & PAGE_MASK);
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      this.page(a >> PAGE_SHIFT).set(data.subarray(done, done + n), off);
      done += n;
    }
  }

  /** Set `length` bytes to `value`. */
  fill(address: bigint, length: number, value = 0): void {
    this.writeBytes(address, new Uint8Array(length).fill(value));
  }

  private readNumber(address: bigint, width: 2 | 4): number {
    const [page, off] = this.locate(address, width);
    if (off + width <= PAGE_SIZE) return width === 2 ? readU16(page, off) : readU32(page, off);
    const b = this.readBytes(address, width);
    return width === 2 ? readU16(b, 0) : readU32(b, 0);
  }

  private writeNumber(address: bigint, width: 2 | 4, value: number): void {
    const [page, off] = this.locate(address, width, true);
    if (off + width <= PAGE_SIZE) {
      if (width === 2) writeU16(page, off, value);
      else writeU32(page, off, value);
      return;
    }
    const b = new Uint8Array(width);
    if (width === 2) writeU16(b, 0, value);
    else writeU32(b, 0, value);
    this.writeBytes(address, b);
  }

  /** The page holding `address` (the shared zero page when reading an untouched one). */
  private locate(address: bigint, width: number, forWrite = false): [Uint8Array, number] {
    checkRange(address, width);
    const key = address >> PAGE_SHIFT;
    const off = Number(address & PAGE_MASK);
    if (forWrite) return [this.page(key), off];
    return [this.pages.get(key) ?? ZERO_PAGE, off];
  }

  private page(key: bigint): Uint8Array {
    let p = this.pages.get(key);
    if (!p) {
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(key, p);
    }
    return p;
  }
}

function checkRange(address: bigint, length: number): void {
  if (typeof address !== 'bigint' || address < 0n || address + BigInt(length) > ADDRESS_LIMIT) {
    throw new RangeError(`guest memory access of ${length} bytes at ${String(address)} is outside the 64-bit address space`);
  }
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad guest memory length ${length}`);
}
