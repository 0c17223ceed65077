// Header register offsets and bit masks under pci_regs.h's names, read from the header tables
// (header.ts) so the code that drives config space (enumeration, the model, the probe) never
// spells them again as numbers. Internal: not exported from the package.
import type { BitSpec } from '../layout/struct.js';
import { PCI_COMMAND_BITS, PCI_HEADER_TYPE_BITS, PCI_STATUS_BITS, pciCommonHeader, pciHeaderType0, pciHeaderType1 } from './header.js';

/** The mask of the bit (or bit group) `name` of a register's bit table. */
export function bitMask(table: readonly BitSpec[], name: string): number {
  const b = table.find((x) => x.name === name);
  if (!b) throw new Error(`no bit ${name}`);
  return ((2 ** b.width - 1) * 2 ** b.lo) >>> 0;
}

export const PCI_VENDOR_ID = pciCommonHeader.field('vendor_id').offset;
export const PCI_COMMAND = pciCommonHeader.field('command').offset;
export const PCI_STATUS = pciCommonHeader.field('status').offset;
export const PCI_REVISION_ID = pciCommonHeader.field('revision_id').offset;
export const PCI_CLASS_PROG = pciCommonHeader.field('prog_if').offset;
export const PCI_HEADER_TYPE = pciCommonHeader.field('header_type').offset;
export const PCI_BIST = pciCommonHeader.field('bist').offset;
export const PCI_BASE_ADDRESS_0 = pciHeaderType0.field('bar0').offset;
export const PCI_ROM_ADDRESS = pciHeaderType0.field('expansion_rom').offset;
export const PCI_CAPABILITY_LIST = pciHeaderType0.field('capabilities_pointer').offset;
export const PCI_PRIMARY_BUS = pciHeaderType1.field('primary_bus').offset;
export const PCI_IO_BASE = pciHeaderType1.field('io_base').offset;
export const PCI_MEMORY_BASE = pciHeaderType1.field('memory_base').offset;
export const PCI_PREF_MEMORY_BASE = pciHeaderType1.field('prefetchable_memory_base').offset;
export const PCI_PREF_BASE_UPPER32 = pciHeaderType1.field('prefetchable_base_upper32').offset;
export const PCI_PREF_LIMIT_UPPER32 = pciHeaderType1.field('prefetchable_limit_upper32').offset;
export const PCI_IO_BASE_UPPER16 = pciHeaderType1.field('io_base_upper16').offset;
export const PCI_ROM_ADDRESS1 = pciHeaderType1.field('expansion_rom').offset;

export const PCI_COMMAND_IO = bitMask(PCI_COMMAND_BITS, 'io');
export const PCI_COMMAND_MEMORY = bitMask(PCI_COMMAND_BITS, 'memory');
export const PCI_COMMAND_MASTER = bitMask(PCI_COMMAND_BITS, 'master');
export const PCI_COMMAND_INTX_DISABLE = bitMask(PCI_COMMAND_BITS, 'intx_disable');
export const PCI_STATUS_INTERRUPT = bitMask(PCI_STATUS_BITS, 'interrupt');
export const PCI_STATUS_CAP_LIST = bitMask(PCI_STATUS_BITS, 'cap_list');
export const PCI_HEADER_TYPE_MASK = bitMask(PCI_HEADER_TYPE_BITS, 'layout');
export const PCI_HEADER_TYPE_MFD = bitMask(PCI_HEADER_TYPE_BITS, 'multi_function');
