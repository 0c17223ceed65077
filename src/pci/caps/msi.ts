// MSI capability (ID 0x05). Its layout depends on two Message Control bits (64-bit address,
// per-vector masking), so it is four structures; the decoder picks one from the flags.
import { bit, bits, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { availU16, bitsOf, type CapDecoder, type RegisterBits } from './common.js';
import * as gen from './msi.gen.js';

export const PCI_MSI_FLAGS_BITS = [
  bit('enable', 0, 'rw'),
  bits('multiple_message_capable', 1, 3, 'ro', 'log2 of vectors requested'),
  bits('multiple_message_enable', 4, 3, 'rw', 'log2 of vectors allocated'),
  bit('address_64', 7, 'ro'),
  bit('per_vector_mask', 8, 'ro'),
  bit('ext_msg_data_capable', 9, 'ro'),
  bit('ext_msg_data_enable', 10, 'rw'),
  bits('reserved', 11, 5, 'rsvd'),
] as const;

export const PCI_MSI_FLAGS_64BIT = 0x80;
export const PCI_MSI_FLAGS_MASKBIT = 0x100;

const head = {
  cap_id: u8(0, 'ro'),
  cap_next: u8(1, 'ro'),
  message_control: u16(2, 'rw', { bits: PCI_MSI_FLAGS_BITS }),
  message_address: u32(4, 'rw', { doc: 'bits 1:0 reserved (dword aligned)' }),
};

export const pciMsiCap32 = struct('pci_msi_cap32', {
  ...head,
  message_data: u16(8, 'rw'),
}, gen.pci_msi_cap32);

export const pciMsiCap32Mask = struct('pci_msi_cap32_mask', {
  ...head,
  message_data: u16(8, 'rw'),
  ext_message_data: u16(0x0a, 'rw'),
  mask_bits: u32(0x0c, 'rw'),
  pending_bits: u32(0x10, 'ro'),
}, gen.pci_msi_cap32_mask);

export const pciMsiCap64 = struct('pci_msi_cap64', {
  ...head,
  message_upper_address: u32(8, 'rw'),
  message_data: u16(0x0c, 'rw'),
}, gen.pci_msi_cap64);

export const pciMsiCap64Mask = struct('pci_msi_cap64_mask', {
  ...head,
  message_upper_address: u32(8, 'rw'),
  message_data: u16(0x0c, 'rw'),
  ext_message_data: u16(0x0e, 'rw'),
  mask_bits: u32(0x10, 'rw'),
  pending_bits: u32(0x14, 'ro'),
}, gen.pci_msi_cap64_mask);

export type PciMsiCap32 = ValueOf<typeof pciMsiCap32>;
export type PciMsiCap32Mask = ValueOf<typeof pciMsiCap32Mask>;
export type PciMsiCap64 = ValueOf<typeof pciMsiCap64>;
export type PciMsiCap64Mask = ValueOf<typeof pciMsiCap64Mask>;

/** The MSI structure a Message Control value selects. */
export function msiStructFor(messageControl: number) {
  const is64 = (messageControl & PCI_MSI_FLAGS_64BIT) !== 0;
  const mask = (messageControl & PCI_MSI_FLAGS_MASKBIT) !== 0;
  return is64 ? (mask ? pciMsiCap64Mask : pciMsiCap64) : mask ? pciMsiCap32Mask : pciMsiCap32;
}

/** `fields` of an MSI capability: whichever of the four layouts Message Control selects. */
export type PciMsiFields = Partial<gen.pci_msi_cap32 & gen.pci_msi_cap32_mask & gen.pci_msi_cap64 & gen.pci_msi_cap64_mask>;

/** `info` of an MSI capability: empty when Message Control was not read. */
export interface PciMsiInfo {
  readonly message_control?: RegisterBits;
  readonly vectors_capable?: number;
  readonly vectors_enabled?: number;
  /** The 64-bit message address (upper half 0 in the 32-bit layouts); null when not read. */
  readonly address?: bigint | null;
}

export const msiCapDecoder: CapDecoder<PciMsiFields, PciMsiInfo> = {
  // Without a readable Message Control, only the smallest layout is assumed.
  layout: (ctx) => [{ struct: msiStructFor(availU16(ctx, 2) ?? 0), offset: ctx.pos }],
  info: (f) => {
    const mc = bitsOf(pciMsiCap32, 'message_control', f.message_control);
    if (!mc) return {};
    const address =
      typeof f.message_address === 'number'
        ? (BigInt(typeof f.message_upper_address === 'number' ? f.message_upper_address : 0) << 32n) | BigInt(f.message_address)
        : null;
    return {
      message_control: mc,
      vectors_capable: 1 << (mc.multiple_message_capable as number),
      vectors_enabled: 1 << (mc.multiple_message_enable as number),
      address,
    };
  },
};
