import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { readDump, writeHexdumpC, writeLspciFunction, writeXxd } from '../../src/dump/index.js';
import { decodeConfigSpace } from '../../src/pci/index.js';
import { arbConfigImageDump, arbFullDumpFunction, arbSparseDumpFunction, configImageBarSizes } from '../../src/arbitraries/index.js';

const errors = (ds: readonly { severity: string }[]) => ds.filter((d) => d.severity === 'error');

describe('dump arbitraries', () => {
  test.prop([arbFullDumpFunction], { numRuns: 1000 })('full images: every byte known, the rest 0xff', (fn) => {
    expect(fn.bytes.length).toBe(fn.length > 256 ? 4096 : 256);
    let bad = -1;
    for (let i = 0; i < fn.bytes.length && bad < 0; i++) if (fn.known[i] !== (i < fn.length ? 1 : 0) || (i >= fn.length && fn.bytes[i] !== 0xff)) bad = i;
    expect(bad).toBe(-1);
  });

  test.prop([arbSparseDumpFunction], { numRuns: 1000 })('sparse images: the last byte is known, unknown bytes are 0xff, and lspci text reads back', (fn) => {
    expect(fn.known[fn.length - 1]).toBe(1);
    expect(fn.bytes.findIndex((b, i) => !fn.known[i] && b !== 0xff)).toBe(-1);
    const back = readDump(writeLspciFunction(fn)).functions[0];
    expect(errors(back.diagnostics)).toEqual([]);
    expect(back.known.length === fn.known.length && back.known.every((k, i) => k === fn.known[i])).toBe(true);
  });

  test.prop([arbConfigImageDump()], { numRuns: 1000 })('config-image dumps read back (lspci, hexdump -C, xxd) and decode to the carried facts', ({ fn, image }) => {
    for (const text of [writeLspciFunction(fn), writeHexdumpC(fn), writeXxd(fn)]) {
      const back = readDump(text).functions[0];
      expect(errors(back.diagnostics)).toEqual([]);
      const cs = decodeConfigSpace(back.bytes, { length: back.length, barSizes: configImageBarSizes(image.facts) });
      expect(cs.diagnostics).toEqual([]);
      expect(cs.capabilities.map((c) => c.pos)).toEqual(image.facts.caps.map((c) => c.pos));
      expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual(image.facts.extCaps.map((c) => c.pos));
    }
  });
});
