// Raw BAR registers of a header, any value a dump can hold, built slot by slot from what each
// slot is meant to be: unused (0 or all-ones), I/O, 32-bit, below 1 MiB, the reserved memory
// type 3, or 64-bit (with its upper half in the next register, or alone in the last slot).
// Every 32-bit register value can come out. The facts are the BARs a reader of the registers
// must find (PCI Local Bus spec 6.2.5.1, and pciutils' reading of dumps: 0 and all-ones are
// unused, sizes are not in config space).
import fc from 'fast-check';
import { pciHeaderType0, pciHeaderType1 } from '../pci/header.js';
import { printable, showFactsAndBytes } from './show.js';

/** What a slot is drawn to be. */
export type BarSlotKind = 'zero' | 'ones' | 'io' | 'mem32' | 'mem1m' | 'reserved' | 'mem64';

/** A BAR the registers hold, as a decoder must report it. */
export interface BarRegisterFact {
  readonly index: number;
  /** The reserved memory type 3 is read as 32-bit (see `reservedType`). */
  readonly kind: 'io' | 'mem32' | 'mem1m' | 'mem64';
  readonly address: bigint;
  readonly prefetchable: boolean;
  /** The upper register of a 64-bit BAR; null for other kinds and for a 64-bit BAR in the last slot. */
  readonly rawUpper: number | null;
}

export interface BarRegistersFacts {
  readonly headerType: 0 | 1;
  /** The BARs, by index; unused registers and upper halves give none. */
  readonly bars: readonly BarRegisterFact[];
  /** The slot of a 64-bit BAR with no register left for its upper half, or null. */
  readonly lastSlot64: number | null;
  /** Slots whose memory type is the reserved 3. */
  readonly reservedType: readonly number[];
}

export interface GeneratedBarRegisters {
  /** The registers, one per slot (6 for type 0, 2 for type 1). */
  readonly registers: readonly number[];
  /** A 64-byte header: zero but for the header type and the BAR registers. */
  readonly bytes: Uint8Array;
  readonly facts: BarRegistersFacts;
}

export interface BarRegistersKnobs {
  readonly headerType?: 0 | 1 | undefined;
  /** Slot kinds to draw from (default all, unused and 64-bit more often). */
  readonly kinds?: readonly BarSlotKind[] | undefined;
}

const DEFAULT_KINDS: readonly BarSlotKind[] = ['zero', 'zero', 'ones', 'io', 'mem32', 'mem1m', 'reserved', 'mem64', 'mem64'];

// Address bits biased towards the values real registers hold and towards the extremes.
const arbAddrBits = fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0, 0xfe000000, 0xe0000000, 0xc000, 0xd0000, 0xfffffff0));
const arbUpper = fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0, 1, 0xffffffff));

/** BAR registers of a type 0 or type 1 header, with the BARs they must decode to. */
export function arbBarRegisters(knobs: BarRegistersKnobs = {}): fc.Arbitrary<GeneratedBarRegisters> {
  const kinds = knobs.kinds ?? DEFAULT_KINDS;
  const headerType = knobs.headerType === undefined ? fc.constantFrom<0 | 1>(0, 1) : fc.constant(knobs.headerType);
  return headerType.chain((ht) => {
    const n = ht === 0 ? 6 : 2;
    return fc
      .array(fc.record({ kind: fc.constantFrom(...kinds), addr: arbAddrBits, upper: arbUpper, prefetchable: fc.boolean(), ioBit1: fc.boolean() }), { minLength: n, maxLength: n })
      .map((slots) => buildBarRegisters(ht, slots));
  });
}

interface SlotDraw {
  readonly kind: BarSlotKind;
  readonly addr: number;
  readonly upper: number;
  readonly prefetchable: boolean;
  readonly ioBit1: boolean;
}

function buildBarRegisters(headerType: 0 | 1, slots: readonly SlotDraw[]): GeneratedBarRegisters {
  const n = slots.length;
  const registers: number[] = [];
  const bars: BarRegisterFact[] = [];
  const reservedType: number[] = [];
  let lastSlot64: number | null = null;
  for (let i = 0; i < n; i++) {
    const s = slots[i];
    const pf = s.prefetchable ? 8 : 0;
    const low = (s.addr & ~0xf) >>> 0;
    let reg: number;
    let fact: BarRegisterFact | null = null;
    switch (s.kind) {
      case 'zero':
        reg = 0;
        break;
      case 'ones':
        reg = 0xffffffff;
        break;
      case 'io':
        reg = ((s.addr & ~3) | 1 | (s.ioBit1 ? 2 : 0)) >>> 0;
        fact = { index: i, kind: 'io', address: BigInt((s.addr & ~3) >>> 0), prefetchable: false, rawUpper: null };
        break;
      case 'mem32':
      case 'mem1m':
      case 'reserved':
        reg = (low | (s.kind === 'mem1m' ? 2 : s.kind === 'reserved' ? 6 : 0) | pf) >>> 0;
        fact = { index: i, kind: s.kind === 'mem1m' ? 'mem1m' : 'mem32', address: BigInt(low), prefetchable: s.prefetchable, rawUpper: null };
        if (s.kind === 'reserved') reservedType.push(i);
        break;
      case 'mem64':
        reg = (low | 4 | pf) >>> 0;
        if (i === n - 1) {
          lastSlot64 = i;
          fact = { index: i, kind: 'mem64', address: BigInt(low), prefetchable: s.prefetchable, rawUpper: null };
        } else {
          fact = { index: i, kind: 'mem64', address: (BigInt(s.upper) << 32n) | BigInt(low), prefetchable: s.prefetchable, rawUpper: s.upper };
        }
        break;
    }
    registers.push(reg);
    // A register that came out 0 or all-ones (an I/O BAR at 0xfffffffc, a memory BAR at 0) is unused.
    if (fact && reg !== 0 && reg !== 0xffffffff) bars.push(fact);
    if (s.kind === 'mem64' && i < n - 1) registers.push(s.upper), i++;
  }
  const bytes = new Uint8Array(64);
  const regs = Object.fromEntries(registers.map((r, i) => [`bar${i}`, r]));
  if (headerType === 0) pciHeaderType0.encode({ ...pciHeaderType0.zero(), header_type: 0, ...regs }, bytes, 0);
  else pciHeaderType1.encode({ ...pciHeaderType1.zero(), header_type: 1, ...regs }, bytes, 0);
  const g = { registers, bytes, facts: { headerType, bars, lastSlot64, reservedType: reservedType.filter((i) => bars.some((b) => b.index === i)) } };
  return printable(g, (v) => showFactsAndBytes(`BAR registers: ${v.registers.map((x) => `0x${x.toString(16).padStart(8, '0')}`).join(' ')}`, v.facts, v.bytes));
}
