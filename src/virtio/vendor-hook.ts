// The hook the PCI decoder calls for vendor-specific capabilities (ID 0x09): on a virtio
// function (vendor 0x1af4, device 0x1000–0x107f, as the spec and lspci match) it decodes the
// capability as a virtio structure.
import type { VendorCapability, VendorCapDecoder } from '../pci/types.js';
import { decodeVirtioCap, encodeVirtioCap, type VirtioCap } from './caps.js';
import { isVirtioPciId } from './ids.js';

/**
 * What the hook decoded, on the capability it returned (a symbol key: not part of the value
 * printed or compared), with the image it read. Not a WeakMap: tens of thousands of entries
 * made every garbage collection of a large dump slower than decoding again.
 */
const DECODED = Symbol('pcicfg.virtioCap');

interface Hooked {
  [DECODED]?: { readonly bytes: Uint8Array; readonly length: number; readonly cap: VirtioCap };
}

/**
 * The virtio structure the hook decoded for `vendor`, when it read the same image (`bytes`, the
 * decoder's own copy, and `length`): probeVirtio takes it instead of decoding the capability again.
 */
export function hookedVirtioCap(vendor: VendorCapability | undefined, bytes: Uint8Array, length: number): VirtioCap | null {
  const d = vendor === undefined ? undefined : (vendor as Hooked)[DECODED];
  return d !== undefined && d.bytes === bytes && d.length === length ? d.cap : null;
}

export const virtioVendorCapDecoder: VendorCapDecoder = (ctx): VendorCapability | null => {
  if (!isVirtioPciId(ctx.vendorId, ctx.deviceId)) return null;
  const cap = decodeVirtioCap(ctx.bytes, ctx.pos, ctx.length);
  const vendor: VendorCapability & Hooked = {
    kind: 'virtio',
    name: cap.cfg_type === null ? 'virtio (cfg_type unknown)' : `virtio ${cap.typeName}`,
    fields: cap.fields,
    length: cap.decodedLength,
    regions: cap.regions,
    diagnostics: cap.diagnostics,
    encode: (out) => {
      encodeVirtioCap(cap, out);
    },
    [DECODED]: { bytes: ctx.bytes, length: ctx.length, cap },
  };
  return vendor;
};
