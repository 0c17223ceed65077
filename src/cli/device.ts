// One function decoded: PCI config space with the virtio capability hook, then the virtio
// transport probe. All diagnostics (dump, PCI, virtio) gathered in one list.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { decodeConfigSpace } from '../pci/config-space.js';
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

export function decodeDevice(input: DeviceInput, queuesShown?: number): DecodedDevice {
  const cs = decodeConfigSpace(input.bytes, {
    length: input.length,
    vendorCaps: [virtioVendorCapDecoder],
    barSizes: input.barSizes ?? undefined,
  });
  const virtio = probeDevice(cs, input.barSizes, queuesShown);
  const diagnostics: Diagnostic[] = [...input.diagnostics, ...cs.diagnostics];
  if (virtio) diagnostics.push(...virtio.diagnostics);
  return { input, cs, virtio, diagnostics: dedupe(diagnostics) };
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
