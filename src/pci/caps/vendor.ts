// Vendor-specific capability (ID 0x09): a three-byte header (ID, next, length) and
// cap_len - 3 bytes only the vendor understands (virtio's structures live here).
import { diag } from '../../bytes/diagnostic.js';
import { bytes, struct, u8, type Struct } from '../../layout/struct.js';
import { PCI_DIAGNOSTICS } from '../diagnostics.js';
import { availU8, type CapDecoder } from './common.js';
import * as gen from './vendor.gen.js';

const vendorHead = {
  cap_vndr: u8(0, 'ro'),
  cap_next: u8(1, 'ro'),
  cap_len: u8(2, 'ro'),
};

export const pciVendorCapHeader = struct('pci_vendor_cap', vendorHead, gen.pci_vendor_cap);

const byLength = new Map<number, Struct<any>>();

/** The vendor capability structure for a cap_len (header plus cap_len - 3 data bytes). */
export function pciVendorCapStruct(capLen: number): Struct<any> {
  if (capLen <= 3) return pciVendorCapHeader;
  let s = byLength.get(capLen);
  if (!s) {
    s = struct('pci_vendor_cap', { ...vendorHead, data: bytes(3, capLen - 3, 'ro') });
    byLength.set(capLen, s);
  }
  return s;
}

/** `fields` of a vendor-specific capability: the header and, when cap_len > 3, the vendor's bytes. */
export type PciVendorCapFields = Partial<gen.pci_vendor_cap & { data: Uint8Array }>;

export const vendorCapDecoder: CapDecoder<PciVendorCapFields, never> = {
  layout: (ctx) => {
    const capLen = availU8(ctx, 2);
    if (capLen !== null && capLen < 3) {
      ctx.diagnostics.push(diag(PCI_DIAGNOSTICS, 'VENDOR_CAP_LEN_INVALID', ctx.pos + 2, `vendor capability at 0x${ctx.pos.toString(16)} has length ${capLen} (< 3)`));
    }
    return [{ struct: pciVendorCapStruct(capLen ?? 3), offset: ctx.pos }];
  },
};
