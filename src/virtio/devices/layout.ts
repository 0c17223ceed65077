// What every device-configuration codec shares: its field table plus, per field, the feature
// bits that make it exist (spec: "field X exists only if VIRTIO_..._F_Y is set").
import type { Struct } from '../../layout/struct.js';

/**
 * Per field: `always` (exists for every device of the type), `reserved` (padding/unused), or
 * the feature bits of which any one makes the field exist.
 */
export type FieldGuard = 'always' | 'reserved' | readonly number[];

export interface DeviceConfigLayout {
  /** Virtio device type (1 net, 2 block, ...). */
  readonly deviceType: number;
  readonly struct: Struct<any>;
  readonly guards: Readonly<Record<string, FieldGuard>>;
}

export function deviceConfigLayout<S extends Struct<any>>(
  deviceType: number,
  s: S,
  guards: { readonly [K in S['fields'][number]['name']]?: FieldGuard },
): DeviceConfigLayout {
  const all: Record<string, FieldGuard> = {};
  for (const f of s.fields) {
    const g = (guards as Record<string, FieldGuard | undefined>)[f.name];
    all[f.name] = g ?? (f.access === 'rsvd' ? 'reserved' : 'always');
  }
  return { deviceType, struct: s, guards: all };
}
