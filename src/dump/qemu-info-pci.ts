// QEMU HMP `info pci` text: per function its slot, class, IDs, IRQ and BAR ranges. It holds no
// configuration bytes, but it gives what a dump cannot: BAR sizes (and the addresses QEMU
// mapped), to pass as DecodeOptions.barSizes alongside a dump of the same function.
//
// Shape (QEMU hw/pci/pci-hmp-cmds.c, earlier monitor/hmp-cmds.c):
//   `  Bus %2d, device %3d, function %d:`
//   `    <class description | Class %04d>: PCI device %04x:%04x`
//   `      PCI subsystem %04x:%04x`, `      IRQ %d, pin %c`
//   bridges: `BUS %d.`, `secondary bus %d.`, `subordinate bus %d.`, `IO range [..]`, `memory range [..]`, `prefetchable memory range [..]`
//   `      BAR%d: I/O at 0x%04x [0x%04x].` / `BAR%d: %d bit[ prefetchable] memory at 0x%08x [0x%08x].`
//   (the trailing '.' was dropped in 2024, along with `(not mapped)` for unmapped BARs; before that an
//   unmapped BAR printed address 0xffffffffffffffff and a limit of address+size-1 wrapped around)
//   `      id "<qdev id>"`; BAR6 is the expansion ROM.
import type { PciAddress } from '../pci/bus.js';
import { fail } from './parser.js';

export interface QemuPciBar {
  /** 0–5, or 6 for the expansion ROM. */
  readonly index: number;
  readonly kind: 'io' | 'mem32' | 'mem64';
  readonly prefetchable: boolean;
  /** Null when QEMU says the BAR is not mapped. */
  readonly address: bigint | null;
  /** From the printed inclusive range; null when QEMU printed no range. */
  readonly size: bigint | null;
  readonly line: number;
}

export interface QemuPciBridgeInfo {
  readonly bus: number | null;
  readonly secondary: number | null;
  readonly subordinate: number | null;
  readonly ioRange: readonly [bigint, bigint] | null;
  readonly memoryRange: readonly [bigint, bigint] | null;
  readonly prefetchableRange: readonly [bigint, bigint] | null;
}

export interface QemuPciFunction {
  /** QEMU prints no domain: always 0. */
  readonly slot: PciAddress;
  /** e.g. `SCSI controller`, or `Class 0255` when QEMU knows no name (the number is printed in decimal). */
  readonly classDescription: string;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly subsystemVendorId: number | null;
  readonly subsystemId: number | null;
  readonly irq: number | null;
  /** 'A'–'D'. */
  readonly pin: string | null;
  readonly bars: readonly QemuPciBar[];
  readonly bridge: QemuPciBridgeInfo | null;
  /** The `id "…"` line (the -device id=), '' when empty, null when absent. */
  readonly qdevId: string | null;
  readonly source: { readonly file?: string; readonly line: number };
}

const U64 = (1n << 64n) - 1n;
const UNMAPPED = U64;

const BUS_LINE = /^\s*Bus\s+(\d+), device\s+(\d+), function (\d+):\s*$/;
// `\S` after the indent: `\s+(.*)` would try every split of a long blank run (quadratic).
const ID_LINE = /^\s+(\S.*): PCI device ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\s*$/;
const SUBSYS = /^\s+PCI subsystem ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\s*$/;
const IRQ = /^\s+IRQ (-?\d+), pin ([A-Z])\s*$/;
const BAR_START = /^\s+BAR/;
const QDEV = /^\s+id "(.*)"\s*$/;
const BRIDGE_NUM = /^\s+(BUS|secondary bus|subordinate bus) (\d+)\.?\s*$/;
const BRIDGE_RANGE = /^\s+(IO range|memory range|prefetchable memory range) \[(0x[0-9a-fA-F]+), (0x[0-9a-fA-F]+)\]\s*$/;

interface Building {
  slot: PciAddress;
  classDescription: string;
  vendorId: number;
  deviceId: number;
  subsystemVendorId: number | null;
  subsystemId: number | null;
  irq: number | null;
  pin: string | null;
  bars: QemuPciBar[];
  bridge: { -readonly [K in keyof QemuPciBridgeInfo]: QemuPciBridgeInfo[K] } | null;
  qdevId: string | null;
  line: number;
  sawId: boolean;
}

/** Parse `info pci` text (monitor prompts and other lines are ignored). Throws DumpParseError on malformed known lines. */
export function parseQemuInfoPci(text: string, options: { file?: string } = {}): QemuPciFunction[] {
  const file = options.file;
  const out: QemuPciFunction[] = [];
  let cur: Building | null = null;
  const finish = () => {
    if (!cur) return;
    const { line, sawId: _s, ...rest } = cur;
    out.push({ ...rest, source: file === undefined ? { line } : { file, line } });
    cur = null;
  };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const s = lines[n].replace(/\r$/, '');
    const bus = BUS_LINE.exec(s);
    if (bus) {
      finish();
      const [b, d, f] = [Number(bus[1]), Number(bus[2]), Number(bus[3])];
      if (b > 255 || d > 31 || f > 7) fail('DUMP_INFO_PCI_MALFORMED', file, lineNo, s.indexOf('Bus') + 1, `bus ${b}, device ${d}, function ${f} is out of range`);
      cur = { slot: { domain: 0, bus: b, device: d, function: f }, classDescription: '', vendorId: 0, deviceId: 0, subsystemVendorId: null, subsystemId: null, irq: null, pin: null, bars: [], bridge: null, qdevId: null, line: lineNo, sawId: false };
      continue;
    }
    if (!cur) continue;
    const c: Building = cur;
    let m: RegExpExecArray | null;
    if (!c.sawId && (m = ID_LINE.exec(s))) {
      c.classDescription = m[1].trim();
      c.vendorId = parseInt(m[2], 16);
      c.deviceId = parseInt(m[3], 16);
      c.sawId = true;
    } else if ((m = SUBSYS.exec(s))) {
      c.subsystemVendorId = parseInt(m[1], 16);
      c.subsystemId = parseInt(m[2], 16);
    } else if ((m = IRQ.exec(s))) {
      c.irq = Number(m[1]);
      c.pin = m[2];
    } else if (BAR_START.test(s)) {
      c.bars.push(parseBarLine(s, lineNo, file));
    } else if ((m = QDEV.exec(s))) {
      c.qdevId = m[1];
    } else if ((m = BRIDGE_NUM.exec(s))) {
      c.bridge ??= emptyBridge();
      const v = Number(m[2]);
      if (m[1] === 'BUS') c.bridge.bus = v;
      else if (m[1] === 'secondary bus') c.bridge.secondary = v;
      else c.bridge.subordinate = v;
    } else if ((m = BRIDGE_RANGE.exec(s))) {
      c.bridge ??= emptyBridge();
      const r = [BigInt(m[2]), BigInt(m[3])] as const;
      if (m[1] === 'IO range') c.bridge.ioRange = r;
      else if (m[1] === 'memory range') c.bridge.memoryRange = r;
      else c.bridge.prefetchableRange = r;
    }
    // Other lines (prompts, new QEMU lines) are ignored.
  }
  finish();
  return out;
}

function emptyBridge(): NonNullable<Building['bridge']> {
  return { bus: null, secondary: null, subordinate: null, ioRange: null, memoryRange: null, prefetchableRange: null };
}

/** A BAR line, read with a cursor so a malformed one is reported at the first bad column. */
function parseBarLine(s: string, lineNo: number, file: string | undefined): QemuPciBar {
  let i = /^\s*/.exec(s)![0].length;
  const bad = (what: string): never => fail('DUMP_INFO_PCI_MALFORMED', file, lineNo, i + 1, `expected ${what} in a BAR line`);
  const lit = (t: string) => {
    if (!s.startsWith(t, i)) bad(`'${t}'`);
    i += t.length;
  };
  const tryLit = (t: string) => (s.startsWith(t, i) ? ((i += t.length), true) : false);
  const num = (re: RegExp, what: string): string => {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) bad(what);
    i += m![0].length;
    return m![0];
  };
  lit('BAR');
  const index = Number(num(/\d+/y, 'a BAR number'));
  if (index > 6) {
    i -= String(index).length;
    bad('a BAR number 0-6');
  }
  lit(': ');
  let kind: QemuPciBar['kind'];
  let prefetchable = false;
  if (tryLit('I/O')) kind = 'io';
  else {
    const bits = num(/(?:32|64)/y, "'I/O' or '32'/'64'");
    kind = bits === '64' ? 'mem64' : 'mem32';
    lit(' bit');
    prefetchable = tryLit(' prefetchable');
    lit(' memory');
  }
  let address: bigint | null = null;
  let size: bigint | null = null;
  if (!(tryLit(' (not mapped)') || tryLit(' (not configured)'))) {
    lit(' at ');
    const a = BigInt(num(/0x[0-9a-fA-F]{1,16}/y, 'a hex address'));
    lit(' [');
    const lastAt = i;
    const last = BigInt(num(/0x[0-9a-fA-F]{1,16}/y, 'a hex address'));
    lit(']');
    // An unmapped BAR (address all ones) prints address + size - 1, which wraps: that is how
    // its size is told. Any other range ends at or after its start.
    if (a !== UNMAPPED && last < a) {
      fail('DUMP_INFO_PCI_MALFORMED', file, lineNo, lastAt + 1, `the BAR range ends (0x${last.toString(16)}) before it starts (0x${a.toString(16)})`);
    }
    if (a !== UNMAPPED && last - a === U64) fail('DUMP_INFO_PCI_MALFORMED', file, lineNo, lastAt + 1, 'the BAR range covers all 2^64 addresses (a size that does not fit in 64 bits)');
    size = (last - a + 1n) & U64;
    address = a === UNMAPPED ? null : a;
  }
  tryLit('.');
  if (s.slice(i).trim() !== '') {
    i += /^\s*/.exec(s.slice(i))![0].length;
    bad('the end of the line');
  }
  return { index, kind, prefetchable, address, size, line: lineNo };
}

/** BAR sizes by index (0–5) of one function, for DecodeOptions.barSizes. */
export function qemuBarSizes(fn: QemuPciFunction): Map<number, bigint> {
  const m = new Map<number, bigint>();
  for (const b of fn.bars) if (b.index < 6 && b.size !== null) m.set(b.index, b.size);
  return m;
}

/** BAR addresses by index (0–5) where QEMU mapped them. */
export function qemuBarAddresses(fn: QemuPciFunction): Map<number, bigint> {
  const m = new Map<number, bigint>();
  for (const b of fn.bars) if (b.index < 6 && b.address !== null) m.set(b.index, b.address);
  return m;
}

/** The function at a slot (QEMU prints no domain; the slot's domain must be 0). */
export function findQemuPciFunction(fns: readonly QemuPciFunction[], slot: PciAddress): QemuPciFunction | undefined {
  return fns.find((f) => slot.domain === 0 && f.slot.bus === slot.bus && f.slot.device === slot.device && f.slot.function === slot.function);
}
