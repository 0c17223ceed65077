// Configuration accesses as the host sees them: through configuration mechanism #1 (PCI Local
// Bus 3.0, 3.2.2.3.2: CONFIG_ADDRESS at I/O port 0xcf8, CONFIG_DATA at 0xcfc-0xcff) or through
// an ECAM window (PCI Express 7.2.2: bus << 20 | device << 15 | function << 12 | offset), and
// the register such an access hits in a decoded function, field by field.
import { accessParts, type AccessPart } from '../layout/access-parts.js';
import { labelAt } from '../layout/annotate.js';
import { bit, bits, decodeBits, type BitSpec } from '../layout/struct.js';
import { formatPciAddress, type PciAddress } from './bus.js';
import type { ConfigSpace } from './types.js';

export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;

/** The CONFIG_ADDRESS register of mechanism #1. */
export const PCI_CONFIG_ADDRESS_BITS: readonly BitSpec[] = [
  bits('register', 2, 6, undefined, 'Dword of the configuration space (offset bits 7:2)'),
  bits('function', 8, 3),
  bits('device', 11, 5),
  bits('bus', 16, 8),
  bits('reserved', 24, 7, 'rsvd'),
  bit('enable', 31, undefined, 'Accesses to CONFIG_DATA are configuration cycles only while set'),
];

/** The offset into an ECAM window of a function's register (bus 0 at the window's start). */
export const PCI_ECAM_OFFSET_BITS: readonly BitSpec[] = [
  bits('offset', 0, 12, undefined, 'Byte of the 4096-byte configuration space'),
  bits('function', 12, 3),
  bits('device', 15, 5),
  bits('bus', 20, 8),
];

/** A configuration register of one function: what a config access reaches. */
export interface PciConfigTarget {
  readonly address: PciAddress;
  readonly offset: number;
}

/**
 * Mechanism #1 followed through a stream of port accesses: `write` each access to
 * CONFIG_ADDRESS, ask `target` where an access to a CONFIG_DATA port goes (null while the
 * enable bit is clear, or before any CONFIG_ADDRESS was written).
 */
export class PciConfigMechanism1 {
  private value: number | null = null;

  /** A write of `size` bytes of `value` to CONFIG_ADDRESS (only whole-dword writes select a register). */
  write(size: number, value: number): void {
    if (size === 4) this.value = value >>> 0;
  }

  /** The register an access at CONFIG_DATA port `port` (0xcfc-0xcff) reaches. */
  target(port: number): PciConfigTarget | null {
    if (this.value === null || port < PCI_CONFIG_DATA_PORT || port > PCI_CONFIG_DATA_PORT + 3) return null;
    const a = decodeBits(this.value, PCI_CONFIG_ADDRESS_BITS);
    if (!a.enable) return null;
    return {
      address: { domain: 0, bus: a.bus as number, device: a.device as number, function: a.function as number },
      offset: (a.register as number) * 4 + (port - PCI_CONFIG_DATA_PORT),
    };
  }
}

/** The register an access at `offset` into an ECAM window reaches (bus 0 at the window's start). */
export function ecamTarget(offset: bigint, domain = 0): PciConfigTarget | null {
  if (offset < 0n || offset >= ecamWindowSize()) return null;
  const o = decodeBits(Number(offset), PCI_ECAM_OFFSET_BITS);
  return { address: { domain, bus: o.bus as number, device: o.device as number, function: o.function as number }, offset: o.offset as number };
}

/** The offset into an ECAM window that reaches `target` (ecamTarget's inverse; the domain picks the window). */
export function ecamOffset(target: PciConfigTarget): bigint {
  checkTarget(target, PCI_ECAM_OFFSET_BITS, ecamOffsets());
  return BigInt(placeBits(PCI_ECAM_OFFSET_BITS, { ...target.address, offset: target.offset }));
}

/**
 * How mechanism #1 reaches `target`: the dword written to CONFIG_ADDRESS (enable set) and the
 * CONFIG_DATA port whose byte lane is the offset's low two bits (PciConfigMechanism1's inverse).
 */
export function mechanism1Access(target: PciConfigTarget): { readonly configAddress: number; readonly dataPort: number } {
  checkTarget(target, PCI_CONFIG_ADDRESS_BITS, mechanism1Offsets());
  const dword = Math.floor(target.offset / 4);
  return {
    configAddress: placeBits(PCI_CONFIG_ADDRESS_BITS, { ...target.address, register: dword, enable: 1 }),
    dataPort: PCI_CONFIG_DATA_PORT + (target.offset - dword * 4),
  };
}

const width = (specs: readonly BitSpec[], name: string) => specs.find((b) => b.name === name)!.width;
/** Mechanism #1 selects a dword; its byte lane is the data port, so it reaches 4 bytes per register. */
const mechanism1Offsets = () => 4 * 2 ** width(PCI_CONFIG_ADDRESS_BITS, 'register');
const ecamOffsets = () => 2 ** width(PCI_ECAM_OFFSET_BITS, 'offset');
const ecamWindowSize = () => 2n ** BigInt(Math.max(...PCI_ECAM_OFFSET_BITS.map((b) => b.lo + b.width)));

/** `fields` placed in their bit ranges (fields not named are zero); callers check the ranges. */
function placeBits(specs: readonly BitSpec[], fields: Record<string, number>): number {
  return specs.reduce((v, b) => v + (fields[b.name] ?? 0) * 2 ** b.lo, 0) >>> 0;
}

/** Bus, device and function must fit the fields the layout gives them, the offset below `offsets`. */
function checkTarget(target: PciConfigTarget, specs: readonly BitSpec[], offsets: number): void {
  const fits = (x: number, limit: number) => Number.isInteger(x) && x >= 0 && x < limit;
  const a = target.address;
  if (!fits(a.bus, 2 ** width(specs, 'bus')) || !fits(a.device, 2 ** width(specs, 'device')) || !fits(a.function, 2 ** width(specs, 'function')) || !fits(target.offset, offsets)) {
    throw new RangeError(`${formatPciAddress(a)} offset 0x${target.offset.toString(16)} is not reachable this way (offsets below 0x${offsets.toString(16)})`);
  }
}

/** One configuration access read against a decoded function. */
export interface PciConfigAccessExplanation {
  readonly slot: string;
  readonly offset: number;
  /** The structure the first byte is in (`pci_header_type0`, `pci_msix_cap`), or null. */
  readonly struct: string | null;
  /** Its label in the decode (`pci_msix_cap@0x98`), or null. */
  readonly label: string | null;
  readonly parts: readonly AccessPart[];
  readonly text: string;
}

/**
 * What a configuration access of `size` bytes of `value` at `target` hits in `functions`
 * (matched by slot, as formatPciAddress writes it); null when no function is at that slot.
 */
export function explainConfigAccess(
  functions: readonly { readonly slot: string; readonly config: ConfigSpace }[],
  target: PciConfigTarget,
  size: number,
  value: bigint,
): PciConfigAccessExplanation | null {
  const slot = formatPciAddress(target.address);
  const fn = functions.find((f) => f.slot === slot);
  if (!fn) return null;
  const first = labelAt(fn.config.regions, target.offset);
  const parts = accessParts((at) => labelAt(fn.config.regions, at), target.offset, size, value);
  const text = parts.length ? parts.map((p) => p.text).join(', ') : 'no structure claims these bytes';
  return { slot, offset: target.offset, struct: first?.region.struct ?? null, label: first?.region.label ?? null, parts, text };
}
