// Seed images for the fuzzer, all made by the project's own encoders: every model preset
// (QEMU modern / page-per-vq / pio-notify / transitional, cloud-hypervisor, kvmtool) through
// buildModelConfigImage, in 256- and 4096-byte variants; the 4096-byte ones also get a PCI
// Express and a power-management capability and a chain of extended capabilities written
// with the PCI layer's field tables, so the fuzzer starts deep inside every walker.

const DEVICE_TYPES = [1, 2, 3, 4, 5, 8, 9, 16, 18, 19, 26];
const EXT_IDS = [0x01, 0x03, 0x0b, 0x0d, 0x0e, 0x0f, 0x10, 0x15, 0x18, 0x1e, 0x23, 0x02, 0x19, 0x1b];

/** Offsets of the standard capabilities of a well-formed image, in list order. */
export function capList(b, length = b.length) {
  const out = [];
  if (length < 0x40 || !(b[6] & 0x10)) return out;
  const seen = new Set();
  let p = b[0x34] & 0xfc;
  while (p >= 0x40 && p + 2 <= Math.min(length, 0x100) && !seen.has(p) && out.length < 48) {
    seen.add(p);
    out.push(p);
    p = b[p + 1] & 0xfc;
  }
  return out;
}

/** Offsets of the extended capabilities of a well-formed image, in list order. */
export function extCapList(b, length = b.length) {
  const out = [];
  if (length < 0x104) return out;
  const seen = new Set();
  let p = 0x100;
  while (p >= 0x100 && p + 4 <= length && !seen.has(p) && out.length < 512) {
    const h = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    if (h === 0 || h === 0xffffffff) break;
    seen.add(p);
    out.push(p);
    p = (h >>> 20) & 0xffc;
  }
  return out;
}

function capEnd(b, caps) {
  let end = 0x40;
  for (const p of caps) {
    const id = b[p];
    const len = id === 0x09 ? Math.max(b[p + 2], 4) : id === 0x11 ? 12 : id === 0x10 ? 0x3c : 8;
    end = Math.max(end, p + len);
  }
  return (end + 3) & ~3;
}

/** Prepend a standard capability encoded with `s` (cap_id/cap_next fields set here). */
function prependCap(api, b, s, id, rng) {
  const caps = capList(b);
  const at = capEnd(b, caps);
  if (at + s.size > 0x100) return false;
  const v = s.decode(rng.bytes(s.size));
  v.cap_id = id;
  v.cap_next = b[0x34];
  s.encode(v, b, at);
  b[0x34] = at;
  b[6] |= 0x10;
  return true;
}

/** Write a chain of extended capabilities from 0x100 (headers via pci_ext_cap_header). */
function writeExtChain(api, b, rng) {
  let at = 0x100;
  const n = rng.range(1, 8);
  for (let i = 0; i < n; i++) {
    const size = 4 * rng.range(2, 24);
    const last = i === n - 1 || at + size + 16 > 0x1000;
    const next = last ? 0 : at + size;
    const body = rng.bytes(size - 4);
    b.set(body, at + 4);
    const id = rng.pick(EXT_IDS);
    api.pciExtCapHeader.encode({ header: (id | (rng.range(1, 2) << 16) | (next << 20)) >>> 0 }, b, at);
    if (last) break;
    at = next;
  }
}

/**
 * Build the seed corpus: a list of `{ name, bytes }` (each a fresh, valid image).
 * `rng` (a Rng) varies queues, device types and capability bodies deterministically.
 */
export function buildCorpus(api, rng) {
  const out = [];
  const presets = Object.entries(api.VIRTIO_MODEL_PRESETS);
  for (const [name, preset] of presets) {
    for (const queues of [1, 2, 3, 9]) {
      const deviceType = rng.pick(DEVICE_TYPES);
      const desc = preset({ deviceType, queues: Array.from({ length: queues }, () => ({ size: 1 << rng.range(1, 10) })) });
      for (const size of [256, 4096]) {
        const img = api.buildModelConfigImage({ ...desc, configSpaceSize: size }).bytes;
        programBars(img, desc.bars, rng);
        if (size === 4096) {
          prependCap(api, img, api.pciPmCap, 0x01, rng);
          prependCap(api, img, api.pciExpCap, 0x10, rng); // skipped when the caps leave no room
          writeExtChain(api, img, rng);
        }
        out.push({ name: `${name}/${deviceType}/${queues}q/${size}`, bytes: img, virtio: true });
      }
    }
  }
  return out;
}

/** Give each BAR of the description an address aligned to its size, as firmware would. */
export function programBars(b, bars, rng) {
  for (const bar of bars) {
    const o = 0x10 + 4 * bar.index;
    const size = bar.size > 16n ? bar.size : 16n;
    if (bar.kind === 'io') {
      const port = (BigInt(rng.range(0x1000, 0xffff)) / size) * size;
      put32(b, o, Number(port) | 1);
    } else {
      const limit = bar.kind === 'mem64' && rng.chance(0.5) ? 1n << 40n : 0xf0000000n;
      const addr = ((rng.u64() % limit) / size) * size || size;
      const flags = (bar.kind === 'mem64' ? 4 : 0) | (bar.prefetchable ? 8 : 0);
      put32(b, o, Number(addr & 0xfffffff0n) | flags);
      if (bar.kind === 'mem64') put32(b, o + 4, Number(addr >> 32n));
    }
  }
}

function put32(b, o, v) {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/**
 * More seeds from the public generators (pcicfg/arbitraries, which needs fast-check): PCI
 * type 0 and type 1 images with every capability kind, valid and invalid virtio transports,
 * and random model descriptions. Sampled with a fixed seed, so the corpus stays reproducible.
 */
export function arbitrarySeeds(api, arbitraries, fc, seed, count = 24) {
  const out = [];
  const sample = (arb) => fc.sample(arb, { seed, numRuns: count });
  sample(arbitraries.arbConfigImage()).forEach((g, i) => out.push({ name: `arb/config-image/${i}`, bytes: g.bytes }));
  sample(arbitraries.arbInvalidConfigImage()).forEach((g, i) => out.push({ name: `arb/invalid-config-image/${i}`, bytes: g.bytes }));
  sample(arbitraries.arbTransport({ kind: 'any' })).forEach((g, i) => out.push({ name: `arb/transport/${i}`, bytes: g.image }));
  sample(arbitraries.arbInvalidTransport()).forEach((g, i) => out.push({ name: `arb/invalid-transport/${i}`, bytes: g.image }));
  sample(arbitraries.arbModelDescription).forEach((d, i) => out.push({ name: `arb/model/${i}`, bytes: api.buildModelConfigImage(d).bytes }));
  return out.filter((s) => s.bytes instanceof Uint8Array && s.bytes.length > 0);
}
