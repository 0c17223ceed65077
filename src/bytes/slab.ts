// Byte arrays for the decoders' own images and fields, carved out of shared slabs.
//
// V8 (Node 20) gives every typed array over 64 bytes its own backing store: about 3 µs each
// for 256 or 4096 bytes, more than decoding a small capability, and every one is tracked by
// the garbage collector. A dump reader and decoder make several per function (the image, the
// known-byte mask, the decoder's copy, long fields), so they come from slabs instead, as
// Node's Buffer pool does: a view's `buffer` is the slab, so code that wraps `.buffer` must use
// `byteOffset` and `byteLength` too. Views never share bytes, and start zeroed.

/** Bytes per slab; an array longer than an eighth of it gets its own buffer. */
const SLAB_SIZE = 256 * 1024;
/** Up to this length V8 keeps a typed array on its heap, which is cheap already. */
const ON_HEAP_MAX = 64;

let slab: ArrayBuffer | null = null;
let used = 0;

/**
 * The empty array, shared: it has no byte to change. `new Uint8Array(0)` costs about a quarter
 * of a microsecond (an ArrayBuffer of its own), and a decoded function has several.
 */
export const NO_BYTES = new Uint8Array(0);

/** A zeroed Uint8Array of `n` bytes (NO_BYTES for none). */
export function allocBytes(n: number): Uint8Array {
  if (n === 0) return NO_BYTES;
  if (n <= ON_HEAP_MAX || n > SLAB_SIZE / 8) return new Uint8Array(n);
  if (slab === null || used + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const view = new Uint8Array(slab, used, n);
  used += (n + 7) & ~7; // keep views 8-byte aligned
  return view;
}

/** A copy of `src[start, end)` in bytes of its own: what `slice` gives for indexes ≥ 0 (clamped to the array), from a slab. */
export function copyBytes(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const s = Math.max(0, Math.min(start, src.length));
  const e = Math.max(s, Math.min(end, src.length));
  const n = e - s;
  const out = allocBytes(n);
  // A loop is cheaper than a subarray view plus set() for the short fields most copies are.
  if (n <= 256) for (let i = 0; i < n; i++) out[i] = src[s + i];
  else out.set(src.subarray(s, e));
  return out;
}
