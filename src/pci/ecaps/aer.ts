// Advanced Error Reporting (extended ID 0x0001). The root registers (0x2c-0x37) exist in
// root ports and event collectors; the TLP prefix log ends the 0x48-byte structure.
import { bit, bits, bytes, struct, u32, type ValueOf } from '../../layout/struct.js';
import { bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './aer.gen.js';

export const PCI_ERR_UNC_BITS = [
  bit('undefined', 0),
  bit('dlp', 4, undefined, 'data link protocol'),
  bit('surpdn', 5, undefined, 'surprise down'),
  bit('poison_tlp', 12),
  bit('fcp', 13, undefined, 'flow control protocol'),
  bit('comp_time', 14, undefined, 'completion timeout'),
  bit('comp_abort', 15),
  bit('unx_comp', 16, undefined, 'unexpected completion'),
  bit('rx_over', 17, undefined, 'receiver overflow'),
  bit('malf_tlp', 18),
  bit('ecrc', 19),
  bit('unsup', 20, undefined, 'unsupported request'),
  bit('acsv', 21, undefined, 'ACS violation'),
  bit('intn', 22, undefined, 'uncorrectable internal error'),
  bit('mcbtlp', 23),
  bit('atomeg', 24),
  bit('tlppre', 25),
] as const;

export const PCI_ERR_COR_BITS = [
  bit('rcvr', 0, undefined, 'receiver error'),
  bit('bad_tlp', 6),
  bit('bad_dllp', 7),
  bit('rep_roll', 8),
  bit('rep_timer', 12),
  bit('adv_nfat', 13),
  bit('internal', 14),
  bit('log_over', 15),
] as const;

export const pciAerCap = struct('pci_aer_cap', {
  header: extHeader(),
  uncor_status: u32(0x04, 'rw1c', { bits: PCI_ERR_UNC_BITS }),
  uncor_mask: u32(0x08, 'rw', { bits: PCI_ERR_UNC_BITS }),
  uncor_sever: u32(0x0c, 'rw', { bits: PCI_ERR_UNC_BITS }),
  cor_status: u32(0x10, 'rw1c', { bits: PCI_ERR_COR_BITS }),
  cor_mask: u32(0x14, 'rw', { bits: PCI_ERR_COR_BITS }),
  cap_ctrl: u32(0x18, 'rw', {
    bits: [
      bits('first_error_pointer', 0, 5, 'ro'),
      bit('ecrc_gen_capable', 5, 'ro'),
      bit('ecrc_gen_enable', 6, 'rw'),
      bit('ecrc_chk_capable', 7, 'ro'),
      bit('ecrc_chk_enable', 8, 'rw'),
      bit('mhrc', 9, 'ro', 'multiple header recording capable'),
      bit('mhre', 10, 'rw', 'multiple header recording enable'),
      bit('tlp_prefix_log_present', 11, 'ro'),
    ],
  }),
  header_log: bytes(0x1c, 16, 'ro'),
  root_command: u32(0x2c, 'rw', { bits: [bit('cor_en', 0), bit('nonfatal_en', 1), bit('fatal_en', 2)] }),
  root_status: u32(0x30, 'rw1c', {
    bits: [
      bit('cor_rcv', 0),
      bit('multi_cor_rcv', 1),
      bit('uncor_rcv', 2),
      bit('multi_uncor_rcv', 3),
      bit('first_fatal', 4),
      bit('nonfatal_rcv', 5),
      bit('fatal_rcv', 6),
      bits('msg_num', 27, 5, 'ro', 'advanced error interrupt message number'),
    ],
  }),
  error_source: u32(0x34, 'ro', { bits: [bits('cor_source', 0, 16), bits('uncor_source', 16, 16)] }),
  tlp_prefix_log: bytes(0x38, 16, 'ro'),
}, gen.pci_aer_cap);

export type PciAerCap = ValueOf<typeof pciAerCap>;

/** `info` of an AER capability: named bits of its registers (undefined when not read). */
export interface PciAerInfo {
  readonly uncor_status: RegisterBits | undefined;
  readonly cor_status: RegisterBits | undefined;
  readonly cap_ctrl: RegisterBits | undefined;
}

export const aerExtCapDecoder: CapDecoder<Partial<gen.pci_aer_cap>, PciAerInfo> = {
  layout: (ctx) => [{ struct: pciAerCap, offset: ctx.pos }],
  info: (f) => ({
    uncor_status: bitsOf(pciAerCap, 'uncor_status', f.uncor_status),
    cor_status: bitsOf(pciAerCap, 'cor_status', f.cor_status),
    cap_ctrl: bitsOf(pciAerCap, 'cap_ctrl', f.cap_ctrl),
  }),
};
