// PCI hierarchies for enumeration and resource-assignment properties: devices of one to three
// functions on bus 0, endpoints with I/O, 32-bit and 64-bit BARs of any power-of-two size and
// an optional expansion ROM, bridges (with I/O and prefetchable windows, 32- or 64-bit) with
// their own buses behind them, nested up to a depth. Large 64-bit prefetchable BARs (32 MiB to
// 16 GiB) are drawn only in hierarchies marked as needing a 64-bit window. The description is
// plain data: build it into a fake bus, an emulator's topology, or a QEMU command line.
import fc from 'fast-check';

/** A BAR a function implements: its kind, its size (a power of two) and, for memory, prefetchable. */
export interface PciHierarchyBar {
  readonly kind: 'io' | 'mem32' | 'mem64';
  readonly size: bigint;
  readonly pref: boolean;
}

/** A bridge's windows and the bus behind it. */
export interface PciHierarchyBridge {
  /** An I/O window (always implemented by these bridges). */
  readonly io: boolean;
  /** A prefetchable memory window. */
  readonly pref: boolean;
  /** The prefetchable window is 64-bit. */
  readonly pref64: boolean;
  /** Devices on the secondary bus (index = device number). */
  readonly devices: readonly PciHierarchyDevice[];
}

/** One function: its BARs in slot order (a 64-bit BAR takes two slots), ROM size, bridge or not. */
export interface PciHierarchyFunction {
  readonly bars: readonly PciHierarchyBar[];
  readonly romSize: bigint | null;
  readonly bridge: PciHierarchyBridge | null;
}

/** The functions of one device (index = function number); more than one makes it multi-function. */
export type PciHierarchyDevice = readonly PciHierarchyFunction[];

export interface PciHierarchyFacts {
  readonly functions: number;
  readonly bridges: number;
  /** BARs of every function, in the order of a depth-first walk (bus 0 first, then behind each bridge). */
  readonly bars: number;
}

export interface GeneratedPciHierarchy {
  /** Devices on bus 0 (index = device number). */
  readonly devices: readonly PciHierarchyDevice[];
  /**
   * Drawn with large 64-bit BARs allowed (some may be there): give the enumerator a 64-bit
   * prefetchable window. Without it, every BAR fits below 4 GiB.
   */
  readonly needsMem64: boolean;
  readonly facts: PciHierarchyFacts;
}

export interface PciHierarchyKnobs {
  /** Draw large 64-bit prefetchable BARs (true), never (false), or either (default). */
  readonly bigBars?: boolean | undefined;
  /** Most bridges in the whole hierarchy (default 3: each with I/O takes 4 KiB of a 16 KiB port space). */
  readonly maxBridges?: number | undefined;
  /** Levels of bridges below bus 0 (default 2). */
  readonly maxDepth?: number | undefined;
  /** Most devices on bus 0 (default 5) and on a bus behind a bridge (default 3). */
  readonly maxDevices?: number | undefined;
  readonly maxDevicesBehindBridge?: number | undefined;
}

const pow2 = (min: number, max: number) => fc.integer({ min, max }).map((k) => 1n << BigInt(k));

const arbBar: fc.Arbitrary<PciHierarchyBar> = fc.oneof(
  fc.record({ kind: fc.constant('io' as const), size: pow2(2, 6), pref: fc.constant(false) }),
  fc.record({ kind: fc.constant('mem32' as const), size: pow2(4, 24), pref: fc.boolean() }),
  fc.record({ kind: fc.constant('mem64' as const), size: pow2(4, 24), pref: fc.boolean() }),
);
const arbBigBar: fc.Arbitrary<PciHierarchyBar> = fc.record({ kind: fc.constant('mem64' as const), size: pow2(25, 34), pref: fc.constant(true) });

const arbEndpoint: fc.Arbitrary<PciHierarchyFunction> = fc.record({
  bars: fc.array(arbBar, { maxLength: 3 }),
  romSize: fc.option(pow2(11, 18), { nil: null }),
  bridge: fc.constant(null),
});
// Large BARs only on bus 0, where a 64-bit window is given; no ROM beside them.
const arbBigEndpoint: fc.Arbitrary<PciHierarchyFunction> = fc.record({
  bars: fc.array(fc.oneof(arbBar, arbBigBar), { maxLength: 3 }),
  romSize: fc.constant(null),
  bridge: fc.constant(null),
});

const arbDevice = (fn: fc.Arbitrary<PciHierarchyFunction>) => fc.array(fn, { minLength: 1, maxLength: 3 });

const arbBridge = (devices: fc.Arbitrary<PciHierarchyDevice[]>): fc.Arbitrary<PciHierarchyFunction> =>
  fc.record({
    bars: fc.array(arbBar.filter((b) => b.kind !== 'mem64'), { maxLength: 1 }),
    romSize: fc.constant(null),
    bridge: fc.record({ io: fc.constant(true), pref: fc.boolean(), pref64: fc.boolean(), devices }),
  });

/** A bus behind a bridge with `depth` more levels of bridges possible below it. */
function arbBus(depth: number, maxDevices: number): fc.Arbitrary<PciHierarchyDevice[]> {
  if (depth <= 0) return fc.array(arbDevice(arbEndpoint), { maxLength: maxDevices });
  return fc.array(arbDevice(fc.oneof({ weight: 3, arbitrary: arbEndpoint }, { weight: 1, arbitrary: arbBridge(arbBus(depth - 1, maxDevices)) })), { maxLength: maxDevices });
}

function countFacts(devs: readonly PciHierarchyDevice[]): PciHierarchyFacts {
  let functions = 0;
  let bridges = 0;
  let bars = 0;
  const walk = (ds: readonly PciHierarchyDevice[]) => {
    for (const f of ds.flat()) {
      functions++;
      bars += f.bars.length;
      if (f.bridge) {
        bridges++;
        walk(f.bridge.devices);
      }
    }
  };
  walk(devs);
  return { functions, bridges, bars };
}

/** Random PCI hierarchies (see the file comment), with at least one device on bus 0. */
export function arbPciHierarchy(knobs: PciHierarchyKnobs = {}): fc.Arbitrary<GeneratedPciHierarchy> {
  const depth = knobs.maxDepth ?? 2;
  const maxBridges = knobs.maxBridges ?? 3;
  const behind = knobs.maxDevicesBehindBridge ?? 3;
  const top = (ep: fc.Arbitrary<PciHierarchyFunction>) => {
    const fn = depth > 0 ? fc.oneof({ weight: 2, arbitrary: ep }, { weight: 1, arbitrary: arbBridge(arbBus(depth - 1, behind)) }) : ep;
    return fc
      .array(arbDevice(fn), { minLength: 1, maxLength: knobs.maxDevices ?? 5 })
      .map((devices) => ({ devices, facts: countFacts(devices) }))
      .filter((h) => h.facts.bridges <= maxBridges);
  };
  const small = top(arbEndpoint).map((h) => ({ ...h, needsMem64: false }));
  const big = top(arbBigEndpoint).map((h) => ({ ...h, needsMem64: true }));
  return knobs.bigBars === undefined ? fc.oneof(small, big) : knobs.bigBars ? big : small;
}
