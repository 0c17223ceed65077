// Dump-shaped values: config images of any length (as lspci, hexdump and xxd give them),
// mostly-repetitive images (what `*` squeezing acts on), and images with holes, wrapped as the
// DumpFunction the readers return, so writer → reader round trips can be checked.
import fc from 'fast-check';
import type { DumpFunction } from '../dump/types.js';
import type { PciAddress } from '../pci/bus.js';
import { arbConfigImage, type ConfigImageKnobs, type GeneratedConfigImage } from './config-image.js';
import { hexRows, printable } from './show.js';

/** Lengths a dump may cover: the usual 64, 256 and 4096, and anything in between. */
export const arbDumpLength: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(64, 256, 4096), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4096 }));

/** A PCI address (domain up to 24 bits, as lspci prints it). */
export const arbPciAddress: fc.Arbitrary<PciAddress> = fc.record({
  domain: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffff })),
  bus: fc.integer({ min: 0, max: 255 }),
  device: fc.integer({ min: 0, max: 31 }),
  function: fc.integer({ min: 0, max: 7 }),
});

/** Printable text without line breaks or surrounding blanks (readers trim trailing blanks). */
export const arbDumpDescription: fc.Arbitrary<string> = fc.string({ maxLength: 40 }).map((s) => s.trim());

const randomImage = arbDumpLength.chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));

// Real config spaces are mostly runs of identical 16-byte rows (zeros, 0xff), which is what
// hexdump's `*` squeezing (and xxd -a) act on: copy the previous row with high probability.
const rowyImage = arbDumpLength.chain((length) =>
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

/** A full image (every byte known) of an arbitrary length, without slot or description. */
export const arbFullDumpFunction: fc.Arbitrary<DumpFunction> = fc.oneof(randomImage, rowyImage).map((data) => makeDumpFunction(data, null));

/**
 * An image with holes: each byte known with some probability (the last one always, since
 * length is the highest given offset + 1), with a slot and a description.
 */
export const arbSparseDumpFunction: fc.Arbitrary<DumpFunction> = fc
  .tuple(arbDumpLength, fc.integer({ min: 1, max: 100 }), arbPciAddress, arbDumpDescription)
  .chain(([length, percent, slot, description]) =>
    fc.tuple(fc.uint8Array({ minLength: length, maxLength: length }), fc.uint8Array({ minLength: length, maxLength: length })).map(([data, coin]) => {
      const mask = Array.from(coin, (c, i) => i === length - 1 || c * 100 < percent * 256);
      return makeDumpFunction(data, slot, description, mask);
    }),
  );

/**
 * The DumpFunction a reader returns for `data` (unknown bytes 0xff; `mask[i]` false leaves
 * byte i out). 256 bytes, or 4096 when data is longer than 256.
 */
export function makeDumpFunction(data: Uint8Array, slot: PciAddress | null, description = '', mask?: readonly boolean[]): DumpFunction {
  const size = data.length > 256 ? 4096 : 256;
  const bytes = new Uint8Array(size).fill(0xff);
  const known = new Uint8Array(size);
  for (let i = 0; i < data.length; i++) {
    if (mask && !mask[i]) continue;
    bytes[i] = data[i];
    known[i] = 1;
  }
  const fn: DumpFunction = { slot, description, bytes, length: data.length, known, source: { line: 0 }, format: 'lspci', diagnostics: [] };
  return printable(fn, showDumpFunction);
}

/** `dump function 0000:00:03.0 "desc", 256 bytes, 200 known` and its bytes (`??` unknown) in hex rows. */
function showDumpFunction(f: DumpFunction): string {
  const s = f.slot;
  const slot = s ? `${s.domain.toString(16).padStart(4, '0')}:${s.bus.toString(16).padStart(2, '0')}:${s.device.toString(16).padStart(2, '0')}.${s.function}` : 'without a slot';
  const known = f.known.subarray(0, f.length).reduce((n, k) => n + (k ? 1 : 0), 0);
  return `dump function ${slot}${f.description ? ` ${JSON.stringify(f.description)}` : ''}, ${f.length} bytes, ${known} known\n${hexRows(f.bytes.subarray(0, f.length), '  ', 0n, f.known)}`;
}

/** A valid generated configuration image (see arbConfigImage) as an lspci-style dump function, with its facts. */
export function arbConfigImageDump(knobs: ConfigImageKnobs = {}): fc.Arbitrary<{ readonly fn: DumpFunction; readonly image: GeneratedConfigImage }> {
  return fc
    .tuple(arbConfigImage(knobs), arbPciAddress, arbDumpDescription)
    .map(([image, slot, description]) => printable({ fn: makeDumpFunction(image.bytes, slot, description), image }, (v) => `${showDumpFunction(v.fn).split('\n')[0]}, of the\n${fc.stringify(v.image)}`));
}
