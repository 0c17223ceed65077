import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  VRING_DESC_F_INDIRECT as I,
  VRING_DESC_F_NEXT as N,
  VRING_DESC_F_WRITE as W,
  VRING_DIAGNOSTICS,
  VRING_PACKED_DESC_F_AVAIL as AV,
  VRING_PACKED_DESC_F_USED as US,
  VringFlatMemory,
  vringDesc,
  vringPackedDesc,
  walkPackedChain,
  walkSplitChain,
  type VringDesc,
  type VringPackedDesc,
} from '../../src/vring/index.js';
import { arbDescriptorNoise } from '../../src/arbitraries/index.js';

const BASE = 0x10000n;

/** Memory of `size` bytes at BASE with split descriptors written at the given table offsets. */
function splitMem(tables: Array<[number, VringDesc[]]>, size = 4096): VringFlatMemory {
  const m = new VringFlatMemory(new Uint8Array(size), BASE);
  for (const [at, descs] of tables) descs.forEach((d, i) => vringDesc.encode(d, m.bytes, at + 16 * i));
  return m;
}
const d = (addr: number, len: number, flags = 0, next = 0): VringDesc => ({ addr: BigInt(addr), len, flags, next });
const codes = (w: { diagnostics: { code: string }[] }) => w.diagnostics.map((x) => x.code);

describe('walkSplitChain', () => {
  it('follows NEXT in order and reports the buffers', () => {
    const m = splitMem([[0, [d(0x1000, 10, N, 2), d(0, 0), d(0x2000, 20, N | W, 3), d(0x3000, 30, W)]]]);
    const w = walkSplitChain(m, BASE, 4, 0);
    expect(w.buffers).toEqual([
      { addr: 0x1000n, len: 10, write: false },
      { addr: 0x2000n, len: 20, write: true },
      { addr: 0x3000n, len: 30, write: true },
    ]);
    expect(w).toMatchObject({ complete: true, indirect: false, diagnostics: [] });
  });

  it('enters an indirect table, whose next indices are relative to the table', () => {
    const m = splitMem([
      [0, [d(0x1000, 1, N, 1), d(Number(BASE) + 0x100, 48, I)]],
      [0x100, [d(0x2000, 2, N, 2), d(0x9999, 9), d(0x3000, 3, W)]],
    ]);
    const w = walkSplitChain(m, BASE, 4, 0);
    expect(w.buffers.map((b) => b.addr)).toEqual([0x1000n, 0x2000n, 0x3000n]);
    expect(w).toMatchObject({ complete: true, indirect: true });
  });

  it.each([
    ['loop', [[0, [d(1, 1, N, 1), d(2, 2, N, 0)]]], 2, 0, ['VRING_DESC_LOOP'], 2],
    ['self loop', [[0, [d(1, 1, N, 0)]]], 1, 0, ['VRING_DESC_LOOP'], 1],
    ['next out of range', [[0, [d(1, 1, N, 2), d(0, 0)]]], 2, 0, ['VRING_NEXT_OUT_OF_RANGE'], 1],
    ['head out of range', [[0, [d(1, 1)]]], 1, 1, ['VRING_HEAD_OUT_OF_RANGE'], 0],
    ['nested indirect', [[0, [d(0x10100, 16, I)]], [0x100, [d(0x10100, 16, I)]]], 1, 0, ['VRING_INDIRECT_NESTED'], 0],
    ['empty indirect', [[0, [d(0x10100, 0, I)]]], 1, 0, ['VRING_INDIRECT_EMPTY'], 0],
    ['unaligned indirect', [[0, [d(0x10100, 24, I)]]], 1, 0, ['VRING_INDIRECT_LEN_UNALIGNED'], 0],
    ['indirect outside memory', [[0, [d(0x900000, 16, I)]]], 1, 0, ['VRING_MEMORY_FAULT'], 0],
    ['indirect table loop', [[0, [d(0x10100, 32, I)]], [0x100, [d(1, 1, N, 1), d(2, 2, N, 0)]]], 4, 0, ['VRING_DESC_LOOP'], 2],
    ['chain longer than N via indirect', [[0, [d(0x10100, 48, I), d(0, 0)]], [0x100, [d(1, 1, N, 1), d(2, 2, N, 2), d(3, 3)]]], 2, 0, ['VRING_CHAIN_TOO_LONG'], 2],
  ] as Array<[string, Array<[number, VringDesc[]]>, number, number, string[], number]>)('%s', (_name, tables, n, head, expected, nbuf) => {
    const w = walkSplitChain(splitMem(tables), BASE, n, head);
    expect(codes(w)).toEqual(expected);
    expect(w.complete).toBe(false);
    expect(w.buffers.length).toBe(nbuf);
  });

  it('indirect with NEXT: reported, NEXT ignored, the table walked', () => {
    const m = splitMem([
      [0, [d(0x10100, 16, I | N, 1), d(0x5000, 5)]],
      [0x100, [d(0x2000, 2)]],
    ]);
    const w = walkSplitChain(m, BASE, 2, 0);
    expect(codes(w)).toEqual(['VRING_INDIRECT_WITH_NEXT']);
    expect(w.buffers.map((b) => b.addr)).toEqual([0x2000n]);
    expect(w.complete).toBe(true);
  });

  it('indirect without the feature stops the walk', () => {
    const w = walkSplitChain(splitMem([[0, [d(0x10100, 16, I)]]]), BASE, 1, 0, { indirectDesc: false });
    expect(codes(w)).toEqual(['VRING_INDIRECT_NOT_NEGOTIATED']);
  });

  it('warns about readable after writable, wrapping buffers and chains of 2^32 bytes', () => {
    const m = splitMem([[0, [d(0x1000, 0xffffffff, W | N, 1), d(0x2000, 1, N, 2), { addr: 0xfffffffffffffff0n, len: 0x20, flags: 0, next: 0 }]]]);
    const w = walkSplitChain(m, BASE, 4, 0);
    expect(codes(w)).toEqual(['VRING_WRITE_BEFORE_READ', 'VRING_CHAIN_BYTES_OVERFLOW', 'VRING_BUFFER_WRAPS']);
    expect(w.complete).toBe(true);
    expect(w.buffers.length).toBe(3);
  });

  it('a descriptor table outside memory is a memory fault, with the address as offset', () => {
    const w = walkSplitChain(splitMem([]), 0x100n, 4, 1);
    expect(codes(w)).toEqual(['VRING_MEMORY_FAULT']);
    expect(w.diagnostics[0].offset).toBe(0x110);
  });

  // Random memory with a table of mostly troublesome descriptors at its start (arbDescriptorNoise).
  const n = fc.constantFrom(1, 2, 4, 8, 16, 32);
  test.prop([n, arbDescriptorNoise({ memSize: 1024, base: BASE, maxDescriptors: 64 }), fc.oneof({ arbitrary: fc.integer({ min: 0, max: 7 }), weight: 4 }, fc.integer({ min: -1, max: 40 })), fc.boolean()], { numRuns: 1000 })(
    'terminates on arbitrary memory, never throws, and stays within the queue size',
    (qs, { memory: m }, head, indirectDesc) => {
      const w = walkSplitChain(m, BASE, qs, head, { indirectDesc });
      expect(w.buffers.length).toBeLessThanOrEqual(qs);
      // An incomplete walk ends with the error that stopped it.
      if (!w.complete) expect(w.diagnostics.at(-1)?.severity).toBe('error');
      for (const x of w.diagnostics) expect(VRING_DIAGNOSTICS).toHaveProperty(x.code);
      const p = walkPackedChain(m, BASE, qs, head, { indirectDesc, wrapCounter: indirectDesc ? true : undefined });
      expect(p.buffers.length).toBeLessThanOrEqual(qs);
      expect(p.ringDescriptors).toBeLessThanOrEqual(qs);
      if (!p.complete) expect(p.diagnostics.at(-1)?.severity).toBe('error');
      for (const x of p.diagnostics) expect(VRING_DIAGNOSTICS).toHaveProperty(x.code);
    },
  );
});

describe('walkPackedChain', () => {
  const pd = (addr: number, len: number, id: number, flags: number): VringPackedDesc => ({ addr: BigInt(addr), len, id, flags });
  function packedMem(tables: Array<[number, VringPackedDesc[]]>): VringFlatMemory {
    const m = new VringFlatMemory(new Uint8Array(4096), BASE);
    for (const [at, ds] of tables) ds.forEach((x, i) => vringPackedDesc.encode(x, m.bytes, at + 16 * i));
    return m;
  }

  it('reads consecutive descriptors across the ring end, flipping the wrap counter', () => {
    // N=3, chain starts at slot 2 (wrap 1) and continues at slot 0 (wrap 0).
    const m = packedMem([[0, [pd(0x2000, 2, 7, W | US), pd(0, 0, 0, 0), pd(0x1000, 1, 7, N | AV)]]]);
    const w = walkPackedChain(m, BASE, 3, 2, { wrapCounter: true });
    expect(w.buffers.map((b) => [b.addr, b.write])).toEqual([
      [0x1000n, false],
      [0x2000n, true],
    ]);
    expect(w).toMatchObject({ id: 7, ringDescriptors: 2, wrapCounter: false, complete: true });
  });

  it('reads an indirect table sequentially', () => {
    const m = packedMem([
      [0, [pd(Number(BASE) + 0x100, 32, 4, I | AV)]],
      [0x100, [pd(0x1000, 1, 0, 0), pd(0x2000, 2, 0, W)]],
    ]);
    const w = walkPackedChain(m, BASE, 4, 0, { wrapCounter: true });
    expect(w.buffers.map((b) => b.addr)).toEqual([0x1000n, 0x2000n]);
    expect(w).toMatchObject({ id: 4, ringDescriptors: 1, indirect: true, complete: true });
  });

  it('stops on a descriptor that is not available, and on a chain around the whole ring', () => {
    const m = packedMem([[0, [pd(1, 1, 0, N | AV), pd(2, 2, 0, AV | US)]]]);
    expect(codes(walkPackedChain(m, BASE, 2, 0, { wrapCounter: true }))).toEqual(['VRING_PACKED_DESC_NOT_AVAIL']);
    const all = packedMem([[0, [pd(1, 1, 0, N | AV), pd(2, 2, 0, N | AV)]]]);
    const w = walkPackedChain(all, BASE, 2, 0);
    expect(codes(w)).toEqual(['VRING_CHAIN_TOO_LONG']);
    expect(w.ringDescriptors).toBe(2);
  });
});
