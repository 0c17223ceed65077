// Resizable BAR (extended ID 0x0015): a header and 1..6 (capability, control) register pairs;
// the first control register says how many pairs there are.
import { diag } from '../../bytes/diagnostic.js';
import { bits, struct, u32, type ValueOf } from '../../layout/struct.js';
import { availU32, type CapDecoder, type CapPart } from '../caps/common.js';
import { PCI_DIAGNOSTICS } from '../diagnostics.js';
import { pciExtCapHeader } from './common.js';
import type { pci_ext_cap_header } from './common.gen.js';
import * as gen from './rebar.gen.js';

export const pciRebarEntry = struct('pci_rebar_entry', {
  rebar_cap: u32(0x00, 'ro', { bits: [bits('sizes', 4, 28, 'ro', 'bit n set: 1 MiB << n supported')] }),
  rebar_ctrl: u32(0x04, 'rw', {
    bits: [bits('bar_index', 0, 3, 'ro'), bits('nbars', 5, 3, 'ro', 'number of resizable BARs (first entry only)'), bits('bar_size', 8, 6, 'rw', '1 MiB << n')],
  }),
}, gen.pci_rebar_entry);
export type PciRebarEntry = ValueOf<typeof pciRebarEntry>;

/** `fields` of a Resizable BAR capability: the header and one (capability, control) pair per BAR. */
export type PciRebarFields = Partial<pci_ext_cap_header & { entries: Partial<gen.pci_rebar_entry>[] }>;

/** One resizable BAR as `info` describes it. */
export interface PciRebarInfoEntry {
  readonly bar_index: number | undefined;
  /** Sizes in bytes the BAR supports. */
  readonly supported_sizes: bigint[];
  readonly current_size: bigint | undefined;
}

/** `info` of a Resizable BAR capability. */
export interface PciRebarInfo {
  readonly entries: PciRebarInfoEntry[];
}

export const rebarExtCapDecoder: CapDecoder<PciRebarFields, PciRebarInfo> = {
  layout: (ctx) => {
    const ctrl = availU32(ctx, 8);
    let n = ctrl === null ? 1 : (ctrl >> 5) & 7;
    if (ctrl !== null && (n === 0 || n > 6)) {
      ctx.diagnostics.push(diag(PCI_DIAGNOSTICS, 'REBAR_COUNT_INVALID', ctx.pos + 8, `Resizable BAR at 0x${ctx.pos.toString(16)} announces ${n} BARs`));
      n = n === 0 ? 1 : 6;
    }
    const parts: CapPart[] = [{ struct: pciExtCapHeader, offset: ctx.pos }];
    for (let i = 0; i < n; i++) parts.push({ struct: pciRebarEntry, offset: ctx.pos + 4 + 8 * i, arrayKey: 'entries' });
    return parts;
  },
  info: (f) => {
    const entries = f.entries ?? [];
    return {
      entries: entries.map((e) => {
        const sizes: bigint[] = [];
        if (typeof e.rebar_cap === 'number') for (let b = 4; b < 32; b++) if ((e.rebar_cap >>> b) & 1) sizes.push(1n << BigInt(20 + b - 4));
        return {
          bar_index: typeof e.rebar_ctrl === 'number' ? e.rebar_ctrl & 7 : undefined,
          supported_sizes: sizes,
          current_size: typeof e.rebar_ctrl === 'number' ? 1n << BigInt(20 + ((e.rebar_ctrl >> 8) & 0x3f)) : undefined,
        };
      }),
    };
  },
};
