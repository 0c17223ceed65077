// arbPciHierarchy: the facts count what the description holds, and the description keeps the
// promises the knobs make (sizes powers of two, bridges within the budget and the depth, large
// BARs only on bus 0 of a hierarchy marked as needing a 64-bit window).
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { arbPciHierarchy, type PciHierarchyDevice } from '../../src/arbitraries/index.js';

const isPow2 = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

function visit(devs: readonly PciHierarchyDevice[], depth: number, f: (fn: PciHierarchyDevice[number], depth: number) => void) {
  for (const d of devs) for (const fn of d) {
    f(fn, depth);
    if (fn.bridge) visit(fn.bridge.devices, depth + 1, f);
  }
}

describe('arbPciHierarchy', () => {
  test.prop([arbPciHierarchy()], { numRuns: 1000 })('facts and default knobs', (h) => {
    let functions = 0;
    let bridges = 0;
    let bars = 0;
    let deepest = 0;
    expect(h.devices.length).toBeGreaterThanOrEqual(1);
    visit(h.devices, 0, (fn, depth) => {
      functions++;
      bars += fn.bars.length;
      deepest = Math.max(deepest, depth);
      for (const b of fn.bars) {
        expect(isPow2(b.size)).toBe(true);
        if (b.kind === 'io') expect(b.size <= 64n && !b.pref).toBe(true);
        const big = b.size > 1n << 24n;
        if (big) expect(h.needsMem64 && depth === 0 && b.kind === 'mem64' && b.pref).toBe(true);
      }
      if (fn.romSize !== null) expect(isPow2(fn.romSize) && fn.romSize >= 0x800n).toBe(true);
      if (fn.bridge) {
        bridges++;
        expect(fn.bars.every((b) => b.kind !== 'mem64') && fn.bars.length <= 1 && fn.romSize === null).toBe(true);
        expect(fn.bridge.io).toBe(true);
      } else expect(fn.bars.length).toBeLessThanOrEqual(3);
    });
    for (const d of h.devices) expect(d.length >= 1 && d.length <= 3).toBe(true);
    expect(h.facts).toEqual({ functions, bridges, bars });
    expect(bridges).toBeLessThanOrEqual(3);
    expect(deepest).toBeLessThanOrEqual(2);
  });

  test.prop([arbPciHierarchy({ bigBars: false, maxBridges: 1, maxDepth: 1, maxDevices: 2 })], { numRuns: 300 })('knobs are honoured', (h) => {
    expect(h.needsMem64).toBe(false);
    expect(h.facts.bridges).toBeLessThanOrEqual(1);
    expect(h.devices.length).toBeLessThanOrEqual(2);
    visit(h.devices, 0, (fn, depth) => {
      expect(depth).toBeLessThanOrEqual(1);
      for (const b of fn.bars) expect(b.size <= 1n << 24n).toBe(true);
    });
  });
});
