// Address Translation Services (extended ID 0x000f).
import { bit, bits, struct, u16, type ValueOf } from '../../layout/struct.js';
import { bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './ats.gen.js';

/** Address Translation Services (0x000f). */
export const pciAtsCap = struct('pci_ats_cap', {
  header: extHeader(),
  ats_cap: u16(0x04, 'ro', { bits: [bits('queue_depth', 0, 5, 'ro', 'invalidate queue depth (0 means 32)'), bit('page_aligned', 5), bit('global_invalidate', 6)] }),
  ats_ctrl: u16(0x06, 'rw', { bits: [bits('stu', 0, 5, 'rw', 'smallest translation unit'), bit('enable', 15)] }),
}, gen.pci_ats_cap);
export type PciAtsCap = ValueOf<typeof pciAtsCap>;

/** `info` of an ATS capability: named bits of its registers (undefined when not read). */
export interface PciAtsInfo {
  readonly ats_cap: RegisterBits | undefined;
  readonly ats_ctrl: RegisterBits | undefined;
}

export const atsExtCapDecoder: CapDecoder<Partial<gen.pci_ats_cap>, PciAtsInfo> = {
  layout: (ctx) => [{ struct: pciAtsCap, offset: ctx.pos }],
  info: (f) => ({ ats_cap: bitsOf(pciAtsCap, 'ats_cap', f.ats_cap), ats_ctrl: bitsOf(pciAtsCap, 'ats_ctrl', f.ats_ctrl) }),
};
