// Power Management capability (ID 0x01): PMC, PMCSR, PMCSR bridge extensions, data.
import { bit, bits, struct, u16, u8, type ValueOf } from '../../layout/struct.js';
import { bitsOf, type CapDecoder, type RegisterBits } from './common.js';
import * as gen from './pm.gen.js';

export const pciPmCap = struct('pci_pm_cap', {
  cap_id: u8(0, 'ro'),
  cap_next: u8(1, 'ro'),
  pmc: u16(2, 'ro', {
    bits: [
      bits('version', 0, 3),
      bit('pme_clock', 3),
      bit('imm_ready', 4, 'ro', 'immediate readiness on return to D0'),
      bit('dsi', 5, 'ro', 'device-specific initialization'),
      bits('aux_current', 6, 3),
      bit('d1_support', 9),
      bit('d2_support', 10),
      bits('pme_support', 11, 5, 'ro', 'PME# from D0, D1, D2, D3hot, D3cold'),
    ],
  }),
  pmcsr: u16(4, 'rw', {
    bits: [
      bits('power_state', 0, 2, 'rw', '0 D0, 1 D1, 2 D2, 3 D3hot'),
      bit('reserved', 2, 'rsvd'),
      bit('no_soft_reset', 3, 'ro'),
      bits('reserved2', 4, 4, 'rsvd'),
      bit('pme_enable', 8, 'rw'),
      bits('data_select', 9, 4, 'rw'),
      bits('data_scale', 13, 2, 'ro'),
      bit('pme_status', 15, 'rw1c'),
    ],
  }),
  pmcsr_bse: u8(6, 'ro', { bits: [bits('reserved', 0, 6, 'rsvd'), bit('b2_b3', 6), bit('bpcc_enable', 7)] }),
  data: u8(7, 'ro'),
}, gen.pci_pm_cap);

export type PciPmCap = ValueOf<typeof pciPmCap>;

/** `info` of a Power Management capability: the named bits of PMC and PMCSR (undefined when not read). */
export interface PciPmInfo {
  readonly pmc: RegisterBits | undefined;
  readonly pmcsr: RegisterBits | undefined;
}

export const pmCapDecoder: CapDecoder<Partial<gen.pci_pm_cap>, PciPmInfo> = {
  layout: (ctx) => [{ struct: pciPmCap, offset: ctx.pos }],
  info: (f) => ({ pmc: bitsOf(pciPmCap, 'pmc', f.pmc), pmcsr: bitsOf(pciPmCap, 'pmcsr', f.pmcsr) }),
};
