// `pcicfg qemu dump`: start QEMU with some devices, assign BARs as firmware would, and read
// every function's config space: the `info pci` workflow without booting a guest.
import { enumeratePci, findCapabilityOnBus, type EnumerateOptions, type EnumeratedFunction } from '../pci/enumerate.js';
import { hexBytes, hexDigits } from '../bytes/hex.js';
import { formatPciAddress } from '../pci/bus.js';
import { PCI_CAP_ID } from '../pci/cap-ids.js';
import { startQtestBus, type QtestBus } from './bus.js';
import type { QemuMachine } from './process.js';


export interface QemuDumpFunction extends EnumeratedFunction {
  /** Config space as read after enumeration: 4096 bytes for PCIe functions reached by ECAM, else 256. */
  readonly config: Uint8Array;
  /** The function has a PCI Express capability. */
  readonly pcie: boolean;
}

export interface QemuDump {
  readonly machine: QemuMachine;
  /** QEMU's command line, binary first. */
  readonly argv: readonly string[];
  readonly functions: readonly QemuDumpFunction[];
}

export interface QemuDumpOptions {
  readonly machine?: QemuMachine;
  /** Arguments describing the devices, e.g. `['-device', 'virtio-blk-pci,drive=d0', '-drive', 'if=none,id=d0,file=x.img,format=raw']`. */
  readonly deviceArgs: readonly string[];
  readonly timeoutMs?: number;
  readonly qemuBinary?: string;
  readonly enumerate?: EnumerateOptions;
}

/** Enumerate and assign over an open QtestBus, then read every function's config space. */
export async function dumpQtestFunctions(bus: QtestBus, options: EnumerateOptions = {}): Promise<QemuDumpFunction[]> {
  const fns = await enumeratePci(bus, options);
  const out: QemuDumpFunction[] = [];
  for (const f of fns) {
    const pcie = (await findCapabilityOnBus(bus, f.address, PCI_CAP_ID.EXP)) !== null;
    const size = pcie && bus.configSpaceSize === 4096 ? 4096 : 256;
    const config = new Uint8Array(size);
    for (let off = 0; off < size; off += 4) {
      const v = await bus.configRead(f.address, off, 4);
      config[off] = v & 0xff;
      config[off + 1] = (v >>> 8) & 0xff;
      config[off + 2] = (v >>> 16) & 0xff;
      config[off + 3] = v >>> 24;
    }
    out.push({ ...f, config, pcie });
  }
  return out;
}

/** Start QEMU with the devices, dump every PCI function, and stop QEMU again. */
export async function qemuDump(options: QemuDumpOptions): Promise<QemuDump> {
  const machine = options.machine ?? 'pc';
  const { qemu, bus } = await startQtestBus({ machine, args: options.deviceArgs, timeoutMs: options.timeoutMs, qemuBinary: options.qemuBinary });
  try {
    const functions = await dumpQtestFunctions(bus, options.enumerate);
    return { machine, argv: qemu.argv, functions };
  } finally {
    await qemu.close();
  }
}

/** `0100: 1af4:1001 (rev 01)`: what `lspci -n` says of a function (the default title). */
export function describePciFunctionNumeric(f: EnumeratedFunction): string {
  const cls = hexDigits(f.classCode >>> 8, 4);
  const rev = f.revision ? ` (rev ${hexDigits(f.revision, 2)})` : '';
  return `${cls}: ${hexDigits(f.vendorId, 4)}:${hexDigits(f.deviceId, 4)}${rev}`;
}

/**
 * Render a dump as `lspci -xxxx` text (header `0000:BB:DD.F description`, `%02x:` offsets,
 * 16 bytes a line, a blank line after each function), which `lspci -F` reads back, followed
 * by the BAR layout as `#` lines that lspci's dump reader ignores. `describe` replaces the
 * numeric title (e.g. with class and device names); the text after the address is free.
 */
export function formatQemuDump(
  dump: QemuDump | readonly QemuDumpFunction[],
  options: { readonly describe?: (f: QemuDumpFunction) => string } = {},
): string {
  const fns = 'functions' in dump ? dump.functions : dump;
  const title = options.describe ?? describePciFunctionNumeric;
  let out = '';
  for (const f of fns) {
    out += `${formatPciAddress(f.address)} ${title(f)}\n`;
    for (let off = 0; off < f.config.length; off += 16) {
      out += `${off.toString(16).padStart(2, '0')}: ${hexBytes(f.config, off, Math.min(off + 16, f.config.length))}\n`;
    }
    out += '\n';
  }
  out += '# BAR layout assigned by pcicfg (size from probing; address as programmed)\n';
  out += '# function      bar   kind  pref  address             size\n';
  for (const f of fns) {
    const slot = formatPciAddress(f.address);
    for (const b of f.bars) {
      out += `# ${slot}  BAR${b.index}  ${b.kind.padEnd(5)} ${b.prefetchable ? 'yes ' : 'no  '}  0x${hexDigits(b.address, 16)}  0x${b.size.toString(16)}\n`;
    }
    if (f.rom) out += `# ${slot}  ROM   rom   no    0x${hexDigits(f.rom.address, 16)}  0x${f.rom.size.toString(16)} (disabled)\n`;
    if (f.bridge) {
      const w = (name: string, x: { base: bigint; limit: bigint } | null) =>
        x ? `${name} 0x${x.base.toString(16)}-0x${x.limit.toString(16)}` : `${name} closed`;
      const b = f.bridge;
      out += `# ${slot}  bridge buses ${b.primary}/${b.secondary}/${b.subordinate}, ${w('io', b.io)}, ${w('mem', b.mem)}, ${w('pref', b.pref)}\n`;
    }
  }
  return out;
}
