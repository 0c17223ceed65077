import { describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { image } from './fixtures.js';

const le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const type0 = (...regs: number[]) => image(64, [[0x10, regs.flatMap(le)]]);
const type1 = (...regs: number[]) => image(64, [[0x0e, [1]], [0x10, regs.flatMap(le)]]);

describe('BAR decoding', () => {
  it('I/O, 32-bit, below-1M, prefetchable and 64-bit pairs', () => {
    const cs = decodeConfigSpace(type0(0x0000e001, 0xf7000000, 0x000d0002, 0x0000000c, 0x00000001, 0xc0000008));
    expect(cs.bars.map((b) => [b.index, b.offset, b.kind, b.prefetchable, b.address, b.raw, b.rawUpper])).toEqual([
      [0, 0x10, 'io', false, 0xe000n, 0x0000e001, null],
      [1, 0x14, 'mem32', false, 0xf7000000n, 0xf7000000, null],
      [2, 0x18, 'mem1m', false, 0xd0000n, 0x000d0002, null],
      [3, 0x1c, 'mem64', true, 0x1_00000000n, 0x0000000c, 1],
      [5, 0x24, 'mem32', true, 0xc0000000n, 0xc0000008, null],
    ]);
    expect(cs.diagnostics).toEqual([]);
  });

  it('keeps all 64 bits of a 64-bit address as a bigint', () => {
    const cs = decodeConfigSpace(type0(0xfff0000c, 0xffffffff));
    expect(cs.bars).toHaveLength(1);
    expect(cs.bars[0].address).toBe(0xffffffff_fff00000n);
  });

  it('treats 0 and 0xffffffff registers as unused, like pciutils', () => {
    const cs = decodeConfigSpace(type0(0, 0xffffffff, 0x00000001, 0, 0, 0));
    expect(cs.bars.map((b) => [b.index, b.kind, b.address])).toEqual([[2, 'io', 0n]]);
  });

  it('reports a 64-bit BAR in the last slot (5 for type 0, 1 for type 1) and keeps its low half', () => {
    const t0 = decodeConfigSpace(type0(0, 0, 0, 0, 0, 0xe000000c));
    expect(t0.bars.map((b) => [b.index, b.kind, b.address, b.rawUpper])).toEqual([[5, 'mem64', 0xe0000000n, null]]);
    expect(t0.diagnostics.map((d) => [d.code, d.offset])).toEqual([['BAR64_LAST_SLOT', 0x24]]);
    const t1 = decodeConfigSpace(type1(0, 0xe0000004));
    expect(t1.diagnostics.map((d) => [d.code, d.offset])).toEqual([['BAR64_LAST_SLOT', 0x14]]);
    // In a type 1 header 0x18 is the bus number register, never an upper half.
    expect(decodeConfigSpace(type1(0xe0000004, 0x12345678)).bars[0].rawUpper).toBe(0x12345678);
  });

  it('reports the reserved memory type 3', () => {
    const cs = decodeConfigSpace(type0(0xe0000006));
    expect(cs.bars[0].kind).toBe('mem32');
    expect(cs.diagnostics.map((d) => d.code)).toEqual(['BAR_TYPE_RESERVED']);
  });

  it('has no sizes unless supplied, by index, as a Map or a record', () => {
    const b = type0(0x0000e001, 0xf7000000, 0x0000000c, 0x00000001);
    expect(decodeConfigSpace(b).bars.map((x) => x.size)).toEqual([null, null, null]);
    expect(decodeConfigSpace(b, { barSizes: new Map([[2, 0x4000n]]) }).bars.map((x) => x.size)).toEqual([null, null, 0x4000n]);
    const cs = decodeConfigSpace(b, { barSizes: { 0: 0x20n, 3: 0x1000n } });
    expect(cs.bars.map((x) => x.size)).toEqual([0x20n, null, null]);
    expect(cs.diagnostics.map((d) => [d.code, d.offset])).toEqual([['BAR_SIZE_UNUSED', 0x1c]]);
  });
});
