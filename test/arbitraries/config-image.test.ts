import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import {
  arbConfigImage,
  arbInvalidConfigImage,
  CONFIG_IMAGE_MUTATION_CODES,
  CONFIG_IMAGE_MUTATIONS,
  configImageBarSizes,
} from '../../src/arbitraries/index.js';

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

describe('arbConfigImage', () => {
  test.prop([arbConfigImage()], { numRuns: 1000 })('decodes with no diagnostic and finds the carried facts; encode gives the bytes back', (g) => {
    const cs = decodeConfigSpace(g.bytes, { barSizes: configImageBarSizes(g.facts) });
    expect(codes(cs.diagnostics)).toEqual([]);
    expect(cs.headerType).toBe(g.facts.headerType);
    expect(cs.multiFunction).toBe(g.facts.multiFunction);
    expect(cs.header.vendor_id).toBe(g.facts.vendorId);
    expect(cs.header.device_id).toBe(g.facts.deviceId);
    expect(cs.bars.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: b.address, size: b.size }))).toEqual(
      g.facts.bars.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: b.address, size: b.size })),
    );
    expect(cs.capabilities.map((c) => ({ id: c.id, pos: c.pos, length: c.length }))).toEqual(g.facts.caps);
    expect(cs.extendedCapabilities.map((c) => ({ id: c.id, pos: c.pos, version: c.version, length: c.length }))).toEqual(g.facts.extCaps);
    const back = encodeConfigSpace(cs);
    expect(back.length === g.bytes.length && back.every((v, i) => v === g.bytes[i])).toBe(true);
  });

  test.prop([arbConfigImage({ headerType: 1, size: 4096, capKinds: ['pcie', 'vendor'] })], { numRuns: 200 })('knobs are honoured', (g) => {
    expect(g.bytes.length).toBe(4096);
    expect(g.facts.headerType).toBe(1);
    expect(g.facts.bars.every((b) => b.index < 2)).toBe(true);
    expect(g.facts.caps.every((c) => c.id === 0x10 || c.id === 0x09)).toBe(true);
  });
});

describe('arbInvalidConfigImage', () => {
  test.prop([arbInvalidConfigImage()], { numRuns: 1000 })('decoding reports exactly the labelled code', (x) => {
    const cs = decodeConfigSpace(x.bytes, { barSizes: configImageBarSizes(x.valid.facts) });
    expect(codes(cs.diagnostics)).toEqual([x.code]);
  });

  describe.each(CONFIG_IMAGE_MUTATIONS)('%s', (m) => {
    test.prop([arbInvalidConfigImage({}, [m])], { numRuns: 100 })('is drawable and gives exactly its code', (x) => {
      expect(x.mutation).toBe(m);
      expect(codes(decodeConfigSpace(x.bytes).diagnostics)).toEqual([CONFIG_IMAGE_MUTATION_CODES[m]]);
    });
  });
});
