import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { checkModelBars, checkModelDescription, type VirtioModelDescription } from '../../src/model/index.js';
import { notifyAddress } from '../../src/virtio/index.js';
import { arbBlkDevice, arbModelBars, arbModelDescription, arbPresetDevice, expectedModelNotify, MODEL_PRESET_LAYOUTS, modelMachine, openVirtioTarget } from '../../src/arbitraries/index.js';

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

describe('preset devices and BAR sets', () => {
  test.prop([arbPresetDevice()], { numRuns: 500 })('arbPresetDevice: a preset layout the model accepts, with the drawn queues and a driver plan that fits it', (p) => {
    checkModelDescription(p.description);
    expect(MODEL_PRESET_LAYOUTS.map((x) => x.name)).toContain(p.facts.preset);
    expect(p.description.queues.map((q) => q.size)).toEqual(p.facts.queueSizes);
    for (const s of p.facts.queueSizes) expect(s >= 1 && s <= 1024 && (s & (s - 1)) === 0).toBe(true);
    expect(p.description.legacy !== undefined).toBe(p.facts.transitional);
    expect((p.description.configSpaceSize ?? 256) === 4096).toBe(p.facts.pcie);
    if (p.driver.legacy) expect(p.facts.transitional).toBe(true);
    expect(p.request.queue).toBeLessThan(p.facts.queueSizes.length);
    expect(p.blk.numQueues).toBe(p.facts.queueSizes.length);
  });

  test.prop([arbModelBars({ maxMem64Log: 36 })], { numRuns: 1000 })('arbModelBars: sets the model accepts, in slot order, within the size ranges', (bars) => {
    expect(() => checkModelBars(bars)).not.toThrow();
    expect(bars.length).toBeGreaterThanOrEqual(1);
    const slots = bars.flatMap((b) => (b.kind === 'mem64' ? [b.index, b.index + 1] : [b.index]));
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    for (const b of bars) {
      const [min, max] = b.kind === 'io' ? [4n, 1n << 16n] : b.kind === 'mem32' ? [16n, 1n << 31n] : [16n, 1n << 36n];
      expect(b.size >= min && b.size <= max).toBe(true);
      if (b.kind === 'io') expect(b.prefetchable).toBe(false);
    }
  });
});

describe('arbModelDescription features', () => {
  it('offers VIRTIO_F_VERSION_1 (bit 32) always and VIRTIO_F_NOTIFICATION_DATA (bit 38) in some descriptions, nothing else', () => {
    // Bit numbers from the virtio 1.2 spec, section 6 (Reserved Feature Bits).
    const seen = new Set(fc.sample(arbModelDescription, { numRuns: 200, seed: 18 }).map((d) => d.features));
    expect(seen).toEqual(new Set([1n << 32n, (1n << 32n) | (1n << 38n)]));
  });
});
