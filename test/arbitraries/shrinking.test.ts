// Shrinking stays meaningful: plant a fault in a decoder wrapper, let fast-check find and
// shrink a counterexample, and check it is a small value with the fault still in it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { SplitVringDevice } from '../../src/vring/index.js';
import { arbBarRegisters, arbCapChainImage, arbConfigImage, arbInvalidConfigImage, arbSplitRing, arbTransport, barSizesOf } from '../../src/arbitraries/index.js';

const SEEDS = [1, 2, 3];

describe('a failing case shrinks to a small value with the fault in it', () => {
  it.each(SEEDS)('config image: a decoder that loses 64-bit MSI with per-vector masking (seed %i)', (seed) => {
    // The planted fault: such a capability is dropped from the walk.
    const buggyCaps = (b: Uint8Array) =>
      decodeConfigSpace(b).capabilities.filter((c) => !(c.id === 0x05 && ((c.fields.message_control as number) & 0x180) === 0x180));
    const r = fc.check(fc.property(arbConfigImage(), (g) => buggyCaps(g.bytes).length === g.facts.caps.length), { numRuns: 1000, seed });
    expect(r.failed).toBe(true);
    const g = r.counterexample![0];
    expect(g.facts.caps).toHaveLength(1);
    expect(g.facts.caps[0].id).toBe(0x05);
    expect(g.facts.extCaps).toHaveLength(0);
    expect(g.facts.bars).toHaveLength(0);
    expect(g.bytes.length).toBe(256);
  });

  it.each(SEEDS)('invalid image: loop detection that fails on chains of three or more (seed %i)', (seed) => {
    const buggyCodes = (b: Uint8Array) => {
      const cs = decodeConfigSpace(b);
      return cs.diagnostics.map((d) => d.code).filter((c) => !(c === 'CAP_LOOP' && cs.capabilities.length >= 3));
    };
    const r = fc.check(fc.property(arbInvalidConfigImage({}, ['cap-loop', 'cap-id-ff', 'bar-type-reserved']), (x) => buggyCodes(x.bytes).join() === x.code), { numRuns: 1000, seed });
    expect(r.failed).toBe(true);
    const x = r.counterexample![0];
    expect(x.mutation).toBe('cap-loop');
    expect(x.valid.facts.caps).toHaveLength(3);
    expect(x.valid.facts.extCaps).toHaveLength(0);
  });

  it.each(SEEDS)('transport: doorbells miscomputed for multiplier 4096 beyond queue_notify_off 0 (seed %i)', (seed) => {
    const r = fc.check(
      fc.property(arbTransport(), (g) => {
        const cs = decodeConfigSpace(g.image, { barSizes: barSizesOf(g), vendorCaps: [virtioVendorCapDecoder] });
        const t = probeVirtio(cs, { features: g.features });
        // The planted fault: an off-by-two for large multipliers.
        const buggy = (off: number) => notifyAddress(t, off)!.address + (t.notify!.multiplier === 4096 && off > 0 ? 2n : 0n);
        return g.facts.notifyAddresses.every((n) => buggy(n.queueNotifyOff) === n.address);
      }),
      { numRuns: 2000, seed },
    );
    expect(r.failed).toBe(true);
    const g = r.counterexample![0];
    expect(g.facts.notify!.multiplier).toBe(4096);
    expect(g.queueNotifyOffs.length).toBeLessThanOrEqual(2);
    expect(g.queueNotifyOffs.some((o) => o > 0)).toBe(true);
    expect(g.msix).toBeNull();
    expect(g.caps.length).toBe(5); // common, notify, isr, device, pci_cfg: nothing extra
    expect(g.bars.length).toBe(1);
  });

  it.each(SEEDS)('ring: a device that drops the third buffer of indirect chains (seed %i)', (seed) => {
    const r = fc.check(
      fc.property(arbSplitRing(), (ring) => {
        const dev = new SplitVringDevice(ring.memory, ring.addrs, ring.queueSize);
        return ring.chains.every((c) => {
          const p = dev.pop()!;
          const got = p.buffers.filter((_, i) => !(c.indirectTable !== null && i === 2));
          return got.length === c.buffers.length;
        });
      }),
      { numRuns: 1000, seed },
    );
    expect(r.failed).toBe(true);
    const ring = r.counterexample![0];
    // At most one bystander chain survives shrinking; the faulty one has exactly three buffers.
    expect(ring.chains.length).toBeLessThanOrEqual(2);
    const faulty = ring.chains.filter((c) => c.indirectTable !== null && c.buffers.length >= 3);
    expect(faulty.map((c) => c.buffers.length)).toEqual([3]);
    expect(ring.queueSize).toBeLessThanOrEqual(32); // (4 is the smallest ring that takes three buffers)
  });
  it.each(SEEDS)('chain over noise: loop detection that misses loops of three or more (seed %i)', (seed) => {
    const buggyLoops = (b: Uint8Array) => {
      const cs = decodeConfigSpace(b);
      return cs.diagnostics.some((d) => d.code === 'CAP_LOOP') && cs.capabilities.length < 3;
    };
    const r = fc.check(fc.property(arbCapChainImage(), (g) => buggyLoops(g.bytes) === g.facts.loops), { numRuns: 1000, seed });
    expect(r.failed).toBe(true);
    const g = r.counterexample![0];
    // Three capabilities, the last pointing back to the first; the extended list down to the one at 0x100.
    expect(g.facts.caps).toHaveLength(3);
    expect(g.facts.loops).toBe(true);
    expect(g.facts.extCaps).toHaveLength(1);
  });

  it.each(SEEDS)('BAR registers: a reader that takes an all-ones upper half for an unused register (seed %i)', (seed) => {
    const buggyBars = (b: Uint8Array) => decodeConfigSpace(b).bars.filter((x) => x.rawUpper !== 0xffffffff);
    const r = fc.check(fc.property(arbBarRegisters(), (g) => buggyBars(g.bytes).length === g.facts.bars.length), { numRuns: 1000, seed });
    expect(r.failed).toBe(true);
    const g = r.counterexample![0];
    // One 64-bit BAR with an all-ones upper half; every other slot shrinks to an unused 0.
    expect(g.facts.bars).toHaveLength(1);
    expect(g.facts.bars[0]).toMatchObject({ kind: 'mem64', rawUpper: 0xffffffff });
    expect(g.registers.filter((x, i) => i !== g.facts.bars[0].index && i !== g.facts.bars[0].index + 1)).toEqual(g.registers.map(() => 0).slice(2));
  });
});
