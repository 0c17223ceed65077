// Packed virtqueues: layout (any size 1..32768), wrap-counter helpers, and a driver and a
// device that agree over arbitrary sequences of operations, across many laps of the ring.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  PackedVringDevice,
  PackedVringDriver,
  VRING_PACKED_DESC_F_AVAIL as AV,
  VRING_PACKED_DESC_F_USED as US,
  VringFlatMemory,
  VringMemoryFault,
  locatePackedVring,
  packedAdvance,
  packedAvailFlags,
  packedDescIsAvail,
  packedDescIsUsed,
  packedUsedFlags,
  packedVringAddrs,
  packedVringLayout,
  packedVringRegions,
  type VringBuffer,
} from '../../src/vring/index.js';
import { arbRingOperations } from '../../src/arbitraries/index.js';
import { labelAt } from '../../src/layout/index.js';

const codes = (l: { diagnostics: readonly { code: string }[] }) => l.diagnostics.map((d) => d.code);

describe('packed layout', () => {
  it.each([
    [1, 24],
    [3, 56],
    [128, 2056],
    [256, 4104],
    [1000, 16008],
    [32768, 524296],
  ])('N=%i: ring 16N, driver area at 16N, device area at 16N+4, total %i, no diagnostic', (n, total) => {
    const l = packedVringLayout(n);
    expect(codes(l)).toEqual([]);
    expect(l.desc).toEqual({ offset: 0, size: 16 * n, align: 16 });
    expect(l.driverEvent).toEqual({ offset: 16 * n, size: 4, align: 4 });
    expect(l.deviceEvent).toEqual({ offset: 16 * n + 4, size: 4, align: 4 });
    expect(l.total).toBe(total);
  });

  it.each([
    [0, ['VRING_SIZE_ZERO']],
    [32769, ['VRING_SIZE_TOO_LARGE']],
    [65536, ['VRING_SIZE_INVALID']],
    [-3, ['VRING_SIZE_INVALID']],
    [2.5, ['VRING_SIZE_INVALID']],
  ])('size %s is a diagnostic, not an exception', (n, want) => {
    expect(codes(packedVringLayout(n))).toEqual(want);
  });

  test.prop([fc.integer({ min: 1, max: 32768 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })], { numRuns: 1000 })(
    'parts do not overlap, are aligned, fit the total; every byte is located in the part and element the regions say',
    (n, frac) => {
      const l = packedVringLayout(n);
      const parts = [l.desc, l.driverEvent, l.deviceEvent];
      for (const p of parts) {
        expect(p.offset % p.align).toBe(0);
        expect(p.offset + p.size).toBeLessThanOrEqual(l.total);
      }
      for (let i = 0; i + 1 < parts.length; i++) expect(parts[i].offset + parts[i].size).toBeLessThanOrEqual(parts[i + 1].offset);
      const regions = packedVringRegions(l, 0x100);
      // A random byte and every byte around the part boundaries.
      const d = l.desc.size;
      for (const at of [Math.floor(frac * l.total), 0, d - 1, d, d + 3, d + 4, d + 7]) {
        const loc = locatePackedVring(l, at)!;
        const label = labelAt(regions, 0x100 + at)!;
        expect(label.region.label).toBe(loc.part === 'desc' ? `desc[${loc.index}]` : loc.part);
        expect(label.field.name).toBe(loc.field);
        expect(label.byteInField).toBe(loc.byteInField);
      }
      expect(locatePackedVring(l, l.total)).toBeUndefined();
    },
  );
});

describe('wrap counters', () => {
  it('flags a driver and a device write', () => {
    expect(packedAvailFlags(true)).toBe(AV);
    expect(packedAvailFlags(false)).toBe(US);
    expect(packedUsedFlags(true)).toBe(AV | US);
    expect(packedUsedFlags(false)).toBe(0);
  });

  test.prop([fc.boolean(), fc.nat(0xffff)], { numRuns: 1000 })(
    'available and used are told apart by the wrap counter, whatever the other flag bits',
    (wrap, other) => {
      const rest = other & ~(AV | US);
      expect(packedDescIsAvail(packedAvailFlags(wrap) | rest, wrap)).toBe(true);
      expect(packedDescIsUsed(packedAvailFlags(wrap) | rest, wrap)).toBe(false);
      expect(packedDescIsUsed(packedUsedFlags(wrap) | rest, wrap)).toBe(true);
      expect(packedDescIsAvail(packedUsedFlags(wrap) | rest, wrap)).toBe(false);
      // A descriptor made available in the previous lap is neither, for this lap.
      expect(packedDescIsAvail(packedUsedFlags(!wrap) | rest, wrap)).toBe(false);
      expect(packedDescIsAvail(packedAvailFlags(!wrap) | rest, wrap)).toBe(false);
      expect(packedDescIsUsed(packedUsedFlags(!wrap) | rest, wrap)).toBe(false);
    },
  );

  test.prop([fc.integer({ min: 1, max: 32768 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.boolean(), fc.nat(3 * n)))], { numRuns: 1000 })(
    'advancing by k lands at (idx + k) mod N and flips the counter once per pass over the end',
    ([n, idx, wrap, by]) => {
      const r = packedAdvance(idx, wrap, by, n);
      const laps = Math.floor((idx + by) / n);
      expect(r).toEqual({ idx: (idx + by) % n, wrap: laps % 2 === 1 ? !wrap : wrap });
    },
  );
});

describe('packed ring: driver and device', () => {
  const BASE = 0x2_0000_0000n;
  function setup(n: number) {
    const l = packedVringLayout(n);
    const mem = new VringFlatMemory(new Uint8Array(l.total + 16 * 5 * 64), BASE);
    const addrs = packedVringAddrs(l, BASE);
    const driver = new PackedVringDriver(mem, addrs, n);
    driver.reset();
    return { mem, driver, device: new PackedVringDevice(mem, addrs, n), tableAt: BASE + BigInt(l.total) };
  }

  it('a chain crosses the end of a 3-entry ring and the counters flip', () => {
    const { driver, device } = setup(3);
    const one = [{ addr: 0x1000n, len: 1, write: false }];
    const two = [
      { addr: 0x2000n, len: 2, write: false },
      { addr: 0x3000n, len: 3, write: true },
    ];
    const a = driver.publish(one)!;
    const p = device.pop()!;
    device.push(p.id!, 7, p.ringDescriptors);
    expect(driver.getUsed()).toEqual({ id: a, len: 7, diagnostics: [] });
    const b = driver.publish(two)!; // slots 1 and 2
    const c = driver.publish(one)!; // slot 0, second lap
    expect(driver.nextAvailIdx).toBe(1);
    expect(driver.availWrapCounter).toBe(false);
    const pb = device.pop()!;
    expect(pb).toMatchObject({ id: b, buffers: two, ringDescriptors: 2, complete: true, diagnostics: [] });
    const pc = device.pop()!;
    expect(pc).toMatchObject({ id: c, buffers: one, ringDescriptors: 1 });
    expect(device.pop()).toBeNull();
    device.push(pb.id!, 20, 2);
    device.push(pc.id!, 30, 1);
    expect(driver.getUsed()).toEqual({ id: b, len: 20, diagnostics: [] });
    expect(driver.getUsed()).toEqual({ id: c, len: 30, diagnostics: [] });
    expect(driver.getUsed()).toBeNull();
    expect(driver.numFree).toBe(3);
  });

  it('a ring outside memory gives the device a VRING_MEMORY_FAULT, not an exception', () => {
    const mem = new VringFlatMemory(new Uint8Array(16), 0n);
    const dev = new PackedVringDevice(mem, packedVringAddrs(packedVringLayout(4), 0x1000n), 4);
    expect(codes(dev.pop()!)).toEqual(['VRING_MEMORY_FAULT']);
    expect(() => mem.read(0x1000n, 1)).toThrow(VringMemoryFault);
  });

  test.prop([fc.integer({ min: 1, max: 9 }), arbRingOperations({ maxOperations: 80, maxBuffers: 5 })], { numRuns: 1000 })(
    'driver and device agree over any sequence of operations, for any ring size',
    (n, ops) => {
      const { driver, device, tableAt } = setup(n);
      const published = new Map<number, VringBuffer[]>();
      const popped: Array<{ id: number; buffers: VringBuffer[]; slots: number }> = [];
      const returned: Array<{ id: number; len: number }> = [];
      let tables = 0;
      let inFlightSlots = 0;
      const slotsOf = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'publish') {
          const bufs = o.buffers.slice(0, n);
          const slots = o.indirect ? 1 : bufs.length;
          const id = driver.publish(bufs, o.indirect ? { indirectTable: tableAt + BigInt(16 * 5 * (tables++ % 64)) } : {});
          if (id === null) {
            expect(slots > driver.numFree || published.size === n).toBe(true);
            continue;
          }
          expect(published.has(id)).toBe(false);
          published.set(id, bufs);
          slotsOf.set(id, slots);
          inFlightSlots += slots;
          for (let p = device.pop(); p; p = device.pop()) {
            expect(p.diagnostics).toEqual([]);
            expect(p.ringDescriptors).toBe(slotsOf.get(p.id!));
            popped.push({ id: p.id!, buffers: p.buffers, slots: p.ringDescriptors });
          }
        } else if (o.kind === 'serve' && popped.length) {
          // A packed device returns buffers in the order it took them (in-order use).
          const p = popped.shift()!;
          expect(p.buffers).toEqual(published.get(p.id));
          device.push(p.id, o.len, p.slots);
          returned.push({ id: p.id, len: o.len });
        } else if (o.kind === 'reap') {
          for (let u = driver.getUsed(); u; u = driver.getUsed()) {
            expect(u).toEqual({ ...returned.shift()!, diagnostics: [] });
            inFlightSlots -= slotsOf.get(u.id)!;
            published.delete(u.id);
          }
        }
      }
      expect(driver.numFree).toBe(n - inFlightSlots);
    },
  );
});
