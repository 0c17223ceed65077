// The noise images carry the right facts: what they say is written is in the bytes, and the
// walks they announce are the ones the links make (checked here by reading the bytes, and
// against the decoder).
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { arbCapChainImage, arbVirtioCapNoise, arbVirtioNoiseImage, NOISE_CAP_IDS, NOISE_EXT_CAP_IDS } from '../../src/arbitraries/index.js';

const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** Follow the pointers in the bytes themselves, stopping at 0 or a repeat. */
function follow(first: number, next: (p: number) => number): { walk: number[]; loops: boolean } {
  const walk: number[] = [];
  for (let p = first; p !== 0; p = next(p)) {
    if (walk.includes(p)) return { walk, loops: true };
    walk.push(p);
  }
  return { walk, loops: false };
}

describe('arbCapChainImage', () => {
  test.prop([arbCapChainImage()], { numRuns: 500 })('the bytes hold every capability the facts name, and the walks the facts announce', (g) => {
    const { bytes: b, facts: f } = g;
    expect(b.length).toBe(4096);
    expect(b[0x0e]).toBe(f.headerType);
    expect(b[0x06] & 0x10).toBe(0x10);
    expect(b[0x34]).toBe(f.caps[0]?.pos ?? 0);
    for (const c of f.caps) {
      expect(c.pos % 4 === 0 && c.pos >= 0x40 && c.pos < 0x100).toBe(true);
      expect([b[c.pos], b[c.pos + 1]]).toEqual([c.id, c.next]);
      expect(NOISE_CAP_IDS).toContain(c.id);
    }
    expect(new Set(f.caps.map((c) => c.pos)).size).toBe(f.caps.length);
    expect(f.extCaps[0].pos).toBe(0x100);
    for (const c of f.extCaps) {
      expect(c.pos % 4 === 0 && c.pos >= 0x100 && c.pos < 0x1000).toBe(true);
      expect(u32(b, c.pos)).toBe(((c.next << 20) | (c.version << 16) | c.id) >>> 0);
      expect(NOISE_EXT_CAP_IDS).toContain(c.id);
    }
    const std = follow(b[0x34], (p) => b[p + 1]);
    expect(f.walk).toEqual(std.walk);
    expect(f.loops).toBe(std.loops);
    const ext = follow(0x100, (p) => u32(b, p) >>> 20);
    expect(f.extWalk).toEqual(ext.walk);
    expect(f.extLoops).toBe(ext.loops);
    // List links: the walk is the list, looping exactly when the last points back to the first.
    expect(f.walk).toEqual(f.caps.map((c) => c.pos));
    if (f.caps.length) expect(f.loops).toBe(f.caps.at(-1)!.next === f.caps[0].pos);
    // And the decoder follows the same walks (the extended list on request: noise seldom
    // makes the bytes past 0xff config space).
    const cs = decodeConfigSpace(b, { forceExtendedCapabilities: true });
    expect(cs.capabilities.map((c) => c.pos)).toEqual(f.walk);
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual(f.extWalk);
  });

  test.prop([arbCapChainImage({ size: 256, background: 'zero', capIds: 'any', minCaps: 1, maxCaps: 48, links: 'any', headerType: 1 })], { numRuns: 500 })(
    "knobs: 'any' links always loop, zero background, 256 bytes, no extended capabilities",
    (g) => {
      const { bytes: b, facts: f } = g;
      expect(b.length).toBe(256);
      expect(f.loops).toBe(true);
      expect(f.extCaps).toEqual([]);
      expect(f.caps.length).toBeGreaterThanOrEqual(1);
      expect(f.headerType).toBe(1);
      const written = new Set([0x06, 0x0e, 0x34, ...f.caps.flatMap((c) => [c.pos, c.pos + 1])]);
      for (let i = 0; i < b.length; i++) if (!written.has(i)) expect(b[i]).toBe(0);
      for (const c of f.caps) expect(f.caps.map((x) => x.pos)).toContain(c.next);
      expect(follow(b[0x34], (p) => b[p + 1])).toEqual({ walk: f.walk, loops: true });
      expect(decodeConfigSpace(b).capabilities.map((c) => c.pos)).toEqual(f.walk);
    },
  );

  test.prop([arbCapChainImage({ size: 256, capSpan: 12, maxCaps: 12 })], { numRuns: 200 })('knobs: capSpan keeps every capability that far from 0x100', (g) => {
    for (const c of g.facts.caps) expect(c.pos).toBeLessThanOrEqual(0x100 - 12);
  });

  test.prop([arbCapChainImage({ maxCaps: 0, extCapIds: 'any', maxExtCaps: 200, links: 'any', background: 'zero' })], { numRuns: 200 })(
    "knobs: extended 'any' links loop too",
    (g) => {
      expect(g.facts.caps).toEqual([]);
      expect(g.facts.extLoops).toBe(true);
      expect(follow(0x100, (p) => u32(g.bytes, p) >>> 20)).toEqual({ walk: g.facts.extWalk, loops: true });
    },
  );
});

describe('arbVirtioNoiseImage', () => {
  test.prop([arbVirtioNoiseImage()], { numRuns: 500 })('a virtio function whose list is the chain of vendor capabilities the facts name', (g) => {
    const { bytes: b, facts: f } = g;
    expect(b.length).toBe(256);
    expect(b[0] | (b[1] << 8)).toBe(0x1af4);
    expect(b[2] | (b[3] << 8)).toBe(f.deviceId);
    expect(f.deviceId >= 0x1000 && f.deviceId <= 0x107f).toBe(true);
    expect([b[0x06] & 0x10, b[0x0e], b[0x34]]).toEqual([0x10, 0, f.caps[0].pos]);
    for (const c of f.caps) {
      expect(c.pos % 8).toBe(0);
      expect(Array.from(b.subarray(c.pos, c.pos + 5))).toEqual([0x09, c.next, c.capLen, c.cfgType, c.bar]);
    }
    const w = follow(b[0x34], (p) => b[p + 1]);
    expect(w).toEqual({ walk: f.caps.map((c) => c.pos), loops: f.loops });
    const cs = decodeConfigSpace(b, { vendorCaps: [virtioVendorCapDecoder] });
    expect(cs.capabilities.map((c) => c.pos)).toEqual(w.walk);
  });

  test.prop([arbVirtioNoiseImage({ minCaps: 0, maxCaps: 0 })], { numRuns: 200 })('with no capabilities asked for, only the IDs and the capabilities bit are set', (g) => {
    expect(g.facts.caps).toEqual([]);
    expect(g.facts.loops).toBe(false);
    expect(g.bytes[0] | (g.bytes[1] << 8)).toBe(0x1af4);
    expect(g.bytes[6] & 0x10).toBe(0x10);
  });
});

describe('arbVirtioCapNoise', () => {
  test.prop([arbVirtioCapNoise({ size: 48, maxPos: 30, maxCapLen: 20, cfgTypes: [2, 7] })], { numRuns: 500 })('the header the facts name is at their offset, within the knobs', (g) => {
    const { pos, capLen, cfgType } = g.facts;
    expect(g.bytes.length).toBe(48);
    expect(pos >= 0 && pos <= 30 && capLen <= 20 && [2, 7].includes(cfgType)).toBe(true);
    expect([g.bytes[pos], g.bytes[pos + 2], g.bytes[pos + 3]]).toEqual([0x09, capLen, cfgType]);
  });
});
