// toEqual/toStrictEqual on typed arrays, element by element in a plain loop.
// Vitest's default compares a typed array as an iterable: one deep `equals` per element, then
// again over Object.entries (a [key, value] array per element): about 13 ms for two equal
// 4096-byte images, which made the byte-exact round-trip properties most of the suite's time.
// Same verdict as the default for integer typed arrays of one constructor (elements compared
// with ===, which is Object.is for integers); anything else, or an array carrying properties
// besides its elements, falls through to the default.
import { expect } from 'vitest';

const INTEGER_ARRAYS: readonly Function[] = [
  Uint8Array, Uint8ClampedArray, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, BigUint64Array, BigInt64Array,
];

type IntegerArray = Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | BigUint64Array | BigInt64Array;

function isIntegerArray(v: unknown): v is IntegerArray {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return false;
  // Buffer is a Uint8Array too: its constructor is checked against the other side's below.
  return INTEGER_ARRAYS.some((c) => v instanceof c);
}

export function integerArraysEqual(a: unknown, b: unknown): boolean | undefined {
  if (!isIntegerArray(a) || !isIntegerArray(b) || a.constructor !== b.constructor) return undefined;
  if (a.length !== b.length) return false;
  if (Object.keys(a).length !== a.length || Object.keys(b).length !== b.length) return undefined;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Setup files run before every test file, and workers that share modules keep expect's testers:
// add it once per worker.
const ADDED = Symbol.for('pcicfg.test.integerArraysEqual');
const g = globalThis as { [ADDED]?: true };
if (!g[ADDED]) {
  g[ADDED] = true;
  expect.addEqualityTesters([integerArraysEqual]);
}
