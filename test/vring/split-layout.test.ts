import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  legacySplitVringLayout,
  locateSplitVring,
  specLegacyVringSize,
  splitVringLayout,
  splitVringRegions,
  vringSize,
  type SplitVringLayout,
  type VringPart,
} from '../../src/vring/index.js';
import { labelAt } from '../../src/layout/index.js';

// Linux include/uapi/linux/virtio_ring.h vring_size(), restated with the mask arithmetic of the
// C macro rather than the library's ceil-division (an independent reading of the same formula).
function linuxVringSize(num: number, align: number): number {
  const descAndAvail = 16 * num + 2 * (3 + num);
  return ((descAndAvail + align - 1) & ~(align - 1)) + 2 * 3 + 8 * num;
}

const codes = (l: { diagnostics: readonly { code: string }[] }) => l.diagnostics.map((d) => d.code);
const parts = (l: SplitVringLayout): Array<[string, VringPart]> => [
  ['desc', l.desc],
  ['avail', l.avail],
  ['used', l.used],
];

describe('split layout: known sizes', () => {
  it.each([
    // N, used offset, total (Linux legacy placement, Queue Align 4096, event-idx fields present)
    [1, 4096, 4110],
    [2, 4096, 4118],
    [128, 4096, 5126],
    [256, 8192, 10246],
    [1024, 20480, 28678],
    [32768, 593920, 856070],
  ])('legacy N=%i: used at %i, total %i', (n, usedAt, total) => {
    const l = legacySplitVringLayout(n);
    expect(l.diagnostics).toEqual([]);
    expect(l.desc).toEqual({ offset: 0, size: 16 * n, align: 16 });
    expect(l.avail).toEqual({ offset: 16 * n, size: 6 + 2 * n, align: 2 });
    expect(l.used).toEqual({ offset: usedAt, size: 6 + 8 * n, align: 4 });
    expect(l.total).toBe(total);
    expect(l.total).toBe(vringSize(n, 4096));
  });

  it.each([
    // N, avail size, used offset, total (contiguous, alignment 4, with event idx)
    [1, 8, 24, 38],
    [2, 10, 44, 66],
    [128, 262, 2312, 3342],
    [256, 518, 4616, 6670],
    [32768, 65542, 589832, 851982],
  ])('modern N=%i packed tightly', (n, availSize, usedAt, total) => {
    const l = splitVringLayout(n);
    expect(l.diagnostics).toEqual([]);
    expect(l.avail).toEqual({ offset: 16 * n, size: availSize, align: 2 });
    expect(l.used.offset).toBe(usedAt);
    expect(l.total).toBe(total);
  });

  it('without event idx the rings lose their trailing word, Linux placement keeps the gap', () => {
    const l = splitVringLayout(2, { eventIdx: false });
    expect(l.avail.size).toBe(8);
    expect(l.used).toEqual({ offset: 44, size: 20, align: 4 });
    expect(locateSplitVring(l, 40)?.label).toBe('padding');
    expect(locateSplitVring(l, 43)?.label).toBe('padding');
  });

  it('matches the worked examples: N=256 with alignment 64, and the spec formula', () => {
    expect(vringSize(256, 64)).toBe(6726);
    expect(splitVringLayout(256, { align: 64 }).total).toBe(6726);
    expect(specLegacyVringSize(128, 4096)).toBe(8192);
    expect(specLegacyVringSize(256, 4096)).toBe(12288);
    expect(specLegacyVringSize(1024, 4096)).toBe(32768);
  });

  it('equals Linux vring_size() for every power of two and several alignments', () => {
    for (let n = 1; n <= 32768; n *= 2) {
      for (const align of [4, 16, 64, 4096, 65536]) {
        const l = splitVringLayout(n, { align });
        expect(l.total, `N=${n} align=${align}`).toBe(linuxVringSize(n, align));
        expect(vringSize(n, align)).toBe(linuxVringSize(n, align));
      }
    }
  });
});

describe('split layout: QEMU legacy placement', () => {
  it('agrees with Linux for every power of two at alignment 4096 (and any alignment >= 16)', () => {
    for (let n = 1; n <= 32768; n *= 2) {
      for (const align of [16, 64, 4096]) {
        const q = splitVringLayout(n, { align, placement: 'qemu' });
        expect(q.used.offset).toBe(splitVringLayout(n, { align }).used.offset);
        expect(codes(q)).toEqual([]);
      }
    }
  });

  it('differs where 18N + 4 is a multiple of the alignment', () => {
    // 18·910 + 4 = 16384: QEMU puts the used ring there, over used_event; Linux one page later.
    const q = legacySplitVringLayout(910, { placement: 'qemu' });
    const l = legacySplitVringLayout(910);
    expect(q.used.offset).toBe(16384);
    expect(l.used.offset).toBe(20480);
    expect(codes(q)).toEqual(['VRING_SIZE_NOT_POWER_OF_TWO', 'VRING_QEMU_USED_EVENT_OVERLAP']);
    // Without event idx there is nothing to overlap.
    expect(codes(legacySplitVringLayout(910, { placement: 'qemu', eventIdx: false }))).toEqual(['VRING_SIZE_NOT_POWER_OF_TWO']);
    // Small alignments differ even for powers of two: N=2, align 8 → 40 vs 48.
    expect(splitVringLayout(2, { align: 8, placement: 'qemu' }).used.offset).toBe(40);
    expect(splitVringLayout(2, { align: 8 }).used.offset).toBe(48);
  });
});

describe('split layout: bad sizes are diagnostics', () => {
  it.each([
    [0, ['VRING_SIZE_ZERO'], 0],
    [3, ['VRING_SIZE_NOT_POWER_OF_TWO'], 3],
    [65536, ['VRING_SIZE_INVALID'], 0],
    [40000, ['VRING_SIZE_TOO_LARGE', 'VRING_SIZE_NOT_POWER_OF_TWO'], 40000],
    [-1, ['VRING_SIZE_INVALID'], 0],
    [1.5, ['VRING_SIZE_INVALID'], 0],
    [Number.NaN, ['VRING_SIZE_INVALID'], 0],
  ])('size %s', (n, expected, computed) => {
    const l = splitVringLayout(n);
    expect(codes(l)).toEqual(expected);
    expect(l.queueSize).toBe(computed);
    expect(l.total).toBeGreaterThan(0);
  });

  it('bad alignments are diagnostics and fall back to 4', () => {
    const l = splitVringLayout(8, { align: 3000 });
    expect(codes(l)).toEqual(['VRING_ALIGN_INVALID']);
    expect(l.align).toBe(4);
    expect(codes(splitVringLayout(8, { align: 0 }))).toEqual(['VRING_ALIGN_INVALID']);
    // Alignment 2 is a power of two but can misplace the used ring.
    expect(codes(splitVringLayout(2, { align: 2 }))).toEqual(['VRING_PART_MISALIGNED']);
  });
});

describe('split layout: reverse lookup', () => {
  const l = splitVringLayout(4); // desc 0..64, avail 64..78, used 80..118
  it.each([
    [0, 'desc[0].addr', 0],
    [13, 'desc[0].flags', 1],
    [63, 'desc[3].next', 1],
    [66, 'avail.idx', 0],
    [70, 'avail.ring[1]', 0],
    [77, 'avail.used_event', 1],
    [78, 'padding', 0],
    [80, 'used.flags', 0],
    [84, 'used.ring[0].id', 0],
    [97, 'used.ring[1].len', 1],
    [117, 'used.avail_event', 1],
  ])('byte %i is %s', (at, label, byteInField) => {
    const loc = locateSplitVring(l, at)!;
    expect(loc.label).toBe(label);
    expect(loc.byteInField).toBe(byteInField);
  });
  it('is undefined outside the ring', () => {
    expect(locateSplitVring(l, -1)).toBeUndefined();
    expect(locateSplitVring(l, l.total)).toBeUndefined();
  });
  it('regions annotate the same fields', () => {
    const regions = splitVringRegions(l, 0x1000);
    expect(labelAt(regions, 0x1000 + 97)?.region.label).toBe('used.ring[1]');
    expect(labelAt(regions, 0x1000 + 97)?.field.name).toBe('len');
    expect(labelAt(regions, 0x1000 + 78)).toBeUndefined();
  });
});

const layoutArgs = fc.record({
  n: fc.oneof(fc.integer({ min: 1, max: 32768 }), fc.constantFrom(...Array.from({ length: 16 }, (_, k) => 2 ** k))),
  alignLog: fc.integer({ min: 0, max: 16 }),
  eventIdx: fc.boolean(),
  placement: fc.constantFrom('linux' as const, 'qemu' as const),
});

describe('split layout: properties', () => {
  test.prop([layoutArgs], { numRuns: 1000 })('parts never overlap, respect alignment and fit the total', ({ n, alignLog, eventIdx, placement }) => {
    const l = splitVringLayout(n, { align: 2 ** alignLog, eventIdx, placement });
    const c = codes(l);
    const ps = parts(l);
    for (const [, p] of ps) expect(p.offset + p.size).toBeLessThanOrEqual(l.total);
    const misaligned = ps.some(([, p]) => p.offset % p.align !== 0);
    expect(misaligned).toBe(c.includes('VRING_PART_MISALIGNED'));
    const overlap = ps.some(([, a], i) => ps.some(([, b], j) => i < j && a.offset < b.offset + b.size && b.offset < a.offset + a.size));
    expect(overlap).toBe(c.includes('VRING_QEMU_USED_EVENT_OVERLAP'));
    if (placement === 'linux' && alignLog >= 2) {
      expect(misaligned).toBe(false);
      expect(overlap).toBe(false);
    }
    expect(l.used.offset % l.align).toBe(0);
  });

  test.prop([layoutArgs, fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 1000 })(
    'reverse lookup names the part that holds the byte',
    ({ n, alignLog, eventIdx }, frac) => {
      const l = splitVringLayout(n, { align: 2 ** alignLog, eventIdx });
      const at = Math.min(l.total - 1, Math.floor(frac * l.total));
      const loc = locateSplitVring(l, at)!;
      const holder = parts(l).find(([, p]) => at >= p.offset && at < p.offset + p.size);
      expect(loc.part).toBe(holder ? holder[0] : 'padding');
    },
  );
});
