// The hook the PCI decoder calls for vendor-specific capabilities (ID 0x09): on a virtio
// function (vendor 0x1af4, device 0x1000–0x107f, as the spec and lspci match) it decodes the
// capability as a virtio structure.
import type { VendorCapability, VendorCapDecoder } from '../pci/types.js';
import { decodeVirtioCap, encodeVirtioCap } from './caps.js';
import { isVirtioPciId } from './ids.js';

export const virtioVendorCapDecoder: VendorCapDecoder = (ctx): VendorCapability | null => {
  if (!isVirtioPciId(ctx.vendorId, ctx.deviceId)) return null;
  const cap = decodeVirtioCap(ctx.bytes, ctx.pos, ctx.length);
  return {
    kind: 'virtio',
    name: cap.cfg_type === null ? 'virtio (cfg_type unknown)' : `virtio ${cap.typeName}`,
    fields: cap.fields,
    length: cap.decodedLength,
    regions: cap.regions,
    diagnostics: cap.diagnostics,
    encode: (out) => {
      encodeVirtioCap(cap, out);
    },
  };
};
