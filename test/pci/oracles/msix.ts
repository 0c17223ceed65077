// MSI-X capability (ID 0x11), 12 bytes: ID, next, Message Control, Table, PBA.
import { Parser } from 'binary-parser';
import * as r from 'restructure';

export const msixParser = new Parser()
  .endianness('little')
  .uint8('cap_id')
  .uint8('cap_next')
  .uint16('message_control')
  .uint32('table')
  .uint32('pba');

export const msixStruct = new r.Struct({
  cap_id: r.uint8,
  cap_next: r.uint8,
  message_control: r.uint16le,
  table: r.uint32le,
  pba: r.uint32le,
});

/** The derived view, computed from the spec's bit layout independently of src/pci. */
export function msixDerived(o: { message_control: number; table: number; pba: number }) {
  return {
    table_size: (o.message_control % 2048) + 1,
    function_mask: Math.floor(o.message_control / 0x4000) % 2 === 1,
    enable: o.message_control >= 0x8000,
    table_bir: o.table % 8,
    table_offset: o.table - (o.table % 8),
    pba_bir: o.pba % 8,
    pba_offset: o.pba - (o.pba % 8),
  };
}
