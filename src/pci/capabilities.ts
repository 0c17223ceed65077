// The standard capability list (pointer at 0x34, CardBus 0x14). The walk combines the
// defensive rules of Linux and pciutils: pointer masked with ~3, a visited set for loops, at
// most 48 steps (PCI_FIND_CAP_TTL), ID 0xff stops, pointers into the header (< 0x40) are
// reported and not followed, pointers past the known bytes stop the walk. Every anomaly is a
// diagnostic; whatever could be read before it is kept. The step limit needs no check of its
// own: the visited set and the 48 dword slots between 0x40 and 0xfc bound the walk to
// PCI_CAP_WALK_LIMIT capabilities, exactly Linux's TTL.
import { hex } from '../bytes/hex.js';
import { pciCapName, PCI_CAP_ID } from './cap-ids.js';
import type { CapDecodeContext, CapDecoder } from './caps/common.js';
import { rawCapDecoder } from './caps/header.js';
import { msiCapDecoder } from './caps/msi.js';
import { msixCapDecoder } from './caps/msix.js';
import { pcieCapDecoder } from './caps/pcie.js';
import { pmCapDecoder } from './caps/pm.js';
import { vendorCapDecoder } from './caps/vendor.js';
import type { DecodeState } from './place.js';
import type { Capability, DecodeOptions, VendorCapability } from './types.js';

/** Linux PCI_FIND_CAP_TTL; also the number of dword slots in 0x40..0xff, so the walk never exceeds it. */
export const PCI_CAP_WALK_LIMIT = 48;
/** Conventional configuration space: standard capabilities live below it. */
export const PCI_CFG_SPACE_SIZE = 0x100;
export const PCI_STD_HEADER_SIZEOF = 0x40;

const decoders: Record<number, CapDecoder> = {
  [PCI_CAP_ID.PM]: pmCapDecoder,
  [PCI_CAP_ID.MSI]: msiCapDecoder,
  [PCI_CAP_ID.VNDR]: vendorCapDecoder,
  [PCI_CAP_ID.EXP]: pcieCapDecoder,
  [PCI_CAP_ID.MSIX]: msixCapDecoder,
};

/** The decoder used for a capability ID (unknown IDs: the two-byte header only). */
export function pciCapDecoderFor(id: number): CapDecoder {
  return decoders[id] ?? rawCapDecoder;
}

export interface CapWalkOptions {
  readonly vendorCaps?: DecodeOptions['vendorCaps'];
  readonly vendorId: number;
  readonly deviceId: number;
}

/**
 * Walk the list whose head pointer is the byte at `ptrOffset`. The caller has checked
 * Status bit 4 and that `ptrOffset` is known.
 */
export function walkCapabilities(st: DecodeState, ptrOffset: number, opts: CapWalkOptions): Capability[] {
  const caps: Capability[] = [];
  const visited = new Set<number>();
  const bytes = st.bytes;
  let from = ptrOffset; // where the pointer being followed is stored
  let raw = bytes[ptrOffset];
  const limit = Math.min(st.length, PCI_CFG_SPACE_SIZE);
  for (;;) {
    const pos = raw & ~3;
    if (pos === 0) break;
    if (raw !== pos) st.report('CAP_PTR_UNALIGNED', from, `capability pointer ${hex(raw, 2)} has reserved low bits set; using ${hex(pos, 2)}`);
    if (pos < PCI_STD_HEADER_SIZEOF) {
      st.report('CAP_PTR_IN_HEADER', from, `capability pointer ${hex(pos, 2)} points into the standard header; not followed`);
      break;
    }
    if (visited.has(pos)) {
      st.report('CAP_LOOP', from, `capability pointer ${hex(pos, 2)} leads back to a visited capability; walk stopped`);
      break;
    }
    if (pos + 2 > st.length) {
      st.report('CAP_PTR_OUT_OF_RANGE', from, `capability pointer ${hex(pos, 2)} points past the ${st.length} known bytes`);
      st.truncated(`capability at ${hex(pos, 2)}`);
      break;
    }
    visited.add(pos);
    const id = bytes[pos];
    const next = bytes[pos + 1];
    if (id === 0xff) {
      st.report('CAP_ID_FF', pos, `capability at ${hex(pos, 2)} has ID 0xff (a failed read); walk stopped`);
      break;
    }
    caps.push(decodeCapability(st, pos, limit, opts));
    from = pos + 1;
    raw = next;
  }
  return caps;
}

function decodeCapability(st: DecodeState, pos: number, limit: number, opts: CapWalkOptions): Capability {
  const id = st.bytes[pos];
  const name = pciCapName(id);
  const dec = pciCapDecoderFor(id);
  const ctx: CapDecodeContext = { bytes: st.bytes, pos, limit, diagnostics: st.diagnostics };
  const parts = dec.layout(ctx);
  const label = `${name}@${hex(pos, 2)}`;
  // Vendor hook regions go first so annotation prefers the vendor's field names.
  const regionIndex = st.regions.length;
  const placed = st.placeParts(parts, pos, limit, label);
  if (placed.cut) {
    const byImage = st.length < PCI_CFG_SPACE_SIZE;
    st.report(
      'CAP_TRUNCATED',
      pos,
      `${name} capability at ${hex(pos, 2)} runs past ${byImage ? `the ${st.length} known bytes` : 'the end of conventional config space (0x100)'}; decoded as far as it goes`,
    );
    if (byImage) st.truncated(`${name} capability at ${hex(pos, 2)}`);
  }
  const info = dec.info ? dec.info(placed.fields as Record<string, any>, ctx) : {};
  let vendor: VendorCapability | undefined;
  if (id === PCI_CAP_ID.VNDR && opts.vendorCaps) {
    for (const hook of opts.vendorCaps) {
      const r = hook({ bytes: st.bytes, length: st.length, pos, vendorId: opts.vendorId, deviceId: opts.deviceId });
      if (r) {
        vendor = r;
        st.regions.splice(regionIndex, 0, ...r.regions);
        st.diagnostics.push(...r.diagnostics);
        break;
      }
    }
  }
  // Two literals rather than a spread of the first: spreading a fresh object per capability
  // was a tenth of the decode time.
  const next = st.bytes[pos + 1];
  // `id` picked the decoder, so fields and info are that ID's member of the union.
  if (vendor) return { pos, id, name, next, length: placed.length, fields: placed.fields, info, vendor } as Capability;
  return { pos, id, name, next, length: placed.length, fields: placed.fields, info } as Capability;
}
