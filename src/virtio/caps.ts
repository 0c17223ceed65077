// The virtio vendor-specific PCI capabilities (virtio spec 4.1.4 "Virtio Structure PCI
// Capabilities"). One field table per C struct; the decoder picks the table from cfg_type and
// never reads a field past cap_len without saying so.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { hex } from '../bytes/hex.js';
import { region, type Region } from '../layout/annotate.js';
import { bytes, reserved, struct, u16, u32, u8, type FieldInfo, type Struct } from '../layout/struct.js';
import { vdiag } from './diag.js';
import { copyBytes, NO_BYTES } from '../bytes/slab.js';
import * as gen from './caps.gen.js';

/** cfg_type values (Linux VIRTIO_PCI_CAP_*). */
export const VIRTIO_PCI_CAP_COMMON_CFG = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG = 2;
export const VIRTIO_PCI_CAP_ISR_CFG = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG = 4;
export const VIRTIO_PCI_CAP_PCI_CFG = 5;
export const VIRTIO_PCI_CAP_SHARED_MEMORY_CFG = 8;
export const VIRTIO_PCI_CAP_VENDOR_CFG = 9;

/** Byte offsets inside a virtio capability (Linux VIRTIO_PCI_CAP_*_OFFSET style). */
export const VIRTIO_PCI_CAP_VNDR = 0;
export const VIRTIO_PCI_CAP_NEXT = 1;
export const VIRTIO_PCI_CAP_LEN = 2;
export const VIRTIO_PCI_CAP_CFG_TYPE = 3;
export const VIRTIO_PCI_CAP_BAR = 4;
export const VIRTIO_PCI_CAP_ID = 5;
export const VIRTIO_PCI_CAP_OFFSET = 8;
export const VIRTIO_PCI_CAP_LENGTH = 12;
/** The multiplier is at cap+16, whatever cap_len says (a bug peers made: reading it at cap+cap_len). */
export const VIRTIO_PCI_NOTIFY_CAP_MULT = 16;

/** Short names of cfg_types, used in labels, lookup results and JSON. */
export type VirtioCfgTypeName = 'common' | 'notify' | 'isr' | 'device' | 'pci_cfg' | 'shared_memory' | 'vendor' | 'reserved';

export const VIRTIO_CFG_TYPES: Readonly<Record<number, { readonly name: VirtioCfgTypeName; readonly constant: string; readonly title: string }>> = {
  1: { name: 'common', constant: 'VIRTIO_PCI_CAP_COMMON_CFG', title: 'Common configuration' },
  2: { name: 'notify', constant: 'VIRTIO_PCI_CAP_NOTIFY_CFG', title: 'Notifications' },
  3: { name: 'isr', constant: 'VIRTIO_PCI_CAP_ISR_CFG', title: 'ISR status' },
  4: { name: 'device', constant: 'VIRTIO_PCI_CAP_DEVICE_CFG', title: 'Device-specific configuration' },
  5: { name: 'pci_cfg', constant: 'VIRTIO_PCI_CAP_PCI_CFG', title: 'PCI configuration access' },
  8: { name: 'shared_memory', constant: 'VIRTIO_PCI_CAP_SHARED_MEMORY_CFG', title: 'Shared memory region' },
  9: { name: 'vendor', constant: 'VIRTIO_PCI_CAP_VENDOR_CFG', title: 'Vendor data' },
};

/** Name of a cfg_type: 'reserved' for 6, 7, 0 and anything above 9. */
export function virtioCfgTypeName(cfgType: number): VirtioCfgTypeName {
  return VIRTIO_CFG_TYPES[cfgType]?.name ?? 'reserved';
}

/** Human title of a cfg_type ("Notifications", or "reserved (6)"). */
export function virtioCfgTypeTitle(cfgType: number): string {
  return VIRTIO_CFG_TYPES[cfgType]?.title ?? `reserved (${cfgType})`;
}

// The shared header, declared once and spread into each structure.
const capHeader = {
  cap_vndr: u8(0, 'ro', { doc: 'Generic PCI field: PCI_CAP_ID_VNDR (0x09)' }),
  cap_next: u8(1, 'ro', { doc: 'Generic PCI field: next capability pointer' }),
  cap_len: u8(2, 'ro', { doc: 'Length of this capability structure, including any extra data' }),
  cfg_type: u8(3, 'ro', { doc: 'Identifies the structure (VIRTIO_PCI_CAP_*)' }),
};

const capBody = {
  ...capHeader,
  bar: u8(4, 'ro', { doc: 'Which BAR holds the structure (0–5; other values reserved)' }),
  id: u8(5, 'ro', { doc: 'Distinguishes several capabilities of one type (shared memory)' }),
  padding: reserved(6, 2),
  offset: u32(8, 'ro', { doc: 'Offset of the structure within the BAR' }),
  length: u32(12, 'ro', { doc: 'Length of the structure in bytes' }),
};

/** struct virtio_pci_cap (16 bytes): common, ISR, device config. */
export const virtioPciCap = struct('virtio_pci_cap', capBody, gen.virtio_pci_cap);

/** struct virtio_pci_notify_cap (20 bytes). */
export const virtioPciNotifyCap = struct('virtio_pci_notify_cap', {
  ...capBody,
  notify_off_multiplier: u32(16, 'ro', { doc: 'Multiplier for queue_notify_off' }),
}, gen.virtio_pci_notify_cap);

/** struct virtio_pci_cfg_cap (20 bytes): bar, offset, length and pci_cfg_data are driver-writable. */
export const virtioPciCfgCap = struct('virtio_pci_cfg_cap', {
  ...capHeader,
  bar: u8(4, 'rw', { doc: 'BAR the access goes to' }),
  id: u8(5, 'ro'),
  padding: reserved(6, 2),
  offset: u32(8, 'rw', { doc: 'Offset within the BAR (a multiple of length)' }),
  length: u32(12, 'rw', { doc: 'Access width: 1, 2 or 4' }),
  pci_cfg_data: bytes(16, 4, 'rw', { doc: 'Data of the access window' }),
}, gen.virtio_pci_cfg_cap);

/** struct virtio_pci_cap64 (24 bytes): shared memory regions with 64-bit offset and length. */
export const virtioPciCap64 = struct('virtio_pci_cap64', {
  ...capBody,
  offset_hi: u32(16, 'ro', { doc: 'Upper 32 bits of the offset' }),
  length_hi: u32(20, 'ro', { doc: 'Upper 32 bits of the length' }),
}, gen.virtio_pci_cap64);

/** struct virtio_pci_vndr_data (cfg_type 9): no bar/offset/length, vendor data follows. */
export const virtioPciVndrData = struct('virtio_pci_vndr_data', {
  ...capHeader,
  vendor_id: u16(4, 'ro', { doc: 'PCI vendor ID of whoever defines the data (never 0x1af4)' }),
}, gen.virtio_pci_vndr_data);

/** Just the 4-byte header: reserved cfg_types, and caps too short to tell their type. */
export const virtioPciCapHeader = struct('virtio_pci_cap_hdr', capHeader, gen.virtio_pci_cap_hdr);

let registerNames: ReadonlySet<string> | undefined;

/**
 * The registers of a virtio capability, every cfg_type's table together: what a summary of
 * the capability gives (the pci_cfg window's data and reserved bytes aside).
 */
export function virtioCapRegisterNames(): ReadonlySet<string> {
  registerNames ??= new Set(
    [virtioPciCap, virtioPciNotifyCap, virtioPciCfgCap, virtioPciCap64, virtioPciVndrData]
      .flatMap((s) => s.fields)
      .filter((f) => f.access !== 'rsvd' && f.name !== 'pci_cfg_data')
      .map((f) => f.name),
  );
  return registerNames;
}

/** The structure that a cfg_type calls for. */
export function virtioCapStruct(cfgType: number): Struct<any> {
  switch (cfgType) {
    case VIRTIO_PCI_CAP_COMMON_CFG:
    case VIRTIO_PCI_CAP_ISR_CFG:
    case VIRTIO_PCI_CAP_DEVICE_CFG:
      return virtioPciCap;
    case VIRTIO_PCI_CAP_NOTIFY_CFG:
      return virtioPciNotifyCap;
    case VIRTIO_PCI_CAP_PCI_CFG:
      return virtioPciCfgCap;
    case VIRTIO_PCI_CAP_SHARED_MEMORY_CFG:
      return virtioPciCap64;
    case VIRTIO_PCI_CAP_VENDOR_CFG:
      return virtioPciVndrData;
    default:
      return virtioPciCapHeader;
  }
}

/** A decoded virtio capability. Fields past cap_len (or past the known image) are absent. */
export interface VirtioCap {
  /** Offset of the capability in config space. */
  readonly pos: number;
  readonly cap_next: number | null;
  readonly cap_len: number | null;
  /** null when cap_len < 4 or the byte is not in the image. */
  readonly cfg_type: number | null;
  readonly typeName: VirtioCfgTypeName;
  /** Name of the structure used to decode it (e.g. `virtio_pci_notify_cap`). */
  readonly struct: string;
  /** Every decoded field by its spec name, as the field table gives them. */
  readonly fields: Record<string, unknown>;
  readonly bar: number | null;
  readonly id: number | null;
  /** Structure offset in the BAR (64-bit for cap64); null when not decodable. */
  readonly offset: bigint | null;
  readonly length: bigint | null;
  /** Only for notify caps; null when it lies past cap_len (see `multiplierPastCapLen`). */
  readonly notify_off_multiplier: number | null;
  /** The multiplier as Linux reads it (cap+16 whatever cap_len says), when those bytes exist. */
  readonly multiplierAtCap16: number | null;
  readonly vendor_id: number | null;
  /** Bytes from the end of the structure to cap_len (extra data, padding, vendor data). */
  readonly extra: Uint8Array;
  /** Bytes inside cap_len of a field that cap_len (or the image end) cuts: kept raw, not decoded. */
  readonly fragment: Uint8Array;
  /** Bytes of the capability that were decoded (min(cap_len, known image)). */
  readonly decodedLength: number;
  readonly missing: readonly string[];
  readonly regions: readonly Region[];
  readonly diagnostics: readonly Diagnostic[];
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/**
 * Decode the virtio capability at `pos`. `known` is how many bytes of `bytes` are real (a short
 * dump). Never throws on data: a short cap_len or a truncated image gives diagnostics.
 */
export function decodeVirtioCap(bytes: Uint8Array, pos: number, known: number = bytes.length): VirtioCap {
  const limit = Math.min(known, bytes.length);
  const diagnostics: Diagnostic[] = [];
  const at = (o: number) => (pos + o < limit ? bytes[pos + o] : null);
  const capLen = at(VIRTIO_PCI_CAP_LEN);
  const rawType = capLen !== null && capLen > VIRTIO_PCI_CAP_CFG_TYPE ? at(VIRTIO_PCI_CAP_CFG_TYPE) : null;
  const s = rawType === null ? virtioPciCapHeader : virtioCapStruct(rawType);
  // The capability ends at cap_len; a cap_len we cannot read leaves only the header.
  const capEnd = pos + (capLen ?? 4);
  const end = Math.min(capEnd, limit);
  const { value, missing } = s.decodePartial(bytes, pos, end);
  const fields = value as Record<string, unknown>;
  const missingNames = missing.map((f: FieldInfo) => f.name);

  if (capLen !== null && capLen < s.size) {
    diagnostics.push(
      vdiag(
        'VIRTIO_CAP_SHORT',
        pos + VIRTIO_PCI_CAP_LEN,
        `virtio cap at ${hex(pos, 2)}: cap_len ${capLen} < ${s.size} for ${s.name}; not decoded: ${missingNames.join(', ') || '(cfg_type)'}`,
      ),
    );
  }
  if (capEnd > limit) {
    diagnostics.push(
      vdiag('VIRTIO_CAP_TRUNCATED', limit, `virtio cap at ${hex(pos, 2)} runs past the ${limit} known bytes of the image`),
    );
  }
  if (rawType !== null && !VIRTIO_CFG_TYPES[rawType]) {
    diagnostics.push(vdiag('VIRTIO_CAP_CFG_TYPE_RESERVED', pos + VIRTIO_PCI_CAP_CFG_TYPE, `virtio cap at ${hex(pos, 2)}: reserved cfg_type ${rawType}, ignored`));
  }

  // Named reads of the fields (a keyed read by a name variable is a slow generic lookup).
  const f = fields as { cap_next?: unknown; bar?: unknown; id?: unknown; offset?: unknown; length?: unknown; offset_hi?: unknown; length_hi?: unknown; notify_off_multiplier?: unknown; vendor_id?: unknown };
  const fOffset = num(f.offset);
  const fLength = num(f.length);
  let offset: bigint | null = fOffset === null ? null : BigInt(fOffset);
  let length: bigint | null = fLength === null ? null : BigInt(fLength);
  if (s === virtioPciCap64) {
    const hiO = num(f.offset_hi);
    const hiL = num(f.length_hi);
    offset = offset === null || hiO === null ? null : offset | (BigInt(hiO) << 32n);
    length = length === null || hiL === null ? null : length | (BigInt(hiL) << 32n);
    if (capLen !== null && capLen !== virtioPciCap64.size) {
      diagnostics.push(vdiag('VIRTIO_SHM_CAP_LEN', pos + VIRTIO_PCI_CAP_LEN, `shared-memory cap at ${hex(pos, 2)} has cap_len ${capLen}, not ${virtioPciCap64.size} (Linux skips it)`));
    }
  }
  if (s === virtioPciVndrData) {
    // bar/offset/length do not exist in this structure.
    offset = null;
    length = null;
    if (capLen !== null && capLen % 4 !== 0) {
      diagnostics.push(vdiag('VIRTIO_VENDOR_DATA_LEN', pos + VIRTIO_PCI_CAP_LEN, `vendor-data cap at ${hex(pos, 2)}: cap_len ${capLen} is not a multiple of 4`));
    }
    if (num(f.vendor_id) === 0x1af4) {
      diagnostics.push(vdiag('VIRTIO_VENDOR_DATA_VENDOR_ID', pos + 4, `vendor-data cap at ${hex(pos, 2)} carries vendor_id 0x1af4, which the spec forbids`));
    }
  }
  const isNotify = s === virtioPciNotifyCap;
  const m16 = pos + VIRTIO_PCI_NOTIFY_CAP_MULT + 4 <= limit;
  const multiplierAtCap16 = isNotify && m16
    ? (bytes[pos + 16] | (bytes[pos + 17] << 8) | (bytes[pos + 18] << 16) | (bytes[pos + 19] << 24)) >>> 0
    : null;

  const extraStart = pos + s.size;
  const extra = end > extraStart ? copyBytes(bytes, extraStart, end) : NO_BYTES;
  // A field cut by cap_len or by the end of the image: its bytes are kept, not interpreted.
  // Every byte of a structure belongs to one field: with none missing, all of it is covered.
  const covered = missing.length === 0 ? s.size : s.fields.reduce((m: number, fi: FieldInfo) => (fi.name in fields ? Math.max(m, fi.offset + fi.size) : m), 0);
  const fragmentEnd = Math.min(end, extraStart);
  const fragment = fragmentEnd > pos + covered ? copyBytes(bytes, pos + covered, fragmentEnd) : NO_BYTES;
  const label = `virtio ${rawType === null ? 'cap' : virtioCfgTypeName(rawType)}@${hex(pos, 2)}`;
  const regions: Region[] = [region(s, pos, label, Math.max(0, Math.min(end - pos, s.size)))];
  if (extra.length > 0) regions.push(region(extraStruct(extra.length), extraStart, `${label} extra data`));

  return {
    pos,
    cap_next: num(f.cap_next),
    cap_len: capLen,
    cfg_type: rawType,
    typeName: rawType === null ? 'reserved' : virtioCfgTypeName(rawType),
    struct: s.name,
    fields,
    bar: s === virtioPciVndrData ? null : num(f.bar),
    id: s === virtioPciVndrData ? null : num(f.id),
    offset,
    length,
    notify_off_multiplier: isNotify ? num(f.notify_off_multiplier) : null,
    multiplierAtCap16,
    vendor_id: num(f.vendor_id),
    extra,
    fragment,
    decodedLength: Math.max(0, end - pos),
    missing: missingNames,
    regions,
    diagnostics,
  };
}

const extraStructs = new Map<number, Struct<any>>();
/** A one-field structure claiming the bytes after a capability's structure, for annotation. */
function extraStruct(n: number): Struct<any> {
  let s = extraStructs.get(n);
  if (!s) {
    s = struct('virtio_cap_extra', { data: bytes(0, n, 'ro', { doc: 'Extra data or padding inside cap_len' }) });
    extraStructs.set(n, s);
  }
  return s;
}

/**
 * Write a decoded capability back: every decoded field, then the extra bytes. Byte-exact for
 * the `decodedLength` bytes at `cap.pos` when `cap` came from `decodeVirtioCap`.
 */
export function encodeVirtioCap(cap: VirtioCap, out: Uint8Array): Uint8Array {
  const s = cap.cfg_type === null ? virtioPciCapHeader : virtioCapStruct(cap.cfg_type);
  const end = cap.pos + cap.decodedLength;
  s.encodePartial(cap.fields as never, out, cap.pos, end);
  if (cap.fragment.length > 0) out.set(cap.fragment, end - cap.fragment.length - cap.extra.length);
  if (cap.extra.length > 0) out.set(cap.extra, cap.pos + s.size);
  return out;
}

/** Input for building a capability from scratch (tests, the device model). */
export interface VirtioCapInit {
  readonly cfg_type: number;
  readonly cap_next?: number;
  /** Defaults to the structure size plus `extra`. */
  readonly cap_len?: number;
  readonly bar?: number;
  readonly id?: number;
  readonly offset?: bigint | number;
  readonly length?: bigint | number;
  readonly notify_off_multiplier?: number;
  readonly vendor_id?: number;
  readonly pci_cfg_data?: Uint8Array;
  readonly extra?: Uint8Array;
}

/** The bytes of a virtio capability (struct + extra), as a device would expose them. */
export function buildVirtioCap(init: VirtioCapInit): Uint8Array {
  const s = virtioCapStruct(init.cfg_type);
  const extra = init.extra ?? new Uint8Array(0);
  const capLen = init.cap_len ?? s.size + extra.length;
  const buf = new Uint8Array(Math.max(capLen, s.size + extra.length));
  const v: Record<string, unknown> = { ...(s.zero() as Record<string, unknown>) };
  v.cap_vndr = 0x09;
  v.cap_next = init.cap_next ?? 0;
  v.cap_len = capLen;
  v.cfg_type = init.cfg_type;
  if (s !== virtioPciCapHeader && s !== virtioPciVndrData) {
    const off = BigInt(init.offset ?? 0);
    const len = BigInt(init.length ?? 0);
    v.bar = init.bar ?? 0;
    v.id = init.id ?? 0;
    v.offset = Number(off & 0xffffffffn);
    v.length = Number(len & 0xffffffffn);
    if (s === virtioPciCap64) {
      v.offset_hi = Number((off >> 32n) & 0xffffffffn);
      v.length_hi = Number((len >> 32n) & 0xffffffffn);
    } else if (off > 0xffffffffn || len > 0xffffffffn) {
      throw new RangeError(`offset/length above 32 bits need cfg_type 8 (virtio_pci_cap64)`);
    }
  }
  if (s === virtioPciNotifyCap) v.notify_off_multiplier = init.notify_off_multiplier ?? 0;
  if (s === virtioPciCfgCap && init.pci_cfg_data) v.pci_cfg_data = init.pci_cfg_data;
  if (s === virtioPciVndrData) v.vendor_id = init.vendor_id ?? 0;
  s.encode(v as never, buf, 0);
  buf.set(extra, s.size);
  return buf.slice(0, Math.max(capLen, s.size + extra.length));
}
