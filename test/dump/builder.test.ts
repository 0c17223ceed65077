// FunctionBuilder.finish skips the hole search while every byte below the length is known
// (`dense`) and finds holes with typed-array indexOf otherwise: both must report exactly the
// holes a byte-by-byte scan of the known map finds.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { FunctionBuilder } from '../../src/dump/builder.js';

/** Hole ranges below `length`, byte by byte. */
function holesByScan(known: Uint8Array, length: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < length; i++) {
    if (known[i] === 1) continue;
    let j = i;
    while (j < length && known[j] !== 1) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

// Runs of sets (as data lines give them), single sets anywhere, and unsets (hexdump's padding).
const arbOp = fc.oneof(
  fc.tuple(fc.constant('run' as const), fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 1, max: 40 })),
  fc.tuple(fc.constant('set' as const), fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 4095 })), fc.constant(1)),
  fc.tuple(fc.constant('unset' as const), fc.integer({ min: 0, max: 4095 }), fc.constant(1)),
);

test.prop([fc.array(arbOp, { maxLength: 30 }), fc.boolean()], { numRuns: 500 })('finish reports the holes a byte-by-byte scan finds', (ops, fromZero) => {
  const b = new FunctionBuilder('lspci', null, '', undefined, 1);
  if (fromZero) for (let i = 0; i < 64; i++) b.set(i, i);
  for (const [op, at, n] of ops) {
    if (op === 'unset') b.unset(at);
    else for (let i = at; i < Math.min(at + n, 4096); i++) b.set(i, i & 0xff);
  }
  const fn = b.finish();
  const holes = holesByScan(fn.known, fn.length);
  const reported = fn.diagnostics.filter((d) => d.code === 'DUMP_HOLES' && d.offset !== null).map((d) => [d.offset, d.message]);
  const range = (i: number, j: number) => (j - i === 1 ? `byte 0x${i.toString(16)} was` : `bytes 0x${i.toString(16)}-0x${(j - 1).toString(16)} were`);
  expect(reported).toEqual(holes.slice(0, 8).map(([i, j]) => [i, `${range(i, j)} not given for the image; unknown`]));
  const more = fn.diagnostics.find((d) => d.code === 'DUMP_HOLES' && d.offset === null);
  expect(more?.message.startsWith(`${holes.length - 8} more ranges`) ?? holes.length <= 8).toBe(true);
});
