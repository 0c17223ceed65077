// The 32-bit header every extended capability starts with, and a cache of structures whose
// last field is a run of bytes whose length a register gives (VSEC, DVSEC, ACS vector).
import { bits, bytes, struct, u32, type FieldSpec, type Struct } from '../../layout/struct.js';
import type { CapDecoder } from '../caps/common.js';
import * as gen from './common.gen.js';

export const PCI_EXT_CAP_HEADER_BITS = [
  bits('cap_id', 0, 16, 'ro'),
  bits('cap_version', 16, 4, 'ro'),
  bits('next', 20, 12, 'ro', 'offset of the next capability (bits 1:0 reserved)'),
] as const;

/** Every extended capability's first register. */
export const extHeader = () => u32(0, 'ro', { bits: PCI_EXT_CAP_HEADER_BITS });

export const pciExtCapHeader = struct('pci_ext_cap_header', { header: extHeader() }, gen.pci_ext_cap_header);

export const rawExtCapDecoder: CapDecoder = {
  layout: (ctx) => [{ struct: pciExtCapHeader, offset: ctx.pos }],
};

const sized = new Map<string, Struct<any>>();

/**
 * `base` fields plus `key: bytes(at, n)` (n = 0 gives `base` alone), cached per name and n.
 * `base` must be a fresh object per call site but stable in content.
 */
export function withTrailingBytes(name: string, base: Record<string, FieldSpec<unknown>>, key: string, at: number, n: number, access: 'ro' | 'rw' = 'ro'): Struct<any> {
  const id = `${name}/${n}`;
  let s = sized.get(id);
  if (!s) {
    s = struct(name, n > 0 ? { ...base, [key]: bytes(at, n, access) } : base);
    sized.set(id, s);
  }
  return s;
}
