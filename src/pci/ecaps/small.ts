// Small fixed extended capabilities: DSN, ARI, ATS, LTR, L1 PM Substates, ACS.
import { bit, bits, struct, u16, u32, u64, type ValueOf } from '../../layout/struct.js';
import { availU16, bitsOf, type CapDecoder, type RegisterBits } from '../caps/common.js';
import { extHeader, withTrailingBytes } from './common.js';
import * as gen from './small.gen.js';

/** Device Serial Number (0x0003): a 64-bit EUI-64, lower dword first. */
export const pciDsnCap = struct('pci_dsn_cap', {
  header: extHeader(),
  serial_number: u64(0x04, 'ro'),
}, gen.pci_dsn_cap);
export type PciDsnCap = ValueOf<typeof pciDsnCap>;

/** lspci's spelling of a serial number: bytes from most significant, dash-separated. */
export function formatPciSerialNumber(sn: bigint): string {
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(((sn >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0'));
  return parts.join('-');
}

/** `info` of a Device Serial Number capability: lspci's spelling, when the register was read. */
export interface PciDsnInfo {
  readonly serial?: string;
}

export const dsnExtCapDecoder: CapDecoder<Partial<gen.pci_dsn_cap>, PciDsnInfo> = {
  layout: (ctx) => [{ struct: pciDsnCap, offset: ctx.pos }],
  info: (f) => (typeof f.serial_number === 'bigint' ? { serial: formatPciSerialNumber(f.serial_number) } : {}),
};

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

const LTR_BITS = [bits('value', 0, 10), bits('scale', 10, 3, 'rw', 'value x 32^scale ns')] as const;

/** Latency Tolerance Reporting (0x0018). */
export const pciLtrCap = struct('pci_ltr_cap', {
  header: extHeader(),
  max_snoop_latency: u16(0x04, 'rw', { bits: LTR_BITS }),
  max_no_snoop_latency: u16(0x06, 'rw', { bits: LTR_BITS }),
}, gen.pci_ltr_cap);
export type PciLtrCap = ValueOf<typeof pciLtrCap>;

function ltrNs(v: number): bigint {
  return BigInt(v & 0x3ff) << BigInt(5 * ((v >> 10) & 7));
}

/** `info` of an LTR capability: the latencies in nanoseconds (undefined when not read). */
export interface PciLtrInfo {
  readonly max_snoop_latency_ns: bigint | undefined;
  readonly max_no_snoop_latency_ns: bigint | undefined;
}

export const ltrExtCapDecoder: CapDecoder<Partial<gen.pci_ltr_cap>, PciLtrInfo> = {
  layout: (ctx) => [{ struct: pciLtrCap, offset: ctx.pos }],
  info: (f) => ({
    max_snoop_latency_ns: typeof f.max_snoop_latency === 'number' ? ltrNs(f.max_snoop_latency) : undefined,
    max_no_snoop_latency_ns: typeof f.max_no_snoop_latency === 'number' ? ltrNs(f.max_no_snoop_latency) : undefined,
  }),
};

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
  if (!(acsCap & 0x20)) return 0;
  const bitsN = (acsCap >> 8) & 0xff || 256;
  return Math.ceil(bitsN / 32) * 4;
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
