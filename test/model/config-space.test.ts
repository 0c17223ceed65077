import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ConfigSpaceModel } from '../../src/model/config-space.js';
import { installModelBars, programmedModelBars, type ModelBar } from '../../src/model/bars.js';
import { bit, bits, reserved, struct, u16, u32, u8 } from '../../src/layout/struct.js';
import { pciHeaderType0 } from '../../src/pci/header.js';
import { arbModelBars } from '../../src/arbitraries/index.js';

const regs = struct('regs', {
  id: u16(0, 'ro'),
  ctrl: u16(2, 'rw', { bits: [bits('fixed', 12, 4, 'ro')] }),
  status: u16(4, 'ro', { bits: [bit('err_a', 8, 'rw1c'), bit('err_b', 15, 'rw1c')] }),
  pad: reserved(6, 2),
  doorbell: u32(8, 'wo'),
  scratch: u8(12, 'rw'),
  tail: reserved(13, 3),
});

function model(init: (b: Uint8Array) => void = () => {}) {
  const img = new Uint8Array(32);
  init(img);
  return new ConfigSpaceModel(img, [{ struct: regs, offset: 8 }]);
}

describe('ConfigSpaceModel register semantics', () => {
  it('ignores writes to read-only and reserved fields and to unclaimed bytes', () => {
    const m = model((b) => {
      b[8] = 0x34;
      b[9] = 0x12;
      b[14] = 0xaa;
      b[0] = 0x55;
    });
    m.write(8, 2, 0xffff);
    m.write(14, 2, 0);
    m.write(0, 4, 0);
    expect(m.read(8, 2)).toBe(0x1234);
    expect(m.read(14, 1)).toBe(0xaa);
    expect(m.read(0, 1)).toBe(0x55);
  });

  it('writes rw bits but not bits the table overrides as read-only', () => {
    const m = model();
    m.write(10, 2, 0xffff);
    expect(m.read(10, 2)).toBe(0x0fff);
  });

  it('clears RW1C bits on a 1 and keeps them on a 0', () => {
    const m = model((b) => {
      b[12] = 0x0f;
      b[13] = 0x81;
    });
    m.write(12, 2, 0x0000);
    expect(m.read(12, 2)).toBe(0x810f);
    m.write(12, 2, 0x0100);
    expect(m.read(12, 2)).toBe(0x800f);
    m.write(12, 2, 0xffff);
    expect(m.read(12, 2)).toBe(0x000f);
  });

  it('reads write-only fields as zero', () => {
    const m = model();
    m.write(16, 4, 0xdeadbeef);
    expect(m.read(16, 4)).toBe(0);
    expect(m.bytes[16]).toBe(0xef);
  });

  it('handles accesses at any alignment, straddling fields', () => {
    const m = model((b) => {
      b[8] = 0x34;
      b[9] = 0x12;
    });
    m.write(9, 4, 0xffffffff); // id high byte (ro), ctrl (rw, top nibble ro), status low byte (ro)
    expect(m.read(8, 4)).toBe(0x0fff1234);
    expect(m.read(19, 2)).toBe(0);
    m.write(20, 1, 0x5a);
    expect(m.read(19, 4)).toBe(0x00005a00);
  });

  it('reads past the end as all-ones and drops writes there', () => {
    const m = model();
    expect(m.read(30, 4)).toBe(0xffff0000);
    m.write(31, 4, 0);
    expect(m.read(31, 1)).toBe(0);
  });

  // The masks are a function: for random writes, the result equals the per-bit rule.
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 28 }), fc.constantFrom<1 | 2 | 4>(1, 2, 4), fc.nat()), { maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 })], {
    numRuns: 1000,
  })('every byte follows (old & ~w | v & w) & ~(v & w1c)', (writes, init) => {
    const m = new ConfigSpaceModel(init, [{ struct: regs, offset: 8 }]);
    const ref = Uint8Array.from(init);
    for (const [off, width, value] of writes) {
      m.write(off, width, value);
      for (let i = 0; i < width; i++) {
        const o = off + i;
        const v = (value >>> (8 * i)) & 0xff;
        const w = m.wmask[o];
        ref[o] = ((ref[o] & ~w) | (v & w)) & ~(v & m.w1cmask[o]) & 0xff;
      }
    }
    expect(m.bytes).toEqual(ref);
    // And the masks came from the table: id ro, ctrl low 12 bits rw, status bits 8 and 15 rw1c.
    expect([m.wmask[8], m.wmask[9], m.wmask[10], m.wmask[11]]).toEqual([0, 0, 0xff, 0x0f]);
    expect([m.w1cmask[12], m.w1cmask[13]]).toEqual([0, 0x81]);
  });
});

function header(): ConfigSpaceModel {
  const img = new Uint8Array(256);
  pciHeaderType0.encode({ ...pciHeaderType0.zero(), vendor_id: 0x1af4, device_id: 0x1042, status: 0x10 }, img, 0);
  return new ConfigSpaceModel(img, [{ struct: pciHeaderType0, offset: 0 }]);
}

const sizeOf = (probe: number, low: number) => (~(probe & ~low) + 1) >>> 0;

describe('BAR sizing', () => {
  const bars: ModelBar[] = [
    { index: 0, kind: 'io', size: 0x80n },
    { index: 1, kind: 'mem32', size: 0x1000n },
    { index: 2, kind: 'mem64', size: 0x4000n, prefetchable: true },
    { index: 4, kind: 'mem64', size: 0x2_0000_0000n },
  ];

  it('reads back the size mask with the flag bits after writing all-ones', () => {
    const m = header();
    installModelBars(m, bars);
    for (let i = 0; i < 6; i++) m.write(0x10 + 4 * i, 4, 0xffffffff);
    expect(m.read(0x10, 4)).toBe(0xffffff81);
    expect(sizeOf(m.read(0x10, 4), 3)).toBe(0x80);
    expect(m.read(0x14, 4)).toBe(0xfffff000);
    expect(m.read(0x18, 4)).toBe(0xffffc00c);
    expect(m.read(0x1c, 4)).toBe(0xffffffff);
    // 8 GiB: the low dword has no address bits, the size continues in the upper half.
    expect(m.read(0x20, 4)).toBe(0x00000004);
    expect(m.read(0x24, 4)).toBe(0xfffffffe);
    m.write(0x30, 4, 0xffffffff);
    expect(m.read(0x30, 4)).toBe(0);
  });

  it('keeps the flag bits and decodes programmed 64-bit addresses', () => {
    const m = header();
    installModelBars(m, bars);
    m.write(0x10, 4, 0xc000);
    m.write(0x18, 4, 0xfe00_8000);
    m.write(0x1c, 4, 0x1);
    m.write(0x20, 4, 0xffff_ffff);
    m.write(0x24, 4, 0x4);
    expect(m.read(0x10, 4)).toBe(0xc001);
    expect(m.read(0x18, 4)).toBe(0xfe00800c);
    const p = programmedModelBars(m, bars);
    expect(p.map((b) => b.base)).toEqual([0xc000n, 0n, 0x1_fe00_8000n, 0x4_0000_0000n]);
  });

  it('rejects impossible BAR layouts', () => {
    const m = header();
    expect(() => installModelBars(m, [{ index: 5, kind: 'mem64', size: 0x1000n }])).toThrow(/slots/);
    expect(() => installModelBars(m, [{ index: 0, kind: 'mem32', size: 0x1800n }])).toThrow(/power of two/);
    expect(() => installModelBars(m, [{ index: 0, kind: 'mem64', size: 0x1000n }, { index: 1, kind: 'io', size: 4n }])).toThrow(/twice/);
  });

  // Whole BAR sets (arbModelBars): I/O, 32-bit and 64-bit BARs of every legal size in any slot.
  test.prop([arbModelBars()], {
    numRuns: 1000,
  })('sizing with all-ones recovers every size and kind', (bars) => {
    const m = header();
    installModelBars(m, bars);
    for (let i = 0; i < 6; i++) m.write(0x10 + 4 * i, 4, 0xffffffff);
    const found: ModelBar[] = [];
    for (let i = 0; i < 6; i++) {
      const at = 0x10 + 4 * i;
      const lo = m.read(at, 4);
      if (lo === 0) continue; // an unimplemented slot reads 0 after all-ones
      const kind = lo & 1 ? 'io' : ((lo >> 1) & 3) === 2 ? 'mem64' : 'mem32';
      if (kind !== 'io') expect([0, 2]).toContain((lo >> 1) & 3);
      let mask = BigInt(lo) & (kind === 'io' ? ~3n : ~0xfn) & 0xffffffffn;
      if (kind === 'mem64') mask |= BigInt(m.read(at + 4, 4)) << 32n;
      else mask |= 0xffffffffn << 32n;
      const size = (~mask + 1n) & ((1n << 64n) - 1n);
      found.push({ index: i, kind, size, prefetchable: kind !== 'io' && ((lo >> 3) & 1) === 1 });
      if (kind === 'mem64') i++;
    }
    expect(found).toEqual(bars.map((b) => ({ ...b, prefetchable: b.prefetchable ?? false })));
  });
});
