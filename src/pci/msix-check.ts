// Where an MSI-X capability puts its table and PBA, checked against the function's BARs
// (PCI spec, MSI-X capability: Table/PBA BIR and offset; table entries are 16 bytes, the PBA
// holds one bit per entry in QWORDs). Reported as PCI diagnostics at the register's offset.
import { hex } from '../bytes/hex.js';
import { PCI_CAP_ID } from './cap-ids.js';
import { msixInfo, pciMsixCap, pciMsixTableEntry } from './caps/msix.js';
import type { DecodeState } from './place.js';
import type { Bar, Capability } from './types.js';

/** Where the table or PBA of an MSI-X capability is: its register, BIR, offset and length in bytes. */
export interface MsixPlacement {
  readonly what: 'table' | 'PBA';
  /** Config-space offset of the Table or PBA register. */
  readonly reg: number;
  readonly bir: number;
  readonly offset: number;
  readonly length: number;
}

export interface MsixLayout {
  /** Table size (the register holds N-1). */
  readonly entries: number;
  readonly enabled: boolean;
  readonly functionMask: boolean;
  readonly table: MsixPlacement;
  /** Null when the capability is cut before its PBA register. */
  readonly pba: MsixPlacement | null;
}

/**
 * The registers of the MSI-X capability at `pos` (16 bytes per table entry, one PBA bit per
 * entry in 8-byte units); null when the capability is cut before its Table register.
 */
export function msixLayout(bytes: Uint8Array, pos: number, capLength: number, known: number): MsixLayout | null {
  const { value } = pciMsixCap.decodePartial(bytes, pos, Math.min(pos + capLength, known));
  const info = msixInfo(value);
  if (info.table_size === undefined || info.table_bir === undefined || info.table_offset === undefined) return null;
  const entries = info.table_size;
  const reg = (name: 'table' | 'pba') => pos + pciMsixCap.field(name).offset;
  return {
    entries,
    enabled: info.enable!,
    functionMask: info.function_mask!,
    table: { what: 'table', reg: reg('table'), bir: info.table_bir, offset: info.table_offset, length: entries * pciMsixTableEntry.size },
    // One pending bit per entry, in whole QWORDs.
    pba:
      info.pba_bir === undefined || info.pba_offset === undefined
        ? null
        : { what: 'PBA', reg: reg('pba'), bir: info.pba_bir, offset: info.pba_offset, length: Math.ceil(entries / 64) * 8 },
  };
}

export function checkMsixPlacement(st: DecodeState, capabilities: readonly Capability[], bars: readonly Bar[], barSlots: number): void {
  for (const c of capabilities) {
    if (c.id !== PCI_CAP_ID.MSIX) continue;
    // Only registers the capability holds (one cut at 0x100 or at the known length may have no PBA register).
    const m = msixLayout(st.bytes, c.pos, c.length, st.length);
    if (!m) continue;
    const { table, pba } = m;
    const ok: MsixPlacement[] = [];
    for (const p of pba ? [table, pba] : [table]) {
      const where = `MSI-X ${p.what} of the capability at ${hex(c.pos, 2)}`;
      if (p.bir > 5) {
        st.report('MSIX_BIR_RESERVED', p.reg, `${where}: BIR ${p.bir} is reserved`);
        continue;
      }
      if (p.bir >= barSlots) {
        st.report('MSIX_BIR_NO_BAR', p.reg, `${where}: BIR ${p.bir} names no BAR (this header has ${barSlots})`);
        continue;
      }
      const bar = bars.find((b) => b.index === p.bir);
      if (!bar) {
        // Only say so when the register was in the image: a cut dump shows nothing either way.
        if (0x10 + 4 * p.bir + 4 > st.length) continue;
        const upper = bars.some((b) => b.kind === 'mem64' && b.index === p.bir - 1);
        st.report('MSIX_BIR_NO_BAR', p.reg, `${where}: BIR ${p.bir} is ${upper ? `the upper half of 64-bit BAR ${p.bir - 1}` : 'a BAR register that reads 0'}`);
        continue;
      }
      if (bar.kind === 'io') {
        st.report('MSIX_BIR_IO', p.reg, `${where}: BIR ${p.bir} is an I/O BAR; MSI-X structures are in memory space`);
        continue;
      }
      if (bar.size !== null && BigInt(p.offset + p.length) > bar.size) {
        st.report('MSIX_OUTSIDE_BAR', p.reg, `${where}: ${hex(p.offset)} + ${hex(p.length)} bytes runs past BAR ${p.bir} (${hex(bar.size)} bytes)`);
      }
      ok.push(p);
    }
    if (pba && ok.length === 2 && table.bir === pba.bir && table.offset < pba.offset + pba.length && pba.offset < table.offset + table.length) {
      st.report(
        'MSIX_TABLE_PBA_OVERLAP',
        pba.reg,
        `MSI-X table (${hex(table.offset)}, ${hex(table.length)} bytes) and PBA (${hex(pba.offset)}, ${hex(pba.length)} bytes) of the capability at ${hex(c.pos, 2)} overlap in BAR ${table.bir}`,
      );
    }
  }
}
