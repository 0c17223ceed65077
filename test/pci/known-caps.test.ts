// Round trip and totality where the decoders actually run: arbitrary images rarely hold a
// known capability ID, so these images chain decodable standard and extended capabilities
// (and a few unknown ones) at random places, with random bodies and random links, loops
// included.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace, PCI_DIAGNOSTICS } from '../../src/pci/index.js';
import { readUint } from '../../src/bytes/index.js';
import { arbCapChainImage } from '../../src/arbitraries/index.js';

// Chains of decodable (and a few unknown) standard and extended capabilities over random
// bytes, from the public arbitraries.
const image = arbCapChainImage();

describe('images whose lists hold decodable capabilities', () => {
  test.prop([image, fc.constantFrom(256, 4096, 0x180, 0x800)], { numRuns: 1000 })(
    'encode(decode(b)) == b, every capability visited once, only known codes',
    ({ bytes: b, facts }, length) => {
      // The walk is asked for: an image may lack the PCI Express capability that makes 0x100.. config space.
      const cs = decodeConfigSpace(b, { length, forceExtendedCapabilities: true });
      const out = encodeConfigSpace(cs);
      expect(out.length).toBe(b.length);
      expect(out.findIndex((x, i) => x !== b[i])).toBe(-1);
      expect(new Set(cs.capabilities.map((c) => c.pos)).size).toBe(cs.capabilities.length);
      expect(new Set(cs.extendedCapabilities.map((c) => c.pos)).size).toBe(cs.extendedCapabilities.length);
      for (const d of cs.diagnostics) expect(PCI_DIAGNOSTICS).toHaveProperty(d.code);
      expect(cs.regions.filter((r) => r.offset + r.length > Math.max(length, r.offset))).toEqual([]);
      if (length === 4096) {
        // The whole image known: both walks follow the links as written, loops stopped once.
        expect(cs.capabilities.map((c) => c.pos)).toEqual(facts.walk);
        expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual(facts.extWalk);
        expect(cs.diagnostics.some((d) => d.code === 'CAP_LOOP')).toBe(facts.loops);
        expect(cs.diagnostics.some((d) => d.code === 'EXTCAP_LOOP')).toBe(facts.extLoops);
      }
    },
  );

  test.prop([image, fc.nat(), fc.nat(0xffffffff)], { numRuns: 1000 })(
    'editing one decoded register of any capability changes only that register',
    ({ bytes: b }, pick, value) => {
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
