// Annotation: which byte of an image belongs to which field of which structure instance.
import type { FieldInfo, Struct } from './struct.js';

/** One placed structure: "the virtio_pci_cap at 0x40". */
export interface Region {
  /** Structure name, e.g. `virtio_pci_cap`. */
  readonly struct: string;
  /** Human label of the instance, e.g. `virtio_pci_cap@0x40 (notify)`. */
  readonly label: string;
  /** Absolute offset of the structure in the image. */
  readonly offset: number;
  /** Bytes of the structure that are present (may be shorter than its size). */
  readonly length: number;
  readonly fields: readonly FieldInfo[];
}

export interface ByteLabel {
  readonly region: Region;
  readonly field: FieldInfo;
  /** Offset of the byte inside the field. */
  readonly byteInField: number;
}

export function region(s: Struct<any>, offset: number, label?: string, length: number = s.size): Region {
  return { struct: s.name, label: label ?? `${s.name}@0x${offset.toString(16)}`, offset, length, fields: s.fields };
}

/** Which field of which region covers absolute byte `at` (first matching region wins). */
export function labelAt(regions: readonly Region[], at: number): ByteLabel | undefined {
  for (const r of regions) {
    const rel = at - r.offset;
    if (rel < 0 || rel >= r.length) continue;
    for (const f of r.fields) {
      if (rel >= f.offset && rel < f.offset + f.size) return { region: r, field: f, byteInField: rel - f.offset };
    }
  }
  return undefined;
}

/** Byte ranges of `[0, length)` covered by no region: reported, never silently lost. */
// One mask for every call (nothing in between can call again): a fresh 4 KiB typed array per
// image cost more than the marking (see src/bytes/slab.ts).
let scratch = new Uint8Array(4096);

export function unclaimed(regions: readonly Region[], length: number): Array<{ offset: number; length: number }> {
  if (scratch.length < length) scratch = new Uint8Array(length);
  const claimed = scratch.fill(0, 0, length);
  for (const r of regions) {
    const end = Math.min(length, r.offset + r.length);
    for (let i = Math.max(0, r.offset); i < end; i++) claimed[i] = 1;
  }
  const out: Array<{ offset: number; length: number }> = [];
  for (let i = 0; i < length; ) {
    if (claimed[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < length && !claimed[j]) j++;
    out.push({ offset: i, length: j - i });
    i = j;
  }
  return out;
}
