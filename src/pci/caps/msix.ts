// MSI-X capability (ID 0x11) and the 16-byte entry of its vector table (which lives in a BAR).
import { displayedAddress, displayedCount } from '../../layout/display.js';
import { bit, bits, bitValue, struct, u16, u32, u8, type BitSpec, type ValueOf } from '../../layout/struct.js';
import { bitMask } from '../header-regs.js';
import { type CapDecoder } from './common.js';
import * as gen from './msix.gen.js';

export const pciMsixCap = struct('pci_msix_cap', {
  cap_id: u8(0, 'ro'),
  cap_next: u8(1, 'ro'),
  message_control: u16(2, 'rw', {
    bits: [
      bits('table_size', 0, 11, 'ro', 'number of table entries minus 1', { minusOne: 'entries' }),
      bits('reserved', 11, 3, 'rsvd'),
      bit('function_mask', 14, 'rw'),
      bit('enable', 15, 'rw'),
    ],
  }),
  table: u32(4, 'ro', { bits: [bits('bir', 0, 3, 'ro'), bits('offset', 3, 29, 'ro', 'offset >> 3', { shift: 3 })] }),
  pba: u32(8, 'ro', { bits: [bits('bir', 0, 3, 'ro'), bits('offset', 3, 29, 'ro', 'offset >> 3', { shift: 3 })] }),
}, gen.pci_msix_cap);

export type PciMsixCap = ValueOf<typeof pciMsixCap>;

// pci_regs.h's names for the Message Control bits the model and the driver set and test.
export const PCI_MSIX_FLAGS_MASKALL = bitMask(pciMsixCap.field('message_control').bits!, 'function_mask');
export const PCI_MSIX_FLAGS_ENABLE = bitMask(pciMsixCap.field('message_control').bits!, 'enable');

/** One MSI-X table entry (in the BAR the table BIR names). */
export const pciMsixTableEntry = struct('pci_msix_entry', {
  lower_address: u32(0, 'rw'),
  upper_address: u32(4, 'rw'),
  message_data: u32(8, 'rw'),
  vector_control: u32(12, 'rw', { bits: [bit('masked', 0, 'rw'), bits('reserved', 1, 31, 'rsvd')] }),
}, gen.pci_msix_entry);

export type PciMsixTableEntry = ValueOf<typeof pciMsixTableEntry>;

/** `info` of an MSI-X capability; each group is present when its register was read. */
export interface PciMsixInfo {
  /** Number of table entries (Table Size + 1). */
  table_size?: number;
  function_mask?: boolean;
  enable?: boolean;
  table_bir?: number;
  /** Byte offset of the table in its BAR. */
  table_offset?: number;
  pba_bir?: number;
  /** Byte offset of the pending-bit array in its BAR. */
  pba_offset?: number;
}

/** A bit range of the capability, as its table declares it. */
function msixBits(field: 'message_control' | 'table' | 'pba', name: string): BitSpec {
  const b = pciMsixCap.field(field).bits?.find((x) => x.name === name);
  if (!b) throw new Error(`pci_msix_cap.${field} has no bits ${name}`);
  return b;
}

const TABLE_SIZE = msixBits('message_control', 'table_size');
const TABLE_BIR = msixBits('table', 'bir');
const TABLE_OFFSET = msixBits('table', 'offset');
const PBA_BIR = msixBits('pba', 'bir');
const PBA_OFFSET = msixBits('pba', 'offset');

export const msixCapDecoder: CapDecoder<Partial<gen.pci_msix_cap>, PciMsixInfo> = {
  layout: (ctx) => [{ struct: pciMsixCap, offset: ctx.pos }],
  info: (f) => msixInfo(f),
};

/** The registers present in `f` read as the table says (Table Size is N-1, offsets are bits 31:3). */
export function msixInfo(f: Partial<gen.pci_msix_cap>): PciMsixInfo {
  const out: PciMsixInfo = {};
  if (typeof f.message_control === 'number') {
    out.table_size = displayedCount(TABLE_SIZE.display, bitValue(f.message_control, TABLE_SIZE));
    out.function_mask = (f.message_control & PCI_MSIX_FLAGS_MASKALL) !== 0;
    out.enable = (f.message_control & PCI_MSIX_FLAGS_ENABLE) !== 0;
  }
  if (typeof f.table === 'number') {
    out.table_bir = bitValue(f.table, TABLE_BIR);
    out.table_offset = displayedAddress(TABLE_OFFSET.display!, bitValue(f.table, TABLE_OFFSET));
  }
  if (typeof f.pba === 'number') {
    out.pba_bir = bitValue(f.pba, PBA_BIR);
    out.pba_offset = displayedAddress(PBA_OFFSET.display!, bitValue(f.pba, PBA_OFFSET));
  }
  return out;
}

/** A value placed in its bit range (bits above the range's width are dropped). */
function place(b: BitSpec, x: number): number {
  return ((x % 2 ** b.width) * 2 ** b.lo) >>> 0;
}

/** The Message Control, Table and PBA registers that read back as `i` (msixInfo's inverse). */
export function msixRegisters(i: Required<Pick<PciMsixInfo, 'table_size' | 'table_bir' | 'table_offset' | 'pba_bir' | 'pba_offset'>>): { message_control: number; table: number; pba: number } {
  const address = (b: BitSpec, byteOffset: number) => place(b, Math.floor(byteOffset / 2 ** (b.display?.shift ?? 0)));
  return {
    message_control: place(TABLE_SIZE, TABLE_SIZE.display?.minusOne ? i.table_size - 1 : i.table_size),
    table: (address(TABLE_OFFSET, i.table_offset) | place(TABLE_BIR, i.table_bir)) >>> 0,
    pba: (address(PBA_OFFSET, i.pba_offset) | place(PBA_BIR, i.pba_bir)) >>> 0,
  };
}
