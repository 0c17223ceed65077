import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { VirtioPciDevice } from '../../src/model/device.js';
import type { VirtioModelDescription } from '../../src/model/description.js';
import { ModelNotifyDispatcher } from '../../src/model/notify.js';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import { probeVirtio } from '../../src/virtio/probe.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';
import { VIRTIO_PCI_COMMON_CFG_OFFSETS as C } from '../../src/virtio/common-cfg.js';
import { qemuVirtioPreset } from '../../src/model/presets.js';
import { assignBars, readConfig } from './helpers.js';
import { arbModelDescription as modelDescriptionArb } from '../../src/arbitraries/index.js';

// VIRTIO_F_NOTIFICATION_DATA is feature bit 38 (virtio 1.2 section 6).
const NOTIFICATION_DATA = 1n << 38n;

/** The spec's formula, by scanning every queue: no map. */
function bruteForce(d: VirtioModelDescription, region: number, off: number, value: number): number[] {
  const n = d.regions.notify[region];
  if (off < 0 || off >= n.length) return [];
  const offs = d.queues.map((q, i) => q.notifyOff ?? i);
  if (n.multiplier === 0) return offs.map((_, i) => i).filter((i) => i === (value & 0xffff));
  const at = offs.map((o, i) => [o, i]).filter(([o]) => off >= o * n.multiplier && off < (o + 1) * n.multiplier).map(([, i]) => i);
  if (at.length <= 1) return at;
  const named = at.filter((i) => i === (value & 0xffff));
  return named.length > 0 ? named : at;
}

describe('notify dispatch', () => {
  test.prop([modelDescriptionArb, fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom<1 | 2 | 4>(2, 4)], { numRuns: 1000 })(
    'the precomputed map agrees with the formula at every address of every notify region',
    (d, value, width) => {
      const dev = new VirtioPciDevice(d);
      if (d.features & NOTIFICATION_DATA) dev.core.driverFeatures = NOTIFICATION_DATA;
      const wrong: string[] = [];
      const wantData = width === 4 && (d.features & NOTIFICATION_DATA) !== 0n;
      d.regions.notify.forEach((n, region) => {
        // Every offset of the region, plus the bytes just outside it.
        for (let off = -2; off < n.length + 2; off++) {
          if (n.offset + off < 0) continue;
          const before = dev.kicks.length;
          const v = (value + off) >>> 0;
          dev.barWrite(n.bar, n.offset + off, width, v);
          const got = dev.kicks.slice(before);
          const want = bruteForce(d, region, off, width === 2 ? v & 0xffff : v);
          const ok =
            got.length === want.length &&
            got.every((k, i) => k.queue === want[i] && k.region === region && k.barOffset === n.offset + off && (k.data !== undefined) === wantData);
          if (!ok) wrong.push(`region ${region} offset ${off}: kicked [${got.map((k) => k.queue)}], formula [${want}]`);
        }
      });
      expect(wrong.slice(0, 5)).toEqual([]);
    },
  );

  test.prop([modelDescriptionArb], { numRuns: 1000 })('writing a queue index at the address a driver computes from the bytes kicks exactly that queue', (d) => {
    const dev = new VirtioPciDevice(d);
    const bars = assignBars(dev);
    const barSizes = new Map([...bars].map(([i, b]) => [i, b.size]));
    const cs = decodeConfigSpace(readConfig(dev), { vendorCaps: [virtioVendorCapDecoder], barSizes });
    const t = probeVirtio(cs, { barSizes });
    const notify = t.notify!;
    for (let q = 0; q < d.queues.length; q++) {
      dev.barWrite(4, C.queue_select, 2, q);
      const off = dev.barRead(4, C.queue_notify_off, 2);
      const at = notify.offset + BigInt(off) * BigInt(notify.multiplier);
      if (at + 2n > notify.offset + notify.length) continue; // the driver would refuse this queue
      const before = dev.kicks.length;
      dev.barWrite(notify.bar.index, Number(at), 2, q);
      expect(dev.kicks.slice(before).map((k) => k.queue)).toEqual([q]);
      expect(dev.kicks.at(-1)!.address).toBe(notify.bar.address + at);
    }
  });

  it('decodes notification data from 32-bit writes', () => {
    const dev = new VirtioPciDevice(qemuVirtioPreset({ features: (1n << 32n) | NOTIFICATION_DATA, queues: [{ size: 8 }, { size: 8 }] }));
    assignBars(dev);
    dev.core.driverFeatures = NOTIFICATION_DATA;
    dev.barWrite(4, 0x3004, 4, (0x8005 << 16) | 1);
    expect(dev.kicks).toMatchObject([{ queue: 1, width: 4, data: { nextOff: 5, nextWrap: true } }]);
    dev.barWrite(4, 0x3004, 2, 1);
    expect(dev.kicks[1].data).toBeUndefined();
  });

  it('a dispatcher ignores writes outside its region and queues whose slot starts past it', () => {
    const n = new ModelNotifyDispatcher(8, 4, [0, 1, 2]);
    expect(n.resolve(8, 0)).toEqual([]);
    expect(n.resolve(7, 0)).toEqual([1]);
    expect(n.queuesAt(8)).toEqual([]);
    const v = new ModelNotifyDispatcher(4, 0, [0, 0, 0]);
    expect(v.resolve(0, 2)).toEqual([2]);
    expect(v.resolve(0, 3)).toEqual([]);
    expect(v.resolve(4, 2)).toEqual([]);
  });
});
