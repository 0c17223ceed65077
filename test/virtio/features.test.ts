// Feature sets (bigint or 32-bit words of any length), feature names, the common
// configuration's length rules and the legacy queue PFN, as properties.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  checkCommonCfgLength,
  commonCfgLayoutFor,
  commonCfgRequiredLength,
  decodeCommonCfg,
  encodeCommonCfg,
  featureBitList,
  featuresFromBits,
  featuresToBigInt,
  featuresToWords,
  hasFeature,
  legacyQueueAddress,
  legacyQueuePfn,
  VIRTIO_DEVICE_FEATURES,
  virtioFeatureBit,
  virtioFeatureNames,
  virtioPciModernCommonCfg,
} from '../../src/virtio/index.js';

const features = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 130n) - 1n }), fc.array(fc.nat(130), { maxLength: 12 }).map((bits) => featuresFromBits(bits)));

describe('feature sets', () => {
  test.prop([features, fc.nat(3), fc.array(fc.nat(140), { maxLength: 8 })], { numRuns: 1000 })(
    'words and bigint say the same: round trip, every bit, the bit list',
    (f, extra, probes) => {
      const words = featuresToWords(f, extra);
      expect(words.length).toBeGreaterThanOrEqual(extra);
      expect(featuresToWords(f).length).toBe(Math.max(1, Math.ceil(f.toString(2).length / 32)));
      for (const w of words) expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true);
      expect(featuresToBigInt(words)).toBe(f);
      const bits = featureBitList(f);
      expect(featureBitList(words)).toEqual(bits);
      expect(featuresFromBits(bits)).toBe(f);
      for (const b of [...probes, ...bits]) {
        const want = ((f >> BigInt(b)) & 1n) === 1n;
        expect(hasFeature(f, b)).toBe(want);
        expect(hasFeature(words, b)).toBe(want);
      }
    },
  );

  const types = Object.keys(VIRTIO_DEVICE_FEATURES).map(Number);
  test.prop([features, fc.constantFrom<number | null>(null, ...types)], { numRuns: 1000 })(
    'every set bit gets one name, in bit order, and a name leads back to its bit',
    (f, type) => {
      const named = virtioFeatureNames(f, type);
      expect(named.map((n) => n.bit)).toEqual(featureBitList(f));
      for (const n of named) {
        if (n.scope === 'unknown') expect(n.name).toBe(`bit ${n.bit}`);
        else expect(virtioFeatureBit(n.name, type)).toBe(n.bit);
        if (n.scope === 'device') expect(VIRTIO_DEVICE_FEATURES[type!][n.bit]).toBe(n.name);
      }
    },
  );
});

describe('common configuration length', () => {
  test.prop([fc.uint8Array({ minLength: 80, maxLength: 80 }), fc.oneof(fc.nat(70), fc.constantFrom(0x1000, 0x10000)), fc.nat(16)], { numRuns: 1000 })(
    'a field exists exactly when the advertised length covers it; encode restores those bytes only',
    (b, length, at) => {
      const r = decodeCommonCfg(b, at, length);
      const covered = Math.min(length, 64);
      expect(r.layout).toBe(covered >= 64 ? '1.3' : covered >= 60 ? '1.2' : '1.0');
      expect(commonCfgLayoutFor(BigInt(length))).toBe(r.layout);
      for (const f of virtioPciModernCommonCfg.fields) {
        const inside = f.offset + f.size <= covered;
        expect(f.name in r.value, `${f.name} with length ${length}`).toBe(inside);
        expect(r.missing.includes(f)).toBe(!inside);
      }
      const out = new Uint8Array(b.length);
      encodeCommonCfg(r.value, out, at, length);
      for (let i = 0; i < out.length; i++) {
        const f = virtioPciModernCommonCfg.fieldAt(i - at);
        const written = f !== undefined && f.offset + f.size <= covered;
        if (out[i] !== (written ? b[i] : 0)) expect.fail(`byte ${i}: ${out[i]} (written ${written})`);
      }
    },
  );

  test.prop([fc.bigInt({ min: 0n, max: 0x2000n }), features], { numRuns: 1000 })(
    'too short for the features exactly when shorter than 58 / 60 / 64 for NOTIF_CONFIG_DATA / RING_RESET / ADMIN_VQ',
    (length, f) => {
      const need = hasFeature(f, 41) ? 64 : hasFeature(f, 40) ? 60 : hasFeature(f, 39) ? 58 : 56;
      expect(commonCfgRequiredLength(f)).toBe(need);
      expect(checkCommonCfgLength(length, f, 0x4c).map((d) => d.code)).toEqual(length < BigInt(need) ? ['VIRTIO_COMMON_CFG_SHORT_FOR_FEATURES'] : []);
    },
  );
});

describe('legacy queue PFN', () => {
  test.prop([fc.oneof(fc.bigInt({ min: 0n, max: 1n << 50n }), fc.constantFrom(0n, 4096n, 0xffffffff000n, 0xfffffffffffn, 1n << 44n, (1n << 44n) + 4096n))], { numRuns: 1000 })(
    'a 4096-aligned address below 2^44 has a PFN that gives it back; anything else says why not',
    (address) => {
      const r = legacyQueuePfn(address);
      const aligned = address % 4096n === 0n;
      const fits = address >> 12n <= 0xffffffffn;
      expect(r.diagnostics.map((d) => d.code)).toEqual([...(aligned ? [] : ['VIRTIO_LEGACY_PFN_UNALIGNED']), ...(fits ? [] : ['VIRTIO_LEGACY_PFN_TOO_HIGH'])]);
      if (aligned && fits) {
        expect(r.pfn).toBe(Number(address / 4096n));
        expect(legacyQueueAddress(r.pfn!)).toBe(address);
      } else expect(r.pfn).toBeNull();
    },
  );
});
