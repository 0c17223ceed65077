// Access Control Services (extended ID 0x000d).
import { bit, bits, struct, u16, decodeBits, type ValueOf } from '../../layout/struct.js';
import { availU16, bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader, withTrailingBytes } from './common.js';
import * as gen from './acs.gen.js';

export const PCI_ACS_CAP_BITS = [
  bit('sv', 0, 'ro', 'source validation'),
  bit('tb', 1, 'ro', 'translation blocking'),
  bit('rr', 2, 'ro', 'P2P request redirect'),
  bit('cr', 3, 'ro', 'P2P completion redirect'),
  bit('uf', 4, 'ro', 'upstream forwarding'),
  bit('ec', 5, 'ro', 'P2P egress control'),
  bit('dt', 6, 'ro', 'direct translated P2P'),
  bits('egress_control_vector_size', 8, 8, 'ro', '0 means 256'),
] as const;

const acsBase = () => ({
  header: extHeader(),
  acs_cap: u16(0x04, 'ro', { bits: PCI_ACS_CAP_BITS }),
  acs_ctrl: u16(0x06, 'rw', { bits: PCI_ACS_CAP_BITS.slice(0, 7) }),
});

/** Access Control Services (0x000d) without an egress control vector. */
export const pciAcsCap = struct('pci_acs_cap', acsBase(), gen.pci_acs_cap);
export type PciAcsCap = ValueOf<typeof pciAcsCap>;

/** Bytes of the egress control vector an ACS capability register announces (0 without EC). */
export function acsEgressVectorBytes(acsCap: number): number {
  const f = decodeBits(acsCap, PCI_ACS_CAP_BITS);
  if (!f.ec) return 0;
  const vectorBits = (f.egress_control_vector_size as number) || 256;
  return Math.ceil(vectorBits / 32) * 4;
}

/** `fields` of an ACS capability: the egress control vector is there when the capability announces one. */
export type PciAcsFields = Partial<gen.pci_acs_cap & { egress_control_vector: Uint8Array }>;

/** `info` of an ACS capability: named bits of its registers (undefined when not read). */
export interface PciAcsInfo {
  readonly acs_cap: RegisterBits | undefined;
  readonly acs_ctrl: RegisterBits | undefined;
}

export const acsExtCapDecoder: CapDecoder<PciAcsFields, PciAcsInfo> = {
  layout: (ctx) => {
    const n = acsEgressVectorBytes(availU16(ctx, 4) ?? 0);
    return [{ struct: n ? withTrailingBytes('pci_acs_cap', acsBase(), 'egress_control_vector', 8, n, 'rw') : pciAcsCap, offset: ctx.pos }];
  },
  info: (f) => ({ acs_cap: bitsOf(pciAcsCap, 'acs_cap', f.acs_cap), acs_ctrl: bitsOf(pciAcsCap, 'acs_ctrl', f.acs_ctrl) }),
};
