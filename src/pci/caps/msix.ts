// MSI-X capability (ID 0x11) and the 16-byte entry of its vector table (which lives in a BAR).
import { bit, bits, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { type CapDecoder } from './common.js';
import * as gen from './msix.gen.js';

export const PCI_MSIX_FLAGS_QSIZE = 0x07ff;
export const PCI_MSIX_FLAGS_MASKALL = 0x4000;
export const PCI_MSIX_FLAGS_ENABLE = 0x8000;
export const PCI_MSIX_BIR_MASK = 0x7;
export const PCI_MSIX_OFFSET_MASK = 0xfffffff8;

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

export const msixCapDecoder: CapDecoder<Partial<gen.pci_msix_cap>, PciMsixInfo> = {
  layout: (ctx) => [{ struct: pciMsixCap, offset: ctx.pos }],
  info: (f) => {
    const out: PciMsixInfo = {};
    if (typeof f.message_control === 'number') {
      out.table_size = (f.message_control & PCI_MSIX_FLAGS_QSIZE) + 1;
      out.function_mask = (f.message_control & PCI_MSIX_FLAGS_MASKALL) !== 0;
      out.enable = (f.message_control & PCI_MSIX_FLAGS_ENABLE) !== 0;
    }
    if (typeof f.table === 'number') {
      out.table_bir = f.table & PCI_MSIX_BIR_MASK;
      out.table_offset = (f.table & PCI_MSIX_OFFSET_MASK) >>> 0;
    }
    if (typeof f.pba === 'number') {
      out.pba_bir = f.pba & PCI_MSIX_BIR_MASK;
      out.pba_offset = (f.pba & PCI_MSIX_OFFSET_MASK) >>> 0;
    }
    return out;
  },
};
