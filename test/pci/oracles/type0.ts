// Type 0 configuration header, typed from the spec's register map (offsets 0x00-0x3f).
import { Parser } from 'binary-parser';
import * as r from 'restructure';

export const type0Parser = new Parser()
  .endianness('little')
  .uint16('vendor_id')
  .uint16('device_id')
  .uint16('command')
  .uint16('status')
  .uint8('revision_id')
  .uint8('prog_if')
  .uint8('subclass')
  .uint8('base_class')
  .uint8('cache_line_size')
  .uint8('latency_timer')
  .uint8('header_type')
  .uint8('bist')
  .array('bars', { type: 'uint32le', length: 6 })
  .uint32('cardbus_cis')
  .uint16('subsystem_vendor_id')
  .uint16('subsystem_id')
  .uint32('expansion_rom')
  .uint8('capabilities_pointer')
  .array('reserved', { type: 'uint8', length: 7 })
  .uint8('interrupt_line')
  .uint8('interrupt_pin')
  .uint8('min_gnt')
  .uint8('max_lat');

export const type0Struct = new r.Struct({
  vendor_id: r.uint16le,
  device_id: r.uint16le,
  command: r.uint16le,
  status: r.uint16le,
  revision_id: r.uint8,
  prog_if: r.uint8,
  subclass: r.uint8,
  base_class: r.uint8,
  cache_line_size: r.uint8,
  latency_timer: r.uint8,
  header_type: r.uint8,
  bist: r.uint8,
  bars: new r.Array(r.uint32le, 6),
  cardbus_cis: r.uint32le,
  subsystem_vendor_id: r.uint16le,
  subsystem_id: r.uint16le,
  expansion_rom: r.uint32le,
  capabilities_pointer: r.uint8,
  reserved: new r.Array(r.uint8, 7),
  interrupt_line: r.uint8,
  interrupt_pin: r.uint8,
  min_gnt: r.uint8,
  max_lat: r.uint8,
});

/** Oracle output in src/pci's shape: bars as bar0..bar5, reserved bytes as a Uint8Array. */
export function flattenType0(o: Record<string, any>): Record<string, unknown> {
  const { bars, reserved, ...rest } = o;
  const out: Record<string, unknown> = { ...rest, reserved: Uint8Array.from(reserved as number[]) };
  (bars as number[]).forEach((v, i) => (out[`bar${i}`] = v));
  return out;
}

/** src/pci's shape back to the restructure input. */
export function unflattenType0(v: Record<string, any>): Record<string, unknown> {
  const { bar0, bar1, bar2, bar3, bar4, bar5, reserved, ...rest } = v;
  return { ...rest, bars: [bar0, bar1, bar2, bar3, bar4, bar5], reserved: Array.from(reserved as Uint8Array) };
}
