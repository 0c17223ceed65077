// Base address registers of a model function. The writable bits of a BAR are the address
// bits above its size, so writing all-ones reads back ~(size-1) with the flag bits: BAR
// sizing falls out of the write mask, as on hardware. A 64-bit BAR's upper dword is
// writable in full (sizes below 4 GiB) and its size mask continues there for larger ones.
import { PCI_BASE_ADDRESS_0, PCI_ROM_ADDRESS } from '../pci/header-regs.js';
import type { ConfigSpaceModel } from './config-space.js';

export type ModelBarKind = 'mem32' | 'mem64' | 'io';

export interface ModelBar {
  /** BAR number 0..5 (a 64-bit BAR also takes index + 1). */
  readonly index: number;
  readonly kind: ModelBarKind;
  readonly prefetchable?: boolean;
  /** Power of two: at least 16 for memory, 4 for I/O. */
  readonly size: bigint;
}

/** A BAR as the guest has programmed it. */
export interface ProgrammedBar extends ModelBar {
  /** Base address with the flag bits masked off (0 means not assigned yet). */
  readonly base: bigint;
}

const BAR0 = PCI_BASE_ADDRESS_0;

/** The read-only low bits of a BAR register: space, type, prefetchable. */
export function modelBarFlags(b: ModelBar): number {
  if (b.kind === 'io') return 0x1;
  return (b.kind === 'mem64' ? 0x4 : 0) | (b.prefetchable ? 0x8 : 0);
}

/** Throws on a BAR description no device could have (a programming error, not data). */
export function checkModelBars(bars: readonly ModelBar[]): void {
  const used = new Set<number>();
  for (const b of bars) {
    const slots = b.kind === 'mem64' ? [b.index, b.index + 1] : [b.index];
    for (const s of slots) {
      if (!Number.isInteger(s) || s < 0 || s > 5) throw new RangeError(`BAR ${b.index} (${b.kind}) does not fit in slots 0..5`);
      if (used.has(s)) throw new RangeError(`BAR slot ${s} used twice`);
      used.add(s);
    }
    const min = b.kind === 'io' ? 4n : 16n;
    const max = b.kind === 'io' ? 1n << 16n : b.kind === 'mem32' ? 1n << 31n : 1n << 63n;
    if (b.size < min || b.size > max || (b.size & (b.size - 1n)) !== 0n) {
      throw new RangeError(`BAR ${b.index} size ${b.size} is not a power of two in ${min}..${max}`);
    }
    if (b.kind === 'io' && b.prefetchable) throw new RangeError(`I/O BAR ${b.index} cannot be prefetchable`);
  }
}

/**
 * Write the BAR registers' initial values (flags, address 0) and their write masks into
 * `space`. Unimplemented BAR slots and the expansion ROM register become read-only zero.
 */
export function installModelBars(space: ConfigSpaceModel, bars: readonly ModelBar[]): void {
  checkModelBars(bars);
  for (let i = 0; i < 6; i++) {
    space.poke(BAR0 + 4 * i, 4, 0);
    space.setMasks(BAR0 + 4 * i, 4, {});
  }
  space.poke(PCI_ROM_ADDRESS, 4, 0);
  space.setMasks(PCI_ROM_ADDRESS, 4, {});
  for (const b of bars) {
    const at = BAR0 + 4 * b.index;
    space.poke(at, 4, modelBarFlags(b));
    const low = b.kind === 'io' ? 0x3n : 0xfn;
    const addrMask = ~(b.size - 1n) & ~low;
    space.setMasks(at, 4, { write: addrMask & 0xffffffffn });
    if (b.kind === 'mem64') space.setMasks(at + 4, 4, { write: (addrMask >> 32n) & 0xffffffffn });
  }
}

/** Current base of each BAR, from the registers (flag bits masked). */
export function programmedModelBars(space: ConfigSpaceModel, bars: readonly ModelBar[]): ProgrammedBar[] {
  return bars.map((b) => {
    const at = BAR0 + 4 * b.index;
    const lo = BigInt(space.peek(at, 4));
    let base: bigint;
    if (b.kind === 'io') base = lo & ~0x3n;
    else if (b.kind === 'mem64') base = ((BigInt(space.peek(at + 4, 4)) << 32n) | lo) & ~0xfn;
    else base = lo & ~0xfn;
    return { ...b, base };
  });
}
