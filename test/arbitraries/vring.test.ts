import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { PackedVringDevice, SplitVringDevice, vringDesc, walkSplitChain } from '../../src/vring/index.js';
import {
  arbDescriptorNoise,
  arbInvalidPackedRing,
  arbInvalidSplitRing,
  arbPackedRing,
  arbRingOperations,
  arbSplitRing,
  arbVringBuffers,
  PACKED_RING_MUTATIONS,
  RING_MUTATION_CODES,
  SPLIT_RING_MUTATIONS,
  type GeneratedRing,
} from '../../src/arbitraries/index.js';

/** Pop every available chain (at most one per generated chain) and collect the device's view. */
function popAll(r: GeneratedRing) {
  const out: Array<{ id: number | null; buffers: unknown[]; codes: string[]; ringDescriptors?: number }> = [];
  if (r.kind === 'split') {
    const dev = new SplitVringDevice(r.memory, r.addrs, r.queueSize);
    for (let i = 0; i < r.chains.length; i++) {
      const p = dev.pop();
      if (!p) break;
      out.push({ id: p.head, buffers: p.buffers, codes: p.diagnostics.map((d) => d.code) });
    }
    return { popped: out, rest: dev.pop() };
  }
  const dev = new PackedVringDevice(r.memory, r.addrs, r.queueSize);
  for (let i = 0; i < r.chains.length; i++) {
    const p = dev.pop();
    if (!p) break;
    out.push({ id: p.id, buffers: p.buffers, codes: p.diagnostics.map((d) => d.code), ringDescriptors: p.ringDescriptors });
  }
  return { popped: out, rest: dev.pop() };
}

const uniq = (xs: string[]) => [...new Set(xs)];

describe('valid rings', () => {
  test.prop([arbSplitRing()], { numRuns: 1000 })('split: the device pops every chain as built, with no diagnostic', (r) => {
    const { popped, rest } = popAll(r);
    expect(rest).toBeNull();
    expect(popped).toEqual(r.chains.map((c) => ({ id: c.head, buffers: c.buffers, codes: [] })));
    for (const c of r.chains) {
      const w = walkSplitChain(r.memory, r.addrs.desc, r.queueSize, c.head);
      expect(w.indirect).toBe(c.indirectTable !== null);
    }
  });

  test.prop([arbPackedRing()], { numRuns: 1000 })('packed: the device pops every chain as built, with no diagnostic', (r) => {
    const { popped, rest } = popAll(r);
    expect(rest).toBeNull();
    expect(popped).toEqual(r.chains.map((c) => ({ id: c.id, buffers: c.buffers, codes: [], ringDescriptors: c.descriptors.length })));
  });
});

describe('invalid rings', () => {
  test.prop([arbInvalidSplitRing()], { numRuns: 1000 })('split: popping reports exactly the labelled code', (x) => {
    expect(uniq(popAll(x.ring).popped.flatMap((p) => p.codes))).toEqual([x.code]);
  });
  test.prop([arbInvalidPackedRing()], { numRuns: 1000 })('packed: popping reports exactly the labelled code', (x) => {
    expect(uniq(popAll(x.ring).popped.flatMap((p) => p.codes))).toEqual([x.code]);
  });
  describe.each(SPLIT_RING_MUTATIONS)('split %s', (m) => {
    test.prop([arbInvalidSplitRing({}, [m])], { numRuns: 100 })('is drawable and gives exactly its code', (x) => {
      expect(uniq(popAll(x.ring).popped.flatMap((p) => p.codes))).toEqual([RING_MUTATION_CODES[m]]);
    });
  });
  describe.each(PACKED_RING_MUTATIONS)('packed %s', (m) => {
    test.prop([arbInvalidPackedRing({}, [m])], { numRuns: 100 })('is drawable and gives exactly its code', (x) => {
      expect(uniq(popAll(x.ring).popped.flatMap((p) => p.codes))).toEqual([RING_MUTATION_CODES[m]]);
    });
  });
});

describe('driver-side inputs', () => {
  test.prop([arbVringBuffers({ minBuffers: 2, maxBuffers: 9, addrBits: 20, maxLen: 100 })], { numRuns: 500 })('arbVringBuffers: readable before writable, within the knobs', (bs) => {
    expect(bs.length >= 2 && bs.length <= 9).toBe(true);
    const firstWrite = bs.findIndex((b) => b.write);
    if (firstWrite >= 0) expect(bs.slice(firstWrite).every((b) => b.write)).toBe(true);
    for (const b of bs) expect(b.addr < 1n << 20n && b.len >= 0 && b.len <= 100).toBe(true);
  });

  test.prop([arbRingOperations({ maxOperations: 30, maxBuffers: 3 })], { numRuns: 500 })('arbRingOperations: publish, serve and reap within the knobs', (ops) => {
    expect(ops.length).toBeLessThanOrEqual(30);
    for (const o of ops) {
      if (o.kind === 'publish') {
        expect(o.buffers.length >= 1 && o.buffers.length <= 3).toBe(true);
        expect(typeof o.indirect).toBe('boolean');
      } else if (o.kind === 'serve') expect(o.len >= 0 && o.len <= 0xffffffff && o.pick >= 0).toBe(true);
      else expect(o).toEqual({ kind: 'reap' });
    }
  });

  test.prop([arbDescriptorNoise({ memSize: 512, base: 0x4000n, maxDescriptors: 40 })], { numRuns: 500 })(
    'arbDescriptorNoise: the descriptors the facts list are in memory from its base, as many as fit',
    (x) => {
      expect(x.memory.base).toBe(0x4000n);
      expect(x.memory.bytes.length).toBe(512);
      expect(x.descriptors.length).toBeLessThanOrEqual(32);
      x.descriptors.forEach((d, i) => expect(vringDesc.decode(x.memory.read(0x4000n + BigInt(16 * i), 16))).toEqual(d));
    },
  );
});
