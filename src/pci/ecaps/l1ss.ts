// L1 PM Substates (extended ID 0x001e).
import { bit, bits, struct, u32, type ValueOf } from '../../layout/struct.js';
import { bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './l1ss.gen.js';

/** L1 PM Substates (0x001e). */
export const pciL1ssCap = struct('pci_l1ss_cap', {
  header: extHeader(),
  l1ss_cap: u32(0x04, 'ro', {
    bits: [
      bit('pcipm_l1_2', 0),
      bit('pcipm_l1_1', 1),
      bit('aspm_l1_2', 2),
      bit('aspm_l1_1', 3),
      bit('l1_pm_ss', 4),
      bit('cm_restore_time', 5),
      bits('common_mode_restore_time', 8, 8),
      bits('port_tpower_on_scale', 16, 2),
      bits('port_tpower_on_value', 19, 5),
    ],
  }),
  l1ss_ctl1: u32(0x08, 'rw', {
    bits: [
      bit('pcipm_l1_2', 0),
      bit('pcipm_l1_1', 1),
      bit('aspm_l1_2', 2),
      bit('aspm_l1_1', 3),
      bits('common_mode_restore_time', 8, 8),
      bits('ltr_l12_th_value', 16, 10),
      bits('ltr_l12_th_scale', 29, 3),
    ],
  }),
  l1ss_ctl2: u32(0x0c, 'rw', { bits: [bits('t_pwr_on_scale', 0, 2), bits('t_pwr_on_value', 3, 5)] }),
}, gen.pci_l1ss_cap);
export type PciL1ssCap = ValueOf<typeof pciL1ssCap>;

/** `info` of an L1 PM Substates capability: named bits of its registers (undefined when not read). */
export interface PciL1ssInfo {
  readonly l1ss_cap: RegisterBits | undefined;
  readonly l1ss_ctl1: RegisterBits | undefined;
}

export const l1ssExtCapDecoder: CapDecoder<Partial<gen.pci_l1ss_cap>, PciL1ssInfo> = {
  layout: (ctx) => [{ struct: pciL1ssCap, offset: ctx.pos }],
  info: (f) => ({ l1ss_cap: bitsOf(pciL1ssCap, 'l1ss_cap', f.l1ss_cap), l1ss_ctl1: bitsOf(pciL1ssCap, 'l1ss_ctl1', f.l1ss_ctl1) }),
};
