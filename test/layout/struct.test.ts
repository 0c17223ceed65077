import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { bit, bits, bytes, labelAt, region, reserved, struct, u16, u32, u64, u8, unclaimed } from '../../src/layout/index.js';

const demo = struct('demo', {
  a: u8(0),
  b: u16(2, 'rw', { bits: [bit('enable', 0), bits('mode', 1, 3)] }),
  pad: reserved(1, 1),
  c: u32(4, 'rw1c'),
  d: u64(8),
  e: bytes(16, 4),
});

describe('struct', () => {
  it('decodes little-endian fields by offset', () => {
    const b = Uint8Array.from([1, 9, 0x0b, 0x00, 0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0, 0, 0, 0, 0x80, 0xde, 0xad, 0xbe, 0xef]);
    const v = demo.decode(b);
    expect(v).toEqual({ a: 1, pad: Uint8Array.of(9), b: 0x0b, c: 0x12345678, d: 0x8000000000000001n, e: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    expect(demo.bits('b', v.b)).toEqual({ enable: true, mode: 5 });
  });

  it('knows which field covers each byte', () => {
    expect(demo.fieldAt(3)?.name).toBe('b');
    expect(demo.fieldAt(1)?.name).toBe('pad');
    expect(demo.fieldAt(20)).toBeUndefined();
    const r = [region(demo, 0x40, 'demo@0x40')];
    expect(labelAt(r, 0x4c)?.field.name).toBe('d');
    expect(labelAt(r, 0x4c)?.byteInField).toBe(4);
    expect(unclaimed(r, 0x60)).toEqual([
      { offset: 0, length: 0x40 },
      { offset: 0x54, length: 0x0c },
    ]);
  });

  it('rejects tables with holes or overlaps at declaration', () => {
    expect(() => struct('hole', { a: u8(0), b: u8(2) })).toThrow(/byte 1/);
    expect(() => struct('overlap', { a: u16(0), b: u8(1) })).toThrow(/overlaps/);
  });

  // The declaration check works on ranges; it must say what a byte-by-byte check says.
  test.prop([fc.array(fc.tuple(fc.nat(24), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 8 }), fc.option(fc.nat(30), { nil: undefined })])(
    'accepts and rejects a table as a byte-by-byte check does, with the same message',
    (specs, size) => {
      const table = Object.fromEntries(specs.map(([o, n], i) => [`f${i}`, bytes(o, n)]));
      // The byte-by-byte reference: fields in offset order, each byte claimed once, none left over.
      const fields = Object.entries(table).map(([name, f]) => ({ name, offset: f.offset, size: f.size })).sort((a, b) => a.offset - b.offset);
      const total = size ?? fields.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
      let want: string | null = null;
      const owner: string[] = [];
      outer: for (const f of fields) {
        for (let i = f.offset; i < f.offset + f.size; i++) {
          if (i >= total) { want = `sample.${f.name} extends past the structure size ${total}`; break outer; }
          if (owner[i]) { want = `sample.${f.name} overlaps sample.${owner[i]} at byte ${i}`; break outer; }
          owner[i] = f.name;
        }
      }
      if (want === null) for (let i = 0; i < total; i++) if (!owner[i]) { want = `sample: byte ${i} is claimed by no field (declare it reserved)`; break; }
      let got: string | null = null;
      try {
        struct('sample', table, size);
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got).toBe(want);
    },
  );

  it('decodes a prefix and says what is missing', () => {
    const b = new Uint8Array(20).fill(0xff);
    const p = demo.decodePartial(b, 0, 8);
    expect(Object.keys(p.value).sort()).toEqual(['a', 'b', 'c', 'pad']);
    expect(p.missing.map((f) => f.name)).toEqual(['d', 'e']);
  });

  it('refuses out-of-range values when encoding', () => {
    const v = demo.zero();
    expect(() => demo.toBytes({ ...v, a: 256 })).toThrow(TypeError);
    expect(() => demo.toBytes({ ...v, d: -1n })).toThrow(TypeError);
  });

  test.prop([fc.uint8Array({ minLength: 20, maxLength: 64 }), fc.nat(44)], { numRuns: 1000 })(
    'encode(decode(b)) is byte-exact',
    (b, at) => {
      const start = Math.min(at, b.length - demo.size);
      const out = b.slice();
      out.fill(0, start, start + demo.size);
      demo.encode(demo.decode(b, start), out, start);
      expect(out).toEqual(b);
    },
  );
});
