// One function of a dump decoded as `pcicfg decode` and the page show it: PCI config space with
// the virtio capability hook, then the virtio transport probe, and every diagnostic (the
// dump's, PCI's, virtio's) in one list.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { decodeOwnedImage } from '../pci/config-space.js';
import type { ConfigSpace } from '../pci/types.js';
import { isVirtioPciId } from './ids.js';
import { probeVirtio, type VirtioTransport } from './probe.js';
import { virtioVendorCapDecoder } from './vendor-hook.js';

const ABOUT_HOLES = new Set(['HEADER_TYPE_NOT_KNOWN', 'VIRTIO_CAPS_NOT_IN_IMAGE']);

/** What a dump gave for one function, and the BAR sizes known from elsewhere. */
export interface FunctionImage {
  /** Handed over: the result's `cs.bytes` is this array, so it must not change afterwards. */
  readonly bytes: Uint8Array;
  /** 1 where the byte is known; null when every byte below `length` is. */
  readonly known: Uint8Array | null;
  readonly length: number;
  /** The dump reader's diagnostics for the function. */
  readonly diagnostics: readonly Diagnostic[];
  readonly barSizes: ReadonlyMap<number, bigint> | null;
}

export interface DecodedFunction {
  readonly cs: ConfigSpace;
  /** Null when the function is not a virtio function. */
  readonly transport: VirtioTransport | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `forceExtendedCapabilities`: walk 0x100.. even where Linux gives the function 256 bytes
 * (decode --force-ext-caps; encode when the JSON lists extended capabilities).
 */
export function decodeFunction(input: FunctionImage, forceExtendedCapabilities = false): DecodedFunction {
  const cs = decodeOwnedImage(input.bytes, {
    length: input.length,
    vendorCaps: [virtioVendorCapDecoder],
    barSizes: input.barSizes ?? undefined,
    forceExtendedCapabilities,
    known: input.known,
  });
  const transport = probeFunction(cs, input.barSizes);
  const decoded: Diagnostic[] = [...cs.diagnostics];
  if (transport) decoded.push(...transport.diagnostics);
  // The decoders see holes as the 0xff that fills them; what they say about those bytes is
  // about the filler, not the device (the dump reader's DUMP_HOLES already names the holes).
  // Past the known length the same holds, except for the diagnostics that say the image is short.
  const k = input.known;
  // The diagnostics that say what the holes leave unknown stay.
  const inHole = (d: Diagnostic) =>
    d.offset !== null &&
    !ABOUT_HOLES.has(d.code) &&
    (d.offset < input.length ? k !== null && k[d.offset] !== 1 : !/TRUNCATED|NOT_IN_IMAGE|TOO_SHORT|OUT_OF_RANGE|PAST|SHORT/.test(d.code));
  return { cs, transport, diagnostics: dedupe([...input.diagnostics, ...decoded.filter((d) => !inHole(d))]) };
}

/** The transport of a decoded function; null when it is not a virtio function. */
function probeFunction(cs: ConfigSpace, barSizes: ReadonlyMap<number, bigint> | null): VirtioTransport | null {
  // An ID byte in a hole: the function is not known to be virtio.
  if (cs.length < 4 || (cs.known && !cs.known.subarray(0, 4).every((k) => k === 1))) return null;
  const vendor = cs.bytes[0] | (cs.bytes[1] << 8);
  const device = cs.bytes[2] | (cs.bytes[3] << 8);
  if (!isVirtioPciId(vendor, device)) return null;
  // num_queues is in common_cfg, not in config space: the probe is not told a count, so no
  // bound check is reported against queues the device may not have (the text marks them).
  return probeVirtio(cs, { barSizes: barSizes ?? undefined });
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
