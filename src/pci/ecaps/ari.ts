// Alternative Routing-ID Interpretation (extended ID 0x000e).
import { bit, bits, struct, u16, type ValueOf } from '../../layout/struct.js';
import { bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './ari.gen.js';

/** Alternative Routing-ID Interpretation (0x000e). */
export const pciAriCap = struct('pci_ari_cap', {
  header: extHeader(),
  ari_cap: u16(0x04, 'ro', { bits: [bit('mfvc', 0), bit('acs', 1), bits('next_function', 8, 8)] }),
  ari_ctrl: u16(0x06, 'rw', { bits: [bit('mfvc', 0), bit('acs', 1), bits('function_group', 4, 3)] }),
}, gen.pci_ari_cap);
export type PciAriCap = ValueOf<typeof pciAriCap>;

/** `info` of an ARI capability: named bits of its registers (undefined when not read). */
export interface PciAriInfo {
  readonly ari_cap: RegisterBits | undefined;
  readonly ari_ctrl: RegisterBits | undefined;
}

export const ariExtCapDecoder: CapDecoder<Partial<gen.pci_ari_cap>, PciAriInfo> = {
  layout: (ctx) => [{ struct: pciAriCap, offset: ctx.pos }],
  info: (f) => ({ ari_cap: bitsOf(pciAriCap, 'ari_cap', f.ari_cap), ari_ctrl: bitsOf(pciAriCap, 'ari_ctrl', f.ari_ctrl) }),
};
