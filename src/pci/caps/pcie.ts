// PCI Express capability (ID 0x10). Version 1 structures end after the registers the port
// type uses; version 2 always has all 60 bytes (the "2" registers at 0x24-0x3b).
import { diag } from '../../bytes/diagnostic.js';
import { bit, bits, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { PCI_DIAGNOSTICS } from '../diagnostics.js';
import { availU16, bitsOf, type CapDecodeContext, type CapDecoder, type RegisterBits } from './common.js';
import * as gen from './pcie.gen.js';

export const PCI_EXP_TYPE_NAMES: Record<number, string> = {
  0x0: 'Endpoint',
  0x1: 'Legacy Endpoint',
  0x4: 'Root Port',
  0x5: 'Upstream Port',
  0x6: 'Downstream Port',
  0x7: 'PCIe to PCI/PCI-X Bridge',
  0x8: 'PCI/PCI-X to PCIe Bridge',
  0x9: 'Root Complex Integrated Endpoint',
  0xa: 'Root Complex Event Collector',
};

/** Name of a Device/Port Type (PCI_EXP_FLAGS bits 4-7). */
export function pciExpTypeName(type: number): string {
  return PCI_EXP_TYPE_NAMES[type] ?? `Unknown (${type})`;
}

export const pciExpCap = struct('pci_exp_cap', {
  cap_id: u8(0x00, 'ro'),
  cap_next: u8(0x01, 'ro'),
  flags: u16(0x02, 'ro', {
    bits: [bits('version', 0, 4), bits('type', 4, 4, 'ro', 'device/port type'), bit('slot', 8, 'ro', 'slot implemented'), bits('irq', 9, 5)],
  }),
  devcap: u32(0x04, 'ro', {
    bits: [
      bits('payload', 0, 3, 'ro', 'max payload size supported: 128 << n'),
      bits('phantom', 3, 2),
      bit('ext_tag', 5),
      bits('l0s', 6, 3, 'ro', 'L0s acceptable latency'),
      bits('l1', 9, 3, 'ro', 'L1 acceptable latency'),
      bit('atn_but', 12),
      bit('atn_ind', 13),
      bit('pwr_ind', 14),
      bit('rber', 15, 'ro', 'role-based error reporting'),
      bits('pwr_val', 18, 8, 'ro', 'slot power limit value'),
      bits('pwr_scl', 26, 2, 'ro', 'slot power limit scale'),
      bit('flr', 28, 'ro', 'function level reset'),
    ],
  }),
  devctl: u16(0x08, 'rw', {
    bits: [
      bit('cere', 0),
      bit('nfere', 1),
      bit('fere', 2),
      bit('urre', 3),
      bit('relax_en', 4),
      bits('payload', 5, 3, 'rw', 'max payload size: 128 << n'),
      bit('ext_tag', 8),
      bit('phantom', 9),
      bit('auxpm', 10),
      bit('nosnoop_en', 11),
      bits('readrq', 12, 3, 'rw', 'max read request size: 128 << n'),
      bit('bcr_flr', 15, 'rw', 'bridge config retry enable / initiate FLR'),
    ],
  }),
  devsta: u16(0x0a, 'ro', {
    bits: [bit('ced', 0, 'rw1c'), bit('nfed', 1, 'rw1c'), bit('fed', 2, 'rw1c'), bit('urd', 3, 'rw1c'), bit('auxpd', 4), bit('trpnd', 5), bit('eprd', 6, 'rw1c')],
  }),
  lnkcap: u32(0x0c, 'ro', {
    bits: [
      bits('sls', 0, 4, 'ro', 'max link speed'),
      bits('mlw', 4, 6, 'ro', 'max link width'),
      bits('aspms', 10, 2, 'ro', 'ASPM support'),
      bits('l0sel', 12, 3),
      bits('l1el', 15, 3),
      bit('clkpm', 18),
      bit('sde', 19, 'ro', 'surprise down error reporting'),
      bit('dllla', 20, 'ro', 'data link layer link active reporting'),
      bit('lbnc', 21, 'ro', 'link bandwidth notification'),
      bit('aspm_comp', 22),
      bits('port', 24, 8, 'ro', 'port number'),
    ],
  }),
  lnkctl: u16(0x10, 'rw', {
    bits: [
      bits('aspmc', 0, 2),
      bit('rcb', 3),
      bit('ld', 5, 'rw', 'link disable'),
      bit('rl', 6, 'rw', 'retrain link'),
      bit('ccc', 7, 'rw', 'common clock'),
      bit('es', 8, 'rw', 'extended synch'),
      bit('clkreq_en', 9),
      bit('hawd', 10),
      bit('lbmie', 11),
      bit('labie', 12),
    ],
  }),
  lnksta: u16(0x12, 'ro', {
    bits: [
      bits('cls', 0, 4, 'ro', 'current link speed'),
      bits('nlw', 4, 6, 'ro', 'negotiated link width'),
      bit('lt', 11, 'ro', 'link training'),
      bit('slc', 12, 'ro', 'slot clock configuration'),
      bit('dllla', 13, 'ro', 'data link layer link active'),
      bit('lbms', 14, 'rw1c'),
      bit('labs', 15, 'rw1c'),
    ],
  }),
  sltcap: u32(0x14, 'ro', {
    bits: [
      bit('abp', 0),
      bit('pcp', 1),
      bit('mrlsp', 2),
      bit('aip', 3),
      bit('pip', 4),
      bit('hps', 5),
      bit('hpc', 6),
      bits('splv', 7, 8),
      bits('spls', 15, 2),
      bit('eip', 17),
      bit('nccs', 18),
      bits('psn', 19, 13, 'ro', 'physical slot number'),
    ],
  }),
  sltctl: u16(0x18, 'rw', {
    bits: [
      bit('abpe', 0),
      bit('pfde', 1),
      bit('mrlsce', 2),
      bit('pdce', 3),
      bit('ccie', 4),
      bit('hpie', 5),
      bits('aic', 6, 2),
      bits('pic', 8, 2),
      bit('pcc', 10),
      bit('eic', 11),
      bit('dllsce', 12),
    ],
  }),
  sltsta: u16(0x1a, 'ro', {
    bits: [
      bit('abp', 0, 'rw1c'),
      bit('pfd', 1, 'rw1c'),
      bit('mrlsc', 2, 'rw1c'),
      bit('pdc', 3, 'rw1c'),
      bit('cc', 4, 'rw1c'),
      bit('mrlss', 5),
      bit('pds', 6),
      bit('eis', 7),
      bit('dllsc', 8, 'rw1c'),
    ],
  }),
  rtctl: u16(0x1c, 'rw', { bits: [bit('secee', 0), bit('senfee', 1), bit('sefee', 2), bit('pmeie', 3), bit('crssve', 4)] }),
  rtcap: u16(0x1e, 'ro', { bits: [bit('crsvis', 0)] }),
  rtsta: u32(0x20, 'ro', { bits: [bits('pme_rid', 0, 16), bit('pme', 16, 'rw1c'), bit('pme_pending', 17)] }),
  devcap2: u32(0x24, 'ro', {
    bits: [
      bits('comp_tmout_ranges', 0, 4),
      bit('comp_tmout_dis', 4),
      bit('ari', 5),
      bit('atomic_route', 6),
      bit('atomic_comp32', 7),
      bit('atomic_comp64', 8),
      bit('atomic_comp128', 9),
      bit('ltr', 11),
      bits('tph_comp', 12, 2),
      bits('obff', 18, 2),
      bit('ee_prefix', 21),
    ],
  }),
  devctl2: u16(0x28, 'rw', {
    bits: [
      bits('comp_timeout', 0, 4),
      bit('comp_tmout_dis', 4),
      bit('ari', 5),
      bit('atomic_req', 6),
      bit('atomic_egress_block', 7),
      bit('ido_req_en', 8),
      bit('ido_cmp_en', 9),
      bit('ltr_en', 10),
      bits('obff', 13, 2),
    ],
  }),
  devsta2: u16(0x2a, 'ro'),
  lnkcap2: u32(0x2c, 'ro', { bits: [bits('sls', 1, 7, 'ro', 'supported link speeds vector'), bit('crosslink', 8)] }),
  lnkctl2: u16(0x30, 'rw', {
    bits: [bits('tls', 0, 4, 'rw', 'target link speed'), bit('enter_comp', 4), bit('hasd', 5), bit('sd', 6), bits('tx_margin', 7, 3)],
  }),
  lnksta2: u16(0x32, 'ro', { bits: [bit('cdel', 0), bit('eq_complete', 1), bit('eq_phase1', 2), bit('eq_phase2', 3), bit('eq_phase3', 4), bit('link_eq_req', 5, 'rw1c')] }),
  sltcap2: u32(0x34, 'ro'),
  sltctl2: u16(0x38, 'rw'),
  sltsta2: u16(0x3a, 'ro'),
}, gen.pci_exp_cap);

export type PciExpCap = ValueOf<typeof pciExpCap>;

/** Bytes of the PCIe capability for a flags value (Linux: PCI_CAP_EXP_*_SIZEOF_V1, PCI_CAP_EXP_SIZEOF). */
export function pciExpCapSize(flags: number): number {
  const version = flags & 0xf;
  const type = (flags >> 4) & 0xf;
  if (version >= 2) return 0x3c;
  if (type === 0x9 || type === 0xa) return 0x0c; // no link registers
  if (type === 0x0 || type === 0x1 || type === 0x5 || type === 0x7) return 0x14; // link, no slot/root
  return 0x24;
}

/** Registers of the PCI Express capability whose named bits `info` carries, in order. */
const PCI_EXP_INFO_REGISTERS = ['devcap', 'devctl', 'devsta', 'lnkcap', 'lnkctl', 'lnksta', 'sltcap', 'sltctl', 'sltsta', 'rtctl', 'rtcap', 'rtsta', 'devcap2', 'devctl2', 'lnkcap2', 'lnkctl2', 'lnksta2'] as const;
export type PciExpInfoRegister = (typeof PCI_EXP_INFO_REGISTERS)[number];

/** `info` of a PCI Express capability: each entry present when its register was read. */
export type PciExpInfo = {
  /** Capability version (flags bits 3:0). */
  version?: number;
  /** Device/Port Type (flags bits 7:4) and its name. */
  type?: number;
  type_name?: string;
  flags?: RegisterBits;
} & { [R in PciExpInfoRegister]?: RegisterBits };

export const pcieCapDecoder: CapDecoder<Partial<gen.pci_exp_cap>, PciExpInfo> = {
  layout: (ctx: CapDecodeContext) => {
    const flags = availU16(ctx, 2);
    if (flags !== null) {
      const version = flags & 0xf;
      if (version !== 1 && version !== 2) {
        ctx.diagnostics.push(
          diag(PCI_DIAGNOSTICS, 'PCIE_CAP_VERSION_UNKNOWN', ctx.pos + 2, `PCI Express capability at 0x${ctx.pos.toString(16)} has version ${version}`),
        );
      }
    }
    return [{ struct: pciExpCap, offset: ctx.pos, size: pcieClaimSize(ctx) }];
  },
  info: (f) => {
    const out: PciExpInfo = {};
    if (typeof f.flags === 'number') {
      out.version = f.flags & 0xf;
      out.type = (f.flags >> 4) & 0xf;
      out.type_name = pciExpTypeName((f.flags >> 4) & 0xf);
      out.flags = pciExpCap.bits('flags', f.flags);
    }
    for (const r of PCI_EXP_INFO_REGISTERS) {
      const b = bitsOf(pciExpCap, r, f[r]);
      if (b) out[r] = b;
    }
    return out;
  },
};

/** The size the walker should claim: decided from flags (v1 by port type, v2 and unknown versions by room). */
export function pcieClaimSize(ctx: CapDecodeContext): number {
  const flags = availU16(ctx, 2);
  if (flags === null) return 0x3c;
  const version = flags & 0xf;
  if (version === 1) return pciExpCapSize(flags);
  if (version === 2) return 0x3c;
  return ctx.pos + 0x3c <= 0x100 ? 0x3c : pciExpCapSize((flags & ~0xf) | 1);
}
