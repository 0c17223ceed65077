// The shape of a decoded configuration space. Shared by the PCI decoder (which fills it),
// the virtio layer (which reads BARs and vendor capabilities from it) and the CLI.
import type { Diagnostic } from '../bytes/diagnostic.js';
import type { Region } from '../layout/annotate.js';
import type { Struct } from '../layout/struct.js';
import type { PciCommonHeader, PciHeaderCardbus, PciHeaderType0, PciHeaderType1 } from './header.js';

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

/** A decoded standard capability (list at 0x34) in walk order. */
export interface Capability {
  /** Offset of the capability in config space. */
  readonly pos: number;
  readonly id: number;
  readonly name: string;
  /** The next pointer as stored (before masking). */
  readonly next: number;
  /** Bytes claimed by the decoder (for annotation and unclaimed-range accounting). */
  readonly length: number;
  /**
   * Decoded registers by spec name (numbers, bigints, Uint8Arrays; arrays of entry objects).
   * This is the very object `encodeConfigSpace` writes back: edit a register here to change it.
   */
  readonly fields: Record<string, unknown>;
  /** Values derived from the registers (bit fields, names, sizes): a read-only view, not encoded. */
  readonly info: Record<string, unknown>;
  /** Extra decoding contributed by a vendor-capability hook (e.g. virtio). */
  readonly vendor?: VendorCapability;
}

/** A decoded extended capability (list at 0x100). */
export interface ExtendedCapability {
  readonly pos: number;
  readonly id: number;
  readonly version: number;
  readonly name: string;
  readonly next: number;
  readonly length: number;
  /** Registers by spec name; edited values take effect in `encodeConfigSpace`. */
  readonly fields: Record<string, unknown>;
  /** Derived values (bit fields, names): not encoded. */
  readonly info: Record<string, unknown>;
}

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
  readonly length?: number;
  /** Hooks for vendor-specific capabilities (ID 0x09), tried in order. */
  readonly vendorCaps?: readonly VendorCapDecoder[];
  /** BAR sizes known from elsewhere (probing, QEMU `info pci`), by BAR index. */
  readonly barSizes?: ReadonlyMap<number, bigint> | Readonly<Record<number, bigint>>;
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
export type PciHeaderFields = (
  | Partial<PciHeaderType0>
  | Partial<PciHeaderType1>
  | Partial<PciHeaderCardbus>
  | Partial<PciCommonHeader>
) &
  Record<string, unknown>;

export interface ConfigSpace {
  /** The image (copied; 256 or 4096 bytes, or the input length). */
  readonly bytes: Uint8Array;
  /** Bytes that are known. Fields beyond it are "not available". */
  readonly length: number;
  /** 0 normal, 1 bridge, 2 CardBus (bits 0–6 of 0x0e). */
  readonly headerType: number;
  readonly multiFunction: boolean;
  /** Header fields by spec name (type 0, type 1 or CardBus); fields beyond `length` absent. Editable. */
  readonly header: PciHeaderFields;
  /** 24-bit class code (base_class << 16 | subclass << 8 | prog_if); null when not available. */
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
