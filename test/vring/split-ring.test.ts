import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  SplitVringDevice,
  SplitVringDriver,
  VRING_AVAIL_F_NO_INTERRUPT,
  VRING_USED_F_NO_NOTIFY,
  VringFlatMemory,
  splitVringAddrs,
  splitVringLayout,
  walkSplitChain,
  type VringBuffer,
} from '../../src/vring/index.js';
import { arbRingOperations, arbVringBuffers } from '../../src/arbitraries/index.js';

const BASE = 0x1_0000_0000n;

function setup(n: number, opts: { eventIdx?: boolean; extra?: number } = {}) {
  const layout = splitVringLayout(n, { align: 4096 });
  const mem = new VringFlatMemory(new Uint8Array(layout.total + (opts.extra ?? 0)), BASE);
  const addrs = splitVringAddrs(layout, BASE);
  const driver = new SplitVringDriver(mem, addrs, n, { eventIdx: opts.eventIdx });
  driver.reset();
  const device = new SplitVringDevice(mem, addrs, n, { eventIdx: opts.eventIdx });
  return { layout, mem, addrs, driver, device, tableAt: BASE + BigInt(layout.total) };
}


describe('split ring: driver and device', () => {
  it('publishes a chain the device walks, and returns it through the used ring', () => {
    const { driver, device, mem, layout } = setup(4);
    const bufs = [
      { addr: 0x5000n, len: 16, write: false },
      { addr: 0x6000n, len: 512, write: true },
    ];
    const head = driver.publish(bufs)!;
    expect(head).toBe(0);
    // avail.idx in memory is now 1, avail.ring[0] = 0
    expect(mem.bytes[layout.avail.offset + 2]).toBe(1);
    expect(driver.numFree).toBe(2);
    const got = device.pop()!;
    expect(got).toEqual({ head: 0, buffers: bufs, diagnostics: [], complete: true });
    expect(device.pop()).toBeNull();
    expect(driver.getUsed()).toBeNull();
    device.push(got.head!, 100);
    expect(driver.getUsed()).toEqual({ id: 0, len: 100, diagnostics: [] });
    expect(driver.numFree).toBe(4);
  });

  it('returns null when the ring is full', () => {
    const { driver } = setup(2);
    expect(driver.publish([{ addr: 1n, len: 1, write: false }, { addr: 2n, len: 2, write: false }, { addr: 3n, len: 3, write: false }])).toBeNull();
    expect(driver.publish([{ addr: 1n, len: 1, write: false }])).toBe(0);
    expect(driver.publish([{ addr: 1n, len: 1, write: false }])).toBe(1);
    expect(driver.publish([{ addr: 1n, len: 1, write: false }])).toBeNull();
  });

  it('wraps avail.idx and used.idx at 2^16', () => {
    const { driver, device, mem, layout } = setup(2);
    const idx = (off: number) => mem.bytes[off] | (mem.bytes[off + 1] << 8);
    for (let k = 1; k <= 65540; k++) {
      const h = driver.publish([{ addr: BigInt(k), len: k & 0xff, write: true }])!;
      const p = device.pop()!;
      expect(p.head).toBe(h);
      device.push(p.head!, k & 0xffff);
      const u = driver.getUsed()!;
      if (u.id !== h || u.len !== (k & 0xffff) || u.diagnostics.length) throw new Error(`round ${k} went wrong`);
    }
    expect(idx(layout.avail.offset + 2)).toBe(65540 & 0xffff);
    expect(idx(layout.used.offset + 2)).toBe(65540 & 0xffff);
    expect(driver.availIdx).toBe(4);
  });

  it('decides notifications from the flags without event idx', () => {
    const { driver, device } = setup(4);
    driver.publish([{ addr: 1n, len: 1, write: false }]);
    expect(driver.kickPrepare()).toBe(true);
    device.setNoNotify(true);
    driver.publish([{ addr: 1n, len: 1, write: false }]);
    expect(driver.kickPrepare()).toBe(false);
    device.push(device.pop()!.head!, 0);
    expect(device.needsInterrupt()).toBe(true);
    driver.setNoInterrupt(true);
    device.push(device.pop()!.head!, 0);
    expect(device.needsInterrupt()).toBe(false);
    expect(driver.view.availFlags()).toBe(VRING_AVAIL_F_NO_INTERRUPT);
    expect(driver.view.usedFlags()).toBe(VRING_USED_F_NO_NOTIFY);
  });

  it('decides notifications from avail_event / used_event with event idx', () => {
    const { driver, device } = setup(8, { eventIdx: true });
    // avail_event is 0: the first publication (idx 0 → 1) crosses it.
    driver.publish([{ addr: 1n, len: 1, write: false }]);
    expect(driver.kickPrepare()).toBe(true);
    // The device pops and sets avail_event = 1; ask for more only from index 3 on.
    device.pop();
    device.view.setAvailEvent(3);
    driver.publish([{ addr: 1n, len: 1, write: false }]); // 1 → 2: no
    expect(driver.kickPrepare()).toBe(false);
    driver.publish([{ addr: 1n, len: 1, write: false }]);
    driver.publish([{ addr: 1n, len: 1, write: false }]); // 2 → 4 crosses 3
    expect(driver.kickPrepare()).toBe(true);
    // used_event starts at 0: first push fires; getUsed moves used_event along.
    device.push(0, 0);
    expect(device.needsInterrupt()).toBe(true);
    driver.getUsed();
    expect(driver.view.usedEvent()).toBe(1);
    device.view.mem.write(device.view.addrs.avail + BigInt(4 + 2 * 8), Uint8Array.of(5, 0)); // used_event = 5
    device.push(1, 0);
    expect(device.needsInterrupt()).toBe(false);
  });

  it('reports bad ids from the device and a runaway avail.idx from the driver', () => {
    const { driver, device } = setup(4);
    device.push(9, 1);
    expect(driver.getUsed()!.diagnostics.map((d) => d.code)).toEqual(['VRING_HEAD_OUT_OF_RANGE']);
    device.push(2, 1);
    expect(driver.getUsed()!.diagnostics.map((d) => d.code)).toEqual(['VRING_USED_ID_NOT_IN_FLIGHT']);
    driver.view.setAvailIdx(100);
    const p = device.pop()!;
    expect(p.diagnostics.map((d) => d.code)).toContain('VRING_AVAIL_IDX_AHEAD');
    expect(p.complete).toBe(false);
  });

  it('a device whose avail ring lies outside memory gets a diagnostic, not an exception', () => {
    const mem = new VringFlatMemory(new Uint8Array(64), 0n);
    const device = new SplitVringDevice(mem, { desc: 0n, avail: 0x1000n, used: 0x2000n }, 4);
    const r = device.pop()!;
    expect(r.head).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['VRING_MEMORY_FAULT']);
  });

  test.prop([fc.constantFrom(1, 2, 4, 8, 16, 64, 256), arbVringBuffers({ maxBuffers: 256 }), fc.boolean()], { numRuns: 1000 })(
    'publishing a random chain then walking it gives back the same buffers',
    (n, raw, indirect) => {
      // Readable buffers first (arbVringBuffers orders them), so any prefix is a legal chain too.
      const bufs = raw.slice(0, indirect ? raw.length : n);
      const { driver, device, addrs, mem, tableAt } = setup(n, { extra: 16 * 256 });
      const head = driver.publish(bufs, indirect ? { indirectTable: tableAt } : {});
      expect(head).not.toBeNull();
      const walked = walkSplitChain(mem, addrs.desc, n, head!);
      const p = device.pop()!;
      if (indirect && bufs.length > n) {
        // The walker refuses chains longer than the queue size, even through an indirect table.
        expect(walked.diagnostics.map((d) => d.code)).toEqual(['VRING_CHAIN_TOO_LONG']);
        return;
      }
      expect(walked).toEqual({ buffers: bufs, diagnostics: [], complete: true, indirect });
      expect(p).toEqual({ head, buffers: bufs, diagnostics: [], complete: true });
    },
  );

  test.prop([fc.constantFrom(1, 2, 4, 8), arbRingOperations({ maxOperations: 60, maxBuffers: 5 })], { numRuns: 1000 })(
    'driver and device agree over any sequence of operations (out-of-order completion included)',
    (n, ops) => {
      const { driver, device, tableAt } = setup(n, { extra: 16 * 5 * 64 });
      const published = new Map<number, VringBuffer[]>();
      const popped: Array<{ head: number; buffers: VringBuffer[] }> = [];
      const returned: Array<{ id: number; len: number }> = [];
      const slots = new Map<number, number>();
      let tables = 0;
      for (const o of ops) {
        if (o.kind === 'publish') {
          const bufs = o.buffers.slice(0, n);
          const head = driver.publish(bufs, o.indirect ? { indirectTable: tableAt + BigInt(16 * 5 * tables++) } : {});
          if (head === null) continue;
          expect(published.has(head)).toBe(false);
          published.set(head, bufs);
          slots.set(head, o.indirect ? 1 : bufs.length);
          for (let p = device.pop(); p; p = device.pop()) {
            expect(p.diagnostics).toEqual([]);
            popped.push({ head: p.head!, buffers: p.buffers });
          }
        } else if (o.kind === 'serve' && popped.length) {
          const [p] = popped.splice(o.pick % popped.length, 1);
          expect(p.buffers).toEqual(published.get(p.head));
          device.push(p.head, o.len);
          returned.push({ id: p.head, len: o.len });
        } else if (o.kind === 'reap') {
          for (let u = driver.getUsed(); u; u = driver.getUsed()) {
            expect(u).toEqual({ ...returned.shift()!, diagnostics: [] });
            published.delete(u.id);
            slots.delete(u.id);
          }
        }
      }
      const inFlight = [...slots.values()].reduce((a, b) => a + b, 0);
      expect(driver.numFree).toBe(n - inFlight);
    },
  );
});
