import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import type { VirtioModelDescription } from '../../src/model/index.js';
import { notifyAddress } from '../../src/virtio/index.js';
import { arbBlkDevice, arbModelDescription, expectedModelNotify, modelMachine, openVirtioTarget } from '../../src/arbitraries/index.js';

const serious = (ds: readonly { code: string; severity: string }[]) => ds.filter((d) => d.severity !== 'info').map((d) => d.code);

/**
 * Enumerate a model machine, probe it, and compare every doorbell with the description's.
 * A doorbell past the end of the notify region must be reported as such (arbModelDescription
 * draws those on purpose), any other must be clean.
 */
async function checkMachine(d: VirtioModelDescription, blk = {}) {
  const m = modelMachine(d, blk);
  const t = await openVirtioTarget(m.bus);
  expect(serious(t.transport.diagnostics)).toEqual([]);
  const region = d.regions.notify[d.caps.find((c) => c.kind === 'notify')!.notify ?? 0];
  d.queues.forEach((q, i) => {
    const off = q.notifyOff ?? i;
    const a = notifyAddress(t.transport, off)!;
    const outside = off * region.multiplier + 2 > region.length;
    expect(serious(a.diagnostics)).toEqual(outside ? ['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE'] : []);
    expect({ space: a.space, address: a.address }).toEqual(expectedModelNotify(m.dev, i));
  });
}

describe('model descriptions', () => {
  test.prop([arbModelDescription], { numRuns: 1000 })('arbModelDescription: the model accepts it and the probe finds its doorbells', async (d) => {
    await checkMachine(d);
  });
  test.prop([arbBlkDevice], { numRuns: 1000 })('arbBlkDevice: the same, every doorbell inside its region', async (x) => {
    expect(x.request.queue).toBeLessThan(x.description.queues.length);
    const d = x.description;
    const region = d.regions.notify[d.caps.find((c) => c.kind === 'notify')!.notify ?? 0];
    d.queues.forEach((q, i) => expect((q.notifyOff ?? i) * region.multiplier + 4).toBeLessThanOrEqual(region.length));
    await checkMachine(d, x.blk);
  });
});
