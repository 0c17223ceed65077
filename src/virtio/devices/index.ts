// Device-specific configuration: the codec of each device type, and the decoder that picks one
// and decides which fields exist from the features.
import type { Diagnostic } from '../../bytes/diagnostic.js';
import type { PartialDecode } from '../../layout/struct.js';
import { vdiag } from '../diag.js';
import { hasFeature, type Features } from '../features.js';
import { virtioDeviceTypeName } from '../ids.js';
import { virtioBalloonConfigLayout } from './balloon.js';
import { virtioBlkConfigLayout } from './blk.js';
import { virtioConsoleConfigLayout } from './console.js';
import { virtioCryptoConfigLayout } from './crypto.js';
import { virtioFsConfigLayout } from './fs.js';
import { virtioGpuConfigLayout } from './gpu.js';
import { virtioInputConfigLayout } from './input.js';
import type { DeviceConfigLayout } from './layout.js';
import { virtioNetConfigLayout } from './net.js';
import { virtioScsiConfigLayout } from './scsi.js';
import { virtioVsockConfigLayout } from './vsock.js';

export * from './layout.js';
export * from './blk.js';
export * from './net.js';
export * from './scsi.js';
export * from './console.js';
export * from './balloon.js';
export * from './vsock.js';
export * from './fs.js';
export * from './gpu.js';
export * from './input.js';
export * from './crypto.js';

/** Device-config layouts by virtio device type. */
export const VIRTIO_DEVICE_CONFIG_LAYOUTS: Readonly<Record<number, DeviceConfigLayout>> = {
  1: virtioNetConfigLayout,
  2: virtioBlkConfigLayout,
  3: virtioConsoleConfigLayout,
  5: virtioBalloonConfigLayout,
  8: virtioScsiConfigLayout,
  16: virtioGpuConfigLayout,
  18: virtioInputConfigLayout,
  19: virtioVsockConfigLayout,
  20: virtioCryptoConfigLayout,
  26: virtioFsConfigLayout,
};

/** Device types whose spec defines no device configuration (a missing device cap is fine). */
export const VIRTIO_TYPES_WITHOUT_DEVICE_CONFIG: ReadonlySet<number> = new Set([4 /* rng */]);

export function deviceConfigLayoutFor(deviceType: number): DeviceConfigLayout | null {
  return VIRTIO_DEVICE_CONFIG_LAYOUTS[deviceType] ?? null;
}

/**
 * The fields of a device type's configuration that exist under `features` (negotiated, or
 * offered before negotiation), in offset order. Reserved fields are never listed.
 */
export function presentDeviceConfigFields(deviceType: number, features: Features): string[] {
  const layout = deviceConfigLayoutFor(deviceType);
  if (!layout) return [];
  return layout.struct.fields
    .filter((f) => {
      const g = layout.guards[f.name];
      if (g === 'reserved') return false;
      if (g === 'always') return true;
      return g.some((b) => hasFeature(features, b));
    })
    .map((f) => f.name);
}

export interface DeviceConfigDecode {
  readonly deviceType: number;
  /** Structure name, or null when the type has no known layout. */
  readonly struct: string | null;
  /** Decoded fields: with features, the present ones; without, everything the length allows. */
  readonly value: Record<string, unknown>;
  /** Every field decodable from the bytes, present or not (what encode needs for byte-exactness). */
  readonly all: Record<string, unknown>;
  /** Present fields (by features) that the length does not cover. */
  readonly missing: readonly string[];
  /** Fields decoded that the features say do not exist (null when features are unknown). */
  readonly absent: readonly string[] | null;
  readonly featuresKnown: boolean;
  /** Bytes beyond the known structure (or all bytes for an unknown type). */
  readonly tail: Uint8Array;
  /** Bytes of a field that `length` cuts: kept raw, not interpreted. */
  readonly fragment: Uint8Array;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Decode `length` bytes of device configuration at `at` for `deviceType`. With `features`
 * (negotiated or offered), only the fields that exist are reported in `value`; without, every
 * field the length allows is decoded and a VIRTIO_DEVCFG_FEATURES_UNKNOWN info says so.
 */
export function decodeDeviceConfig(
  deviceType: number,
  bytes: Uint8Array,
  at: number,
  length: number,
  features?: Features | null,
): DeviceConfigDecode {
  const diagnostics: Diagnostic[] = [];
  const end = Math.min(at + Math.max(0, length), bytes.length);
  const layout = deviceConfigLayoutFor(deviceType);
  if (!layout) {
    if (!VIRTIO_TYPES_WITHOUT_DEVICE_CONFIG.has(deviceType)) {
      diagnostics.push(vdiag('VIRTIO_DEVCFG_TYPE_UNKNOWN', null, `no device configuration layout for ${virtioDeviceTypeName(deviceType)}`));
    }
    return {
      deviceType,
      struct: null,
      value: {},
      all: {},
      missing: [],
      absent: null,
      featuresKnown: features != null,
      tail: bytes.slice(at, end),
      fragment: new Uint8Array(0),
      diagnostics,
    };
  }
  const s = layout.struct;
  const r: PartialDecode<Record<string, unknown>> = s.decodePartial(bytes, at, end);
  const all = r.value as Record<string, unknown>;
  const tail = end > at + s.size ? bytes.slice(at + s.size, end) : new Uint8Array(0);
  const covered = s.fields.reduce((m, f) => (f.name in all ? Math.max(m, f.offset + f.size) : m), 0);
  const fragEnd = Math.min(end, at + s.size);
  const fragment = fragEnd > at + covered ? bytes.slice(at + covered, fragEnd) : new Uint8Array(0);
  if (features == null) {
    diagnostics.push(vdiag('VIRTIO_DEVCFG_FEATURES_UNKNOWN', null, `${s.name} decoded without features: all ${Object.keys(all).length} fields within ${length} bytes shown`));
    const value: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) if (layout.guards[k] !== 'reserved') value[k] = v;
    return { deviceType, struct: s.name, value, all, missing: [], absent: null, featuresKnown: false, tail, fragment, diagnostics };
  }
  const present = new Set(presentDeviceConfigFields(deviceType, features));
  const value: Record<string, unknown> = {};
  const missing: string[] = [];
  const absent: string[] = [];
  for (const f of s.fields) {
    if (layout.guards[f.name] === 'reserved') continue;
    if (present.has(f.name)) {
      if (f.name in all) value[f.name] = all[f.name];
      else missing.push(f.name);
    } else if (f.name in all) absent.push(f.name);
  }
  if (missing.length) {
    diagnostics.push(vdiag('VIRTIO_DEVCFG_SHORT', null, `${s.name}: ${length} bytes do not cover ${missing.join(', ')}`));
  }
  return { deviceType, struct: s.name, value, all, missing, absent, featuresKnown: true, tail, fragment, diagnostics };
}

/** Write back a decoded device configuration (all decodable fields, then the tail), byte-exact. */
export function encodeDeviceConfig(d: DeviceConfigDecode, out: Uint8Array, at: number, length: number): Uint8Array {
  const layout = deviceConfigLayoutFor(d.deviceType);
  const end = Math.min(at + length, out.length);
  if (!layout) {
    out.set(d.tail.subarray(0, Math.max(0, end - at)), at);
    return out;
  }
  layout.struct.encodePartial(d.all as never, out, at, end);
  if (d.fragment.length) out.set(d.fragment, Math.min(end, at + layout.struct.size) - d.fragment.length);
  if (d.tail.length) out.set(d.tail, at + layout.struct.size);
  return out;
}
