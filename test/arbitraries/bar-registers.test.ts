// arbBarRegisters carries the right BARs: its facts agree with the rules read straight off the
// registers (PCI Local Bus spec 6.2.5.1; 0 and all-ones unused, as pciutils reads dumps), and
// the registers are where a header keeps them.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { arbBarRegisters, type BarRegisterFact } from '../../src/arbitraries/index.js';

/** The BARs of `regs` by the spec's rules, read register by register. */
function byTheRules(regs: readonly number[]) {
  const bars: BarRegisterFact[] = [];
  const reserved: number[] = [];
  let lastSlot64: number | null = null;
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i];
    if (r === 0 || r === 0xffffffff) continue;
    if (r % 2 === 1) {
      bars.push({ index: i, kind: 'io', address: BigInt(r - (r % 4)), prefetchable: false, rawUpper: null });
      continue;
    }
    const type = Math.floor(r / 2) % 4;
    const low = BigInt(r - (r % 16));
    const prefetchable = Math.floor(r / 8) % 2 === 1;
    if (type === 2) {
      if (i === regs.length - 1) {
        lastSlot64 = i;
        bars.push({ index: i, kind: 'mem64', address: low, prefetchable, rawUpper: null });
      } else {
        bars.push({ index: i, kind: 'mem64', address: BigInt(regs[i + 1]) * 2n ** 32n + low, prefetchable, rawUpper: regs[i + 1] });
        i++;
      }
      continue;
    }
    if (type === 3) reserved.push(i);
    bars.push({ index: i, kind: type === 1 ? 'mem1m' : 'mem32', address: low, prefetchable, rawUpper: null });
  }
  return { bars, lastSlot64, reservedType: reserved };
}

describe('arbBarRegisters', () => {
  test.prop([arbBarRegisters()], { numRuns: 1000 })('the facts are the BARs the registers hold', (g) => {
    const n = g.facts.headerType === 0 ? 6 : 2;
    expect(g.registers).toHaveLength(n);
    expect(g.bytes).toHaveLength(64);
    expect(g.bytes[0x0e]).toBe(g.facts.headerType);
    const dv = new DataView(g.bytes.buffer, g.bytes.byteOffset);
    g.registers.forEach((r, i) => expect(dv.getUint32(0x10 + 4 * i, true)).toBe(r));
    const { headerType: _h, ...facts } = g.facts;
    expect(facts).toEqual(byTheRules(g.registers));
  });

  // Each kind of slot is drawn: a header holding one of every outcome within a few hundred draws.
  it('every outcome is drawn: unused, I/O, each memory type, 64-bit pairs and the last slot', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbBarRegisters(), (g) => {
        if (g.registers.some((r) => r === 0)) seen.add('zero');
        if (g.registers.some((r) => r === 0xffffffff)) seen.add('ones');
        for (const b of g.facts.bars) seen.add(b.kind + (b.rawUpper === null && b.kind === 'mem64' ? '-last' : ''));
        if (g.facts.reservedType.length) seen.add('reserved');
      }),
      { numRuns: 500, seed: 1 },
    );
    expect([...seen].sort()).toEqual(['io', 'mem1m', 'mem32', 'mem64', 'mem64-last', 'ones', 'reserved', 'zero']);
  });
});
