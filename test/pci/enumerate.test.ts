import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { enumeratePci, findCapabilityOnBus, PciResourceError } from '../../src/pci/enumerate.js';
import type { AccessWidth, Bus, PciAddress } from '../../src/pci/bus.js';
import { arbPciHierarchy, type PciHierarchyBar, type PciHierarchyDevice, type PciHierarchyFunction } from '../../src/arbitraries/index.js';

// A tiny PCI hierarchy with register semantics of its own, written independently of the
// enumerator: each config byte has a write mask (as QEMU keeps them), BARs answer sizing
// through their masks, and type 1 functions route config cycles by the bus numbers
// programmed in them (secondary ≤ bus ≤ subordinate), as real bridges do.

// The hierarchies are the public arbitraries' (arbPciHierarchy) descriptions.
type BarSpec = PciHierarchyBar;
type FnSpec = PciHierarchyFunction;
type DevSpec = PciHierarchyDevice; // functions of one device (index = function number)

class FakeFn {
  readonly cfg = new Uint8Array(256);
  readonly wmask = new Uint8Array(256);
  children: FakeFn[][] = []; // devices on the secondary bus (bridges only)
  constructor(readonly spec: FnSpec, multi: boolean, id: number) {
    const set = (o: number, w: number, v: number) => { for (let i = 0; i < w; i++) this.cfg[o + i] = (v >>> (8 * i)) & 0xff; };
    const mask = (o: number, w: number, v: number) => { for (let i = 0; i < w; i++) this.wmask[o + i] = (v >>> (8 * i)) & 0xff; };
    set(0, 2, 0x1af4);
    set(2, 2, 0x1000 + id);
    set(0x08, 4, spec.bridge ? 0x06040000 : 0x01000001);
    set(0x0e, 1, (spec.bridge ? 1 : 0) | (multi ? 0x80 : 0));
    mask(0x04, 2, 0x0007);
    let slot = 0;
    for (const b of spec.bars) {
      const off = 0x10 + 4 * slot;
      const inv = ~(b.size - 1n) & ((1n << 64n) - 1n);
      if (b.kind === 'io') {
        set(off, 4, 1);
        mask(off, 4, Number(inv & 0xfffffffcn));
      } else {
        set(off, 4, (b.kind === 'mem64' ? 4 : 0) | (b.pref ? 8 : 0));
        mask(off, 4, Number(inv & 0xfffffff0n));
        if (b.kind === 'mem64') mask(off + 4, 4, Number(inv >> 32n));
      }
      slot += b.kind === 'mem64' ? 2 : 1;
    }
    const romOff = spec.bridge ? 0x38 : 0x30;
    if (spec.romSize !== null) mask(romOff, 4, Number(~(spec.romSize - 1n) & 0xfffff800n) | 1);
    if (spec.bridge) {
      mask(0x18, 3, 0xffffff);
      if (spec.bridge.io) { mask(0x1c, 2, 0xf0f0); set(0x1c, 2, 0x0101); mask(0x30, 4, 0xffffffff); }
      mask(0x20, 4, 0xfff0fff0);
      if (spec.bridge.pref) {
        mask(0x24, 4, 0xfff0fff0);
        if (spec.bridge.pref64) { set(0x24, 4, 0x00010001); mask(0x28, 8, 0xffffffff); mask(0x2c, 4, 0xffffffff); }
      }
    }
  }
  read(o: number, w: number): number {
    let v = 0;
    for (let i = 0; i < w; i++) v |= this.cfg[o + i] << (8 * i);
    return v >>> 0;
  }
  write(o: number, w: number, v: number): void {
    for (let i = 0; i < w; i++) {
      const m = this.wmask[o + i];
      this.cfg[o + i] = (this.cfg[o + i] & ~m) | ((v >>> (8 * i)) & m);
    }
  }
  get secondary() { return this.cfg[0x19]; }
  get subordinate() { return this.cfg[0x1a]; }
}

class FakeBus implements Bus {
  readonly root: FakeFn[][];
  readonly all: FakeFn[] = [];
  constructor(devices: readonly DevSpec[]) {
    let id = 0;
    const build = (devs: readonly DevSpec[]): FakeFn[][] =>
      devs.map((fns) =>
        fns.map((s) => {
          const f = new FakeFn(s, fns.length > 1, id++);
          this.all.push(f);
          if (s.bridge) f.children = build(s.bridge.devices);
          return f;
        }),
      );
    this.root = build(devices);
  }
  /** The devices a config cycle for `bus` reaches, following programmed bus numbers. */
  private devicesOn(bus: number, devs = this.root, here = 0): FakeFn[][] | null {
    if (bus === here) return devs;
    for (const fns of devs) for (const f of fns) {
      if (!f.spec.bridge || f.secondary === 0) continue;
      if (bus >= f.secondary && bus <= f.subordinate) {
        const r = this.devicesOn(bus, f.children, f.secondary);
        if (r) return r;
      }
    }
    return null;
  }
  fn(a: PciAddress): FakeFn | undefined {
    return this.devicesOn(a.bus)?.[a.device]?.[a.function];
  }
  async configRead(a: PciAddress, off: number, w: AccessWidth): Promise<number> {
    const f = this.fn(a);
    return f ? f.read(off, w) : w === 4 ? 0xffffffff : w === 2 ? 0xffff : 0xff;
  }
  async configWrite(a: PciAddress, off: number, w: AccessWidth, v: number): Promise<void> {
    this.fn(a)?.write(off, w, v);
  }
  async memRead(): Promise<number> { throw new Error('not used by enumeration'); }
  async memWrite(): Promise<void> { throw new Error('not used by enumeration'); }
  async memReadBytes(): Promise<Uint8Array> { throw new Error('not used by enumeration'); }
  async memWriteBytes(): Promise<void> { throw new Error('not used by enumeration'); }
  async ioRead(): Promise<number> { throw new Error('not used by enumeration'); }
  async ioWrite(): Promise<void> { throw new Error('not used by enumeration'); }
}

const ep = (bars: BarSpec[], romSize: bigint | null = null): FnSpec => ({ bars, romSize, bridge: null });

describe('enumeratePci over a fake bus', () => {
  it('sizes 32-bit, 64-bit and I/O BARs and packs them largest first', async () => {
    const bus = new FakeBus([
      [ep([{ kind: 'io', size: 0x20n, pref: false }, { kind: 'mem32', size: 0x1000n, pref: false }, { kind: 'mem64', size: 0x4000n, pref: true }])],
    ]);
    const [f] = await enumeratePci(bus);
    expect(f.address).toEqual({ domain: 0, bus: 0, device: 0, function: 0 });
    expect(f.vendorId).toBe(0x1af4);
    expect(f.classCode).toBe(0x010000);
    expect(f.revision).toBe(1);
    expect(f.bars).toEqual([
      { index: 0, offset: 0x10, kind: 'io', prefetchable: false, address: 0xc000n, size: 0x20n },
      { index: 1, offset: 0x14, kind: 'mem32', prefetchable: false, address: 0xc0004000n, size: 0x1000n },
      { index: 2, offset: 0x18, kind: 'mem64', prefetchable: true, address: 0xc0000000n, size: 0x4000n },
    ]);
    const fn = bus.all[0];
    expect(fn.read(0x10, 4)).toBe(0xc001);
    expect(fn.read(0x18, 4)).toBe(0xc000000c);
    expect(fn.read(0x1c, 4)).toBe(0);
    expect(fn.read(0x04, 2) & 7).toBe(7);
  });

  it('numbers buses behind bridges and programs their windows', async () => {
    const inner = ep([{ kind: 'mem32', size: 0x200000n, pref: false }, { kind: 'mem64', size: 0x10000n, pref: true }, { kind: 'io', size: 0x40n, pref: false }]);
    const nested: FnSpec = { bars: [], romSize: null, bridge: { io: true, pref: true, pref64: true, devices: [[], [inner]] } };
    const bridge: FnSpec = { bars: [{ kind: 'mem32', size: 0x1000n, pref: false }], romSize: null, bridge: { io: true, pref: true, pref64: true, devices: [[nested]] } };
    const bus = new FakeBus([[ep([])], [bridge], [ep([{ kind: 'mem32', size: 0x100n, pref: false }], 0x40000n)]]);
    const fns = await enumeratePci(bus);
    expect(fns.map((f) => [f.address.bus, f.address.device, f.address.function])).toEqual([[0, 0, 0], [0, 1, 0], [0, 2, 0], [1, 0, 0], [2, 1, 0]]);
    const b1 = fns[1].bridge!;
    expect([b1.primary, b1.secondary, b1.subordinate]).toEqual([0, 1, 2]);
    const b2 = fns[3].bridge!;
    expect([b2.primary, b2.secondary, b2.subordinate]).toEqual([1, 2, 2]);
    const leaf = fns[4];
    for (const bar of leaf.bars) {
      const win = bar.kind === 'io' ? b2.io : bar.prefetchable ? b2.pref : b2.mem;
      expect(bar.address >= win!.base && bar.address + bar.size - 1n <= win!.limit).toBe(true);
    }
    expect(fns[2].rom).toEqual({ offset: 0x30, address: expect.any(BigInt), size: 0x40000n });
    expect(fns[2].rom!.address % 0x40000n).toBe(0n);
    expect(bus.all.find((f) => f.spec.romSize)!.read(0x30, 4) & 1).toBe(0); // ROM stays disabled
  });

  it('with assign: false only sizes and leaves registers as they were', async () => {
    const bus = new FakeBus([[ep([{ kind: 'mem32', size: 0x1000n, pref: false }])]]);
    bus.all[0].write(0x10, 4, 0xfebf1000);
    const before = bus.all[0].cfg.slice();
    const [f] = await enumeratePci(bus, { assign: false });
    expect(f.bars[0]).toMatchObject({ address: 0xfebf1000n, size: 0x1000n });
    expect(bus.all[0].cfg).toEqual(before);
  });

  it('throws PciResourceError when BARs do not fit the window', async () => {
    const bus = new FakeBus([[ep([{ kind: 'mem32', size: 0x10000000n, pref: false }])]]);
    await expect(enumeratePci(bus, { memBase: 0xc0000000n, memLimit: 0xc8000000n })).rejects.toThrow(PciResourceError);
  });

  it('places 64-bit prefetchable BARs above 4 GiB only when given a 64-bit window', async () => {
    const bars: BarSpec[] = [{ kind: 'mem64', size: 0x100000000n, pref: true }, { kind: 'mem32', size: 0x1000n, pref: true }];
    const bus = new FakeBus([[ep(bars)]]);
    const [f] = await enumeratePci(bus, { mem64Base: 0x80_0000_0000n, mem64Limit: 0x100_0000_0000n });
    expect(f.bars[0].address).toBe(0x80_0000_0000n);
    expect(bus.all[0].read(0x14, 4)).toBe(0x80);
    expect(f.bars[1].address < 0x1_0000_0000n).toBe(true);
    await expect(enumeratePci(new FakeBus([[ep(bars)]]))).rejects.toThrow(PciResourceError);
  });

  it('finds capabilities with a bounded walk', async () => {
    const bus = new FakeBus([[ep([])]]);
    const f = bus.all[0];
    f.cfg[0x06] = 0x10;
    f.cfg[0x34] = 0x40;
    f.cfg.set([0x09, 0x50], 0x40);
    f.cfg.set([0x10, 0x40], 0x50); // loops back to 0x40
    const a = { domain: 0, bus: 0, device: 0, function: 0 };
    expect(await findCapabilityOnBus(bus, a, 0x10)).toBe(0x50);
    expect(await findCapabilityOnBus(bus, a, 0x11)).toBeNull();
  });
});

// Random hierarchies: endpoints with up to three BARs, bridges up to two levels deep, at most
// three bridges (each with I/O costs 4 KiB of the 16 KiB port space); large 64-bit BARs only in
// hierarchies that get a 64-bit window.
const topArb = arbPciHierarchy({ maxDepth: 2, maxBridges: 3 }).map((h) => ({ devs: h.devices, mem64: h.needsMem64 }));
const MEM64 = { base: 0x80_0000_0000n, limit: 0x100_0000_0000n };

/** Windows decoded from the fake's registers (independently of what enumeratePci returned). */
function windowsOf(f: FakeFn) {
  const io = { base: BigInt((f.cfg[0x1c] & 0xf0) << 8) | (BigInt(f.read(0x30, 2)) << 16n), limit: BigInt(((f.cfg[0x1d] & 0xf0) << 8) | 0xfff) | (BigInt(f.read(0x32, 2)) << 16n) };
  const mem = { base: BigInt(f.read(0x20, 2) & 0xfff0) << 16n, limit: (BigInt(f.read(0x22, 2) & 0xfff0) << 16n) | 0xfffffn };
  const pref = {
    base: (BigInt(f.read(0x24, 2) & 0xfff0) << 16n) | (BigInt(f.read(0x28, 4)) << 32n),
    limit: (BigInt(f.read(0x26, 2) & 0xfff0) << 16n) | 0xfffffn | (BigInt(f.read(0x2c, 4)) << 32n),
  };
  const closed = { base: 1n, limit: 0n };
  return { io: f.spec.bridge!.io ? io : closed, mem, pref: f.spec.bridge!.pref ? pref : closed };
}

type Placed = { space: 'io' | 'mem'; base: bigint; size: bigint; pref: boolean; what: string };

/** Every BAR and ROM of `devs` as programmed in the fake's registers. */
function placedOf(devs: FakeFn[][]): Placed[] {
  const out: Placed[] = [];
  for (const fns of devs) for (const f of fns) {
    let slot = 0;
    for (const b of f.spec.bars) {
      const off = 0x10 + 4 * slot;
      const lo = f.read(off, 4);
      const base = b.kind === 'io' ? BigInt((lo & 0xfffffffc) >>> 0) : BigInt((lo & 0xfffffff0) >>> 0) | (b.kind === 'mem64' ? BigInt(f.read(off + 4, 4)) << 32n : 0n);
      out.push({ space: b.kind === 'io' ? 'io' : 'mem', base, size: b.size, pref: b.pref, what: `BAR${slot}` });
      slot += b.kind === 'mem64' ? 2 : 1;
    }
    if (f.spec.romSize !== null) out.push({ space: 'mem', base: BigInt((f.read(f.spec.bridge ? 0x38 : 0x30, 4) & 0xfffff800) >>> 0), size: f.spec.romSize, pref: false, what: 'ROM' });
  }
  return out;
}

function overlaps(xs: Array<{ base: bigint; size: bigint }>): boolean {
  const s = [...xs].sort((a, b) => (a.base < b.base ? -1 : 1));
  return s.some((x, i) => i > 0 && s[i - 1].base + s[i - 1].size > x.base);
}

describe('enumeratePci properties', () => {
  test.prop([topArb], { numRuns: 1000 })('finds every function, sizes every BAR, and assigns a consistent, non-overlapping layout', async ({ devs, mem64 }) => {
    const bus = new FakeBus(devs);
    const fns = await enumeratePci(bus, mem64 ? { mem64Base: MEM64.base, mem64Limit: MEM64.limit } : {});
    expect(fns.length).toBe(bus.all.length);

    // Sizes and kinds come back as declared.
    const specBars = bus.all.flatMap((f) => f.spec.bars.map((b) => [b.kind, b.size, b.kind !== 'io' && b.pref]));
    const foundBars = bus.all.map((f) => fns.find((r) => bus.fn(r.address) === f)!).flatMap((r) => r.bars.map((b) => [b.kind, b.size, b.prefetchable]));
    expect(foundBars).toEqual(specBars);

    const check = (devices: FakeFn[][], windows: { io: { base: bigint; limit: bigint }; mem: { base: bigint; limit: bigint }; pref: { base: bigint; limit: bigint } | null }) => {
      const placed = placedOf(devices);
      const bridges = devices.flat().filter((f) => f.spec.bridge);
      for (const p of placed) {
        expect(p.base % p.size, `${p.what} aligned`).toBe(0n);
        const inPref = windows.pref !== null && p.space === 'mem' && p.pref && p.base >= windows.pref.base && p.base + p.size - 1n <= windows.pref.limit;
        const win = p.space === 'io' ? windows.io : windows.mem;
        expect(inPref || (p.base >= win.base && p.base + p.size - 1n <= win.limit), `${p.what} inside its window`).toBe(true);
      }
      // Nothing on this bus overlaps anything else on it, bridge windows included.
      const ws = bridges.map(windowsOf);
      const spans = (space: 'io' | 'mem') => [
        ...placed.filter((p) => p.space === space),
        ...ws.flatMap((w) => (space === 'io' ? [w.io] : [w.mem, w.pref]).filter((x) => x.base <= x.limit).map((x) => ({ base: x.base, size: x.limit - x.base + 1n }))),
      ];
      expect(overlaps(spans('io'))).toBe(false);
      expect(overlaps(spans('mem'))).toBe(false);
      for (const b of bridges) {
        const w = windowsOf(b);
        expect(b.secondary).toBeGreaterThan(0);
        expect(b.subordinate).toBeGreaterThanOrEqual(b.secondary);
        for (const w2 of [w.io, w.mem, w.pref]) if (w2.base <= w2.limit) {
          const parent = w2 === w.io ? windows.io : w2 === w.mem ? windows.mem : windows.pref ?? windows.mem;
          const inside = (x: { base: bigint; limit: bigint }) => w2.base >= x.base && w2.limit <= x.limit;
          expect(inside(parent) || (w2 === w.pref && inside(windows.mem)), 'bridge window nests in its parent').toBe(true);
        }
        check(b.children, { io: w.io, mem: w.mem, pref: b.spec.bridge!.pref ? w.pref : null });
      }
    };
    check(bus.root, { io: { base: 0xc000n, limit: 0xffffn }, mem: { base: 0xc0000000n, limit: 0xfebfffffn }, pref: mem64 ? { base: MEM64.base, limit: MEM64.limit - 1n } : null });
    // Without a 64-bit window everything stays below 4 GiB; with one, only 64-bit BARs leave.
    for (const p of placedOf(bus.root)) if (p.base + p.size > 0x1_0000_0000n) expect(mem64 && p.pref).toBe(true);

    // Bus numbers are unique; every function has decoding and bus mastering on.
    const secondaries = bus.all.filter((f) => f.spec.bridge).map((f) => f.secondary);
    expect(new Set(secondaries).size).toBe(secondaries.length);
    for (const f of bus.all) expect(f.read(0x04, 2) & 7).toBe(7);
    // What enumeratePci reports is what it programmed.
    for (const r of fns) {
      const f = bus.fn(r.address)!;
      const regs = placedOf([[f]]).filter((p) => p.what !== 'ROM');
      expect(r.bars.map((b) => b.address)).toEqual(regs.map((p) => p.base));
    }
  });
});
