// Helpers shared by the image generators: BAR register values, the header written through the
// PCI layer's header tables, and a capability chain laid out in config space (list order and
// placement order chosen independently, pointers linked in list order).
import { pciHeaderType0, pciHeaderType1, type PciHeaderType0, type PciHeaderType1 } from '../pci/header.js';

export type ArbBarKind = 'io' | 'mem32' | 'mem1m' | 'mem64';

/** A BAR as the generators describe it: what the decoder must find. */
export interface ArbBar {
  readonly index: number;
  readonly kind: ArbBarKind;
  readonly prefetchable: boolean;
  /** Base address (aligned to `size`). */
  readonly address: bigint;
  /** Power of two; I/O BARs at most 256 bytes, mem1m BARs below 1 MiB. */
  readonly size: bigint;
}

/** The register value(s) of a BAR: low dword, and the high dword of a 64-bit BAR. */
export function barRegisters(b: Pick<ArbBar, 'kind' | 'address' | 'prefetchable'>): [number, number | null] {
  const pf = b.prefetchable ? 8 : 0;
  if (b.kind === 'io') return [(Number(b.address & 0xfffffffcn) | 1) >>> 0, null];
  if (b.kind === 'mem32') return [(Number(b.address & 0xfffffff0n) | pf) >>> 0, null];
  if (b.kind === 'mem1m') return [(Number(b.address & 0xfffff0n) | 2 | pf) >>> 0, null];
  return [(Number(b.address & 0xfffffff0n) | 4 | pf) >>> 0, Number((b.address >> 32n) & 0xffffffffn)];
}

/** BAR register fields (`bar0`..) of a header value for `bars`. */
export function barFields(bars: readonly ArbBar[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of bars) {
    const [lo, hi] = barRegisters(b);
    out[`bar${b.index}`] = lo;
    if (hi !== null) out[`bar${b.index + 1}`] = hi;
  }
  return out;
}

/** Write a type 0 header over `img` (zero for every field not given). */
export function writeType0Header(img: Uint8Array, v: Partial<PciHeaderType0>): void {
  pciHeaderType0.encode({ ...pciHeaderType0.zero(), ...v }, img, 0);
}

/** Write a type 1 header over `img` (zero for every field not given). */
export function writeType1Header(img: Uint8Array, v: Partial<PciHeaderType1>): void {
  pciHeaderType1.encode({ ...pciHeaderType1.zero(), ...v }, img, 0);
}

/** A place for `n` capabilities: list order is the caller's; placement order and gaps are free. */
export interface ChainPlan {
  /** A permutation of 0..n-1: the order in which capabilities are placed upwards from `start`. */
  readonly placement: readonly number[];
  /** Dwords left free before each placed capability (dropped when they would not fit). */
  readonly gaps: readonly number[];
}

/**
 * Put `blobs` (capabilities in list order, byte 1 = next pointer) into `img` between `start`
 * and `end`, 4-byte aligned, in the plan's placement order. Links the list in blob order and
 * returns each blob's offset (list order), or null when they do not fit.
 */
export function placeCapChain(img: Uint8Array, blobs: readonly Uint8Array[], plan: ChainPlan | null, start = 0x40, end = 0x100): number[] | null {
  const n = blobs.length;
  const order = plan && plan.placement.length === n ? plan.placement : blobs.map((_, i) => i);
  const room = (withGaps: boolean) => {
    let pos = start;
    const at = new Array<number>(n);
    order.forEach((li, k) => {
      pos += withGaps ? 4 * (plan?.gaps[k] ?? 0) : 0;
      at[li] = pos;
      pos += (blobs[li].length + 3) & ~3;
    });
    return { at, pos };
  };
  let r = room(true);
  if (r.pos > end) r = room(false);
  if (r.pos > end) return null;
  blobs.forEach((b, i) => {
    img.set(b, r.at[i]);
    img[r.at[i] + 1] = i + 1 < n ? r.at[i + 1] : 0;
  });
  return r.at;
}

export const alignUp = (n: bigint, a: bigint): bigint => ((n + a - 1n) / a) * a;

/** Smallest power of two ≥ n and ≥ min. */
export function pow2AtLeast(n: bigint, min = 16n): bigint {
  let p = min;
  while (p < n) p <<= 1n;
  return p;
}
