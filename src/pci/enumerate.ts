// Enumerate a PCI hierarchy over any Bus and give every BAR an address, the way firmware does
// before an OS boots: number the buses behind bridges, size BARs, pack them into windows,
// program the bridge windows and enable decoding. Browser-safe; beside the Bus it drives, so
// the layers that implement a Bus (model, qtest) can enumerate without the driver.
import type { Bus, PciAddress } from './bus.js';
import { formatPciAddress } from './bus.js';
import { PCI_HEADER_TYPE_MASK, PCI_HEADER_TYPE_MFD, PCI_STATUS_CAP_LIST } from './config-space.js';
import { capPointerOffsetFor } from './header.js';
import {
  PCI_BASE_ADDRESS_0,
  PCI_CAPABILITY_LIST,
  PCI_COMMAND,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_HEADER_TYPE,
  PCI_IO_BASE,
  PCI_IO_BASE_UPPER16,
  PCI_MEMORY_BASE,
  PCI_PREF_BASE_UPPER32,
  PCI_PREF_LIMIT_UPPER32,
  PCI_PREF_MEMORY_BASE,
  PCI_PRIMARY_BUS,
  PCI_REVISION_ID,
  PCI_ROM_ADDRESS,
  PCI_ROM_ADDRESS1,
  PCI_STATUS,
  PCI_VENDOR_ID,
} from './header-regs.js';
import type { BarKind } from './types.js';

export interface EnumeratedBar {
  /** BAR number 0..5 (a 64-bit BAR at its lower index). */
  readonly index: number;
  /** Config-space offset of the BAR register. */
  readonly offset: number;
  readonly kind: BarKind;
  readonly prefetchable: boolean;
  /** Assigned (or, with `assign: false`, current) base address. */
  readonly address: bigint;
  readonly size: bigint;
}

export interface EnumeratedRom {
  readonly offset: number;
  readonly address: bigint;
  readonly size: bigint;
}

/** An address window of a bridge; null in EnumeratedBridge when closed (base > limit). */
export interface BridgeWindow {
  readonly base: bigint;
  /** Inclusive. */
  readonly limit: bigint;
}

export interface EnumeratedBridge {
  readonly primary: number;
  readonly secondary: number;
  readonly subordinate: number;
  readonly io: BridgeWindow | null;
  readonly mem: BridgeWindow | null;
  readonly pref: BridgeWindow | null;
}

export interface EnumeratedFunction {
  readonly address: PciAddress;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly revision: number;
  /** 24-bit class code: base class << 16 | subclass << 8 | programming interface. */
  readonly classCode: number;
  /** Header layout (0 endpoint, 1 PCI-PCI bridge, 2 CardBus), multi-function bit removed. */
  readonly headerType: number;
  readonly multiFunction: boolean;
  readonly bars: readonly EnumeratedBar[];
  readonly rom: EnumeratedRom | null;
  readonly bridge: EnumeratedBridge | null;
}

export interface EnumerateOptions {
  /** PCI domain of every address handed to the Bus. Default 0. */
  readonly domain?: number;
  /** Program addresses, bridge windows and bus numbers. Default true; false only sizes BARs. */
  readonly assign?: boolean;
  /** Set I/O, Memory and Bus Master in each Command register after assigning. Default true. */
  readonly enable?: boolean;
  /** 32-bit memory window [memBase, memLimit) for BARs and ROMs. Default 0xc0000000..0xfec00000. */
  readonly memBase?: bigint;
  readonly memLimit?: bigint;
  /** I/O port window [ioBase, ioLimit). Default 0xc000..0x10000. */
  readonly ioBase?: number;
  readonly ioLimit?: number;
  /**
   * Window for 64-bit prefetchable BARs, e.g. [0x8000000000, 0x10000000000). When absent
   * every BAR is placed below 4 GiB, as most firmware does for small BARs.
   */
  readonly mem64Base?: bigint;
  readonly mem64Limit?: bigint;
}

/** The resources of the hierarchy do not fit the windows given. */
export class PciResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PciResourceError';
  }
}

const IO_GRANULE = 0x1000n;
const MEM_GRANULE = 0x100000n;
const FOUR_GIB = 0x1_0000_0000n;
const U64 = (1n << 64n) - 1n;

type ResClass = 'io' | 'mem' | 'pref';

/** Something to place in a window: a BAR, a ROM or a bridge window holding its bus. */
interface Item {
  readonly size: bigint;
  readonly align: bigint;
  /** May live above 4 GiB (64-bit BARs, 64-bit prefetchable bridge windows with only such contents). */
  readonly above4g: boolean;
  readonly what: string;
  place(address: bigint): void;
}

interface SizedBar {
  index: number;
  offset: number;
  kind: BarKind;
  prefetchable: boolean;
  address: bigint;
  size: bigint;
}

interface FnNode {
  address: PciAddress;
  vendorId: number;
  deviceId: number;
  revision: number;
  classCode: number;
  headerType: number;
  multiFunction: boolean;
  command: number;
  bars: SizedBar[];
  rom: { offset: number; address: bigint; size: bigint } | null;
  bridge: BridgeNode | null;
}

interface BridgeNode {
  primary: number;
  secondary: number;
  subordinate: number;
  hasIo: boolean;
  io32: boolean;
  hasPref: boolean;
  pref64: boolean;
  child: FnNode[];
  io: BridgeWindow | null;
  mem: BridgeWindow | null;
  pref: BridgeWindow | null;
}

const alignUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;

/**
 * Walk the standard capability list of a function over a Bus and return the offset of the
 * first capability with `id`, or null. Bounded (48 steps, pointers below 0x40 end the walk)
 * so a looping list cannot hang it.
 */
export async function findCapabilityOnBus(bus: Bus, fn: PciAddress, id: number): Promise<number | null> {
  const status = await bus.configRead(fn, PCI_STATUS, 2);
  if (status === 0xffff || (status & PCI_STATUS_CAP_LIST) === 0) return null;
  const headerType = (await bus.configRead(fn, PCI_HEADER_TYPE, 1)) & PCI_HEADER_TYPE_MASK;
  let ptr = (await bus.configRead(fn, capPointerOffsetFor(headerType) ?? PCI_CAPABILITY_LIST, 1)) & 0xfc;
  for (let ttl = 48; ttl > 0 && ptr >= 0x40; ttl--) {
    const word = await bus.configRead(fn, ptr, 2);
    if ((word & 0xff) === 0xff) return null;
    if ((word & 0xff) === id) return ptr;
    ptr = (word >> 8) & 0xfc;
  }
  return null;
}

/**
 * Enumerate every function reachable from bus 0, size its BARs and (by default) assign
 * addresses, bus numbers and bridge windows, then enable decoding. Functions come back
 * sorted by bus, device, function.
 */
export async function enumeratePci(bus: Bus, options: EnumerateOptions = {}): Promise<EnumeratedFunction[]> {
  const domain = options.domain ?? 0;
  const assign = options.assign ?? true;
  const enable = options.enable ?? assign;
  const all: FnNode[] = [];
  const state = { lastBus: 0 };

  const scanBus = async (busNo: number): Promise<FnNode[]> => {
    const out: FnNode[] = [];
    for (let dev = 0; dev < 32; dev++) {
      const f0: PciAddress = { domain, bus: busNo, device: dev, function: 0 };
      const id0 = await bus.configRead(f0, PCI_VENDOR_ID, 4);
      if ((id0 & 0xffff) === 0xffff || (id0 & 0xffff) === 0) continue;
      const multi = ((await bus.configRead(f0, PCI_HEADER_TYPE, 1)) & PCI_HEADER_TYPE_MFD) !== 0;
      for (let fnNo = 0; fnNo < (multi ? 8 : 1); fnNo++) {
        const addr: PciAddress = { domain, bus: busNo, device: dev, function: fnNo };
        const id = fnNo === 0 ? id0 : await bus.configRead(addr, PCI_VENDOR_ID, 4);
        if ((id & 0xffff) === 0xffff || (id & 0xffff) === 0) continue;
        const node = await probeFunction(addr, id);
        out.push(node);
        all.push(node);
        if (node.bridge && assign) {
          // Number the bus behind the bridge depth-first, as firmware does: open the
          // subordinate range wide while scanning, then close it on the last bus found.
          const secondary = ++state.lastBus;
          if (secondary > 255) throw new PciResourceError(`no bus number left for the bridge at ${formatPciAddress(addr)}`);
          await writeBusNumbers(addr, busNo, secondary, 0xff);
          node.bridge.child = await scanBus(secondary);
          await writeBusNumbers(addr, busNo, secondary, state.lastBus);
          Object.assign(node.bridge, { primary: busNo, secondary, subordinate: state.lastBus });
        } else if (node.bridge) {
          // Sizing only: follow the numbers already programmed, if any.
          const b = node.bridge;
          if (b.secondary > busNo && b.secondary <= 255 && b.subordinate >= b.secondary) node.bridge.child = await scanBus(b.secondary);
        }
      }
    }
    return out;
  };

  const writeBusNumbers = async (addr: PciAddress, primary: number, secondary: number, subordinate: number) => {
    const old = await bus.configRead(addr, PCI_PRIMARY_BUS, 4);
    const v = (old & 0xff000000) | (subordinate << 16) | (secondary << 8) | primary;
    await bus.configWrite(addr, PCI_PRIMARY_BUS, 4, v >>> 0);
  };

  const probeFunction = async (addr: PciAddress, id: number): Promise<FnNode> => {
    const rev = await bus.configRead(addr, PCI_REVISION_ID, 4);
    const ht = await bus.configRead(addr, PCI_HEADER_TYPE, 1);
    const command = await bus.configRead(addr, PCI_COMMAND, 2);
    const headerType = ht & PCI_HEADER_TYPE_MASK;
    // Decoding off while BARs read back size masks, so no half-programmed BAR claims addresses.
    if (command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) await bus.configWrite(addr, PCI_COMMAND, 2, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    const barCount = headerType === 0 ? 6 : headerType === 1 ? 2 : 1;
    const bars: SizedBar[] = [];
    for (let i = 0; i < barCount; i++) {
      const bar = await sizeBar(addr, i, barCount);
      if (bar) {
        bars.push(bar);
        if (bar.kind === 'mem64') i++;
      }
    }
    const rom = headerType === 2 ? null : await sizeRom(addr, headerType === 0 ? PCI_ROM_ADDRESS : PCI_ROM_ADDRESS1);
    let bridge: BridgeNode | null = null;
    if (headerType === 1) bridge = await probeBridge(addr);
    if (!assign && command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) await bus.configWrite(addr, PCI_COMMAND, 2, command);
    return {
      address: addr,
      vendorId: id & 0xffff,
      deviceId: id >>> 16,
      revision: rev & 0xff,
      classCode: rev >>> 8,
      headerType,
      multiFunction: (ht & PCI_HEADER_TYPE_MFD) !== 0,
      command,
      bars,
      rom,
      bridge,
    };
  };

  const sizeBar = async (addr: PciAddress, i: number, barCount: number): Promise<SizedBar | null> => {
    const off = PCI_BASE_ADDRESS_0 + 4 * i;
    const orig = await bus.configRead(addr, off, 4);
    await bus.configWrite(addr, off, 4, 0xffffffff);
    const mask = await bus.configRead(addr, off, 4);
    await bus.configWrite(addr, off, 4, orig);
    if (mask === 0 || mask === 0xffffffff) return null; // unimplemented (or nothing answers)
    if (mask & 1) {
      let m = mask & 0xfffffffc;
      if ((m & 0xffff0000) === 0) m |= 0xffff0000; // 16-bit I/O decoder: upper half reads 0
      const size = BigInt((~m + 1) >>> 0);
      if (size === 0n) return null;
      return { index: i, offset: off, kind: 'io', prefetchable: false, address: BigInt((orig & 0xfffffffc) >>> 0), size };
    }
    const type = (mask >> 1) & 3;
    const prefetchable = (mask & 8) !== 0;
    if (type === 2 && i + 1 < barCount) {
      const origHi = await bus.configRead(addr, off + 4, 4);
      await bus.configWrite(addr, off + 4, 4, 0xffffffff);
      const maskHi = await bus.configRead(addr, off + 4, 4);
      await bus.configWrite(addr, off + 4, 4, origHi);
      const m = (BigInt(maskHi) << 32n) | BigInt(mask & 0xfffffff0);
      const size = (~m + 1n) & U64;
      if (size === 0n) return null;
      return { index: i, offset: off, kind: 'mem64', prefetchable, address: (BigInt(origHi) << 32n) | BigInt((orig & 0xfffffff0) >>> 0), size };
    }
    const size = BigInt((~(mask & 0xfffffff0) + 1) >>> 0);
    if (size === 0n) return null;
    return { index: i, offset: off, kind: type === 1 ? 'mem1m' : 'mem32', prefetchable, address: BigInt((orig & 0xfffffff0) >>> 0), size };
  };

  const sizeRom = async (addr: PciAddress, off: number) => {
    const orig = await bus.configRead(addr, off, 4);
    // Keep the enable bit clear: an enabled ROM would shadow memory BARs while we probe.
    await bus.configWrite(addr, off, 4, 0xfffff800);
    const mask = (await bus.configRead(addr, off, 4)) & 0xfffff800;
    await bus.configWrite(addr, off, 4, orig);
    if (mask === 0) return null;
    return { offset: off, address: BigInt((orig & 0xfffff800) >>> 0), size: BigInt((~mask + 1) >>> 0) };
  };

  const probeBridge = async (addr: PciAddress): Promise<BridgeNode> => {
    const busNumbers = await bus.configRead(addr, PCI_PRIMARY_BUS, 4);
    // A window is implemented when its base register keeps the bits we write.
    const ioOrig = await bus.configRead(addr, PCI_IO_BASE, 2);
    await bus.configWrite(addr, PCI_IO_BASE, 2, 0xf0f0);
    const ioProbe = await bus.configRead(addr, PCI_IO_BASE, 2);
    await bus.configWrite(addr, PCI_IO_BASE, 2, ioOrig);
    const prefOrig = await bus.configRead(addr, PCI_PREF_MEMORY_BASE, 4);
    await bus.configWrite(addr, PCI_PREF_MEMORY_BASE, 4, 0xfff0fff0);
    const prefProbe = await bus.configRead(addr, PCI_PREF_MEMORY_BASE, 4);
    await bus.configWrite(addr, PCI_PREF_MEMORY_BASE, 4, prefOrig);
    return {
      primary: busNumbers & 0xff,
      secondary: (busNumbers >> 8) & 0xff,
      subordinate: (busNumbers >> 16) & 0xff,
      hasIo: (ioProbe & 0xf0) !== 0,
      io32: (ioProbe & 0xf) === 1,
      hasPref: (prefProbe & 0xfff0) !== 0,
      pref64: (prefProbe & 0xf) === 1,
      child: [],
      io: null,
      mem: null,
      pref: null,
    };
  };

  const top = await scanBus(0);

  if (assign) {
    const items = collect(top);
    const ioWin = { base: BigInt(options.ioBase ?? 0xc000), limit: BigInt(options.ioLimit ?? 0x10000) };
    const memWin = { base: options.memBase ?? 0xc000_0000n, limit: options.memLimit ?? 0xfec0_0000n };
    const has64 = options.mem64Base !== undefined;
    const mem64Win = { base: options.mem64Base ?? 0n, limit: options.mem64Limit ?? U64 };
    place(items.io, ioWin, 'I/O');
    const low = [...items.mem, ...items.pref.filter((it) => !(has64 && it.above4g))];
    place(low, memWin, '32-bit memory');
    if (has64) place(items.pref.filter((it) => it.above4g), mem64Win, '64-bit memory');
    for (const node of all) await program(bus, node, enable);
  }

  all.sort((a, b) => a.address.bus - b.address.bus || a.address.device - b.address.device || a.address.function - b.address.function);
  return all.map(toResult);
}

/** Gather the items of a bus; bridges contribute their windows, sized from their own buses. */
function collect(fns: FnNode[]): Record<ResClass, Item[]> {
  const out: Record<ResClass, Item[]> = { io: [], mem: [], pref: [] };
  for (const fn of fns) {
    const name = formatPciAddress(fn.address);
    for (const bar of fn.bars) {
      const cls: ResClass = bar.kind === 'io' ? 'io' : bar.prefetchable ? 'pref' : 'mem';
      out[cls].push({
        size: bar.size,
        align: bar.size,
        above4g: bar.kind === 'mem64',
        what: `${name} BAR${bar.index}`,
        place: (a) => {
          bar.address = a;
        },
      });
    }
    if (fn.rom) {
      const rom = fn.rom;
      out.mem.push({ size: rom.size, align: rom.size, above4g: false, what: `${name} ROM`, place: (a) => { rom.address = a; } });
    }
    const br = fn.bridge;
    if (!br) continue;
    const inner = collect(br.child);
    // Without a prefetchable window, prefetchable BARs behind the bridge share its memory window.
    const memItems = br.hasPref ? inner.mem : [...inner.mem, ...inner.pref];
    const prefItems = br.hasPref ? inner.pref : [];
    const windows: Array<[ResClass, Item[], bigint, 'io' | 'mem' | 'pref']> = [
      ['io', inner.io, IO_GRANULE, 'io'],
      ['mem', memItems, MEM_GRANULE, 'mem'],
      ['pref', prefItems, MEM_GRANULE, 'pref'],
    ];
    for (const [cls, items, granule, slot] of windows) {
      if (items.length === 0) continue;
      if (slot === 'io' && !br.hasIo) throw new PciResourceError(`bridge ${name} has no I/O window but ${items[0].what} needs I/O space`);
      const lay = layout(items);
      const size = alignUp(lay.size, granule);
      const align = lay.align > granule ? lay.align : granule;
      const above4g = slot === 'pref' && br.pref64 && items.every((it) => it.above4g);
      out[cls].push({
        size,
        align,
        above4g,
        what: `${name} ${slot} window`,
        place: (base) => {
          lay.items.forEach((it, k) => it.place(base + lay.offsets[k]));
          br[slot] = { base, limit: base + size - 1n };
        },
      });
    }
  }
  return out;
}

/** Largest alignment first, so packing wastes no space between naturally aligned items. */
function layout(items: Item[]): { items: Item[]; offsets: bigint[]; size: bigint; align: bigint } {
  const sorted = [...items].sort((a, b) => (a.align > b.align ? -1 : a.align < b.align ? 1 : 0));
  const offsets: bigint[] = [];
  let cursor = 0n;
  for (const it of sorted) {
    const at = alignUp(cursor, it.align);
    offsets.push(at);
    cursor = at + it.size;
  }
  return { items: sorted, offsets, size: cursor, align: sorted.length ? sorted[0].align : 1n };
}

function place(items: Item[], win: { base: bigint; limit: bigint }, name: string): void {
  let cursor = win.base;
  for (const it of [...items].sort((a, b) => (a.align > b.align ? -1 : a.align < b.align ? 1 : 0))) {
    const at = alignUp(cursor, it.align);
    if (at + it.size > win.limit || (!it.above4g && at + it.size > FOUR_GIB)) {
      throw new PciResourceError(
        `${it.what} (size 0x${it.size.toString(16)}) does not fit the ${name} window 0x${win.base.toString(16)}..0x${win.limit.toString(16)}`,
      );
    }
    it.place(at);
    cursor = at + it.size;
  }
}

async function program(bus: Bus, node: FnNode, enable: boolean): Promise<void> {
  const a = node.address;
  for (const bar of node.bars) {
    if (bar.kind === 'io') {
      await bus.configWrite(a, bar.offset, 4, Number(bar.address) >>> 0);
    } else {
      await bus.configWrite(a, bar.offset, 4, Number(bar.address & 0xffffffffn) >>> 0);
      if (bar.kind === 'mem64') await bus.configWrite(a, bar.offset + 4, 4, Number(bar.address >> 32n) >>> 0);
    }
  }
  if (node.rom) await bus.configWrite(a, node.rom.offset, 4, Number(node.rom.address) >>> 0); // enable bit stays 0
  const br = node.bridge;
  if (br) {
    // I/O: base/limit bytes hold address bits 15:12; the upper halves bits 31:16.
    const io = br.io ?? { base: 0x1000n, limit: 0xfffn };
    const ioBase = Number(io.base), ioLimit = Number(io.limit);
    if (br.hasIo) {
      if (br.io32) await bus.configWrite(a, PCI_IO_BASE_UPPER16, 4, (((ioLimit >>> 16) << 16) | (ioBase >>> 16)) >>> 0);
      await bus.configWrite(a, PCI_IO_BASE, 2, (((ioLimit >> 8) & 0xf0) << 8) | ((ioBase >> 8) & 0xf0));
    }
    // Memory: bits 31:20 in bits 15:4 of the base and limit words.
    const mem = br.mem ?? { base: 0x100000n, limit: 0xfffffn };
    await bus.configWrite(a, PCI_MEMORY_BASE, 4, memWord(mem.base, mem.limit));
    if (br.hasPref) {
      const pref = br.pref ?? { base: 0x100000n, limit: 0xfffffn };
      if (br.pref64) {
        await bus.configWrite(a, PCI_PREF_BASE_UPPER32, 4, Number(pref.base >> 32n) >>> 0);
        await bus.configWrite(a, PCI_PREF_LIMIT_UPPER32, 4, Number(pref.limit >> 32n) >>> 0);
      }
      await bus.configWrite(a, PCI_PREF_MEMORY_BASE, 4, memWord(pref.base, pref.limit));
    }
  }
  if (enable) {
    const cmd = await bus.configRead(a, PCI_COMMAND, 2);
    await bus.configWrite(a, PCI_COMMAND, 2, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  } else if (node.command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) {
    await bus.configWrite(a, PCI_COMMAND, 2, node.command);
  }
}

function memWord(base: bigint, limit: bigint): number {
  const b = Number((base >> 16n) & 0xfff0n);
  const l = Number((limit >> 16n) & 0xfff0n);
  return ((l << 16) | b) >>> 0;
}

function toResult(n: FnNode): EnumeratedFunction {
  return {
    address: n.address,
    vendorId: n.vendorId,
    deviceId: n.deviceId,
    revision: n.revision,
    classCode: n.classCode,
    headerType: n.headerType,
    multiFunction: n.multiFunction,
    bars: n.bars.map((b) => ({ ...b })),
    rom: n.rom ? { ...n.rom } : null,
    bridge: n.bridge
      ? { primary: n.bridge.primary, secondary: n.bridge.secondary, subordinate: n.bridge.subordinate, io: n.bridge.io, mem: n.bridge.mem, pref: n.bridge.pref }
      : null,
  };
}

