// The extended capability list, from 0x100 (PCIe / PCI-X 2.0 config space). A header of 0 or
// 0xffffffff ends it (nothing there, or a failed read); next pointers are masked with ~3, must
// stay within 0x100..0xffc and must not revisit a capability. A capability never claims bytes
// at or beyond the next one when the next one lies after it (AER's root registers exist in
// root ports only, so an endpoint's next capability may follow at +0x2c or +0x38).
import { hex } from '../bytes/hex.js';
import { readU32 } from '../bytes/window.js';
import { pciExtCapName, PCI_EXT_CAP_ID } from './cap-ids.js';
import type { CapDecodeContext, CapDecoder } from './caps/common.js';
import { aerExtCapDecoder } from './ecaps/aer.js';
import { rawExtCapDecoder } from './ecaps/common.js';
import { rebarExtCapDecoder } from './ecaps/rebar.js';
import { acsExtCapDecoder } from './ecaps/acs.js';
import { ariExtCapDecoder } from './ecaps/ari.js';
import { atsExtCapDecoder } from './ecaps/ats.js';
import { dsnExtCapDecoder } from './ecaps/dsn.js';
import { l1ssExtCapDecoder } from './ecaps/l1ss.js';
import { ltrExtCapDecoder } from './ecaps/ltr.js';
import { sriovExtCapDecoder } from './ecaps/sriov.js';
import { dvsecExtCapDecoder, vsecExtCapDecoder } from './ecaps/vsec.js';
import type { DecodeState } from './place.js';
import type { ExtendedCapability } from './types.js';

export const PCI_CFG_SPACE_EXP_SIZE = 0x1000;
export const PCI_EXT_CAP_START = 0x100;

const decoders: Record<number, CapDecoder> = {
  [PCI_EXT_CAP_ID.ERR]: aerExtCapDecoder,
  [PCI_EXT_CAP_ID.DSN]: dsnExtCapDecoder,
  [PCI_EXT_CAP_ID.VNDR]: vsecExtCapDecoder,
  [PCI_EXT_CAP_ID.ACS]: acsExtCapDecoder,
  [PCI_EXT_CAP_ID.ARI]: ariExtCapDecoder,
  [PCI_EXT_CAP_ID.ATS]: atsExtCapDecoder,
  [PCI_EXT_CAP_ID.SRIOV]: sriovExtCapDecoder,
  [PCI_EXT_CAP_ID.REBAR]: rebarExtCapDecoder,
  [PCI_EXT_CAP_ID.LTR]: ltrExtCapDecoder,
  [PCI_EXT_CAP_ID.L1SS]: l1ssExtCapDecoder,
  [PCI_EXT_CAP_ID.DVSEC]: dvsecExtCapDecoder,
};

/** The decoder used for an extended capability ID (unknown IDs: the 4-byte header only). */
export function pciExtCapDecoderFor(id: number): CapDecoder {
  return decoders[id] ?? rawExtCapDecoder;
}

/** Walk the extended capabilities of an image with more than 256 known bytes. */
export function walkExtendedCapabilities(st: DecodeState): ExtendedCapability[] {
  const out: ExtendedCapability[] = [];
  const visited = new Set<number>();
  const end = Math.min(st.length, PCI_CFG_SPACE_EXP_SIZE);
  let pos = PCI_EXT_CAP_START;
  let from: number | null = null; // offset of the header holding the pointer to `pos`
  for (;;) {
    if (pos + 4 > end) {
      st.report('EXTCAP_TRUNCATED', from ?? pos, `extended capability header at ${hex(pos, 3)} is past the ${st.length} known bytes`);
      st.truncated(`extended capability at ${hex(pos, 3)}`);
      break;
    }
    const header = readU32(st.bytes, pos);
    if (header === 0 || header === 0xffffffff) break;
    visited.add(pos);
    const id = header & 0xffff;
    const version = (header >>> 16) & 0xf;
    const nextRaw = header >>> 20;
    const next = nextRaw & ~3;
    out.push(decodeExtCap(st, pos, id, version, nextRaw, next > pos ? Math.min(end, next) : end));
    if (next === 0) break;
    if (next < PCI_EXT_CAP_START) {
      st.report('EXTCAP_PTR_INVALID', pos, `extended capability at ${hex(pos, 3)} points to ${hex(next, 3)}, below 0x100`);
      break;
    }
    if (visited.has(next)) {
      st.report('EXTCAP_LOOP', pos, `extended capability at ${hex(pos, 3)} points back to ${hex(next, 3)}; walk stopped`);
      break;
    }
    from = pos;
    pos = next;
  }
  return out;
}

function decodeExtCap(st: DecodeState, pos: number, id: number, version: number, next: number, limit: number): ExtendedCapability {
  const name = pciExtCapName(id);
  const dec = pciExtCapDecoderFor(id);
  const ctx: CapDecodeContext = { bytes: st.bytes, pos, limit, diagnostics: st.diagnostics };
  const placed = st.placeParts(dec.layout(ctx), pos, limit, `${name}@${hex(pos, 3)}`);
  // Cut short by the image or by 4096, not by the next capability: that is a real loss.
  const hardEnd = Math.min(st.length, PCI_CFG_SPACE_EXP_SIZE);
  if (placed.cut && limit === hardEnd) {
    const byImage = st.length < PCI_CFG_SPACE_EXP_SIZE;
    st.report('EXTCAP_TRUNCATED', pos, `${name} at ${hex(pos, 3)} runs past ${byImage ? `the ${st.length} known bytes` : 'the end of config space (0x1000)'}; decoded as far as it goes`);
    if (byImage) st.truncated(`${name} at ${hex(pos, 3)}`);
  }
  const info = dec.info ? dec.info(placed.fields as Record<string, any>, ctx) : {};
  // `id` picked the decoder, so fields and info are that ID's member of the union.
  return { pos, id, version, name, next, length: placed.length, fields: placed.fields, info } as ExtendedCapability;
}
