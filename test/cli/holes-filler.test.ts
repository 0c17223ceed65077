// Holes are unknown, not 0xff: nothing decode prints (text, JSON, annotated hex) depends on the
// byte that fills a hole internally. The same dump decoded with its holes filled 0x00 and 0xff
// must print the same, byte for byte.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbTransport, buildTransportImage } from '../../src/arbitraries/index.js';
import type { DeviceInput } from '../../src/cli/input.js';
import { renderDevice, type DecodeMode } from '../../src/cli/render.js';
import { exampleBytes } from './run.js';

const N = { numRuns: 400 };

function filled(bytes: Uint8Array, holes: ReadonlySet<number>, fill: number): DeviceInput {
  const b = bytes.slice();
  const known = new Uint8Array(256).fill(1);
  for (const i of holes) {
    b[i] = fill;
    known[i] = 0;
  }
  return { slot: null, description: 'x', bytes: b, known: holes.size ? known : null, length: 256, diagnostics: [], barSizes: null, barSizesFrom: null };
}

const imageArb = fc.oneof(
  arbTransport().map(buildTransportImage),
  fc.constant(exampleBytes()),
  fc.uint8Array({ minLength: 256, maxLength: 256 }),
);

/** Any non-empty subset of `zone` as the holes. */
function holesArb(zone: readonly number[]): fc.Arbitrary<Set<number>> {
  return fc.uniqueArray(fc.constantFrom(...zone), { minLength: 1, maxLength: zone.length }).map((a) => new Set(a));
}

// The common header (IDs, command, status, class code, header type) and the capability pointer.
const HEADER_ZONE = [...Array.from({ length: 0x10 }, (_, i) => i), 0x34];

function sameOutput(bytes: Uint8Array, holes: Set<number>): void {
  for (const mode of ['text', 'json', 'annotate'] as DecodeMode[]) {
    const lo = renderDevice(filled(bytes, holes, 0x00), mode, 8);
    const hi = renderDevice(filled(bytes, holes, 0xff), mode, 8);
    expect(hi, mode).toBe(lo);
  }
}

describe('no fact decode prints depends on the filler of a hole', () => {
  test.prop([imageArb, holesArb(HEADER_ZONE)], N)('holes in the common header (IDs, command, status, class code, header type) and the capability pointer', (bytes, holes) => {
    sameOutput(bytes, holes);
  });
});
