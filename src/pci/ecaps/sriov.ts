// Single Root I/O Virtualization (extended ID 0x0010): 64 bytes, six VF BAR registers that
// encode like ordinary BARs (64-bit ones pair up) but describe every VF's window.
import { bit, bits, reserved, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { decodeBarRegisters } from '../bars.js';
import type { Bar } from '../types.js';
import { bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './sriov.gen.js';

export const pciSriovCap = struct('pci_sriov_cap', {
  header: extHeader(),
  sriov_cap: u32(0x04, 'ro', { bits: [bit('vf_migration', 0), bit('ari_preserved', 1), bits('vf_migration_int_msg', 21, 11)] }),
  sriov_ctrl: u16(0x08, 'rw', { bits: [bit('vf_enable', 0), bit('vf_migration_enable', 1), bit('vf_migration_int_enable', 2), bit('vf_mse', 3), bit('ari', 4)] }),
  sriov_status: u16(0x0a, 'ro', { bits: [bit('vf_migration', 0, 'rw1c')] }),
  initial_vfs: u16(0x0c, 'ro'),
  total_vfs: u16(0x0e, 'ro'),
  num_vfs: u16(0x10, 'rw'),
  func_dep_link: u8(0x12, 'ro'),
  reserved0: reserved(0x13, 1),
  vf_offset: u16(0x14, 'ro'),
  vf_stride: u16(0x16, 'ro'),
  reserved1: reserved(0x18, 2),
  vf_device_id: u16(0x1a, 'ro'),
  supported_page_sizes: u32(0x1c, 'ro'),
  system_page_size: u32(0x20, 'rw'),
  vf_bar0: u32(0x24, 'rw'),
  vf_bar1: u32(0x28, 'rw'),
  vf_bar2: u32(0x2c, 'rw'),
  vf_bar3: u32(0x30, 'rw'),
  vf_bar4: u32(0x34, 'rw'),
  vf_bar5: u32(0x38, 'rw'),
  vf_migration_state: u32(0x3c, 'ro', { bits: [bits('bir', 0, 3), bits('offset', 3, 29, undefined, undefined, { shift: 3 })] }),
}, gen.pci_sriov_cap);
export type PciSriovCap = ValueOf<typeof pciSriovCap>;

/** `info` of an SR-IOV capability. */
export interface PciSriovInfo {
  readonly sriov_ctrl: RegisterBits | undefined;
  /** The VF BAR registers decoded like BARs (sizes are never in config space). */
  readonly vf_bars: Bar[];
}

export const sriovExtCapDecoder: CapDecoder<Partial<gen.pci_sriov_cap>, PciSriovInfo> = {
  layout: (ctx) => [{ struct: pciSriovCap, offset: ctx.pos }],
  info: (f, ctx) => ({
    sriov_ctrl: bitsOf(pciSriovCap, 'sriov_ctrl', f.sriov_ctrl),
    // Decoded from the registers as they are; sizes are never in config space.
    vf_bars: decodeBarRegisters(ctx.bytes, ctx.pos + 0x24, 6, { length: ctx.limit, diagnostics: ctx.diagnostics, label: 'VF BAR' }),
  }),
};
