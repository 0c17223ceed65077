// Type 0 (endpoint), type 1 (PCI-PCI bridge) and type 2 (CardBus bridge) configuration
// headers, declared from the PCI Local Bus / PCI-to-PCI Bridge spec register maps (the
// offsets Linux names in pci_regs.h). The access column is what the device model applies.
import { bit, bits, reserved, struct, u16, u32, u8, type FieldSpec, type ValueOf } from '../layout/struct.js';
import * as gen from './header.gen.js';

/** Command register (0x04) bits. */
export const PCI_COMMAND_BITS = [
  bit('io', 0, 'rw', 'I/O space enable'),
  bit('memory', 1, 'rw', 'memory space enable'),
  bit('master', 2, 'rw', 'bus master enable'),
  bit('special', 3, 'rw', 'special cycles'),
  bit('invalidate', 4, 'rw', 'memory write and invalidate'),
  bit('vga_palette', 5, 'rw', 'VGA palette snoop'),
  bit('parity', 6, 'rw', 'parity error response'),
  bit('wait', 7, 'rw', 'IDSEL stepping / wait cycle control'),
  bit('serr', 8, 'rw', 'SERR# enable'),
  bit('fast_back', 9, 'rw', 'fast back-to-back enable'),
  bit('intx_disable', 10, 'rw', 'INTx emulation disable'),
  bits('reserved', 11, 5, 'rsvd'),
] as const;

/** DEVSEL timing, by the value of Status bits 10:9: lspci's names, and the reserved 3 by its number. */
const PCI_DEVSEL_NAMES = ['fast', 'medium', 'slow', '3'] as const;

/**
 * Status register (0x06) bits. The error bits are write-1-to-clear; the register itself is
 * read-only, so the override on each error bit is what the model applies.
 */
export const PCI_STATUS_BITS = [
  bit('imm_ready', 0, 'ro', 'immediate readiness'),
  bits('reserved', 1, 2, 'rsvd'),
  bit('interrupt', 3, 'ro', 'INTx interrupt status'),
  bit('cap_list', 4, 'ro', 'capabilities list present (pointer at 0x34)'),
  bit('66mhz', 5, 'ro', '66 MHz capable'),
  bit('udf', 6, 'ro', 'user-definable features (obsolete)'),
  bit('fast_back', 7, 'ro', 'fast back-to-back capable'),
  bit('parity', 8, 'rw1c', 'master data parity error'),
  bits('devsel', 9, 2, 'ro', 'DEVSEL timing: 0 fast, 1 medium, 2 slow', { names: PCI_DEVSEL_NAMES }),
  bit('sig_target_abort', 11, 'rw1c', 'signaled target abort'),
  bit('rec_target_abort', 12, 'rw1c', 'received target abort'),
  bit('rec_master_abort', 13, 'rw1c', 'received master abort'),
  bit('sig_system_error', 14, 'rw1c', 'signaled system error'),
  bit('detected_parity', 15, 'rw1c', 'detected parity error'),
] as const;

/** Secondary status of a bridge (0x1e) and of a CardBus bridge (0x16): like Status, without cap_list. */
export const PCI_SEC_STATUS_BITS = [
  bits('reserved', 0, 5, 'rsvd'),
  bit('66mhz', 5, 'ro'),
  bit('udf', 6, 'ro'),
  bit('fast_back', 7, 'ro'),
  bit('parity', 8, 'rw1c'),
  bits('devsel', 9, 2, 'ro', undefined, { names: PCI_DEVSEL_NAMES }),
  bit('sig_target_abort', 11, 'rw1c'),
  bit('rec_target_abort', 12, 'rw1c'),
  bit('rec_master_abort', 13, 'rw1c'),
  bit('received_system_error', 14, 'rw1c'),
  bit('detected_parity', 15, 'rw1c'),
] as const;

export const PCI_HEADER_TYPE_BITS = [
  bits('layout', 0, 7, 'ro', '0 normal, 1 PCI-PCI bridge, 2 CardBus bridge'),
  bit('multi_function', 7, 'ro', 'multi-function device (HEADER_TYPE_MFD)'),
] as const;

export const PCI_BIST_BITS = [
  bits('completion_code', 0, 4, 'ro'),
  bits('reserved', 4, 2, 'rsvd'),
  bit('start', 6, 'rw'),
  bit('capable', 7, 'ro'),
] as const;

/** Bridge control (type 1 at 0x3e). */
export const PCI_BRIDGE_CONTROL_BITS = [
  bit('parity', 0, 'rw', 'parity error response on secondary'),
  bit('serr', 1, 'rw', 'forward SERR#'),
  bit('isa', 2, 'rw', 'ISA enable'),
  bit('vga', 3, 'rw', 'VGA enable'),
  bit('vga_16bit', 4, 'rw', 'VGA 16-bit decode'),
  bit('master_abort', 5, 'rw', 'master abort mode'),
  bit('bus_reset', 6, 'rw', 'secondary bus reset'),
  bit('fast_back', 7, 'rw', 'fast back-to-back on secondary'),
  bit('pri_discard_timer', 8, 'rw'),
  bit('sec_discard_timer', 9, 'rw'),
  bit('discard_timer_status', 10, 'rw1c'),
  bit('discard_timer_serr', 11, 'rw'),
  bits('reserved', 12, 4, 'rsvd'),
] as const;

/** CardBus bridge control (type 2 at 0x3e). */
export const PCI_CB_BRIDGE_CONTROL_BITS = [
  bit('parity', 0, 'rw'),
  bit('serr', 1, 'rw'),
  bit('isa', 2, 'rw'),
  bit('vga', 3, 'rw'),
  bit('master_abort', 5, 'rw'),
  bit('cb_reset', 6, 'rw'),
  bit('16bit_int', 7, 'rw'),
  bit('prefetch_mem0', 8, 'rw'),
  bit('prefetch_mem1', 9, 'rw'),
  bit('post_writes', 10, 'rw'),
] as const;

export const PCI_ROM_BITS = [bit('enable', 0, 'rw'), bits('reserved', 1, 10, 'rsvd'), bits('address', 11, 21, 'rw', undefined, { shift: 11 })] as const;

// Bytes 0x00-0x0f, identical in every header layout.
const common = {
  vendor_id: u16(0x00, 'ro'),
  device_id: u16(0x02, 'ro'),
  command: u16(0x04, 'rw', { bits: PCI_COMMAND_BITS }),
  status: u16(0x06, 'ro', { bits: PCI_STATUS_BITS }),
  revision_id: u8(0x08, 'ro'),
  prog_if: u8(0x09, 'ro', { doc: 'class code bits 0-7: programming interface' }),
  subclass: u8(0x0a, 'ro', { doc: 'class code bits 8-15' }),
  base_class: u8(0x0b, 'ro', { doc: 'class code bits 16-23' }),
  cache_line_size: u8(0x0c, 'rw'),
  latency_timer: u8(0x0d, 'rw'),
  header_type: u8(0x0e, 'ro', { bits: PCI_HEADER_TYPE_BITS }),
  bist: u8(0x0f, 'rw', { bits: PCI_BIST_BITS }),
} satisfies Record<string, FieldSpec<number>>;

export const pciCommonHeader = struct('pci_common_header', common, gen.pci_common_header);

export const pciHeaderType0 = struct('pci_header_type0', {
  ...common,
  bar0: u32(0x10, 'rw'),
  bar1: u32(0x14, 'rw'),
  bar2: u32(0x18, 'rw'),
  bar3: u32(0x1c, 'rw'),
  bar4: u32(0x20, 'rw'),
  bar5: u32(0x24, 'rw'),
  cardbus_cis: u32(0x28, 'ro'),
  subsystem_vendor_id: u16(0x2c, 'ro'),
  subsystem_id: u16(0x2e, 'ro'),
  expansion_rom: u32(0x30, 'rw', { bits: PCI_ROM_BITS }),
  capabilities_pointer: u8(0x34, 'ro'),
  reserved: reserved(0x35, 7),
  interrupt_line: u8(0x3c, 'rw'),
  interrupt_pin: u8(0x3d, 'ro'),
  min_gnt: u8(0x3e, 'ro'),
  max_lat: u8(0x3f, 'ro'),
}, gen.pci_header_type0);

export const pciHeaderType1 = struct('pci_header_type1', {
  ...common,
  bar0: u32(0x10, 'rw'),
  bar1: u32(0x14, 'rw'),
  primary_bus: u8(0x18, 'rw'),
  secondary_bus: u8(0x19, 'rw'),
  subordinate_bus: u8(0x1a, 'rw'),
  sec_latency_timer: u8(0x1b, 'rw'),
  io_base: u8(0x1c, 'rw', { bits: [bits('io_type', 0, 4, 'ro', '0 16-bit, 1 32-bit'), bits('address', 4, 4, 'rw', 'bits 15:12', { shift: 12 })] }),
  io_limit: u8(0x1d, 'rw', { bits: [bits('io_type', 0, 4, 'ro'), bits('address', 4, 4, 'rw', undefined, { shift: 12, limit: true })] }),
  secondary_status: u16(0x1e, 'ro', { bits: PCI_SEC_STATUS_BITS }),
  memory_base: u16(0x20, 'rw', { bits: [bits('reserved', 0, 4, 'rsvd'), bits('address', 4, 12, 'rw', 'bits 31:20', { shift: 20 })] }),
  memory_limit: u16(0x22, 'rw', { bits: [bits('reserved', 0, 4, 'rsvd'), bits('address', 4, 12, 'rw', undefined, { shift: 20, limit: true })] }),
  prefetchable_memory_base: u16(0x24, 'rw', {
    bits: [bits('mem_type', 0, 4, 'ro', '0 32-bit, 1 64-bit'), bits('address', 4, 12, 'rw', undefined, { shift: 20, label: 'address_low' })],
  }),
  prefetchable_memory_limit: u16(0x26, 'rw', {
    bits: [bits('mem_type', 0, 4, 'ro'), bits('address', 4, 12, 'rw', undefined, { shift: 20, limit: true, label: 'address_low' })],
  }),
  prefetchable_base_upper32: u32(0x28, 'rw'),
  prefetchable_limit_upper32: u32(0x2c, 'rw'),
  io_base_upper16: u16(0x30, 'rw'),
  io_limit_upper16: u16(0x32, 'rw'),
  capabilities_pointer: u8(0x34, 'ro'),
  reserved: reserved(0x35, 3),
  expansion_rom: u32(0x38, 'rw', { bits: PCI_ROM_BITS }),
  interrupt_line: u8(0x3c, 'rw'),
  interrupt_pin: u8(0x3d, 'ro'),
  bridge_control: u16(0x3e, 'rw', { bits: PCI_BRIDGE_CONTROL_BITS }),
}, gen.pci_header_type1);

/** CardBus bridge header (72 bytes: it runs past 0x40 to the legacy-mode base at 0x44). */
export const pciHeaderCardbus = struct('pci_header_cardbus', {
  ...common,
  cb_socket_base: u32(0x10, 'rw', { doc: 'CardBus socket / ExCa base (the one BAR)' }),
  capabilities_pointer: u8(0x14, 'ro'),
  reserved: reserved(0x15, 1),
  secondary_status: u16(0x16, 'ro', { bits: PCI_SEC_STATUS_BITS }),
  primary_bus: u8(0x18, 'rw'),
  card_bus: u8(0x19, 'rw'),
  subordinate_bus: u8(0x1a, 'rw'),
  cb_latency_timer: u8(0x1b, 'rw'),
  memory_base_0: u32(0x1c, 'rw'),
  memory_limit_0: u32(0x20, 'rw'),
  memory_base_1: u32(0x24, 'rw'),
  memory_limit_1: u32(0x28, 'rw'),
  io_base_0: u32(0x2c, 'rw'),
  io_limit_0: u32(0x30, 'rw'),
  io_base_1: u32(0x34, 'rw'),
  io_limit_1: u32(0x38, 'rw'),
  interrupt_line: u8(0x3c, 'rw'),
  interrupt_pin: u8(0x3d, 'ro'),
  bridge_control: u16(0x3e, 'rw', { bits: PCI_CB_BRIDGE_CONTROL_BITS }),
  subsystem_vendor_id: u16(0x40, 'ro'),
  subsystem_id: u16(0x42, 'ro'),
  legacy_mode_base: u32(0x44, 'rw'),
}, gen.pci_header_cardbus);

export type PciCommonHeader = ValueOf<typeof pciCommonHeader>;
export type PciHeaderType0 = ValueOf<typeof pciHeaderType0>;
export type PciHeaderType1 = ValueOf<typeof pciHeaderType1>;
export type PciHeaderCardbus = ValueOf<typeof pciHeaderCardbus>;

/** The header struct for a header layout (bits 0-6 of 0x0e); unknown layouts (and null, not known) get the common 16 bytes. */
export function headerStructFor(layout: number | null) {
  switch (layout) {
    case 0:
      return pciHeaderType0;
    case 1:
      return pciHeaderType1;
    case 2:
      return pciHeaderCardbus;
    default:
      return pciCommonHeader;
  }
}

/** BAR registers per layout (pciutils: 6, 2, 1). */
export function barCountFor(layout: number | null): number {
  return layout === 0 ? 6 : layout === 1 ? 2 : layout === 2 ? 1 : 0;
}

/** Offset of the capability-list pointer (0x34, CardBus 0x14); null for unknown layouts. */
export function capPointerOffsetFor(layout: number | null): number | null {
  return layout === 0 || layout === 1 ? 0x34 : layout === 2 ? 0x14 : null;
}

/** Offset of the expansion ROM register (type 0 0x30, type 1 0x38); CardBus has none. */
export function romOffsetFor(layout: number | null): number | null {
  return layout === 0 ? 0x30 : layout === 1 ? 0x38 : null;
}
