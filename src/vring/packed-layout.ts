// Packed virtqueue layout: one descriptor ring plus two 4-byte event suppression structures.
// Linux allocates the three separately; here they are placed contiguously (ring, driver
// area, device area), which satisfies every alignment because 16·N is a multiple of 4.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { region, type Region } from '../layout/annotate.js';
import { vringCheckQueueSize } from './size.js';
import type { VringLocation, VringPart } from './split-layout.js';
import { vringPackedDesc, vringPackedDescEvent } from './packed-structs.js';

export interface PackedVringLayout {
  readonly kind: 'packed';
  readonly queueSize: number;
  /** Descriptor ring: 16·N bytes, align 16 (queue_desc). */
  readonly desc: VringPart;
  /** Driver event suppression, written by the driver (queue_driver): 4 bytes, align 4. */
  readonly driverEvent: VringPart;
  /** Device event suppression, written by the device (queue_device): 4 bytes, align 4. */
  readonly deviceEvent: VringPart;
  readonly total: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Layout of a packed virtqueue of `queueSize` entries (any size 1..32768). Never throws on data. */
export function packedVringLayout(queueSize: number): PackedVringLayout {
  const { size: n, diagnostics } = vringCheckQueueSize(queueSize, 'packed');
  const desc: VringPart = { offset: 0, size: 16 * n, align: 16 };
  const driverEvent: VringPart = { offset: desc.size, size: 4, align: 4 };
  const deviceEvent: VringPart = { offset: desc.size + 4, size: 4, align: 4 };
  return { kind: 'packed', queueSize: n, desc, driverEvent, deviceEvent, total: deviceEvent.offset + deviceEvent.size, diagnostics };
}

/** Which part, element and field of a packed ring covers byte `at` (relative to the ring's start). */
export function locatePackedVring(layout: PackedVringLayout, at: number): VringLocation | undefined {
  if (!Number.isInteger(at) || at < 0 || at >= layout.total) return undefined;
  if (at < layout.desc.size) {
    const i = Math.floor(at / 16);
    const f = vringPackedDesc.fieldAt(at % 16)!;
    return { part: 'desc', struct: vringPackedDesc.name, index: i, field: f.name, byteInField: (at % 16) - f.offset, label: `desc[${i}].${f.name}` };
  }
  const part = at < layout.deviceEvent.offset ? 'driverEvent' : 'deviceEvent';
  const rel = at - layout[part].offset;
  const f = vringPackedDescEvent.fieldAt(rel)!;
  return { part, struct: vringPackedDescEvent.name, index: null, field: f.name, byteInField: rel - f.offset, label: `${part}.${f.name}` };
}

/** Annotation regions for every element of a packed ring, offsets relative to `base`. */
export function packedVringRegions(layout: PackedVringLayout, base = 0): Region[] {
  const out: Region[] = [];
  for (let i = 0; i < layout.queueSize; i++) out.push(region(vringPackedDesc, base + 16 * i, `desc[${i}]`));
  out.push(region(vringPackedDescEvent, base + layout.driverEvent.offset, 'driverEvent'));
  out.push(region(vringPackedDescEvent, base + layout.deviceEvent.offset, 'deviceEvent'));
  return out;
}
