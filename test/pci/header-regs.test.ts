// Header register offsets and masks read from the tables: the values of Linux's
// include/uapi/linux/pci_regs.h, typed from that file, not from our sources.
import { expect, it } from 'vitest';
import * as R from '../../src/pci/header-regs.js';

const PCI_REGS_H: Record<string, number> = {
  PCI_VENDOR_ID: 0x00,
  PCI_COMMAND: 0x04,
  PCI_STATUS: 0x06,
  PCI_REVISION_ID: 0x08,
  PCI_CLASS_PROG: 0x09,
  PCI_HEADER_TYPE: 0x0e,
  PCI_BIST: 0x0f,
  PCI_BASE_ADDRESS_0: 0x10,
  PCI_ROM_ADDRESS: 0x30,
  PCI_CAPABILITY_LIST: 0x34,
  PCI_PRIMARY_BUS: 0x18,
  PCI_IO_BASE: 0x1c,
  PCI_MEMORY_BASE: 0x20,
  PCI_PREF_MEMORY_BASE: 0x24,
  PCI_PREF_BASE_UPPER32: 0x28,
  PCI_PREF_LIMIT_UPPER32: 0x2c,
  PCI_IO_BASE_UPPER16: 0x30,
  PCI_ROM_ADDRESS1: 0x38,
  PCI_COMMAND_IO: 0x1,
  PCI_COMMAND_MEMORY: 0x2,
  PCI_COMMAND_MASTER: 0x4,
  PCI_COMMAND_INTX_DISABLE: 0x400,
  PCI_STATUS_INTERRUPT: 0x08,
  PCI_STATUS_CAP_LIST: 0x10,
  PCI_HEADER_TYPE_MASK: 0x7f,
  PCI_HEADER_TYPE_MFD: 0x80,
};

it('every offset and mask read from the header tables has its pci_regs.h value', () => {
  const got = Object.fromEntries(Object.keys(PCI_REGS_H).map((k) => [k, (R as Record<string, unknown>)[k]]));
  expect(got).toEqual(PCI_REGS_H);
});

it('bitMask spans a bit group', () => {
  expect(R.bitMask([{ name: 'devsel', lo: 9, width: 2 }], 'devsel')).toBe(0x600);
});
