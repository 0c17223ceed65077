// The fuzzer's small budget in `npm test`: 20 000 seeded inputs (mutated and random images,
// mutated dump text) through the same engine `npm run fuzz` runs on a million, here against
// src/. No timing assertions: hangs and per-input times are the full run's business.
// The last block feeds the engine a deliberately broken API to show each check can fail.
// Then the shaped inputs of `npm run fuzz -- --shapes` at a hundredth of their size, through
// the CLI bundled from the sources (a few seconds; the pausing producers are
// test/cli/memory.test.ts's).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as arbitraries from '../../src/entries/arbitraries.js';
import * as model from '../../src/entries/model.js';
import * as pcicfg from '../../src/index.js';
import { checkCorpus, makeContext, runRange, type FuzzApi, type FuzzFailureReport } from '../../scripts/fuzz/engine.mjs';
import { runShapes } from '../../scripts/fuzz/shapes.mjs';
import { cliFromSources } from '../support/cli-from-sources.js';

const SEED = 20261125;
// Seeds from the public generators too, as `npm run fuzz` uses them.
const EXTRA = { arbitraries, fc };
const SLICE = 5000;
// What the fuzzer drives, as scripts/fuzz/engine.mjs's loadApi gathers it from dist/.
const lib: FuzzApi = { ...pcicfg, ...model };

function run(api: FuzzApi, from: number, to: number, seed = SEED): FuzzFailureReport[] {
  const ctx = makeContext(api, 1, EXTRA);
  const failures: FuzzFailureReport[] = [];
  const stats = runRange(ctx, seed, from, to, { failure: (f) => failures.push(f), stopAfter: 5 });
  expect(stats.count).toBe(failures.length >= 5 ? stats.count : to - from);
  return failures;
}

const brief = (fs: FuzzFailureReport[]) => fs.map((f) => `input ${f.index} [${f.check}] ${f.message}`);

describe('fuzz budget (seed ' + SEED + ')', () => {
  for (let from = 0; from < 20000; from += SLICE) {
    it(`inputs ${from}..${from + SLICE - 1}: no exception, exact round trip, declared diagnostics`, () => {
      expect(brief(run(lib, from, from + SLICE))).toEqual([]);
    });
  }

  it('covers every kind of input', () => {
    const ctx = makeContext(lib, 1, EXTRA);
    const stats = runRange(ctx, SEED, 0, 2000);
    for (const k of ['mutant', 'seed', 'random', 'text', 'dump-bytes']) expect(stats.kinds[k] ?? 0).toBeGreaterThan(0);
    expect(ctx.corpus.filter((s) => s.virtio).length).toBeGreaterThanOrEqual(48);
    expect(ctx.corpus.filter((s) => s.name.startsWith('arb/')).length).toBeGreaterThan(0);
    // Seeds are well-formed virtio devices: each queue's doorbell is found and looks up to it.
    expect(checkCorpus(ctx)).toEqual([]);
  });
});

describe('the fuzzer catches planted bugs', () => {
  const planted = (over: Partial<FuzzApi>): FuzzApi => ({ ...lib, ...over });

  it('a decoder that throws on one byte value', () => {
    const api = planted({
      decodeConfigSpace: (b: Uint8Array, o?: pcicfg.DecodeOptions) => {
        if (b.length > 0x41 && b[0x41] === 0x2a) throw new TypeError('planted');
        return pcicfg.decodeConfigSpace(b, o);
      },
    });
    const fs = run(api, 0, 3000);
    expect(fs.length).toBeGreaterThan(0);
    expect(fs[0].check).toBe('exception');
    expect(fs[0].message).toContain('planted');
  });

  it('an encoder that loses one byte', () => {
    const api = planted({
      encodeConfigSpace: (cs: pcicfg.ConfigSpace) => {
        const out = pcicfg.encodeConfigSpace(cs);
        if (out.length > 0x3e) out[0x3e] = 0;
        return out;
      },
    });
    expect(run(api, 0, 3000).map((f) => f.check)).toContain('roundtrip');
  });

  it('a diagnostic code no table declares', () => {
    const api = planted({
      probeVirtio: (cs: pcicfg.ConfigSpace, o?: pcicfg.ProbeOptions) => {
        const t = pcicfg.probeVirtio(cs, o);
        return cs.length > 0x100 ? { ...t, diagnostics: [...t.diagnostics, { code: 'NOT_DECLARED', severity: 'error', offset: 0, message: 'x' }] } : t;
      },
    });
    expect(run(api, 0, 3000).map((f) => f.check)).toContain('undeclared-code');
  });

  it('a dump reader that throws a plain Error instead of DumpParseError', () => {
    const api = planted({
      readDump: (input: string | Uint8Array, o?: pcicfg.ReadDumpOptions) => {
        try {
          return pcicfg.readDump(input, o);
        } catch (e) {
          throw new Error(String(e));
        }
      },
    });
    expect(run(api, 0, 3000).map((f) => f.check)).toContain('exception');
  });
});

describe('shaped inputs through the CLI (a hundredth of npm run fuzz -- --shapes)', () => {
  it('exit status never 3, no signal, one line on stderr without a stack trace, peak RSS bounded', async () => {
    const cli = await cliFromSources();
    try {
      const log: string[] = [];
      const failures = await runShapes(cli.bin, { scale: 0.01, pauses: false, log: (l) => log.push(l) });
      expect(failures.map((f) => `${f.name}: ${f.problems.join('; ')}`), log.join('\n')).toEqual([]);
      expect(log.filter((l) => l.startsWith('  ok')).length).toBeGreaterThanOrEqual(10);
    } finally {
      cli.remove();
    }
  });
});
