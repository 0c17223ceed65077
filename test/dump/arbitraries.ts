// The dump generators live in the public arbitraries (src/arbitraries/dump.ts); this file keeps
// the byte comparison the dump tests share.

/** Byte-array equality that reports the first differing offset (toEqual on 4 KiB typed arrays is slow). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'byte'): void {
  if (actual.length !== expected.length) throw new Error(`${what}s: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what} 0x${i.toString(16)}: 0x${actual[i].toString(16)}, expected 0x${expected[i].toString(16)}`);
  }
}
