// One function decoded: PCI config space with the virtio capability hook, then the virtio
// transport probe. All diagnostics (dump, PCI, virtio) gathered in one list.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { decodeOwnedImage } from '../pci/config-space.js';
import type { ConfigSpace } from '../pci/types.js';
import { virtioVendorCapDecoder } from '../virtio/vendor-hook.js';
import type { DeviceInput } from './input.js';
import { probeDevice, type VirtioView } from './virtio-view.js';

export interface DecodedDevice {
  readonly input: DeviceInput;
  readonly cs: ConfigSpace;
  readonly virtio: VirtioView | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `forceExtendedCapabilities`: walk 0x100.. even where Linux gives the function 256 bytes
 * (decode --force-ext-caps; encode when the JSON lists extended capabilities).
 */
export function decodeDevice(input: DeviceInput, queuesShown?: number, forceExtendedCapabilities = false): DecodedDevice {
  // The inputs are the readers' own fresh arrays, never changed after: no copy is needed.
  const cs = decodeOwnedImage(input.bytes, {
    length: input.length,
    vendorCaps: [virtioVendorCapDecoder],
    barSizes: input.barSizes ?? undefined,
    forceExtendedCapabilities,
  });
  const virtio = probeDevice(cs, input.barSizes, queuesShown);
  const decoded: Diagnostic[] = [...cs.diagnostics];
  if (virtio) decoded.push(...virtio.diagnostics);
  // The decoders see holes as the 0xff that fills them; what they say about those bytes is
  // about the filler, not the device (the dump reader's DUMP_HOLES already names the holes).
  // Past the known length the same holds, except for the diagnostics that say the image is short.
  const k = input.known;
  const inHole = (d: Diagnostic) =>
    d.offset !== null &&
    (d.offset < input.length ? k !== null && k[d.offset] !== 1 : !/TRUNCATED|NOT_IN_IMAGE|TOO_SHORT|OUT_OF_RANGE|PAST|SHORT/.test(d.code));
  return { input, cs, virtio, diagnostics: dedupe([...input.diagnostics, ...decoded.filter((d) => !inHole(d))]) };
}

/** The probe re-reports some capability diagnostics: keep each (code, offset, message) once. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}\u0000${d.offset}\u0000${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
