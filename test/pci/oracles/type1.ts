// Type 1 (PCI-to-PCI bridge) configuration header, typed from the bridge spec's register map.
import { Parser } from 'binary-parser';
import * as r from 'restructure';

export const type1Parser = new Parser()
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
  .uint32('bar0')
  .uint32('bar1')
  .uint8('primary_bus')
  .uint8('secondary_bus')
  .uint8('subordinate_bus')
  .uint8('sec_latency_timer')
  .uint8('io_base')
  .uint8('io_limit')
  .uint16('secondary_status')
  .uint16('memory_base')
  .uint16('memory_limit')
  .uint16('prefetchable_memory_base')
  .uint16('prefetchable_memory_limit')
  .uint32('prefetchable_base_upper32')
  .uint32('prefetchable_limit_upper32')
  .uint16('io_base_upper16')
  .uint16('io_limit_upper16')
  .uint8('capabilities_pointer')
  .array('reserved', { type: 'uint8', length: 3 })
  .uint32('expansion_rom')
  .uint8('interrupt_line')
  .uint8('interrupt_pin')
  .uint16('bridge_control');

export const type1Struct = new r.Struct({
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
  bar0: r.uint32le,
  bar1: r.uint32le,
  primary_bus: r.uint8,
  secondary_bus: r.uint8,
  subordinate_bus: r.uint8,
  sec_latency_timer: r.uint8,
  io_base: r.uint8,
  io_limit: r.uint8,
  secondary_status: r.uint16le,
  memory_base: r.uint16le,
  memory_limit: r.uint16le,
  prefetchable_memory_base: r.uint16le,
  prefetchable_memory_limit: r.uint16le,
  prefetchable_base_upper32: r.uint32le,
  prefetchable_limit_upper32: r.uint32le,
  io_base_upper16: r.uint16le,
  io_limit_upper16: r.uint16le,
  capabilities_pointer: r.uint8,
  reserved: new r.Array(r.uint8, 3),
  expansion_rom: r.uint32le,
  interrupt_line: r.uint8,
  interrupt_pin: r.uint8,
  bridge_control: r.uint16le,
});

export function flattenType1(o: Record<string, any>): Record<string, unknown> {
  return { ...o, reserved: Uint8Array.from(o.reserved as number[]) };
}

export function unflattenType1(v: Record<string, any>): Record<string, unknown> {
  return { ...v, reserved: Array.from(v.reserved as Uint8Array) };
}
