import { expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { checkCommonCfgLength, commonCfgStruct, decodeCommonCfg, virtioPciModernCommonCfg } from '../../src/virtio/index.js';
import { arbCommonCfg, COMMON_CFG_STATUS_SEQUENCE } from '../../src/arbitraries/index.js';

test.prop([arbCommonCfg()], { numRuns: 1000 })('common_cfg states decode to the carried values and are consistent', (g) => {
  const f = g.facts;
  const d = decodeCommonCfg(g.bytes, 0, f.length);
  expect(d.layout).toBe(f.layout);
  expect(d.value).toEqual(g.value);
  expect(Object.keys(d.value).length).toBe(commonCfgStruct(f.layout).fields.length);
  expect(d.missing.map((m) => m.name)).toEqual(virtioPciModernCommonCfg.fields.slice(commonCfgStruct(f.layout).fields.length).map((m) => m.name));
  const v = d.value;
  const word = (x: bigint, sel: number) => (sel > 1 ? 0 : Number((x >> BigInt(32 * sel)) & 0xffffffffn));
  expect(v.device_feature).toBe(word(f.deviceFeatures, v.device_feature_select!));
  expect(v.driver_feature).toBe(word(f.driverFeatures, v.driver_feature_select!));
  expect(checkCommonCfgLength(BigInt(f.length), f.deviceFeatures, 0)).toEqual([]);
  if (f.step >= 3) expect(f.driverFeatures & ~f.deviceFeatures).toBe(0n);
  expect(v.device_status! & 0x3f).toBe(COMMON_CFG_STATUS_SEQUENCE[f.step]);
  expect(v.num_queues).toBe(f.numQueues);
  if (f.selectedQueue.available) {
    expect(v.queue_select).toBeLessThan(f.numQueues);
    expect(v.queue_size! & (v.queue_size! - 1)).toBe(0);
    expect(v.queue_size).toBeLessThanOrEqual(f.selectedQueue.maxSize);
    expect([v.queue_desc! % 16n, v.queue_driver! % 2n, v.queue_device! % 4n]).toEqual([0n, 0n, 0n]);
  } else {
    expect(v.queue_select).toBeGreaterThanOrEqual(f.numQueues);
    expect([v.queue_size, v.queue_enable]).toEqual([0, 0]);
  }
  for (const vec of [v.msix_config!, v.queue_msix_vector!]) expect(vec === 0xffff || vec < f.msixVectors).toBe(true);
});
