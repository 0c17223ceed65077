// Split and packed virtqueues in a guest-memory image, valid by construction: chains of
// buffers (device-readable first, then device-writable), direct or through an indirect table,
// on descriptors picked in any order (split) or consecutive ring slots (packed), written with
// the vring layer's element tables. Each ring carries its chains as facts (head or buffer id,
// descriptors, buffers). Mutations break one chain so the walkers report one known code.
import fc from 'fast-check';
import { vringAddr, VringFlatMemory } from '../vring/memory.js';
import type { VringDiagnosticCode } from '../vring/diagnostics.js';
import { packedVringLayout } from '../vring/packed-layout.js';
import { packedVringAddrs, PackedVringView, type PackedVringAddrs } from '../vring/packed-ring.js';
import { vringPackedDesc, VRING_PACKED_DESC_F_AVAIL } from '../vring/packed-structs.js';
import { splitVringLayout } from '../vring/split-layout.js';
import { splitVringAddrs, SplitVringView, type SplitVringAddrs } from '../vring/split-ring.js';
import { vringDesc, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../vring/split-structs.js';
import type { VringBuffer } from '../vring/walk.js';
import { hexRows, printable, showHex } from './show.js';

/** One chain as built: where it sits and what a walk must return. */
export interface RingChainFact {
  /** Split: head descriptor index. Packed: first ring slot. */
  readonly head: number;
  /** Packed: the buffer id (equal to the head for split rings). */
  readonly id: number;
  /** Descriptor-table entries (split) or ring slots (packed) the chain occupies, in chain order. */
  readonly descriptors: readonly number[];
  /** Guest address of the indirect table, or null for a direct chain. */
  readonly indirectTable: bigint | null;
  readonly buffers: readonly VringBuffer[];
}

interface RingBase {
  readonly queueSize: number;
  /** Guest memory holding the ring, the indirect tables and the buffers. */
  readonly memory: VringFlatMemory;
  /** Chains in the order the driver made them available. */
  readonly chains: readonly RingChainFact[];
}

export interface GeneratedSplitRing extends RingBase {
  readonly kind: 'split';
  readonly addrs: SplitVringAddrs;
  /** Used-ring alignment the ring was laid out with (4, or 4096 as legacy devices want). */
  readonly align: number;
}

export interface GeneratedPackedRing extends RingBase {
  readonly kind: 'packed';
  readonly addrs: PackedVringAddrs;
}

export type GeneratedRing = GeneratedSplitRing | GeneratedPackedRing;

/** Knobs of the ring arbitraries. */
export interface RingKnobs {
  /** Queue sizes to draw from (split: powers of two; default 1..256). */
  readonly queueSizes?: readonly number[] | undefined;
  /** Most chains (default 16). */
  readonly maxChains?: number | undefined;
  /** Most buffers per chain (default 4). */
  readonly maxBuffers?: number | undefined;
  /** Allow indirect chains (default true). */
  readonly indirect?: boolean | undefined;
}

const SPLIT_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const PACKED_SIZES = [1, 2, 3, 5, 8, 13, 16, 64, 100, 256];

interface ChainDraw {
  readonly lengths: readonly number[];
  readonly writable: number;
  readonly indirect: boolean;
}

const arbChains = (k: RingKnobs) =>
  fc.array(
    fc.record({
      lengths: fc.array(fc.integer({ min: 1, max: 512 }), { minLength: 1, maxLength: k.maxBuffers ?? 4 }),
      writable: fc.nat(),
      indirect: k.indirect === false ? fc.constant(false) : fc.boolean(),
    }),
    { minLength: 1, maxLength: k.maxChains ?? 16 },
  );

/** Keep the chains that fit `n` descriptors (and `n` chains). */
function fitChains(chains: readonly ChainDraw[], n: number): ChainDraw[] {
  const out: ChainDraw[] = [];
  let used = 0;
  for (const d of chains) {
    // No chain may hold more buffers than the ring has descriptors (indirect ones included).
    const c = d.lengths.length > n ? { ...d, lengths: d.lengths.slice(0, n) } : d;
    const need = c.indirect ? 1 : c.lengths.length;
    if (used + need > n) break;
    used += need;
    out.push(c);
  }
  return out.length ? out : [{ lengths: [chains[0].lengths[0]], writable: chains[0].writable, indirect: false }];
}

/** Memory: ring at `ringOffset`, indirect tables and then buffers after it. */
function memoryFor(base: bigint, ringBytes: number, chains: readonly ChainDraw[]) {
  const tables = chains.reduce((s, c) => s + (c.indirect ? 16 * c.lengths.length : 0), 0);
  const data = chains.reduce((s, c) => s + c.lengths.reduce((a, b) => a + ((b + 15) & ~15), 0), 0);
  const tablesAt = (ringBytes + 15) & ~15;
  const dataAt = tablesAt + tables;
  return { memory: new VringFlatMemory(new Uint8Array(dataAt + data + 16), base), tablesAt, dataAt };
}

/** Buffers of a chain: readable first, then `writable mod (n+1)` writable ones, laid out in the data area. */
function buffersOf(c: ChainDraw, base: bigint, cursor: { at: number }): VringBuffer[] {
  const nw = c.writable % (c.lengths.length + 1);
  return c.lengths.map((len, k) => {
    const addr = base + BigInt(cursor.at);
    cursor.at += (len + 15) & ~15;
    return { addr, len, write: k >= c.lengths.length - nw };
  });
}

const arbBase = fc.bigInt({ min: 1n, max: (1n << 28n) - 1n }).map((p) => p << 12n);

/** Split rings with their chains made available (avail.idx = number of chains). */
export function arbSplitRing(knobs: RingKnobs = {}): fc.Arbitrary<GeneratedSplitRing> {
  return fc
    .record({
      // Chains first: shrinking them first lets the queue size shrink afterwards.
      chains: arbChains(knobs),
      queueSize: fc.constantFrom(...(knobs.queueSizes ?? SPLIT_SIZES)),
      align: fc.constantFrom(4, 4096),
      base: arbBase,
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 256 }),
    })
    .map((r) => buildSplitRing(r.queueSize, r.align, r.base, r.chains, r.order));
}

function buildSplitRing(n: number, align: number, base: bigint, drawn: readonly ChainDraw[], order: readonly number[]): GeneratedSplitRing {
  const chains = fitChains(drawn, n);
  const layout = splitVringLayout(n, { align });
  const { memory, tablesAt, dataAt } = memoryFor(base, layout.total, chains);
  const addrs = splitVringAddrs(layout, base);
  const view = new SplitVringView(memory, addrs, n);
  // Descriptor indices in an order drawn from `order` (a permutation of 0..n-1).
  const perm = Array.from({ length: n }, (_, i) => i).sort((a, b) => (order[a % order.length] ?? 0) - (order[b % order.length] ?? 0) || a - b);
  let next = 0;
  let tableAt = base + BigInt(tablesAt);
  const data = { at: dataAt };
  const facts: RingChainFact[] = chains.map((c, k) => {
    const buffers = buffersOf(c, base, data);
    const flagsOf = (b: VringBuffer) => (b.write ? VRING_DESC_F_WRITE : 0);
    let descriptors: number[];
    let indirectTable: bigint | null = null;
    if (c.indirect) {
      indirectTable = tableAt;
      const table = new Uint8Array(16 * buffers.length);
      buffers.forEach((b, j) => {
        const last = j === buffers.length - 1;
        vringDesc.encode({ addr: b.addr, len: b.len, flags: flagsOf(b) | (last ? 0 : VRING_DESC_F_NEXT), next: last ? 0 : j + 1 }, table, 16 * j);
      });
      memory.write(tableAt, table);
      tableAt += BigInt(table.length);
      descriptors = [perm[next++]];
      view.writeDesc(descriptors[0], { addr: indirectTable, len: table.length, flags: VRING_DESC_F_INDIRECT, next: 0 });
    } else {
      descriptors = buffers.map(() => perm[next++]);
      buffers.forEach((b, j) => {
        const last = j === buffers.length - 1;
        view.writeDesc(descriptors[j], { addr: b.addr, len: b.len, flags: flagsOf(b) | (last ? 0 : VRING_DESC_F_NEXT), next: last ? 0 : descriptors[j + 1] });
      });
    }
    view.setAvailRing(k % n, descriptors[0]);
    return { head: descriptors[0], id: descriptors[0], descriptors, indirectTable, buffers };
  });
  view.setAvailIdx(facts.length);
  return printableRing({ kind: 'split', queueSize: n, memory, chains: facts, addrs, align });
}

/** Packed rings with their chains available from slot 0 (driver wrap counter 1). */
export function arbPackedRing(knobs: RingKnobs = {}): fc.Arbitrary<GeneratedPackedRing> {
  return fc
    .record({
      chains: arbChains(knobs),
      queueSize: fc.constantFrom(...(knobs.queueSizes ?? PACKED_SIZES)),
      base: arbBase,
      ids: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 256 }),
    })
    .map((r) => buildPackedRing(r.queueSize, r.base, r.chains, r.ids));
}

function buildPackedRing(n: number, base: bigint, drawn: readonly ChainDraw[], idKeys: readonly number[]): GeneratedPackedRing {
  const chains = fitChains(drawn, n);
  const layout = packedVringLayout(n);
  const { memory, tablesAt, dataAt } = memoryFor(base, layout.total, chains);
  const addrs = packedVringAddrs(layout, base);
  const view = new PackedVringView(memory, addrs, n);
  // Buffer ids: distinct, in an order drawn from idKeys.
  const ids = Array.from({ length: n }, (_, i) => i).sort((a, b) => (idKeys[a % idKeys.length] ?? 0) - (idKeys[b % idKeys.length] ?? 0) || a - b);
  let slot = 0;
  let tableAt = base + BigInt(tablesAt);
  const data = { at: dataAt };
  const avail = VRING_PACKED_DESC_F_AVAIL; // available for wrap counter 1: AVAIL = 1, USED = 0
  const facts: RingChainFact[] = chains.map((c, k) => {
    const id = ids[k];
    const buffers = buffersOf(c, base, data);
    const head = slot;
    let indirectTable: bigint | null = null;
    let descriptors: number[];
    if (c.indirect) {
      indirectTable = tableAt;
      const table = new Uint8Array(16 * buffers.length);
      buffers.forEach((b, j) => vringPackedDesc.encode({ addr: b.addr, len: b.len, id: 0, flags: b.write ? VRING_DESC_F_WRITE : 0 }, table, 16 * j));
      memory.write(tableAt, table);
      tableAt += BigInt(table.length);
      descriptors = [slot++];
      view.writeDesc(head, { addr: indirectTable, len: table.length, id, flags: VRING_DESC_F_INDIRECT | avail });
    } else {
      descriptors = buffers.map(() => slot++);
      buffers.forEach((b, j) =>
        view.writeDesc(descriptors[j], { addr: b.addr, len: b.len, id, flags: (b.write ? VRING_DESC_F_WRITE : 0) | (j < buffers.length - 1 ? VRING_DESC_F_NEXT : 0) | avail }),
      );
    }
    return { head, id, descriptors, indirectTable, buffers };
  });
  return printableRing({ kind: 'packed', queueSize: n, memory, chains: facts, addrs });
}

/** A ring in a few lines: size, part addresses, each chain's descriptors and buffers; then its memory in hex rows. */
function showRing(r: GeneratedRing): string {
  const parts = Object.entries(r.addrs).map(([k, v]) => `${k} ${showHex(v as bigint)}`);
  const chains = r.chains.map((c, k) => {
    const bufs = c.buffers.map((b) => `${showHex(b.addr)}+${b.len} ${b.write ? 'w' : 'r'}`).join(', ');
    const at = c.indirectTable === null ? `descriptors [${c.descriptors.join(', ')}]` : `descriptor ${c.descriptors.join(', ')} → indirect table ${showHex(c.indirectTable)}`;
    return `  chain ${k}: ${r.kind === 'packed' ? `id ${c.id}, ` : ''}head ${c.head}, ${at}; buffers ${bufs || 'none'}`;
  });
  return [`${r.kind} ring: queue size ${r.queueSize}, ${parts.join(', ')}${r.kind === 'split' ? `, used align ${r.align}` : ''}`, ...chains, '  memory:', hexRows(r.memory.bytes, '    ', r.memory.base)].join('\n');
}

function printableRing<R extends GeneratedRing>(r: R): R {
  return printable(r, showRing);
}

/** Mutations of one chain of a ring, each making the walk report exactly one code. */
export type RingMutation =
  | 'desc-loop'
  | 'next-out-of-range'
  | 'head-out-of-range'
  | 'indirect-empty'
  | 'indirect-len-unaligned'
  | 'indirect-nested'
  | 'indirect-with-next'
  | 'write-before-read'
  | 'buffer-wraps'
  | 'memory-fault'
  | 'avail-idx-ahead'
  | 'packed-desc-not-avail';

export const RING_MUTATION_CODES: Readonly<Record<RingMutation, VringDiagnosticCode>> = {
  'desc-loop': 'VRING_DESC_LOOP',
  'next-out-of-range': 'VRING_NEXT_OUT_OF_RANGE',
  'head-out-of-range': 'VRING_HEAD_OUT_OF_RANGE',
  'indirect-empty': 'VRING_INDIRECT_EMPTY',
  'indirect-len-unaligned': 'VRING_INDIRECT_LEN_UNALIGNED',
  'indirect-nested': 'VRING_INDIRECT_NESTED',
  'indirect-with-next': 'VRING_INDIRECT_WITH_NEXT',
  'write-before-read': 'VRING_WRITE_BEFORE_READ',
  'buffer-wraps': 'VRING_BUFFER_WRAPS',
  'memory-fault': 'VRING_MEMORY_FAULT',
  'avail-idx-ahead': 'VRING_AVAIL_IDX_AHEAD',
  'packed-desc-not-avail': 'VRING_PACKED_DESC_NOT_AVAIL',
};

/** Which mutations apply to which ring format. */
export const SPLIT_RING_MUTATIONS: readonly RingMutation[] = [
  'desc-loop',
  'next-out-of-range',
  'head-out-of-range',
  'indirect-empty',
  'indirect-len-unaligned',
  'indirect-nested',
  'indirect-with-next',
  'write-before-read',
  'buffer-wraps',
  'memory-fault',
  'avail-idx-ahead',
];
export const PACKED_RING_MUTATIONS: readonly RingMutation[] = [
  'indirect-empty',
  'indirect-len-unaligned',
  'indirect-nested',
  'write-before-read',
  'buffer-wraps',
  'memory-fault',
  'packed-desc-not-avail',
];

/** A copy of a ring whose memory can be changed without touching the original. */
function cloneRing<R extends GeneratedRing>(r: R): R {
  return { ...r, memory: new VringFlatMemory(r.memory.bytes.slice(), r.memory.base) };
}

/** Where descriptor `i` of a chain's walk lives: in the ring/table, as a 16-byte entry address. */
function entryAt(r: GeneratedRing, c: RingChainFact, j: number): bigint {
  if (c.indirectTable !== null) return vringAddr(c.indirectTable, 16 * j);
  return vringAddr(r.addrs.desc, 16 * c.descriptors[j]);
}

function patch(r: GeneratedRing, at: bigint, f: (d: { addr: bigint; len: number; flags: number; x: number }) => void): void {
  const b = r.memory.read(at, 16);
  const split = r.kind === 'split';
  const d = split ? vringDesc.decode(b) : vringPackedDesc.decode(b);
  const v = { addr: d.addr, len: d.len, flags: d.flags, x: split ? (d as { next: number }).next : (d as { id: number }).id };
  f(v);
  r.memory.write(at, split ? vringDesc.toBytes({ addr: v.addr, len: v.len, flags: v.flags, next: v.x }) : vringPackedDesc.toBytes({ addr: v.addr, len: v.len, flags: v.flags, id: v.x }));
}

/**
 * A copy of `ring` with mutation `m` applied to one chain (picked by `seed`), or null when no
 * chain can carry it (no indirect chain for the indirect mutations, a one-buffer ring for
 * write-before-read, ...). Packed mutations that need ring slots of their own are not offered.
 */
export function mutateRing<R extends GeneratedRing>(ring: R, m: RingMutation, seed: number): { ring: R; chain: number } | null {
  const r = cloneRing(ring);
  const pick = (ok: (c: RingChainFact) => boolean): number | null => {
    const idx = r.chains.map((c, i) => (ok(c) ? i : -1)).filter((i) => i >= 0);
    return idx.length ? idx[seed % idx.length] : null;
  };
  const n = r.queueSize;
  const headEntry = (c: RingChainFact) => vringAddr(r.addrs.desc, 16 * c.descriptors[0]);
  let k: number | null;
  switch (m) {
    case 'desc-loop': {
      if (r.kind !== 'split' || (k = pick((c) => c.indirectTable === null)) === null) return null;
      const c = r.chains[k];
      patch(r, entryAt(r, c, c.descriptors.length - 1), (d) => {
        d.flags |= VRING_DESC_F_NEXT;
        d.x = c.descriptors[seed % c.descriptors.length];
      });
      break;
    }
    case 'next-out-of-range': {
      if (r.kind !== 'split' || (k = pick(() => true)) === null) return null;
      const c = r.chains[k];
      const len = c.indirectTable === null ? n : c.buffers.length;
      patch(r, entryAt(r, c, c.buffers.length - 1), (d) => {
        d.flags |= VRING_DESC_F_NEXT;
        d.x = len + (seed % (0x10000 - len));
      });
      break;
    }
    case 'head-out-of-range': {
      if (r.kind !== 'split' || n === 0x10000 || (k = pick(() => true)) === null) return null;
      const view = new SplitVringView(r.memory, r.addrs, n);
      view.setAvailRing(k % n, n + (seed % (0x10000 - n)));
      break;
    }
    case 'indirect-empty':
    case 'indirect-len-unaligned':
    case 'indirect-with-next': {
      if ((k = pick((c) => c.indirectTable !== null)) === null) return null;
      if (m === 'indirect-with-next' && r.kind !== 'split') return null;
      patch(r, headEntry(r.chains[k]), (d) => {
        if (m === 'indirect-empty') d.len = 0;
        else if (m === 'indirect-len-unaligned') d.len = d.len - 16 + 1 + (seed % 15);
        else {
          d.flags |= VRING_DESC_F_NEXT;
          d.x = seed % n;
        }
      });
      break;
    }
    case 'indirect-nested': {
      if ((k = pick((c) => c.indirectTable !== null)) === null) return null;
      const c = r.chains[k];
      patch(r, entryAt(r, c, seed % c.buffers.length), (d) => {
        d.flags |= VRING_DESC_F_INDIRECT;
        d.len = 16;
      });
      break;
    }
    case 'write-before-read': {
      if ((k = pick((c) => c.buffers.length >= 2)) === null) return null;
      const c = r.chains[k];
      patch(r, entryAt(r, c, 0), (d) => void (d.flags |= VRING_DESC_F_WRITE));
      patch(r, entryAt(r, c, 1), (d) => void (d.flags &= ~VRING_DESC_F_WRITE));
      break;
    }
    case 'buffer-wraps': {
      if ((k = pick(() => true)) === null) return null;
      const c = r.chains[k];
      const j = seed % c.buffers.length;
      patch(r, entryAt(r, c, j), (d) => {
        d.len = Math.max(d.len, 2);
        d.addr = (1n << 64n) - 1n - BigInt(seed % (d.len - 1)); // ends at least one byte past 2^64
      });
      // Buffers of one chain stay under 2^32 bytes in total, so this is the only complaint.
      break;
    }
    case 'memory-fault': {
      if ((k = pick((c) => c.indirectTable !== null)) === null) return null;
      const end = r.memory.base + BigInt(r.memory.bytes.length);
      patch(r, headEntry(r.chains[k]), (d) => void (d.addr = end + 16n * BigInt(seed % 4096)));
      break;
    }
    case 'avail-idx-ahead': {
      if (r.kind !== 'split') return null;
      k = 0;
      const view = new SplitVringView(r.memory, r.addrs, n);
      view.setAvailIdx((r.chains.length + n + 1 + (seed % 1000)) & 0xffff);
      if (((view.availIdx() - r.chains.length) & 0xffff) <= n) return null;
      break;
    }
    case 'packed-desc-not-avail': {
      if (r.kind !== 'packed' || (k = pick((c) => c.descriptors.length >= 2)) === null) return null;
      const c = r.chains[k];
      const j = 1 + (seed % (c.descriptors.length - 1));
      patch(r, entryAt(r, c, j), (d) => void (d.flags &= ~VRING_PACKED_DESC_F_AVAIL));
      break;
    }
  }
  return { ring: r, chain: k };
}

export interface InvalidRing<R extends GeneratedRing = GeneratedRing> {
  readonly valid: R;
  readonly ring: R;
  readonly mutation: RingMutation;
  /** Index (in `chains`) of the chain the mutation broke. */
  readonly chain: number;
  readonly code: VringDiagnosticCode;
}

function arbInvalid<R extends GeneratedRing>(rings: fc.Arbitrary<R>, mutations: readonly RingMutation[]): fc.Arbitrary<InvalidRing<R>> {
  return fc
    .tuple(rings, fc.constantFrom(...mutations), fc.nat())
    .map(([valid, mutation, seed]) => {
      const m = mutateRing(valid, mutation, seed);
      if (!m) return null;
      const x: InvalidRing<R> = { valid, ring: printableRing(m.ring), mutation, chain: m.chain, code: RING_MUTATION_CODES[mutation] };
      return printable(x, (v) => `invalid ring: ${v.mutation} on chain ${v.chain}, expects ${v.code}\n${showRing(v.ring)}`);
    })
    .filter((x): x is InvalidRing<R> => x !== null);
}

/** Broken split rings, labelled with the code popping every chain must report. */
export function arbInvalidSplitRing(knobs: RingKnobs = {}, mutations: readonly RingMutation[] = SPLIT_RING_MUTATIONS): fc.Arbitrary<InvalidRing<GeneratedSplitRing>> {
  return arbInvalid(arbSplitRing(knobs), mutations);
}

/** Broken packed rings, labelled with the code popping every chain must report. */
export function arbInvalidPackedRing(knobs: RingKnobs = {}, mutations: readonly RingMutation[] = PACKED_RING_MUTATIONS): fc.Arbitrary<InvalidRing<GeneratedPackedRing>> {
  return arbInvalid(arbPackedRing(knobs), mutations);
}

/** Knobs of arbVringBuffers. */
export interface VringBuffersKnobs {
  /** Fewest and most buffers (default 1 and 4). */
  readonly minBuffers?: number | undefined;
  readonly maxBuffers?: number | undefined;
  /** Addresses below 2^addrBits (default 48). */
  readonly addrBits?: number | undefined;
  /** Longest buffer (default 0xffff). */
  readonly maxLen?: number | undefined;
}

/**
 * The buffers of one chain as a driver hands them to its ring code: device-readable ones first,
 * then device-writable ones (as the spec requires of drivers), at any address and of any length
 * (0 included). Nothing is placed in memory: this is the input of a driver's `publish`, not a ring.
 */
export function arbVringBuffers(knobs: VringBuffersKnobs = {}): fc.Arbitrary<VringBuffer[]> {
  const buffer = fc.record({
    addr: fc.bigInt({ min: 0n, max: (1n << BigInt(knobs.addrBits ?? 48)) - 1n }),
    len: fc.integer({ min: 0, max: knobs.maxLen ?? 0xffff }),
    write: fc.boolean(),
  });
  return fc
    .array(buffer, { minLength: knobs.minBuffers ?? 1, maxLength: knobs.maxBuffers ?? 4 })
    .map((bs) => [...bs.filter((b) => !b.write), ...bs.filter((b) => b.write)]);
}

/** One step of a driver/device conversation over a ring. */
export type RingOperation =
  | { readonly kind: 'publish'; readonly buffers: readonly VringBuffer[]; readonly indirect: boolean }
  /** The device returns one chain it popped (`pick` among them; an in-order device takes the first) with `len` bytes written. */
  | { readonly kind: 'serve'; readonly pick: number; readonly len: number }
  /** The driver reads every used element. */
  | { readonly kind: 'reap' };

/** Knobs of arbRingOperations. */
export interface RingOperationsKnobs {
  /** Most operations (default 60). */
  readonly maxOperations?: number | undefined;
  /** Most buffers per published chain (default 5). */
  readonly maxBuffers?: number | undefined;
}

/**
 * Sequences of ring operations for a driver and a device sharing one ring: publish a chain
 * (direct or through an indirect table), serve one popped chain, reap the used ring. They
 * drive pcicfg's SplitVringDriver/Device and PackedVringDriver/Device or your own pair; the
 * test keeps its own account of what is in flight.
 */
export function arbRingOperations(knobs: RingOperationsKnobs = {}): fc.Arbitrary<RingOperation[]> {
  const op: fc.Arbitrary<RingOperation> = fc.oneof(
    fc.record({ kind: fc.constant('publish' as const), buffers: arbVringBuffers({ maxBuffers: knobs.maxBuffers ?? 5 }), indirect: fc.boolean() }),
    fc.record({ kind: fc.constant('serve' as const), pick: fc.nat(), len: fc.nat(0xffffffff) }),
    fc.record({ kind: fc.constant('reap' as const) }),
  );
  return fc.array(op, { maxLength: knobs.maxOperations ?? 60 });
}

/** Knobs of arbDescriptorNoise. */
export interface DescriptorNoiseKnobs {
  /** Bytes of memory (default 1024). */
  readonly memSize?: number | undefined;
  /** Guest address of the memory's first byte (default 0x10000). */
  readonly base?: bigint | undefined;
  /** Most descriptors written from the start of memory (default 64; those past the end are dropped). */
  readonly maxDescriptors?: number | undefined;
}

export interface DescriptorNoise {
  /** Random bytes with `descriptors` written from `base` on. */
  readonly memory: VringFlatMemory;
  /** The split descriptor entries written, entry i at base + 16 i (as far as memory goes). */
  readonly descriptors: readonly { readonly addr: bigint; readonly len: number; readonly flags: number; readonly next: number }[];
}

/**
 * Memory for totality properties of ring walkers: random bytes with a table of split
 * descriptors at its start whose fields are mostly troublesome: NEXT set with a small next
 * index (so loops and long chains are common), INDIRECT and WRITE in any combination, lengths
 * that are multiples of 16 or anything, addresses inside the memory or anywhere in 64 bits.
 * Read as packed descriptors, the same bytes are just as hostile.
 */
export function arbDescriptorNoise(knobs: DescriptorNoiseKnobs = {}): fc.Arbitrary<DescriptorNoise> {
  const memSize = knobs.memSize ?? 1024;
  const base = knobs.base ?? 0x10000n;
  const desc = fc.record({
    addr: fc.oneof(fc.integer({ min: 0, max: memSize }).map((o) => base + BigInt(o)), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    len: fc.oneof(fc.constantFrom(0, 16, 32, 48, 64, 256, 1024), fc.integer({ min: 0, max: 0xffffffff })),
    // Mostly NEXT with a small next index, so loops and long chains are common.
    flags: fc.oneof({ arbitrary: fc.constantFrom(1, 3), weight: 4 }, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0xffff })),
    next: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 7 }), weight: 4 }, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff })),
  });
  return fc
    .tuple(fc.array(desc, { minLength: 0, maxLength: knobs.maxDescriptors ?? 64 }), fc.uint8Array({ minLength: memSize, maxLength: memSize }))
    .map(([ds, noise]) => {
      const memory = new VringFlatMemory(noise.slice(), base);
      const descriptors = ds.filter((_, i) => 16 * i + 16 <= memSize);
      descriptors.forEach((d, i) => vringDesc.encode(d, memory.bytes, 16 * i));
      return printable({ memory, descriptors }, (v) =>
        [
          `descriptor noise: ${v.descriptors.length} split descriptor${v.descriptors.length === 1 ? '' : 's'} at ${showHex(v.memory.base)}`,
          ...v.descriptors.map((d, i) => `  ${i}: addr ${showHex(d.addr)} len ${showHex(d.len)} flags ${showHex(d.flags)} next ${d.next}`),
          '  memory:',
          hexRows(v.memory.bytes, '    ', v.memory.base),
        ].join('\n'),
      );
    });
}
