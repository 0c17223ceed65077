// Differential test: every vector's .lspci (lspci -xxxx text) read by `lspci -F FILE -vvv`, and
// compared with pcicfg's decoding of the same file. Differences must be excused by a reason in
// LSPCI_EXCUSES (docs/lspci.md), and every reason must still be needed by some vector.
// Skips with a printed reason without lspci, unless PCICFG_REQUIRE_LSPCI=1.
import { afterAll, describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { isVirtioPciId, notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { decodeVector, type VectorLib } from '../../scripts/vectors/project.mjs';
import { lspciGate, lspciVerbose, parseLspciVerbose, requireLspci } from '../support/lspci.js';
import { compareWithLspci, LSPCI_EXCUSES, type LspciExcuse } from './compare.js';
import { loadVectors } from './load.js';

const lib: VectorLib = { decodeConfigSpace, probeVirtio, notifyAddress, isVirtioPciId, virtioVendorCapDecoder };
const gate = lspciGate();
const vectors = loadVectors();
const used = new Map<LspciExcuse, string[]>();

describe.skipIf(gate.skip)('lspci -F -vvv on every spec vector', () => {
  describe.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    it('agrees with pcicfg on BARs, capabilities, extended capabilities and virtio fields (or the difference is a known lspci flaw)', async () => {
      requireLspci();
      const out = parseLspciVerbose(await lspciVerbose(v.text));
      expect(out.length).toBe(1);
      const { cs, transport } = decodeVector(lib, v.fn.bytes, v.fn.length, v.record.device);
      const { mismatches, excused } = compareWithLspci(cs, transport, out[0]);
      expect(mismatches).toEqual([]);
      for (const [k, list] of excused) used.set(k, [...(used.get(k) ?? []), ...list.map((x) => `${v.id}: ${x}`)]);
    });
  });

  it('every excuse in docs/lspci.md is still needed by some vector', () => {
    requireLspci();
    for (const k of Object.keys(LSPCI_EXCUSES) as LspciExcuse[]) expect(used.get(k)?.length ?? 0, `no vector needs "${k}" any more`).toBeGreaterThan(0);
  });

  afterAll(() => {
    if (process.env.PCICFG_SHOW_EXCUSES === '1') for (const [k, list] of used) console.log(`${k}:\n  ${list.join('\n  ')}`);
  });
});
