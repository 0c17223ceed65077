// Base Address Registers and the expansion ROM register, read the way pciutils' fill_info
// reads them from a dump: a register holding 0 or 0xffffffff is unused, a 64-bit memory BAR
// takes the next register as its upper half, and sizes are not in config space at all.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { readU32 } from '../bytes/window.js';
import { displayedAddress } from '../layout/display.js';
import { bitValue } from '../layout/struct.js';
import { PCI_ROM_BITS } from './header.js';
import { PCI_DIAGNOSTICS } from './diagnostics.js';
import type { Bar, BarKind, DecodeOptions, ExpansionRom } from './types.js';

const PCI_BAR_SPACE_IO = 0x1;
const PCI_BAR_MEM_TYPE_MASK = 0x6;
const PCI_BAR_MEM_TYPE_1M = 0x2;
const PCI_BAR_MEM_TYPE_64 = 0x4;
const PCI_BAR_MEM_PREFETCH = 0x8;
const PCI_BAR_IO_MASK = 0xfffffffc;
const PCI_BAR_MEM_MASK = 0xfffffff0;

/** Look up a supplied BAR size by index in a Map or a plain record. */
export function barSizeFrom(sizes: DecodeOptions['barSizes'], index: number): bigint | null {
  if (!sizes) return null;
  if (sizes instanceof Map) return sizes.get(index) ?? null;
  const v = (sizes as Readonly<Record<number, bigint>>)[index];
  return typeof v === 'bigint' ? v : null;
}

/** Kind of a BAR from its (low) register value. */
export function barKind(raw: number): BarKind {
  if (raw & PCI_BAR_SPACE_IO) return 'io';
  switch (raw & PCI_BAR_MEM_TYPE_MASK) {
    case PCI_BAR_MEM_TYPE_64:
      return 'mem64';
    case PCI_BAR_MEM_TYPE_1M:
      return 'mem1m';
    default:
      return 'mem32';
  }
}

export interface BarDecodeOptions {
  /** Bytes of `bytes` that are known. */
  readonly length: number;
  /** Sizes by BAR index, when known from elsewhere. */
  readonly sizes?: DecodeOptions['barSizes'];
  /** Where diagnostics go. */
  readonly diagnostics: Diagnostic[];
  /** Label for messages (`BAR`, `VF BAR`). */
  readonly label?: string;
}

/**
 * Decode `count` consecutive BAR registers starting at absolute offset `base`. Unused
 * registers (0 or 0xffffffff) and upper halves of 64-bit BARs yield no entry. Registers not
 * within the known length are skipped (the caller reports the truncation).
 */
export function decodeBarRegisters(bytes: Uint8Array, base: number, count: number, opts: BarDecodeOptions): Bar[] {
  const out: Bar[] = [];
  const label = opts.label ?? 'BAR';
  const used = new Set<number>();
  const known = (i: number) => base + 4 * i + 4 <= opts.length;
  for (let i = 0; i < count; i++) {
    if (!known(i)) break;
    const offset = base + 4 * i;
    const raw = readU32(bytes, offset);
    if (raw === 0 || raw === 0xffffffff) continue;
    const kind = barKind(raw);
    const size = barSizeFrom(opts.sizes, i);
    if (kind === 'io') {
      used.add(i);
      out.push({ index: i, offset, kind, prefetchable: false, address: BigInt((raw & PCI_BAR_IO_MASK) >>> 0), size, raw, rawUpper: null });
      continue;
    }
    const prefetchable = (raw & PCI_BAR_MEM_PREFETCH) !== 0;
    const low = BigInt((raw & PCI_BAR_MEM_MASK) >>> 0);
    if ((raw & PCI_BAR_MEM_TYPE_MASK) === 0x6) {
      opts.diagnostics.push(diag(PCI_DIAGNOSTICS, 'BAR_TYPE_RESERVED', offset, `${label} ${i} (${hex(raw, 8)}) has reserved memory type 3; decoded as 32-bit`));
    }
    if (kind === 'mem64') {
      if (i === count - 1) {
        opts.diagnostics.push(
          diag(PCI_DIAGNOSTICS, 'BAR64_LAST_SLOT', offset, `${label} ${i} is a 64-bit BAR in the last slot; no upper half, low 32 bits used`),
        );
        used.add(i);
        out.push({ index: i, offset, kind, prefetchable, address: low, size, raw, rawUpper: null });
        continue;
      }
      if (!known(i + 1)) break;
      const rawUpper = readU32(bytes, offset + 4);
      used.add(i);
      out.push({ index: i, offset, kind, prefetchable, address: (BigInt(rawUpper) << 32n) | low, size, raw, rawUpper });
      i++; // the upper half is not a BAR of its own
      continue;
    }
    used.add(i);
    out.push({ index: i, offset, kind, prefetchable, address: low, size, raw, rawUpper: null });
  }
  if (opts.sizes) {
    const indices = opts.sizes instanceof Map ? [...opts.sizes.keys()] : Object.keys(opts.sizes).map(Number);
    for (const i of indices) {
      if (i >= 0 && i < count && known(i) && !used.has(i)) {
        opts.diagnostics.push(diag(PCI_DIAGNOSTICS, 'BAR_SIZE_UNUSED', base + 4 * i, `a size was given for ${label} ${i}, which holds no BAR`));
      }
    }
  }
  return out;
}

// The ROM register's bits as the header table declares them: enable, and address bits 31:11.
const [ROM_ENABLE, , ROM_ADDRESS] = PCI_ROM_BITS;

/** The expansion ROM register at `offset` (0 or 0xffffffff: none, as pciutils reads dumps). */
export function decodeExpansionRom(bytes: Uint8Array, offset: number, length: number): ExpansionRom | null {
  if (offset + 4 > length) return null;
  const raw = readU32(bytes, offset);
  if (raw === 0 || raw === 0xffffffff) return null;
  return { offset, address: BigInt(displayedAddress(ROM_ADDRESS.display!, bitValue(raw, ROM_ADDRESS))), enabled: bitValue(raw, ROM_ENABLE) === 1, raw };
}
