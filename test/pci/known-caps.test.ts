// Round trip and totality where the decoders actually run: arbitrary images rarely hold a
// known capability ID, so these images chain decodable standard and extended capabilities
// (and a few unknown ones) at random places, with random bodies and random links, loops
// included.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace, PCI_CAP_ID, PCI_DIAGNOSTICS, PCI_EXT_CAP_ID } from '../../src/pci/index.js';
import { readUint } from '../../src/bytes/index.js';

const STD_IDS = [PCI_CAP_ID.PM, PCI_CAP_ID.MSI, PCI_CAP_ID.VNDR, PCI_CAP_ID.EXP, PCI_CAP_ID.MSIX, 0x03, 0x12];
const EXT_IDS = [
  PCI_EXT_CAP_ID.ERR, PCI_EXT_CAP_ID.DSN, PCI_EXT_CAP_ID.VNDR, PCI_EXT_CAP_ID.ACS, PCI_EXT_CAP_ID.ARI, PCI_EXT_CAP_ID.ATS,
  PCI_EXT_CAP_ID.SRIOV, PCI_EXT_CAP_ID.REBAR, PCI_EXT_CAP_ID.LTR, PCI_EXT_CAP_ID.L1SS, PCI_EXT_CAP_ID.DVSEC, 0x02, 0x2e,
];

const image = fc
  .record({
    noise: fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
    type: fc.constantFrom(0, 0, 1),
    std: fc.uniqueArray(fc.integer({ min: 0x10, max: 0x3f }), { minLength: 0, maxLength: 8 }),
    stdIds: fc.array(fc.constantFrom(...STD_IDS), { minLength: 8, maxLength: 8 }),
    ext: fc.uniqueArray(fc.integer({ min: 0x41, max: 0x3ff }), { minLength: 0, maxLength: 10 }),
    extIds: fc.array(fc.constantFrom(...EXT_IDS), { minLength: 11, maxLength: 11 }),
    extVersions: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 11, maxLength: 11 }),
    loop: fc.boolean(),
  })
  .map((r) => {
    const b = r.noise.slice();
    const dv = new DataView(b.buffer);
    b[0x0e] = r.type;
    b[6] |= 0x10;
    // Standard list: in the given order, each pointing at the next (the last: 0 or back to the first).
    const std = r.std.map((s) => s * 4);
    b[0x34] = std.length ? std[0] : 0;
    std.forEach((p, i) => {
      b[p] = r.stdIds[i];
      b[p + 1] = i + 1 < std.length ? std[i + 1] : r.loop ? std[0] : 0;
    });
    // Extended list from 0x100.
    const ext = [0x100, ...r.ext.map((s) => s * 4)];
    ext.forEach((p, i) => {
      const next = i + 1 < ext.length ? ext[i + 1] : r.loop ? ext[0] : 0;
      dv.setUint32(p, ((next << 20) | (r.extVersions[i] << 16) | r.extIds[i]) >>> 0, true);
    });
    return b;
  });

describe('images whose lists hold decodable capabilities', () => {
  test.prop([image, fc.constantFrom(256, 4096, 0x180, 0x800)], { numRuns: 1000 })(
    'encode(decode(b)) == b, every capability visited once, only known codes',
    (b, length) => {
      const cs = decodeConfigSpace(b, { length });
      const out = encodeConfigSpace(cs);
      expect(out.length).toBe(b.length);
      expect(out.findIndex((x, i) => x !== b[i])).toBe(-1);
      expect(new Set(cs.capabilities.map((c) => c.pos)).size).toBe(cs.capabilities.length);
      expect(new Set(cs.extendedCapabilities.map((c) => c.pos)).size).toBe(cs.extendedCapabilities.length);
      for (const d of cs.diagnostics) expect(PCI_DIAGNOSTICS).toHaveProperty(d.code);
      expect(cs.regions.filter((r) => r.offset + r.length > Math.max(length, r.offset))).toEqual([]);
    },
  );

  test.prop([image, fc.nat(), fc.nat(0xffffffff)], { numRuns: 1000 })(
    'editing one decoded register of any capability changes only that register',
    (b, pick, value) => {
      const cs = decodeConfigSpace(b);
      // Every placed number field past the header (capability and extended capability registers).
      const regs = cs.layout
        .filter((p) => p.offset >= 0x40)
        .flatMap((p) => p.struct.fields.filter((f) => f.kind !== 'u64' && f.kind !== 'bytes' && typeof p.value[f.name] === 'number').map((f) => ({ p, f })));
      fc.pre(regs.length > 0);
      const { p, f } = regs[pick % regs.length];
      const v = f.size === 4 ? value >>> 0 : value % 2 ** (8 * f.size);
      p.value[f.name] = v;
      const out = encodeConfigSpace(cs);
      const lo = p.offset + f.offset;
      // A later overlapping structure may write the old bytes back over the edit: only check
      // bytes outside the field never change.
      const changed: number[] = [];
      for (let i = 0; i < out.length; i++) if (out[i] !== b[i]) changed.push(i);
      expect(changed.filter((i) => i < lo || i >= lo + f.size)).toEqual([]);
      const overlapped = cs.layout.some((q) => q !== p && cs.layout.indexOf(q) > cs.layout.indexOf(p) && q.offset < lo + f.size && q.end > lo);
      if (!overlapped) expect(readUint(out, lo, f.size as 1 | 2 | 4)).toBe(v);
    },
  );
});
