// fast-check generators of model descriptions, for the model's tests and the driver's.
import { fc } from '@fast-check/vitest';
import type { ModelCapEntry, VirtioModelDescription } from '../../src/model/description.js';

export const NOTIFICATION_DATA = 1n << 38n;

/** Random but valid descriptions: queues with arbitrary notify offsets, any multiplier, caps in any order. */
export const modelDescriptionArb = fc
  .record({
    queues: fc.array(fc.record({ size: fc.integer({ min: 1, max: 256 }), notifyOff: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
    multiplier: fc.constantFrom(0, 2, 4, 8, 16, 64, 0x100),
    notifyOffset: fc.integer({ min: 0, max: 0x1ff }).map((x) => 0x3000 + 4 * x),
    notifyLength: fc.integer({ min: 2, max: 512 }),
    pio: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    notificationData: fc.boolean(),
  })
  .map((r): VirtioModelDescription => {
    const caps: ModelCapEntry[] = [{ kind: 'common' }, { kind: 'isr' }, { kind: 'device' }, { kind: 'notify', notify: 0 }, { kind: 'pci_cfg' }, { kind: 'msix' }];
    if (r.pio) caps.push({ kind: 'notify', notify: 1 });
    // A shuffle driven by the generated keys.
    const keyed = caps.map((c, i) => ({ c, k: r.order[i] ?? i }));
    keyed.sort((a, b) => a.k - b.k);
    return {
      name: 'random',
      deviceType: 2,
      queues: r.queues,
      features: (1n << 32n) | (r.notificationData ? NOTIFICATION_DATA : 0n),
      bars: [{ index: 1, kind: 'mem32', size: 0x1000n }, ...(r.pio ? [{ index: 2, kind: 'io' as const, size: 4n }] : []), { index: 4, kind: 'mem64', size: 0x4000n, prefetchable: true }],
      regions: {
        common: { bar: 4, offset: 0, length: 0x1000 },
        isr: { bar: 4, offset: 0x1000, length: 0x1000 },
        device: { bar: 4, offset: 0x2000, length: 0x1000 },
        notify: [{ bar: 4, offset: r.notifyOffset, length: Math.min(r.notifyLength, 0x4000 - r.notifyOffset), multiplier: r.multiplier }, ...(r.pio ? [{ bar: 2, offset: 0, length: 4, multiplier: 0 }] : [])],
      },
      msix: { vectors: r.queues.length + 1, table: { bar: 1, offset: 0 }, pba: { bar: 1, offset: 0x800 } },
      caps: keyed.map((x) => x.c),
    };
  });

