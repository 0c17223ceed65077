// Node only: the host's PCI functions from /sys/bus/pci/devices/*/config. Read only: files are
// opened for reading and nothing is written or mapped. Unprivileged readers get 64 bytes
// (sometimes 256) of most functions; the length read is what is known.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PciAddress } from '../pci/bus.js';
import { readBinaryDump } from './binary.js';
import type { DumpFunction } from './types.js';

export const SYSFS_PCI_DEVICES = '/sys/bus/pci/devices';

/** One line of a sysfs `resource` file: lines 0–5 are the BARs, 6 the expansion ROM. */
export interface SysfsResource {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
  /** Linux IORESOURCE_* flags (0x100 I/O, 0x200 memory, 0x2000 prefetchable, 0x100000 64-bit). */
  readonly flags: bigint;
}

export interface SysfsFunction extends DumpFunction {
  /** The function's sysfs directory. */
  readonly path: string;
  /** BAR sizes by index (0–5) from `resource`, only for BARs with a size. */
  readonly barSizes: Map<number, bigint>;
  /** BAR start addresses by index (0–5) from `resource`. */
  readonly barAddresses: Map<number, bigint>;
  readonly resources: readonly SysfsResource[];
}

const SLOT_DIR = /^([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;

export function parseSysfsSlot(name: string): PciAddress | null {
  const m = SLOT_DIR.exec(name);
  if (!m) return null;
  return { domain: parseInt(m[1], 16), bus: parseInt(m[2], 16), device: parseInt(m[3], 16), function: Number(m[4]) };
}

/** Parse a sysfs `resource` file (`0x… 0x… 0x…` per line). */
export function parseSysfsResource(text: string): SysfsResource[] {
  const out: SysfsResource[] = [];
  text.split('\n').forEach((line, index) => {
    const m = /^\s*(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s*$/.exec(line);
    if (m) out.push({ index, start: BigInt(m[1]), end: BigInt(m[2]), flags: BigInt(m[3]) });
  });
  return out;
}

/** Size of a resource: end - start + 1, or null for an unused one (all zero). */
export function sysfsResourceSize(r: SysfsResource): bigint | null {
  if (r.start === 0n && r.end === 0n) return null;
  if (r.end < r.start) return null;
  return r.end - r.start + 1n;
}

export interface ScanSysfsOptions {
  /** Default /sys/bus/pci/devices. */
  readonly root?: string;
  /** Only functions for which this returns true. */
  readonly filter?: (slot: PciAddress) => boolean;
}

/** Read one function directory. */
export async function readSysfsFunction(dir: string, slot: PciAddress | null = null): Promise<SysfsFunction> {
  const configPath = join(dir, 'config');
  const config = new Uint8Array(await readFile(configPath, { flag: 'r' }));
  const fn = readBinaryDump(config, configPath);
  let resources: SysfsResource[] = [];
  try {
    resources = parseSysfsResource(await readFile(join(dir, 'resource'), { encoding: 'utf8', flag: 'r' }));
  } catch {
    // No resource file (not every sysfs has one): BAR sizes stay unknown.
  }
  const barSizes = new Map<number, bigint>();
  const barAddresses = new Map<number, bigint>();
  for (const r of resources) {
    if (r.index > 5) continue;
    const size = sysfsResourceSize(r);
    if (size === null) continue;
    barSizes.set(r.index, size);
    barAddresses.set(r.index, r.start);
  }
  // A sysfs image is what the kernel allows this user to read; its length is not a defect.
  const diagnostics = fn.diagnostics.filter((d) => d.code !== 'DUMP_BINARY_LENGTH');
  return { ...fn, slot, diagnostics, path: dir, barSizes, barAddresses, resources };
}

/** Yield the host's functions one by one, in slot order. */
export async function* iterateSysfs(options: ScanSysfsOptions = {}): AsyncGenerator<SysfsFunction> {
  const root = options.root ?? SYSFS_PCI_DEVICES;
  const names = (await readdir(root)).filter((n) => parseSysfsSlot(n) !== null).sort();
  for (const name of names) {
    const slot = parseSysfsSlot(name)!;
    if (options.filter && !options.filter(slot)) continue;
    yield await readSysfsFunction(join(root, name), slot);
  }
}

/** All of the host's functions. */
export async function scanSysfs(options: ScanSysfsOptions = {}): Promise<SysfsFunction[]> {
  const out: SysfsFunction[] = [];
  for await (const fn of iterateSysfs(options)) out.push(fn);
  return out;
}
