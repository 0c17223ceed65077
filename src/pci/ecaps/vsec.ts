// Vendor-Specific (0x000b) and Designated Vendor-Specific (0x0023) extended capabilities:
// their own headers say how long they are; the body is kept as bytes.
import { diag } from '../../bytes/diagnostic.js';
import { bits, struct, u16, u32, type ValueOf } from '../../layout/struct.js';
import { availU32, type CapDecoder } from '../caps/common.js';
import { PCI_DIAGNOSTICS } from '../diagnostics.js';
import { extHeader, withTrailingBytes } from './common.js';
import * as gen from './vsec.gen.js';

const vsecBase = () => ({
  header: extHeader(),
  vsec_header: u32(0x04, 'ro', { bits: [bits('vsec_id', 0, 16), bits('vsec_rev', 16, 4), bits('vsec_length', 20, 12, 'ro', 'bytes, headers included')] }),
});
export const pciVsecCap = struct('pci_vsec_cap', vsecBase(), gen.pci_vsec_cap);
export type PciVsecCap = ValueOf<typeof pciVsecCap>;

const dvsecBase = () => ({
  header: extHeader(),
  dvsec_header1: u32(0x04, 'ro', { bits: [bits('dvsec_vendor_id', 0, 16), bits('dvsec_rev', 16, 4), bits('dvsec_length', 20, 12)] }),
  dvsec_header2: u16(0x08, 'ro', { bits: [bits('dvsec_id', 0, 16)] }),
});
export const pciDvsecCap = struct('pci_dvsec_cap', dvsecBase(), gen.pci_dvsec_cap);
export type PciDvsecCap = ValueOf<typeof pciDvsecCap>;

/** `fields` of a VSEC capability: the headers and, past them, the vendor's bytes. */
export type PciVsecFields = Partial<gen.pci_vsec_cap & { data: Uint8Array }>;

/** `info` of a VSEC capability: the vendor header split up, when it was read. */
export interface PciVsecInfo {
  readonly vsec_id?: number;
  readonly vsec_rev?: number;
  /** Bytes, headers included. */
  readonly vsec_length?: number;
}

export const vsecExtCapDecoder: CapDecoder<PciVsecFields, PciVsecInfo> = {
  layout: (ctx) => {
    const h = availU32(ctx, 4);
    const len = h === null ? 8 : h >>> 20;
    if (h !== null && len < 8) ctx.diagnostics.push(diag(PCI_DIAGNOSTICS, 'EXTCAP_LEN_INVALID', ctx.pos + 4, `VSEC at 0x${ctx.pos.toString(16)} has length ${len} (< 8)`));
    return [{ struct: len > 8 ? withTrailingBytes('pci_vsec_cap', vsecBase(), 'data', 8, len - 8) : pciVsecCap, offset: ctx.pos }];
  },
  info: (f) =>
    typeof f.vsec_header === 'number'
      ? { vsec_id: f.vsec_header & 0xffff, vsec_rev: (f.vsec_header >>> 16) & 0xf, vsec_length: f.vsec_header >>> 20 }
      : {},
};

/** `fields` of a DVSEC capability: the headers and, past them, the vendor's bytes. */
export type PciDvsecFields = Partial<gen.pci_dvsec_cap & { data: Uint8Array }>;

/** `info` of a DVSEC capability: its headers split up, each when read. */
export interface PciDvsecInfo {
  dvsec_vendor_id?: number;
  dvsec_rev?: number;
  /** Bytes, headers included. */
  dvsec_length?: number;
  dvsec_id?: number;
}

export const dvsecExtCapDecoder: CapDecoder<PciDvsecFields, PciDvsecInfo> = {
  layout: (ctx) => {
    const h = availU32(ctx, 4);
    const len = h === null ? 10 : h >>> 20;
    if (h !== null && len < 10) ctx.diagnostics.push(diag(PCI_DIAGNOSTICS, 'EXTCAP_LEN_INVALID', ctx.pos + 4, `DVSEC at 0x${ctx.pos.toString(16)} has length ${len} (< 10)`));
    return [{ struct: len > 10 ? withTrailingBytes('pci_dvsec_cap', dvsecBase(), 'data', 10, len - 10) : pciDvsecCap, offset: ctx.pos }];
  },
  info: (f) => {
    const out: PciDvsecInfo = {};
    if (typeof f.dvsec_header1 === 'number') {
      out.dvsec_vendor_id = f.dvsec_header1 & 0xffff;
      out.dvsec_rev = (f.dvsec_header1 >>> 16) & 0xf;
      out.dvsec_length = f.dvsec_header1 >>> 20;
    }
    if (typeof f.dvsec_header2 === 'number') out.dvsec_id = f.dvsec_header2;
    return out;
  },
};
