// notifyAddressForQueue takes the queue_notify_off values the probe was given (read from
// common_cfg) and only assumes off = index without them. The values come from outside our
// encoder: QEMU's common_cfg as qtest read it (a spec vector), and a device model whose
// queue_notify_off is not the index, read by the driver through the bus.
import { describe, expect, it } from 'vitest';
import { openVirtioPci } from '../../src/driver/virtio-pci.js';
import { qemuVirtioPreset } from '../../src/model/presets.js';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import { lookupAddress } from '../../src/virtio/lookup.js';
import { notifyAddressForQueue } from '../../src/virtio/notify.js';
import { probeVirtio } from '../../src/virtio/probe.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';
import { expectedNotify, modelMachine } from '../driver/model-machine.js';
import { loadVectors } from '../vectors/load.js';

describe('notifyAddressForQueue with read queue_notify_off values', () => {
  it('QEMU virtio-blk num-queues=4: the values qtest read from common_cfg are used, not assumed', () => {
    const v = loadVectors().find((x) => x.id === 'qemu/pc/00_08_0-virtio-blk-num-queues-4')!;
    const dev = v.record.device!;
    const bars = dev.bars!;
    const barSizes = new Map(bars.map((b) => [b.index, BigInt(b.size!)]));
    const cs = decodeConfigSpace(v.fn.bytes, { length: v.fn.length, barSizes, vendorCaps: [virtioVendorCapDecoder] });
    const offs = dev.queues!.map((q) => q.queue_notify_off!);
    expect(offs).toHaveLength(4);
    const bar4 = BigInt(bars.find((b) => b.index === 4)!.address);

    const read = probeVirtio(cs, { queueNotifyOffs: offs });
    const guessed = probeVirtio(cs, { numQueues: 4 });
    for (let q = 0; q < 4; q++) {
      const a = notifyAddressForQueue(read, q)!;
      // QEMU's modern notify region: BAR4 + 0x3000, notify_off_multiplier 4.
      expect(a.address).toBe(bar4 + 0x3000n + BigInt(offs[q]!) * 4n);
      expect(a.queueNotifyOff).toBe(offs[q]);
      expect(a.assumedNotifyOff).toBe(false);
      expect(a.diagnostics.map((d) => d.code)).not.toContain('VIRTIO_NOTIFY_OFF_ASSUMED');
      const g = notifyAddressForQueue(guessed, q)!;
      expect(g.assumedNotifyOff).toBe(true);
      expect(g.diagnostics.map((d) => d.code)).toContain('VIRTIO_NOTIFY_OFF_ASSUMED');
    }
    // A queue the probe has no value for is still assumed, and says so.
    expect(notifyAddressForQueue(read, 4)!.assumedNotifyOff).toBe(true);
  });

  it('a device whose queue_notify_off is not the index: the read values give its doorbells', async () => {
    const notifyOffs = [2, 0, 3, 1];
    const m = modelMachine(qemuVirtioPreset({ queues: notifyOffs.map((notifyOff) => ({ size: 16, notifyOff })) }));
    const drv = await openVirtioPci(m.bus);
    // What the driver read from the model's common_cfg, through config and memory cycles.
    expect(drv.queues.map((q) => q.queueNotifyOff)).toEqual(notifyOffs);
    const t = drv.transport;
    expect(t.queueNotifyOffs).toEqual(notifyOffs);
    for (let q = 0; q < notifyOffs.length; q++) {
      const a = notifyAddressForQueue(t, q)!;
      const want = expectedNotify(m.dev, q);
      expect({ q, space: a.space, address: a.address, assumed: a.assumedNotifyOff }).toEqual({ q, space: want.space, address: want.address, assumed: false });
      // lookup given only the transport finds the same queue behind that doorbell.
      const hit = lookupAddress([{ slot: 's', config: drv.configSpace, transport: t }], a.address, a.space).find((h) => h.structure === 'notify')!;
      expect({ queues: hit.queues, assumed: hit.assumedNotifyOff }).toEqual({ queues: [q], assumed: false });
    }
  });
});
