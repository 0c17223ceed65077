// decodeConfigSpace / encodeConfigSpace: the whole image. Decoding keeps a copy of the image;
// encoding writes every decoded structure back over a copy of it, so unknown and unclaimed
// bytes survive and edited register values take effect.
import { hex } from '../bytes/hex.js';
import { unclaimed } from '../layout/annotate.js';
import { decodeBarRegisters, decodeExpansionRom } from './bars.js';
import { PCI_STD_HEADER_SIZEOF, walkCapabilities } from './capabilities.js';
import { walkExtendedCapabilities } from './ext-capabilities.js';
import { extendedConfigVerdict } from './ext-config.js';
import { barCountFor, capPointerOffsetFor, headerStructFor, romOffsetFor } from './header.js';
import { checkMsixPlacement } from './msix-check.js';
import { DecodeState } from './place.js';
import type { Capability, ConfigSpace, DecodeOptions, ExtendedCapability, PciHeaderFields } from './types.js';
import { copyBytes } from '../bytes/slab.js';
import { PCI_HEADER_TYPE_MASK, PCI_HEADER_TYPE_MFD, PCI_STATUS_CAP_LIST } from './header-regs.js';

// The masks a caller needs with the whole image, from the header tables.
export { PCI_HEADER_TYPE_MASK, PCI_HEADER_TYPE_MFD, PCI_STATUS_CAP_LIST };

const EXT_CFG_REASON = {
  'no-pcie': 'no PCI Express capability (nor PCI-X 266/533), so Linux sizes its config space at 256 bytes',
  'all-ones': 'the dword at 0x100 reads 0xffffffff, so Linux sizes its config space at 256 bytes',
  aliased: 'the dword at every 0x100 boundary repeats the vendor and device ID (the first 256 bytes aliased), so Linux sizes its config space at 256 bytes',
} as const;

/**
 * Decode a configuration space image. `opts.length` says how many leading bytes are real
 * (default: all); fields past it are left out and reported, never read from filler.
 * Never throws on data; throws RangeError only for an impossible `opts.length`.
 */
export function decodeConfigSpace(bytes: Uint8Array, opts: DecodeOptions = {}): ConfigSpace {
  return decodeOwnedImage(copyBytes(bytes), opts);
}

/**
 * decodeConfigSpace without the copy, for an image the caller hands over and never changes
 * again (the CLI's freshly read functions): the result's `bytes` is `img` itself. Internal;
 * not exported from the package.
 */
export function decodeOwnedImage(img: Uint8Array, opts: DecodeOptions = {}): ConfigSpace {
  const length = opts.length ?? img.length;
  if (!Number.isInteger(length) || length < 0 || length > img.length) {
    throw new RangeError(`decodeConfigSpace: length ${length} outside 0..${img.length}`);
  }
  const st = new DecodeState(img, length);
  if (length < PCI_STD_HEADER_SIZEOF) {
    st.report('IMAGE_TOO_SHORT', length, `only ${length} bytes known; the standard header needs 64`);
  }

  // A byte is known when it is below `length` and not a hole in `opts.known`.
  const k = opts.known;
  const known = (i: number) => i < length && (!k || k[i] === 1);
  const typeByte = known(0x0e) ? img[0x0e] : null;
  if (typeByte === null && length > 0x0e) {
    st.report('HEADER_TYPE_NOT_KNOWN', 0x0e, opts.assumeHeaderType === undefined ? 'header type byte 0x0e is not known; only the common header is decoded' : `header type byte 0x0e is not known; decoded as type ${opts.assumeHeaderType}, as the caller assumes`);
  }
  const layout = typeByte === null ? (opts.assumeHeaderType ?? null) : typeByte & PCI_HEADER_TYPE_MASK;
  if (layout !== null && layout > 2) {
    st.report('HEADER_TYPE_UNKNOWN', 0x0e, `header type ${hex(layout, 2)} is not 0, 1 or 2; only the common header is decoded`);
  }
  const hs = headerStructFor(layout);
  const header = st.place(hs, 0, hs.size, length, `header (${hs.name})`).value as PciHeaderFields;
  if (hs.size > length) st.truncated(`the ${hs.name} header`);

  const classCode = known(0x09) && known(0x0a) && known(0x0b) ? (img[0x0b] << 16) | (img[0x0a] << 8) | img[0x09] : null;
  const bars = decodeBarRegisters(img, 0x10, barCountFor(layout), { length, sizes: opts.barSizes, diagnostics: st.diagnostics });
  const romOff = romOffsetFor(layout);
  const rom = romOff === null ? null : decodeExpansionRom(img, romOff, length);

  let capabilities: Capability[] = [];
  const ptrOff = capPointerOffsetFor(layout);
  if (ptrOff !== null && ptrOff < length && length >= 0x08) {
    // Status not known: the (known) pointer alone says whether there is a list, never the filler.
    // A pointer in a hole is not followed: the list is unknown (nothing is read from filler).
    const listed = known(ptrOff) && (known(0x06) ? ((img[0x06] | (img[0x07] << 8)) & PCI_STATUS_CAP_LIST) !== 0 : img[ptrOff] !== 0);
    if (listed) {
      capabilities = walkCapabilities(st, ptrOff, {
        // Vendor hooks go by the IDs: with an ID byte unknown no vendor's layout is known to apply.
        vendorCaps: [0, 1, 2, 3].every(known) ? opts.vendorCaps : undefined,
        vendorId: img[0] | (img[1] << 8),
        deviceId: img[2] | (img[3] << 8),
      });
    } else if (known(ptrOff) && known(0x06) && img[ptrOff] !== 0) {
      st.report('CAPS_WITHOUT_STATUS_BIT', ptrOff, `capability pointer is ${hex(img[ptrOff], 2)} but Status bit 4 is clear; list not walked`);
    }
  }

  checkMsixPlacement(st, capabilities, bars, barCountFor(layout));

  let extendedCapabilities: ExtendedCapability[] = [];
  if (length > 0x100) {
    const v = extendedConfigVerdict(img, length, capabilities, classCode);
    if (v.extended || opts.forceExtendedCapabilities) extendedCapabilities = walkExtendedCapabilities(st);
    if (!v.extended) st.report('EXT_CFG_NOT_CONFIG_SPACE', 0x100, `bytes 0x100-${hex(length - 1, 3)} are not config space to the OS: ${EXT_CFG_REASON[v.reason]}`);
  }

  return {
    bytes: img,
    length,
    known: opts.known ?? null,
    headerType: layout,
    multiFunction: typeByte === null ? null : (typeByte & PCI_HEADER_TYPE_MFD) !== 0,
    header,
    classCode,
    bars,
    rom,
    capabilities,
    extendedCapabilities,
    regions: st.regions,
    unclaimed: unclaimed(st.regions, length),
    diagnostics: st.diagnostics,
    layout: st.layout,
  } as ConfigSpace; // `layout` chose the header struct, so header and headerType agree
}

/**
 * The image of a decoded configuration space: the original bytes with every decoded
 * structure written back, so edits of header fields, capability `fields` (and entries) take
 * effect and everything else stays byte-exact. Derived views (`bars`, `rom`, `info`,
 * `classCode`) are not encoded: edit the registers they come from.
 * Where two decoded structures overlap (a malformed list), the later one in `layout` wins.
 */
export function encodeConfigSpace(cs: ConfigSpace): Uint8Array {
  const out = cs.bytes.slice();
  for (const p of cs.layout) p.struct.encodePartial(p.value as never, out, p.offset, p.end);
  for (const c of cs.capabilities) c.vendor?.encode?.(out);
  return out;
}
