// What a driver reports when the device side of a ring misbehaves: a used index running more
// than N entries ahead (split), and used buffer ids it never made available (packed). The
// element is still taken, so reaping terminates.
import { describe, expect, it } from 'vitest';
import {
  PackedVringDriver,
  SplitVringDriver,
  VringFlatMemory,
  packedUsedFlags,
  packedVringAddrs,
  packedVringLayout,
  splitVringAddrs,
  splitVringLayout,
} from '../../src/vring/index.js';

const BASE = 0x40000n;
const codes = (r: { diagnostics: readonly { code: string }[] } | null) => (r ? r.diagnostics.map((d) => d.code) : null);

describe('split driver: a used.idx too far ahead', () => {
  it('is VRING_USED_IDX_AHEAD at used.idx, and the element is still returned', () => {
    const layout = splitVringLayout(4);
    const mem = new VringFlatMemory(new Uint8Array(layout.total), BASE);
    const addrs = splitVringAddrs(layout, BASE);
    const driver = new SplitVringDriver(mem, addrs, 4);
    driver.reset();
    const head = driver.publish([{ addr: 0x9000n, len: 64, write: true }])!;
    driver.view.writeUsedElem(0, { id: head, len: 64 });
    driver.view.setUsedIdx(7); // 7 new entries in a ring of 4
    const r = driver.getUsed();
    expect(r).toMatchObject({ id: head, len: 64 });
    expect(codes(r)).toEqual(['VRING_USED_IDX_AHEAD']);
    expect(r!.diagnostics[0].offset).toBe(Number(addrs.used) + 2);
    expect(driver.numFree).toBe(4);

    // Exactly N ahead is a full ring, not an error.
    const d2 = new SplitVringDriver(mem, addrs, 4);
    d2.reset();
    const heads = [0, 1, 2, 3].map(() => d2.publish([{ addr: 0xa000n, len: 8, write: false }])!);
    heads.forEach((h, i) => d2.view.writeUsedElem(i, { id: h, len: 0 }));
    d2.view.setUsedIdx(4);
    expect(codes(d2.getUsed())).toEqual([]);
  });
});

describe('packed driver: used ids it never made available', () => {
  const setup = () => {
    const layout = packedVringLayout(4);
    const mem = new VringFlatMemory(new Uint8Array(layout.total), BASE);
    const driver = new PackedVringDriver(mem, packedVringAddrs(layout, BASE), 4);
    driver.reset();
    driver.publish([{ addr: 0x9000n, len: 64, write: true }]);
    return driver;
  };

  it('an id not below the queue size is VRING_HEAD_OUT_OF_RANGE', () => {
    const driver = setup();
    driver.view.writeDesc(0, { addr: 0x9000n, len: 64, id: 9, flags: packedUsedFlags(true) });
    const r = driver.getUsed();
    expect(r).toMatchObject({ id: 9, len: 64 });
    expect(codes(r)).toEqual(['VRING_HEAD_OUT_OF_RANGE']);
    expect(r!.diagnostics[0].offset).toBe(Number(BASE));
  });

  it('an id below the queue size but not in flight is VRING_USED_ID_NOT_IN_FLIGHT', () => {
    const driver = setup();
    driver.view.writeDesc(0, { addr: 0x9000n, len: 64, id: 2, flags: packedUsedFlags(true) });
    expect(codes(driver.getUsed())).toEqual(['VRING_USED_ID_NOT_IN_FLIGHT']);
    // The real buffer (id 0) was never returned: it is still in flight, its slot not free.
    expect(driver.numFree).toBe(3);
  });
});
