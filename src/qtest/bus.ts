// The Bus interface over a QEMU qtest channel. Config space goes through the legacy
// 0xCF8/0xCFC mechanism (first 256 bytes) or, on q35 once PCIEXBAR is enabled, through ECAM
// (all 4096 bytes); memory through readb/w/l, writeb/w/l and b64read/b64write; ports
// through in*/out*.
import type { AccessWidth, Bus, PciAddress } from '../pci/bus.js';
import { formatPciAddress } from '../pci/bus.js';
import { ecamOffset, mechanism1Access, PCI_CONFIG_ADDRESS_PORT } from '../pci/config-access.js';
import { QemuError } from './errors.js';
import { QemuProcess, type QemuOptions } from './process.js';

/** q35 MCH (Intel 82G33 family, 8086:29c0): PCI Express base address register, 64 bits at 0x60. */
const Q35_MCH_ID = 0x29c08086;
const MCH_PCIEXBAR = 0x60;
/** Bit 0 enables the window; bits 2:1 = 0 select 256 MiB (buses 0..255). */
const PCIEXBAR_ENABLE_256M = 0x1;
export const Q35_DEFAULT_ECAM_BASE = 0xb000_0000n;

const SUFFIX: Record<AccessWidth, string> = { 1: 'b', 2: 'w', 4: 'l' };
const MAX_ADDRESS = (1n << 64n) - 1n;

function checkWidth(width: number): asserts width is AccessWidth {
  if (width !== 1 && width !== 2 && width !== 4) throw new RangeError(`access width must be 1, 2 or 4, got ${width}`);
}

function checkValue(value: number, width: AccessWidth): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) throw new RangeError(`value ${value} does not fit ${width} byte(s)`);
}

function checkAddress(address: bigint, length = 1): void {
  if (address < 0n || address + BigInt(Math.max(length, 1)) - 1n > MAX_ADDRESS) throw new RangeError(`address 0x${address.toString(16)} outside the 64-bit space`);
}

function parseHexReply(command: string, reply: string): bigint {
  if (!/^0x[0-9a-fA-F]+$/.test(reply)) throw new QemuError(`qtest '${command}' answered '${reply}', expected a hex value`);
  return BigInt(reply);
}

export class QtestBus implements Bus {
  private ecam: bigint | null = null;
  /** CF8/CFC is an address-then-data pair: concurrent callers must not interleave inside it. */
  private cf8Tail: Promise<unknown> = Promise.resolve();

  constructor(readonly qemu: QemuProcess) {}

  /** Base of the ECAM window once enabled, else null. */
  get ecamBase(): bigint | null {
    return this.ecam;
  }

  /** 4096 when ECAM is on, else 256 (what CF8/CFC reaches). */
  get configSpaceSize(): 256 | 4096 {
    return this.ecam === null ? 256 : 4096;
  }

  /**
   * Turn on q35's MMCONFIG window by programming PCIEXBAR in the MCH (00:00.0), as firmware
   * does; afterwards all config accesses use ECAM. Fails on a machine without that MCH.
   */
  async enableEcam(base: bigint = Q35_DEFAULT_ECAM_BASE): Promise<void> {
    if (base & 0xfffffffn || base < 0n || base >= 1n << 36n) throw new RangeError(`ECAM base 0x${base.toString(16)} must be 256 MiB aligned below 64 GiB`);
    const host: PciAddress = { domain: 0, bus: 0, device: 0, function: 0 };
    const id = await this.cf8Read(host, 0, 4);
    if (id !== Q35_MCH_ID) throw new QemuError(`ECAM needs the q35 MCH at 00:00.0 (8086:29c0), found ${id.toString(16).padStart(8, '0')}`);
    await this.cf8Write(host, MCH_PCIEXBAR + 4, 4, Number(base >> 32n));
    await this.cf8Write(host, MCH_PCIEXBAR, 4, (Number(base & 0xffffffffn) | PCIEXBAR_ENABLE_256M) >>> 0);
    this.ecam = base;
    const check = await this.configRead(host, 0, 4);
    if (check !== Q35_MCH_ID) {
      this.ecam = null;
      throw new QemuError(`ECAM at 0x${base.toString(16)} does not answer (read ${check.toString(16)})`);
    }
  }

  async configRead(fn: PciAddress, offset: number, width: AccessWidth): Promise<number> {
    this.checkConfig(fn, offset, width);
    if (this.ecam !== null) return this.memRead(this.ecamAddress(fn, offset), width);
    return this.cf8Read(fn, offset, width);
  }

  async configWrite(fn: PciAddress, offset: number, width: AccessWidth, value: number): Promise<void> {
    this.checkConfig(fn, offset, width);
    checkValue(value, width);
    if (this.ecam !== null) return this.memWrite(this.ecamAddress(fn, offset), width, value);
    return this.cf8Write(fn, offset, width, value);
  }

  async memRead(address: bigint, width: AccessWidth): Promise<number> {
    checkWidth(width);
    checkAddress(address, width);
    const cmd = `read${SUFFIX[width]} 0x${address.toString(16)}`;
    return Number(parseHexReply(cmd, await this.qemu.command(cmd)) & ((1n << BigInt(8 * width)) - 1n));
  }

  async memWrite(address: bigint, width: AccessWidth, value: number): Promise<void> {
    checkWidth(width);
    checkAddress(address, width);
    checkValue(value, width);
    await this.qemu.command(`write${SUFFIX[width]} 0x${address.toString(16)} 0x${value.toString(16)}`);
  }

  /** 64-bit memory read (readq), for registers such as 64-bit queue addresses. */
  async memRead64(address: bigint): Promise<bigint> {
    checkAddress(address, 8);
    const cmd = `readq 0x${address.toString(16)}`;
    return parseHexReply(cmd, await this.qemu.command(cmd)) & MAX_ADDRESS;
  }

  async memWrite64(address: bigint, value: bigint): Promise<void> {
    checkAddress(address, 8);
    if (value < 0n || value > MAX_ADDRESS) throw new RangeError(`value 0x${value.toString(16)} does not fit 8 bytes`);
    await this.qemu.command(`writeq 0x${address.toString(16)} 0x${value.toString(16)}`);
  }

  async memReadBytes(address: bigint, length: number): Promise<Uint8Array> {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`length ${length} must be a non-negative integer`);
    if (length === 0) return new Uint8Array(0);
    checkAddress(address, length);
    const cmd = `b64read 0x${address.toString(16)} 0x${length.toString(16)}`;
    const reply = await this.qemu.command(cmd);
    const bytes = Buffer.from(reply, 'base64');
    if (bytes.length !== length) throw new QemuError(`qtest '${cmd}' returned ${bytes.length} bytes`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
  }

  async memWriteBytes(address: bigint, data: Uint8Array): Promise<void> {
    if (data.length === 0) return;
    checkAddress(address, data.length);
    const b64 = Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64');
    await this.qemu.command(`b64write 0x${address.toString(16)} 0x${data.length.toString(16)} ${b64}`);
  }

  async ioRead(port: number, width: AccessWidth): Promise<number> {
    checkWidth(width);
    this.checkPort(port, width);
    const cmd = `in${SUFFIX[width]} 0x${port.toString(16)}`;
    return Number(parseHexReply(cmd, await this.qemu.command(cmd)));
  }

  async ioWrite(port: number, width: AccessWidth, value: number): Promise<void> {
    checkWidth(width);
    this.checkPort(port, width);
    checkValue(value, width);
    await this.qemu.command(`out${SUFFIX[width]} 0x${port.toString(16)} 0x${value.toString(16)}`);
  }

  // QEMU's harness would honour the low two bits of 0xCF8 as a byte lane (real hardware
  // ignores them), so the address written is always dword-aligned and the lane is chosen
  // by the data port, 0xCFC + (offset & 3), which both agree on: mechanism1Access does both.
  private cf8Read(fn: PciAddress, offset: number, width: AccessWidth): Promise<number> {
    const { configAddress, dataPort } = mechanism1Access({ address: fn, offset });
    return this.cf8Exclusive(async () => {
      await this.ioWrite(PCI_CONFIG_ADDRESS_PORT, 4, configAddress);
      return this.ioRead(dataPort, width);
    });
  }

  private cf8Write(fn: PciAddress, offset: number, width: AccessWidth, value: number): Promise<void> {
    const { configAddress, dataPort } = mechanism1Access({ address: fn, offset });
    return this.cf8Exclusive(async () => {
      await this.ioWrite(PCI_CONFIG_ADDRESS_PORT, 4, configAddress);
      await this.ioWrite(dataPort, width, value);
    });
  }

  private cf8Exclusive<T>(op: () => Promise<T>): Promise<T> {
    const p = this.cf8Tail.then(op, op);
    this.cf8Tail = p.catch(() => undefined);
    return p;
  }

  private ecamAddress(fn: PciAddress, offset: number): bigint {
    return this.ecam! + ecamOffset({ address: fn, offset });
  }

  private checkConfig(fn: PciAddress, offset: number, width: AccessWidth): void {
    checkWidth(width);
    if (fn.domain !== 0) throw new RangeError(`QEMU's x86 machines have one PCI domain; ${formatPciAddress(fn)} is not in it`);
    if (!(fn.bus >= 0 && fn.bus <= 255 && fn.device >= 0 && fn.device <= 31 && fn.function >= 0 && fn.function <= 7)) {
      throw new RangeError(`bad PCI address ${JSON.stringify(fn)}`);
    }
    const size = this.configSpaceSize;
    if (!Number.isInteger(offset) || offset < 0 || offset + width > size) {
      throw new RangeError(`config offset 0x${offset.toString(16)} (+${width}) outside the ${size} bytes reachable${size === 256 ? ' without ECAM' : ''}`);
    }
    if (offset % width !== 0) throw new RangeError(`config access of ${width} bytes at 0x${offset.toString(16)} is not naturally aligned`);
  }

  private checkPort(port: number, width: AccessWidth): void {
    if (!Number.isInteger(port) || port < 0 || port + width - 1 > 0xffff) throw new RangeError(`I/O port 0x${port.toString(16)} outside 0..0xffff`);
  }
}

export interface QtestSession {
  readonly qemu: QemuProcess;
  readonly bus: QtestBus;
}

/** Start QEMU and wrap it in a QtestBus; on q35 ECAM is enabled so all 4096 bytes are reachable. */
export async function startQtestBus(options: QemuOptions = {}): Promise<QtestSession> {
  const qemu = await QemuProcess.start(options);
  try {
    const bus = new QtestBus(qemu);
    if (qemu.machine === 'q35') await bus.enableEcam();
    return { qemu, bus };
  } catch (e) {
    await qemu.close();
    throw e;
  }
}
