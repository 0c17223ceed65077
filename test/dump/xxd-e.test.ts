// `xxd -e` prints each 4-byte group as a little-endian word (its bytes reversed) in the layout
// of `xxd -g 4`; only the ASCII column, which stays in memory order, tells the two apart. The
// reader takes the order from the first line whose column fits one order and not the other,
// turns round what it stored before that, and says so (DUMP_WORD_ORDER). What the real xxd -e
// prints is read in hexdump-xxd.test.ts, with the other tools' output.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arbFullDumpFunction } from '../../src/arbitraries/dump.js';
import { readDump, writeXxd } from '../../src/dump/index.js';

/** Bytes reversed within each group of 4 (what -e prints instead of memory order). */
function swapped(b: Uint8Array): Uint8Array {
  const out = b.slice();
  for (let i = 0; i + 4 <= b.length; i += 4) for (let k = 0; k < 4; k++) out[i + k] = b[i + 3 - k];
  return out;
}

/** xxd -e text of `b` (a multiple of 4 bytes): the -g 4 layout, hex of each group reversed, ASCII as is. */
function xxdE(b: Uint8Array): string {
  const g4 = writeXxd({ bytes: b, length: b.length }, { group: 4 });
  return g4.replace(/^([0-9a-f]{8}: )([0-9a-f ]+?)(  )/gm, (_, off: string, hex: string, sp: string) => off + hex.replace(/([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/g, '$4$3$2$1') + sp);
}

const shown = (x: number) => (x >= 0x20 && x < 0x7f ? x : 0x2e);
/** Whether some group's ASCII differs from its mirror image: the column can tell the orders apart. */
const telling = (b: Uint8Array) => b.some((x, i) => shown(x) !== shown(b[(i & ~3) + 3 - (i & 3)]));

const arbImage = arbFullDumpFunction.map((f) => f.bytes.slice(0, f.length - (f.length % 4))).filter((b) => b.length > 0);

describe('xxd -e', () => {
  // Any length for xxd and -g 4: an ASCII column, however hex-like, is never taken for a
  // right-aligned partial group.
  test.prop([arbFullDumpFunction, fc.constantFrom(1, 2, 4, 8)])('xxd -g N of any image reads back exactly', (f, g) => {
    const fn = readDump(writeXxd(f, { group: g }), { format: 'xxd' }).functions[0];
    expect(fn.length).toBe(f.length);
    expect(fn.bytes.slice(0, f.length)).toEqual(f.bytes.slice(0, f.length));
  });

  test.prop([arbImage])('read in memory order when the ASCII column tells, else as printed; -g 4 is never turned round', (b) => {
    const e = readDump(xxdE(b)).functions[0];
    const codes = e.diagnostics.map((d) => d.code);
    if (telling(b)) {
      expect(e.bytes.slice(0, b.length)).toEqual(b);
      expect(codes).toContain('DUMP_WORD_ORDER');
    } else {
      expect(e.bytes.slice(0, b.length)).toEqual(swapped(b));
      expect(codes).not.toContain('DUMP_WORD_ORDER');
      expect(codes).toContain('DUMP_GROUP_ORDER_UNKNOWN');
    }
    const g4 = readDump(writeXxd({ bytes: b, length: b.length }, { group: 4 })).functions[0];
    expect(g4.bytes.slice(0, b.length)).toEqual(b);
    expect(g4.diagnostics.map((d) => d.code)).not.toContain('DUMP_WORD_ORDER');
    expect(g4.diagnostics.some((d) => d.code === 'DUMP_GROUP_ORDER_UNKNOWN')).toBe(!telling(b));
  });

  it('lines before the first telling one, and the lines a * repeated, are turned round too', () => {
    const b = new Uint8Array(256);
    for (let i = 0; i < 16; i++) b[i] = 0x80 + i; // no printable byte: the column is all dots
    for (let i = 16; i < 48; i++) b[i] = 0x90 + (i & 3); // a repeated row
    b.set([0x41, 0x42, 0x43, 0x44], 0xf0); // the first telling group, last row
    const text = xxdE(b)
      .split('\n')
      .filter((l) => !l.startsWith('00000020'))
      .map((l) => (l.startsWith('00000030') ? '*\n' + l : l))
      .join('\n');
    expect(text).toContain('*\n00000030');
    const fn = readDump(text).functions[0];
    expect(fn.bytes.slice(0, 256)).toEqual(b);
    expect(fn.diagnostics.map((d) => d.code)).toEqual(['DUMP_WORD_ORDER']);
  });
});
