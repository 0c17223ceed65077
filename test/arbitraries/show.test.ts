// Counterexamples print compactly: generated images and transports carry a toString for
// fast-check's reports (fc.toStringMethod) with a summary and the bytes as hex rows, which
// must give back exactly the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  arbBarRegisters,
  arbBlkDevice,
  arbCapChainImage,
  arbCommonCfg,
  arbConfigImage,
  arbInvalidConfigImage,
  arbInvalidPackedRing,
  arbInvalidSplitRing,
  arbInvalidTransport,
  arbModelDescription,
  arbPackedRing,
  arbPciIdentity,
  arbPresetDevice,
  arbSparseDumpFunction,
  arbSplitRing,
  arbTransport,
  arbVirtioCapNoise,
  arbVirtioNoiseImage,
  buildConfigImage,
} from '../../src/arbitraries/index.js';
import { hexRows } from '../../src/arbitraries/show.js';
import { pciCapName } from '../../src/pci/index.js';

/**
 * Read hex rows back: `off: bytes`, `*` repeating the row before up to the next offset, the
 * length last; offsets from `base`, `??` (an unknown byte) read as -1.
 */
function parseHexRows(text: string, base = 0): number[] | Uint8Array {
  const lines = text.trim().split('\n').map((l) => l.trim());
  const out: number[] = [];
  let unknown = false;
  let prev: number[] = [];
  let folded = false;
  for (const l of lines) {
    if (l === '*') {
      folded = true;
      continue;
    }
    const m = /^([0-9a-f]+)(?:: ((?:(?:[0-9a-f]{2}|\?\?) ?)+))?$/.exec(l);
    if (!m) throw new Error(`not a hex row: ${l}`);
    const at = parseInt(m[1]!, 16) - base;
    if (folded) while (out.length < at) out.push(...prev.slice(0, at - out.length));
    folded = false;
    expect(out.length).toBe(at);
    if (m[2] === undefined) break; // the length line
    prev = m[2].trim().split(' ').map((b) => (b === '??' ? -1 : parseInt(b, 16)));
    unknown ||= prev.includes(-1);
    out.push(...prev);
  }
  return unknown ? out : Uint8Array.from(out);
}

/** The report fast-check gives for a property failing on the first value drawn. */
function report<T>(arb: fc.Arbitrary<T>): string {
  const r = fc.check(fc.property(arb, () => false), { seed: 3, numRuns: 1, endOnFailure: true });
  return fc.defaultReportMessage(r)!;
}

describe('hexRows', () => {
  it('shows 16 bytes a row with offsets, folds repeated rows, ends with the length', () => {
    const b = new Uint8Array(0x50);
    b[0] = 0xab;
    b[0x4f] = 1;
    expect(hexRows(b, '')).toBe(
      ['000: ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', '010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', '*', '040: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01', '050'].join('\n'),
    );
    expect(parseHexRows(hexRows(b))).toEqual(b);
    expect(hexRows(Uint8Array.of(1, 2, 3), '')).toBe('000: 01 02 03\n003');
  });
});

describe('counterexamples print compactly', () => {
  it('a config image: header line, BARs, capability lists in walk order, the bytes in hex rows', () => {
    fc.assert(
      fc.property(arbConfigImage(), (g) => {
        const s = fc.stringify(g);
        const [head, bars, caps] = s.split('\n');
        expect(head).toMatch(new RegExp(`^config image: type ${g.facts.headerType}, ${g.bytes.length} bytes, [0-9a-f]{4}:[0-9a-f]{4}`));
        expect(bars).toMatch(/^ {2}BARs: /);
        for (const b of g.facts.bars) expect(bars).toContain(`BAR${b.index} ${b.kind} 0x${b.address.toString(16)} size 0x${b.size.toString(16)}`);
        const list = g.facts.caps.map((c) => `0x${c.pos.toString(16)} ${pciCapName(c.id)} (${c.length} B)`);
        expect(caps).toBe(`  caps: ${list.length ? list.join(' → ') : 'none'}`);
        expect(parseHexRows(s.slice(s.indexOf('  bytes:\n') + 9))).toEqual(g.bytes);
        expect(s).not.toContain('undefined');
      }),
      { numRuns: 100 },
    );
  });

  it('a transport: kind, device, BARs, capabilities, queues, the image in hex rows', () => {
    fc.assert(
      fc.property(arbTransport({ kind: 'any' }), (t) => {
        const s = fc.stringify(t);
        expect(s).toMatch(/^virtio transport: (modern|transitional|legacy-only), device type \d+ \(ID 0x[0-9a-f]{4}\)/);
        expect(s).toContain(`queue_notify_off: ${t.queueNotifyOffs.length ? t.queueNotifyOffs.join(' ') : 'no queues'}`);
        expect(parseHexRows(s.slice(s.indexOf('  image:\n') + 9))).toEqual(t.image);
        expect(s).not.toContain('undefined');
      }),
      { numRuns: 100 },
    );
  });

  it('fast-check reports a failing property with the compact form, not every field on one line', () => {
    for (const arb of [arbConfigImage({ size: 256 }), arbTransport(), arbInvalidConfigImage(), arbInvalidTransport()] as fc.Arbitrary<unknown>[]) {
      const r = report(arb);
      expect(r).toMatch(/^ {4}000: /m);
      expect(r).not.toMatch(/undefined|noise|Uint8Array/);
      expect(Math.max(...r.split('\n').map((l) => l.length))).toBeLessThan(600);
    }
    expect(report(arbInvalidConfigImage())).toMatch(/invalid config image: [a-z0-9-]+, expects [A-Z0-9_]+\n {2}of the config image: /);
    expect(report(arbInvalidTransport())).toMatch(/invalid virtio transport: [a-z0-9-]+, expects [A-Z0-9_]+\n {2}as virtio transport: /);
  });

  it('images over noise, BAR registers and identity registers: their facts one a line, the bytes in hex rows', () => {
    const arbs = { arbCapChainImage: arbCapChainImage(), arbVirtioNoiseImage: arbVirtioNoiseImage(), arbVirtioCapNoise: arbVirtioCapNoise(), arbBarRegisters: arbBarRegisters(), arbPciIdentity: arbPciIdentity() };
    for (const [name, arb] of Object.entries(arbs) as [string, fc.Arbitrary<{ bytes: Uint8Array; facts: object }>][]) {
      fc.assert(
        fc.property(arb, (g) => {
          const s = fc.stringify(g);
          expect(s, name).not.toMatch(/Uint8Array|undefined/);
          const lines = s.split('\n');
          for (const k of Object.keys(g.facts)) expect(lines, name).toContainEqual(expect.stringMatching(new RegExp(`^  ${k}: `)));
          expect(parseHexRows(s.slice(s.indexOf('  bytes:\n') + 9))).toEqual(g.bytes);
        }),
        { numRuns: 50 },
      );
    }
    const [g] = fc.sample(arbCapChainImage({ size: 256, minCaps: 1 }), { numRuns: 1, seed: 1 });
    const c = g!.facts.caps[0]!;
    expect(fc.stringify(g)).toContain(`caps: [{ pos: 0x${c.pos.toString(16)}, id: ${c.id < 10 ? c.id : `0x${c.id.toString(16)}`}, next: `);
  });

  it('rings: size, part addresses, every chain, the memory in hex rows at its guest addresses', () => {
    fc.assert(
      fc.property(fc.oneof(arbSplitRing(), arbPackedRing(), arbInvalidSplitRing().map((x) => x.ring)), (r) => {
        const s = fc.stringify(r);
        expect(s).toMatch(new RegExp(`^${r.kind} ring: queue size ${r.queueSize}, `));
        r.chains.forEach((c, k) => expect(s).toContain(`  chain ${k}: ${r.kind === 'packed' ? `id ${c.id}, ` : ''}head ${c.head}, `));
        expect(parseHexRows(s.slice(s.indexOf('  memory:\n') + 10), Number(r.memory.base))).toEqual(r.memory.bytes);
      }),
      { numRuns: 100 },
    );
    const [x] = fc.sample(arbInvalidPackedRing(), { numRuns: 1, seed: 1 });
    expect(fc.stringify(x)).toMatch(/^invalid ring: [a-z-]+ on chain \d+, expects VRING_[A-Z_]+\npacked ring: /);
  });

  it('dump functions: slot, length, how many bytes are known, the bytes with ?? where unknown', () => {
    fc.assert(
      fc.property(arbSparseDumpFunction, (f) => {
        const s = fc.stringify(f);
        const known = f.known.subarray(0, f.length).filter((k) => k).length;
        expect(s.split('\n')[0]).toMatch(new RegExp(`^dump function [0-9a-f]{4,6}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7].*, ${f.length} bytes, ${known} known$`));
        const back = Array.from(parseHexRows(s.slice(s.indexOf('\n') + 1)));
        expect(back).toEqual(Array.from(f.bytes.subarray(0, f.length), (b, i) => (f.known[i] ? b : -1)));
      }),
      { numRuns: 100 },
    );
  });

  it('model descriptions, virtio-blk and preset devices, common_cfg states: a line per field, no undefined fields', () => {
    const arbs = { arbModelDescription, arbBlkDevice, arbPresetDevice: arbPresetDevice(), arbCommonCfg: arbCommonCfg() } as Record<string, fc.Arbitrary<object>>;
    for (const [name, arb] of Object.entries(arbs)) {
      fc.assert(
        fc.property(arb, (v) => {
          const s = fc.stringify(v);
          expect(s, name).not.toMatch(/undefined|Uint8Array/);
          for (const [k, x] of Object.entries(v)) if (x !== undefined) expect(s, name).toMatch(new RegExp(`\\n  ${k}:`));
        }),
        { numRuns: 50 },
      );
    }
  });

  it('the toString is not an enumerable property: equality and spreads of the values are unchanged', () => {
    const [g] = fc.sample(arbConfigImage(), { numRuns: 1, seed: 1 });
    expect(Object.getOwnPropertySymbols(g!).every((k) => !Object.getOwnPropertyDescriptor(g!, k)!.enumerable)).toBe(true);
    expect({ ...g! }).toEqual(g);
  });
});

describe('docs/property-testing.md', () => {
  it('shows what a generated image prints as', () => {
    const g = buildConfigImage({
      headerType: 0,
      size: 256,
      multiFunction: false,
      vendorId: 0x1af4,
      deviceId: 0x1042,
      bars: [{ index: 1, kind: 'mem32', prefetchable: false, address: 0xfebd1000n, size: 0x1000n }],
      caps: [{ kind: 'msix', tableSize: 2 }, { kind: 'pm' }],
      capPlan: { placement: [1, 0], gaps: [0, 1] },
      extCaps: [],
      extPlan: { placement: [], gaps: [] },
      noise: new Uint8Array(64),
    });
    const doc = readFileSync(new URL('../../docs/property-testing.md', import.meta.url), 'utf8');
    const block = /fast-check prints the counterexample[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)![1];
    expect(block).toBe(`${fc.stringify(g)}\n`);
  });
});
