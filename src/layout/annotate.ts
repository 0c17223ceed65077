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
// From the regions' bounds, not a mask of the bytes: a function's first decodes run before V8
// has optimized anything, and a byte loop over 4 KiB there cost more than the rest of the
// decode (see docs/benchmarks.md). Regions mostly come in offset order, so the insertion sort
// is about linear.
export function unclaimed(regions: readonly Region[], length: number): Array<{ offset: number; length: number }> {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const r of regions) {
    const s = Math.max(0, r.offset);
    const e = Math.min(length, r.offset + r.length);
    if (s >= e) continue;
    let k = starts.length;
    starts.push(s);
    ends.push(e);
    while (k > 0 && starts[k - 1] > s) {
      starts[k] = starts[k - 1];
      ends[k] = ends[k - 1];
      k--;
    }
    starts[k] = s;
    ends[k] = e;
  }
  const out: Array<{ offset: number; length: number }> = [];
  let at = 0;
  for (let k = 0; k < starts.length; k++) {
    if (starts[k] > at) out.push({ offset: at, length: starts[k] - at });
    if (ends[k] > at) at = ends[k];
  }
  if (at < length) out.push({ offset: at, length: length - at });
  return out;
}
