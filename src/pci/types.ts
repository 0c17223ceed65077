// The shape of a decoded configuration space. Shared by the PCI decoder (which fills it),
// the virtio layer (which reads BARs and vendor capabilities from it) and the CLI.
import type { Diagnostic } from '../bytes/diagnostic.js';
import type { Region } from '../layout/annotate.js';
import type { Struct } from '../layout/struct.js';
import type { PciExpInfo } from './caps/pcie.js';
import type { pci_cap_header } from './caps/header.gen.js';
import type { PciMsiFields, PciMsiInfo } from './caps/msi.js';
import type { pci_msix_cap } from './caps/msix.gen.js';
import type { PciMsixInfo } from './caps/msix.js';
import type { pci_exp_cap } from './caps/pcie.gen.js';
import type { pci_pm_cap } from './caps/pm.gen.js';
import type { PciPmInfo } from './caps/pm.js';
import type { PciVendorCapFields } from './caps/vendor.js';
import type { pci_aer_cap } from './ecaps/aer.gen.js';
import type { PciAerInfo } from './ecaps/aer.js';
import type { pci_ext_cap_header } from './ecaps/common.gen.js';
import type { PciRebarFields, PciRebarInfo } from './ecaps/rebar.js';
import type { PciAcsFields, PciAcsInfo } from './ecaps/acs.js';
import type { pci_ari_cap } from './ecaps/ari.gen.js';
import type { PciAriInfo } from './ecaps/ari.js';
import type { pci_ats_cap } from './ecaps/ats.gen.js';
import type { PciAtsInfo } from './ecaps/ats.js';
import type { pci_dsn_cap } from './ecaps/dsn.gen.js';
import type { PciDsnInfo } from './ecaps/dsn.js';
import type { pci_l1ss_cap } from './ecaps/l1ss.gen.js';
import type { PciL1ssInfo } from './ecaps/l1ss.js';
import type { pci_ltr_cap } from './ecaps/ltr.gen.js';
import type { PciLtrInfo } from './ecaps/ltr.js';
import type { pci_sriov_cap } from './ecaps/sriov.gen.js';
import type { PciSriovInfo } from './ecaps/sriov.js';
import type { PciDvsecFields, PciDvsecInfo, PciVsecFields, PciVsecInfo } from './ecaps/vsec.js';
import type { pci_common_header, pci_header_cardbus, pci_header_type0, pci_header_type1 } from './header.gen.js';

export type BarKind = 'io' | 'mem32' | 'mem1m' | 'mem64';

export interface Bar {
  /** BAR number 0..5 (a 64-bit BAR appears once, at its lower index). */
  readonly index: number;
  /** Offset of the BAR register in config space (0x10 + 4·index). */
  readonly offset: number;
  readonly kind: BarKind;
  readonly prefetchable: boolean;
  /** Base address with the flag bits masked off. */
  readonly address: bigint;
  /** Size in bytes; null when unknown (always, from a dump: sizes are not in config space). */
  readonly size: bigint | null;
  /** The raw register (and the upper half for 64-bit BARs). */
  readonly raw: number;
  readonly rawUpper: number | null;
}

export interface ExpansionRom {
  readonly offset: number;
  readonly address: bigint;
  readonly enabled: boolean;
  readonly raw: number;
}

/** 0, 1, …, N-1 as a union of literals (for the IDs no decoder of ours claims). */
type Below<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc[number] : Below<N, [...Acc, Acc['length']]>;

/**
 * What a structure decoded from a capability the package has no decoder for holds beyond its
 * header: nothing. Every other name reads as undefined, so in a union with the typed members
 * (which `id` cannot narrow away when the ID is any u16) a field still reads with its own type.
 */
export type NothingMore = { readonly [name: string]: undefined };

/** A decoded standard capability of one ID: `fields` are its registers, `info` what is derived from them. */
export interface PciCapabilityOf<Id extends number, F, I> {
  /** Offset of the capability in config space. */
  readonly pos: number;
  readonly id: Id;
  readonly name: string;
  /** The next pointer as stored (before masking). */
  readonly next: number;
  /** Bytes claimed by the decoder (for annotation and unclaimed-range accounting). */
  readonly length: number;
  /**
   * Decoded registers by spec name; a register beyond the known bytes is absent. This is the
   * very object `encodeConfigSpace` writes back: edit a register here to change it.
   */
  readonly fields: F;
  /** Values derived from the registers (bit fields, names, sizes): a read-only view, not encoded. */
  readonly info: I;
  /** Extra decoding contributed by a vendor-capability hook (e.g. virtio): vendor-specific capabilities only. */
  readonly vendor?: undefined;
}

export type PciPmCapability = PciCapabilityOf<0x01, Partial<pci_pm_cap>, PciPmInfo>;
export type PciMsiCapability = PciCapabilityOf<0x05, PciMsiFields, PciMsiInfo>;
export interface PciVendorCapability extends Omit<PciCapabilityOf<0x09, PciVendorCapFields, NothingMore>, 'vendor'> {
  readonly vendor?: VendorCapability;
}
export type PciExpCapability = PciCapabilityOf<0x10, Partial<pci_exp_cap>, PciExpInfo>;
export type PciMsixCapability = PciCapabilityOf<0x11, Partial<pci_msix_cap>, PciMsixInfo>;
/** Any other ID: the two-byte header is all that is decoded. */
export type PciOtherCapability = PciCapabilityOf<Exclude<Below<256>, 0x01 | 0x05 | 0x09 | 0x10 | 0x11>, Partial<pci_cap_header>, NothingMore>;

/** A decoded standard capability (list at 0x34) in walk order; `id` tells which. */
export type Capability = PciPmCapability | PciMsiCapability | PciVendorCapability | PciExpCapability | PciMsixCapability | PciOtherCapability;

/** The member of `Capability` for an ID (`PciOtherCapability` for IDs without a decoder of their own). */
export type CapabilityWithId<Id extends number> = [Extract<Capability, { readonly id: Id }>] extends [never] ? PciOtherCapability : Extract<Capability, { readonly id: Id }>;

/** A decoded extended capability of one ID. */
export interface PciExtCapabilityOf<Id extends number, F, I> {
  readonly pos: number;
  readonly id: Id;
  readonly version: number;
  readonly name: string;
  readonly next: number;
  readonly length: number;
  /** Registers by spec name (absent beyond the known bytes); edited values take effect in `encodeConfigSpace`. */
  readonly fields: F;
  /** Derived values (bit fields, names): not encoded. */
  readonly info: I;
}

export type PciAerExtCapability = PciExtCapabilityOf<0x0001, Partial<pci_aer_cap>, PciAerInfo>;
export type PciDsnExtCapability = PciExtCapabilityOf<0x0003, Partial<pci_dsn_cap>, PciDsnInfo>;
export type PciVsecExtCapability = PciExtCapabilityOf<0x000b, PciVsecFields, PciVsecInfo>;
export type PciAcsExtCapability = PciExtCapabilityOf<0x000d, PciAcsFields, PciAcsInfo>;
export type PciAriExtCapability = PciExtCapabilityOf<0x000e, Partial<pci_ari_cap>, PciAriInfo>;
export type PciAtsExtCapability = PciExtCapabilityOf<0x000f, Partial<pci_ats_cap>, PciAtsInfo>;
export type PciSriovExtCapability = PciExtCapabilityOf<0x0010, Partial<pci_sriov_cap>, PciSriovInfo>;
export type PciRebarExtCapability = PciExtCapabilityOf<0x0015, PciRebarFields, PciRebarInfo>;
export type PciLtrExtCapability = PciExtCapabilityOf<0x0018, Partial<pci_ltr_cap>, PciLtrInfo>;
export type PciL1ssExtCapability = PciExtCapabilityOf<0x001e, Partial<pci_l1ss_cap>, PciL1ssInfo>;
export type PciDvsecExtCapability = PciExtCapabilityOf<0x0023, PciDvsecFields, PciDvsecInfo>;
/**
 * Any other ID: the header register is all that is decoded. Its `id` is `number` (the IDs are
 * 16 bits), so `c.id === 0x0001` leaves this member beside AER's; its `NothingMore` fields and
 * `info` keep the AER reads typed.
 */
export type PciOtherExtCapability = PciExtCapabilityOf<number, Partial<pci_ext_cap_header> & NothingMore, NothingMore>;

/** The member of `ExtendedCapability` for an ID (`PciOtherExtCapability` for IDs without a decoder of their own). */
export type ExtendedCapabilityWithId<Id extends number> = [Extract<ExtendedCapability, { readonly id: Id }>] extends [never]
  ? PciOtherExtCapability
  : Extract<ExtendedCapability, { readonly id: Id }>;

/** A decoded extended capability (list at 0x100); `id` tells which. */
export type ExtendedCapability =
  | PciAerExtCapability
  | PciDsnExtCapability
  | PciVsecExtCapability
  | PciAcsExtCapability
  | PciAriExtCapability
  | PciAtsExtCapability
  | PciSriovExtCapability
  | PciRebarExtCapability
  | PciLtrExtCapability
  | PciL1ssExtCapability
  | PciDvsecExtCapability
  | PciOtherExtCapability;

/** What a vendor-specific capability hook returns for a capability it recognises. */
export interface VendorCapability {
  /** Who decoded it, e.g. `virtio`. */
  readonly kind: string;
  /** A short name, e.g. `virtio notify`. */
  readonly name: string;
  readonly fields: Record<string, unknown>;
  readonly length: number;
  readonly regions: readonly Region[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Optional: write `fields` back into `out` (the whole image, capability at its `pos`), so
   * edits of vendor fields take effect in `encodeConfigSpace`. Called after the generic
   * vendor capability bytes have been written.
   */
  readonly encode?: (out: Uint8Array) => void;
}

/** Context handed to vendor-capability hooks. */
export interface VendorCapContext {
  readonly bytes: Uint8Array;
  /** Bytes of the image that are known. */
  readonly length: number;
  readonly pos: number;
  readonly vendorId: number;
  readonly deviceId: number;
}

/** Returns null when the capability is not one the hook knows. */
export type VendorCapDecoder = (ctx: VendorCapContext) => VendorCapability | null;

export interface DecodeOptions {
  /** Bytes of `bytes` that are real (64, 256, 4096, or any count a dump gave). Default: bytes.length. */
  readonly length?: number | undefined;
  /** Hooks for vendor-specific capabilities (ID 0x09), tried in order. */
  readonly vendorCaps?: readonly VendorCapDecoder[] | undefined;
  /** BAR sizes known from elsewhere (probing, QEMU `info pci`), by BAR index. */
  readonly barSizes?: ReadonlyMap<number, bigint> | Readonly<Record<number, bigint>> | undefined;
  /**
   * Walk the extended capabilities even where Linux gives the function only 256 bytes of
   * config space (no PCI Express capability, or an aliased or all-ones 0x100): what the bytes
   * would say if they were config space. Default false: reported as EXT_CFG_NOT_CONFIG_SPACE.
   */
  readonly forceExtendedCapabilities?: boolean | undefined;
  /**
   * 1 where a byte below `length` is known (a dump with holes); default every one. Facts drawn
   * from the header type byte (0x0e), the class code (0x09-0x0b) and the Status register are not
   * read from a hole: they are null, or not decoded (see `headerType`). Other fields over holes
   * read whatever `bytes` holds there.
   */
  readonly known?: Uint8Array | null | undefined;
  /**
   * The header layout to decode when byte 0x0e is not known (a hole, or an image shorter than
   * 15 bytes): the caller's word, e.g. 0 for a virtio function. Default: none, so only the
   * common 16 bytes are decoded and `headerType` is null.
   */
  readonly assumeHeaderType?: 0 | 1 | 2 | undefined;
}

/**
 * One structure placed in the image: what `encodeConfigSpace` writes back. `value` is the same
 * object the decoded view exposes (header, capability `fields`, entries), so edits take effect.
 */
export interface PciPlacedStruct {
  readonly struct: Struct<any>;
  /** Absolute offset of the structure. */
  readonly offset: number;
  /** Absolute end of the bytes that were decoded (fields past it were not available). */
  readonly end: number;
  readonly value: Record<string, unknown>;
}

/** Header fields: a type 0, type 1 or CardBus header (fields beyond the known length absent). */
export type PciHeaderFields = Partial<pci_header_type0> | Partial<pci_header_type1> | Partial<pci_header_cardbus> | Partial<pci_common_header>;

interface ConfigSpaceOf<Layout extends number | null, H> {
  /** The image (copied; 256 or 4096 bytes, or the input length). */
  readonly bytes: Uint8Array;
  /** Bytes that are known. Fields beyond it are "not available". */
  readonly length: number;
  /** 1 where a byte below `length` is known, as given in `DecodeOptions.known`; null when every one is. */
  readonly known: Uint8Array | null;
  /**
   * 0 normal, 1 bridge, 2 CardBus (bits 0–6 of 0x0e); null when that byte is not known and no
   * `assumeHeaderType` was given (only the common 16 bytes are decoded then).
   */
  readonly headerType: Layout;
  /** Bit 7 of 0x0e; null when that byte is not known. */
  readonly multiFunction: boolean | null;
  /** Header fields by spec name for `headerType`; fields beyond `length` absent. Editable. */
  readonly header: H;
  /** 24-bit class code (base_class << 16 | subclass << 8 | prog_if); null unless all three bytes are known. */
  readonly classCode: number | null;
  readonly bars: readonly Bar[];
  readonly rom: ExpansionRom | null;
  readonly capabilities: readonly Capability[];
  readonly extendedCapabilities: readonly ExtendedCapability[];
  /** Every placed structure, for annotation. */
  readonly regions: readonly Region[];
  /** Known bytes that no structure claims. */
  readonly unclaimed: ReadonlyArray<{ offset: number; length: number }>;
  readonly diagnostics: readonly Diagnostic[];
  /** Every decoded structure with its value, in placement order: what encode writes back. */
  readonly layout: readonly PciPlacedStruct[];
}

export type ConfigSpaceType0 = ConfigSpaceOf<0, Partial<pci_header_type0>>;
export type ConfigSpaceType1 = ConfigSpaceOf<1, Partial<pci_header_type1>>;
export type ConfigSpaceCardbus = ConfigSpaceOf<2, Partial<pci_header_cardbus>>;
/** A header layout the spec does not define (3..127): only the common 16 bytes are decoded. */
export type ConfigSpaceOtherLayout = ConfigSpaceOf<Exclude<Below<128>, 0 | 1 | 2>, Partial<pci_common_header>>;
/** Byte 0x0e not known and no layout assumed: only the common 16 bytes are decoded. */
export type ConfigSpaceUnknownLayout = ConfigSpaceOf<null, Partial<pci_common_header>>;

/** A decoded configuration space; `headerType` tells which header `header` holds. */
export type ConfigSpace = ConfigSpaceType0 | ConfigSpaceType1 | ConfigSpaceCardbus | ConfigSpaceOtherLayout | ConfigSpaceUnknownLayout;
