// Properties over randomly declared structures: whatever table is declared, the derived
// decode/encode/partial/fieldAt agree with each other and with plain byte reads.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { bits, bytes, decodeBits, labelAt, region, struct, u16, u32, u64, u8, unclaimed, type Region } from '../../src/layout/index.js';

type Kind = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';
const widthOf = (k: Kind, n: number) => (k === 'u8' ? 1 : k === 'u16' ? 2 : k === 'u32' ? 4 : k === 'u64' ? 8 : n);

/** A table of contiguous fields in a shuffled declaration order. */
const arbTable = fc
  .array(fc.tuple(fc.constantFrom<Kind>('u8', 'u16', 'u32', 'u64', 'bytes'), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 10 })
  .chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs.map((_, i) => i), { minLength: specs.length, maxLength: specs.length })))
  .map(([specs, order]) => {
    let off = 0;
    const placed = specs.map(([k, n], i) => {
      const f = { name: `f${i}`, kind: k, offset: off, size: widthOf(k, n) };
      off += f.size;
      return f;
    });
    const table: Record<string, any> = {};
    for (const i of order) {
      const f = placed[i];
      table[f.name] =
        f.kind === 'u8' ? u8(f.offset) : f.kind === 'u16' ? u16(f.offset) : f.kind === 'u32' ? u32(f.offset) : f.kind === 'u64' ? u64(f.offset) : bytes(f.offset, f.size);
    }
    return { s: struct('gen', table), placed, size: off };
  });

const read = (b: Uint8Array, at: number, f: { kind: Kind; offset: number; size: number }) => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const o = at + f.offset;
  switch (f.kind) {
    case 'u8':
      return dv.getUint8(o);
    case 'u16':
      return dv.getUint16(o, true);
    case 'u32':
      return dv.getUint32(o, true);
    case 'u64':
      return dv.getBigUint64(o, true);
    case 'bytes':
      return b.slice(o, o + f.size);
  }
};

describe('generated structures', () => {
  test.prop([arbTable, fc.uint8Array({ minLength: 80, maxLength: 80 }), fc.nat(79)], { numRuns: 1000 })(
    'decode reads each field where declared; encode(decode) is byte-exact; fieldAt names the covering field',
    ({ s, placed, size }, b, atRaw) => {
      expect(s.size).toBe(size);
      const at = atRaw % (b.length - size + 1);
      const v = s.decode(b, at) as Record<string, unknown>;
      for (const f of placed) expect(v[f.name]).toEqual(read(b, at, f));
      const out = new Uint8Array(b.length);
      s.encode(v as never, out, at);
      expect(out.slice(at, at + size)).toEqual(b.slice(at, at + size));
      expect(out.slice(0, at).every((x) => x === 0)).toBe(true);
      for (const f of placed) for (let i = 0; i < f.size; i++) expect(s.fieldAt(f.offset + i)?.name).toBe(f.name);
      expect(s.fieldAt(size)).toBeUndefined();
      expect(s.fieldAt(-1)).toBeUndefined();
    },
  );

  test.prop([arbTable, fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.integer({ min: -4, max: 70 })], { numRuns: 1000 })(
    'decodePartial keeps exactly the fields wholly before `end`; encodePartial writes back only those',
    ({ s, placed }, b, end) => {
      const p = s.decodePartial(b, 0, end);
      const limit = Math.min(end, b.length);
      for (const f of placed) {
        const whole = f.offset + f.size <= limit;
        expect((p.value as Record<string, unknown>)[f.name]).toEqual(whole ? read(b, 0, f) : undefined);
        expect(p.missing.some((m) => m.name === f.name)).toBe(!whole);
      }
      const out = new Uint8Array(b.length).fill(0xa5);
      s.encodePartial(p.value as never, out, 0, end);
      for (let i = 0; i < out.length; i++) {
        const f = s.fieldAt(i);
        const written = f !== undefined && f.offset + f.size <= limit;
        expect(out[i]).toBe(written ? b[i] : 0xa5);
      }
    },
  );

  test.prop([fc.nat(0xffffffff), fc.array(fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 32 })), { maxLength: 6 })], { numRuns: 1000 })(
    'bit fields read the register bits they name (one bit: a boolean)',
    (reg, specs) => {
      const bs = specs.filter(([lo, w]) => lo + w <= 32).map(([lo, w], i) => bits(`b${i}`, lo, w));
      const got = decodeBits(reg, bs);
      for (const b of bs) {
        const v = Number((BigInt(reg) >> BigInt(b.lo)) & ((1n << BigInt(b.width)) - 1n));
        expect(got[b.name]).toBe(b.width === 1 ? v === 1 : v);
      }
    },
  );
});

describe('annotation', () => {
  const s = struct('ann', { a: u8(0), b: u16(1), c: u8(3) });

  test.prop([fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 0, max: 4 })), { maxLength: 8 }), fc.nat(64)], { numRuns: 1000 })(
    'regions and unclaimed ranges partition the image; labelAt answers for claimed bytes with the first region',
    (places, length) => {
      const regions: Region[] = places.map(([off, len]) => region(s, off, undefined, len));
      const free = unclaimed(regions, length);
      const isFree = new Uint8Array(length);
      let prevEnd = -1;
      for (const r of free) {
        expect(r.length).toBeGreaterThan(0);
        expect(r.offset).toBeGreaterThan(prevEnd); // sorted, not adjacent (maximal runs)
        prevEnd = r.offset + r.length;
        for (let i = r.offset; i < r.offset + r.length; i++) isFree[i] = 1;
      }
      expect(prevEnd).toBeLessThanOrEqual(length);
      for (let at = 0; at < length; at++) {
        const first = regions.find((r) => at >= r.offset && at < r.offset + r.length);
        expect(isFree[at]).toBe(first ? 0 : 1);
        const l = labelAt(regions, at);
        if (!first) expect(l).toBeUndefined();
        else {
          expect(l?.region).toBe(first);
          expect(l?.field.name).toBe(s.fieldAt(at - first.offset)?.name);
          expect(l!.field.offset + l!.byteInField).toBe(at - first.offset);
        }
      }
    },
  );
});
