// Device Serial Number (extended ID 0x0003).
import { struct, u64, type ValueOf } from '../../layout/struct.js';
import { type CapDecoder } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './dsn.gen.js';

/** Device Serial Number (0x0003): a 64-bit EUI-64, lower dword first. */
export const pciDsnCap = struct('pci_dsn_cap', {
  header: extHeader(),
  serial_number: u64(0x04, 'ro'),
}, gen.pci_dsn_cap);
export type PciDsnCap = ValueOf<typeof pciDsnCap>;

/** lspci's spelling of a serial number: bytes from most significant, dash-separated. */
export function formatPciSerialNumber(sn: bigint): string {
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(((sn >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0'));
  return parts.join('-');
}

/** `info` of a Device Serial Number capability: lspci's spelling, when the register was read. */
export interface PciDsnInfo {
  readonly serial?: string;
}

export const dsnExtCapDecoder: CapDecoder<Partial<gen.pci_dsn_cap>, PciDsnInfo> = {
  layout: (ctx) => [{ struct: pciDsnCap, offset: ctx.pos }],
  info: (f) => (typeof f.serial_number === 'bigint' ? { serial: formatPciSerialNumber(f.serial_number) } : {}),
};
