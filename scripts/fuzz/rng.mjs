// A small deterministic PRNG (sfc32) keyed by (seed, index), so every fuzz input can be
// rebuilt on its own from the two numbers printed with a failure.

function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Rng {
  constructor(seed, index = 0) {
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(index ^ 0x85ebca6b);
    this.c = mix32((seed + index) ^ 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform unsigned 32-bit integer. */
  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in 0..n-1. */
  int(n) {
    return n <= 1 ? 0 : this.u32() % n;
  }

  /** An integer in lo..hi (inclusive). */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p) {
    return this.u32() < p * 4294967296;
  }

  pick(list) {
    return list[this.int(list.length)];
  }

  /** A small count, most often 1: 1 + geometric(p). */
  count(p = 0.5, max = 16) {
    let n = 1;
    while (n < max && this.chance(p)) n++;
    return n;
  }

  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  u64() {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}
