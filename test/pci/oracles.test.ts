// Agreement with independent readings of the spec: binary-parser and restructure declarations
// written by hand in ./oracles (not derived from src/pci's field tables).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace, pciHeaderType0, pciHeaderType1, pciMsixCap } from '../../src/pci/index.js';
import { flattenType0, type0Parser, type0Struct, unflattenType0 } from './oracles/type0.js';
import { flattenType1, type1Parser, type1Struct, unflattenType1 } from './oracles/type1.js';
import { msixDerived, msixParser, msixStruct } from './oracles/msix.js';
import { arbCapChainImage } from '../../src/arbitraries/index.js';

const plain = (o: Record<string, unknown>) => ({ ...o }); // drop restructure's hidden properties

/** A 256-byte image with header layout `type` (other bits of 0x0e arbitrary). */
const headerImage = (type: number) =>
  fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => {
    b[0x0e] = (b[0x0e] & 0x80) | type;
    return b;
  });

describe('type 0 header oracles', () => {
  test.prop([headerImage(0)], { numRuns: 1000 })('binary-parser and restructure read what decodeConfigSpace reads', (b) => {
    const ours = decodeConfigSpace(b).header;
    expect(flattenType0(type0Parser.parse(b.subarray(0, 64)))).toEqual(ours);
    expect(flattenType0(plain(type0Struct.fromBuffer(b.subarray(0, 64))))).toEqual(ours);
  });

  test.prop([headerImage(0)], { numRuns: 1000 })("restructure's encoder writes the bytes ours writes", (b) => {
    const v = pciHeaderType0.decode(b);
    expect(type0Struct.toBuffer(unflattenType0(v))).toEqual(pciHeaderType0.toBytes(v));
    expect(encodeConfigSpace(decodeConfigSpace(b)).subarray(0, 64)).toEqual(type0Struct.toBuffer(unflattenType0(v)));
  });
});

describe('type 1 header oracles', () => {
  test.prop([headerImage(1)], { numRuns: 1000 })('binary-parser and restructure read what decodeConfigSpace reads', (b) => {
    const ours = decodeConfigSpace(b).header;
    expect(flattenType1(type1Parser.parse(b.subarray(0, 64)))).toEqual(ours);
    expect(flattenType1(plain(type1Struct.fromBuffer(b.subarray(0, 64))))).toEqual(ours);
  });

  test.prop([headerImage(1)], { numRuns: 1000 })("restructure's encoder writes the bytes ours writes", (b) => {
    const v = pciHeaderType1.decode(b);
    expect(type1Struct.toBuffer(unflattenType1(v))).toEqual(pciHeaderType1.toBytes(v));
  });
});

describe('MSI-X capability oracles', () => {
  // A type 0 image whose capability list is one MSI-X capability, whole, at an arbitrary position.
  const msixImage = arbCapChainImage({ size: 256, headerType: 0, capIds: [0x11], minCaps: 1, maxCaps: 1, loop: false, capSpan: 12 }).map((g) => ({ b: g.bytes, pos: g.facts.caps[0].pos }));

  test.prop([msixImage], { numRuns: 1000 })('binary-parser and restructure agree with the MSI-X decoder', ({ b, pos }) => {
    const cs = decodeConfigSpace(b);
    expect(cs.capabilities).toHaveLength(1);
    const cap = cs.capabilities[0];
    const bp = msixParser.parse(b.subarray(pos, pos + 12));
    expect(bp).toEqual(cap.fields);
    expect(plain(msixStruct.fromBuffer(b.subarray(pos, pos + 12)))).toEqual(cap.fields);
    expect(cap.info).toEqual(msixDerived(bp));
  });

  test.prop([msixImage], { numRuns: 1000 })("restructure's encoder writes the bytes ours writes", ({ b, pos }) => {
    const v = pciMsixCap.decode(b, pos);
    expect(msixStruct.toBuffer(v)).toEqual(pciMsixCap.toBytes(v));
  });
});
