// fast-check generators of dump images shared by the dump property tests.
import { fc } from '@fast-check/vitest';
import type { DumpFunction } from '../../src/dump/index.js';
import type { PciAddress } from '../../src/pci/bus.js';

export const lengthArb = fc.oneof(
  fc.constantFrom(64, 256, 4096),
  fc.integer({ min: 1, max: 300 }),
  fc.integer({ min: 1, max: 4096 }),
);

export const slotArb: fc.Arbitrary<PciAddress> = fc.record({
  domain: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffff })),
  bus: fc.integer({ min: 0, max: 255 }),
  device: fc.integer({ min: 0, max: 31 }),
  function: fc.integer({ min: 0, max: 7 }),
});

// Printable text without line breaks or surrounding blanks (the reader trims trailing blanks).
export const descriptionArb = fc.string({ maxLength: 40 }).map((s) => s.trim());

const randomImageArb = lengthArb.chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));

// Real config spaces are mostly runs of identical 16-byte rows (zeros, 0xff), which is what
// hexdump's `*` squeezing (and xxd -a) act on: copy the previous row with high probability.
const rowyImageArb = lengthArb.chain((length) =>
  fc
    .tuple(fc.uint8Array({ minLength: length, maxLength: length }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 256, maxLength: 256 }))
    .map(([data, choice]) => {
      for (let row = 16; row < length; row += 16) {
        const c = choice[row >> 4];
        for (let i = row; i < Math.min(row + 16, length); i++) data[i] = c === 0 ? data[i] : c === 1 ? 0 : data[i - 16];
      }
      return data;
    }),
);

/** A full image (every byte known) of an arbitrary length. */
export const fullImageArb: fc.Arbitrary<DumpFunction> = fc.oneof(randomImageArb, rowyImageArb).map((data) => makeFunction(data, null));

/**
 * An image with holes: each byte known with some probability (the last one always, since
 * length is the highest given offset + 1).
 */
export const sparseImageArb: fc.Arbitrary<DumpFunction> = fc
  .tuple(lengthArb, fc.integer({ min: 1, max: 100 }), slotArb, descriptionArb)
  .chain(([length, percent, slot, description]) =>
    fc.tuple(fc.uint8Array({ minLength: length, maxLength: length }), fc.uint8Array({ minLength: length, maxLength: length })).map(([data, coin]) => {
      const mask = Array.from(coin, (c, i) => i === length - 1 || c * 100 < percent * 256);
      return makeFunction(data, slot, description, mask);
    }),
  );

export function makeFunction(data: Uint8Array, slot: PciAddress | null, description = '', mask?: boolean[]): DumpFunction {
  const size = data.length > 256 ? 4096 : 256;
  const bytes = new Uint8Array(size).fill(0xff);
  const known = new Uint8Array(size);
  for (let i = 0; i < data.length; i++) {
    if (mask && !mask[i]) continue;
    bytes[i] = data[i];
    known[i] = 1;
  }
  return { slot, description, bytes, length: data.length, known, source: { line: 0 }, format: 'lspci', diagnostics: [] };
}

/** Byte-array equality that reports the first differing offset (toEqual on 4 KiB typed arrays is slow). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'byte'): void {
  if (actual.length !== expected.length) throw new Error(`${what}s: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what} 0x${i.toString(16)}: 0x${actual[i].toString(16)}, expected 0x${expected[i].toString(16)}`);
  }
}
