// Latency Tolerance Reporting (extended ID 0x0018).
import { bits, struct, u16, bitValue, type ValueOf } from '../../layout/struct.js';
import { type CapDecoder } from '../caps/common.js';
import { extHeader } from './common.js';
import * as gen from './ltr.gen.js';

const LTR_BITS = [bits('value', 0, 10), bits('scale', 10, 3, 'rw', 'value x 32^scale ns')] as const;

/** Latency Tolerance Reporting (0x0018). */
export const pciLtrCap = struct('pci_ltr_cap', {
  header: extHeader(),
  max_snoop_latency: u16(0x04, 'rw', { bits: LTR_BITS }),
  max_no_snoop_latency: u16(0x06, 'rw', { bits: LTR_BITS }),
}, gen.pci_ltr_cap);
export type PciLtrCap = ValueOf<typeof pciLtrCap>;

/** A latency register in nanoseconds: value x 32^scale, read through LTR_BITS. */
function ltrNs(v: number): bigint {
  const [value, scale] = LTR_BITS;
  return BigInt(bitValue(v, value)) << BigInt(5 * bitValue(v, scale));
}

/** `info` of an LTR capability: the latencies in nanoseconds (undefined when not read). */
export interface PciLtrInfo {
  readonly max_snoop_latency_ns: bigint | undefined;
  readonly max_no_snoop_latency_ns: bigint | undefined;
}

export const ltrExtCapDecoder: CapDecoder<Partial<gen.pci_ltr_cap>, PciLtrInfo> = {
  layout: (ctx) => [{ struct: pciLtrCap, offset: ctx.pos }],
  info: (f) => ({
    max_snoop_latency_ns: typeof f.max_snoop_latency === 'number' ? ltrNs(f.max_snoop_latency) : undefined,
    max_no_snoop_latency_ns: typeof f.max_no_snoop_latency === 'number' ? ltrNs(f.max_no_snoop_latency) : undefined,
  }),
};
