// Where an MSI-X capability puts its table and PBA, against the function's BARs: reserved
// BIRs, BIRs naming no BAR (or the upper half of a 64-bit one), I/O BARs, structures past the
// end of a BAR of known size, and a table overlapping the PBA.
import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { arbConfigImage, configImageBarSizes } from '../../src/arbitraries/index.js';

/** Type 0 image: BAR registers as given, one MSI-X capability at 0x40. */
function image(bars: Record<number, number>, entries: number, table: number, pba: number): Uint8Array {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0x1af4, true);
  dv.setUint16(2, 0x1041, true);
  dv.setUint16(6, 0x10, true); // capabilities list
  b[0x34] = 0x40;
  for (const [i, v] of Object.entries(bars)) dv.setUint32(0x10 + 4 * Number(i), v >>> 0, true);
  b[0x40] = 0x11;
  b[0x41] = 0;
  dv.setUint16(0x42, entries - 1, true);
  dv.setUint32(0x44, table >>> 0, true);
  dv.setUint32(0x48, pba >>> 0, true);
  return b;
}

const msixCodes = (bytes: Uint8Array, sizes?: Map<number, bigint>) =>
  decodeConfigSpace(bytes, { barSizes: sizes })
    .diagnostics.filter((d) => d.code.startsWith('MSIX_'))
    .map((d) => [d.code, d.offset]);

describe('MSI-X table and PBA placement', () => {
  // BAR1: 32-bit memory at 0xfebd1000; BAR4/5: 64-bit prefetchable memory; BAR0: I/O.
  const bars = { 0: 0xc041, 1: 0xfebd1000, 4: 0x0000000c, 5: 0x1 };

  it('QEMU virtio layout (table at 0, PBA at 0x800 of BAR1) is clean, also with the BAR size known', () => {
    expect(msixCodes(image(bars, 3, 0x1, 0x801))).toEqual([]);
    expect(msixCodes(image(bars, 3, 0x1, 0x801), new Map([[1, 0x1000n]]))).toEqual([]);
  });

  it('reserved BIR 6 and 7', () => {
    expect(msixCodes(image(bars, 3, 0x6, 0x807))).toEqual([
      ['MSIX_BIR_RESERVED', 0x44],
      ['MSIX_BIR_RESERVED', 0x48],
    ]);
  });

  it('a BIR naming an empty register or the upper half of a 64-bit BAR', () => {
    expect(msixCodes(image(bars, 3, 0x2, 0x805))).toEqual([
      ['MSIX_BIR_NO_BAR', 0x44],
      ['MSIX_BIR_NO_BAR', 0x48],
    ]);
    const d = decodeConfigSpace(image(bars, 3, 0x5, 0x801)).diagnostics.find((x) => x.code === 'MSIX_BIR_NO_BAR');
    expect(d?.message).toContain('upper half of 64-bit BAR 4');
  });

  it('a bridge has two BARs: BIR 2-5 name none', () => {
    const b = image({ 0: 0xfebd1000 }, 3, 0x3, 0x800);
    b[0x0e] = 1;
    expect(msixCodes(b)).toEqual([['MSIX_BIR_NO_BAR', 0x44]]);
    // Not "a BAR register that reads 0": offset 0x1c of a bridge is the I/O base/limit.
    expect(decodeConfigSpace(b).diagnostics.find((d) => d.code === 'MSIX_BIR_NO_BAR')?.message).toContain('names no BAR (this header has 2)');
  });

  it('an I/O BAR', () => {
    expect(msixCodes(image(bars, 3, 0x0, 0x801))).toEqual([['MSIX_BIR_IO', 0x44]]);
  });

  it('past the end of a BAR whose size is known, and not when the size is unknown', () => {
    // 64 entries = 0x400 bytes of table at 0xe00 of a 4 KiB BAR: ends at 0x1200.
    expect(msixCodes(image(bars, 64, 0xe01, 0x801), new Map([[1, 0x1000n]]))).toEqual([['MSIX_OUTSIDE_BAR', 0x44]]);
    expect(msixCodes(image(bars, 64, 0xe01, 0x801))).toEqual([]);
    // The PBA's last byte exactly at the end is fine; one more entry block is not.
    expect(msixCodes(image(bars, 64, 0x1, 0xff9), new Map([[1, 0x1000n]]))).toEqual([]);
    expect(msixCodes(image(bars, 65, 0x1, 0xff9), new Map([[1, 0x1000n]]))).toEqual([['MSIX_OUTSIDE_BAR', 0x48]]);
  });

  it('table and PBA overlapping in one BAR, but not when they only touch or sit in different BARs', () => {
    // 256 entries: table 0x0-0xfff, PBA at 0x800 inside it.
    expect(msixCodes(image(bars, 256, 0x1, 0x801))).toEqual([['MSIX_TABLE_PBA_OVERLAP', 0x48]]);
    expect(msixCodes(image(bars, 128, 0x1, 0x801))).toEqual([]);
    expect(msixCodes(image(bars, 256, 0x1, 0x4))).toEqual([]);
  });

  it('a dump that stops before the BAR register says nothing about it', () => {
    const b = image(bars, 3, 0x5, 0x805);
    expect(decodeConfigSpace(b, { length: 0x14 }).diagnostics.filter((d) => d.code.startsWith('MSIX_'))).toEqual([]);
  });

  test.prop([arbConfigImage({ capKinds: ['msix', 'pm'] })], { numRuns: 300 })('generated valid images with MSI-X get none of these', (g) => {
    expect(msixCodes(g.bytes, configImageBarSizes(g.facts))).toEqual([]);
  });
});
