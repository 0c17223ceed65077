// Where an MSI-X capability puts its table and PBA, checked against the function's BARs
// (PCI spec, MSI-X capability: Table/PBA BIR and offset; table entries are 16 bytes, the PBA
// holds one bit per entry in QWORDs). Reported as PCI diagnostics at the register's offset.
import { hex } from '../bytes/hex.js';
import { readU16, readU32 } from '../bytes/window.js';
import { PCI_CAP_ID } from './cap-ids.js';
import type { DecodeState } from './place.js';
import type { Bar, Capability } from './types.js';

interface Placement {
  readonly what: 'table' | 'PBA';
  readonly reg: number;
  readonly bir: number;
  readonly offset: bigint;
  readonly length: bigint;
}

export function checkMsixPlacement(st: DecodeState, capabilities: readonly Capability[], bars: readonly Bar[], barSlots: number): void {
  for (const c of capabilities) {
    // Only registers the capability holds (a capability cut at 0x100 or at the known length has no PBA register).
    if (c.id !== PCI_CAP_ID.MSIX || c.length < 8 || c.pos + 8 > st.length) continue;
    const entries = (readU16(st.bytes, c.pos + 2) & 0x7ff) + 1;
    const place = (what: 'table' | 'PBA', reg: number, length: number): Placement => {
      const v = readU32(st.bytes, reg);
      return { what, reg, bir: v & 7, offset: BigInt((v & ~7) >>> 0), length: BigInt(length) };
    };
    const table = place('table', c.pos + 4, entries * 16);
    const pba = c.length >= 12 && c.pos + 12 <= st.length ? place('PBA', c.pos + 8, Math.ceil(entries / 64) * 8) : null;
    const ok: Placement[] = [];
    for (const p of pba ? [table, pba] : [table]) {
      const where = `MSI-X ${p.what} of the capability at ${hex(c.pos, 2)}`;
      if (p.bir > 5 || p.bir >= barSlots) {
        st.report('MSIX_BIR_RESERVED', p.reg, `${where}: BIR ${p.bir} is reserved`);
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
      if (bar.size !== null && p.offset + p.length > bar.size) {
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
