// The driver against the device model. The driver sees the model only through the Bus (config
// cycles, memory and I/O accesses), computes every doorbell from the bytes it read, and the
// model, which knows its own layout, says which queue a write kicked. The oracle for the
// doorbell address is `expectedNotify`, computed from the description, not from the bytes.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { virtioBlkComplete, virtioBlkRead, virtioBlkRequest, virtioBlkSubmit, virtioBlkWrite, virtioBlkWriteZeroes } from '../../src/driver/blk.js';
import * as BLK from '../../src/virtio/devices/blk.js';
import * as CFG from '../../src/virtio/common-cfg.js';
import { findVirtioFunctions, openVirtioPci, type VirtioDriverOptions, type VirtioPciDriver } from '../../src/driver/virtio-pci.js';
import { VirtioDriverError, type VirtioDriverErrorCode } from '../../src/driver/errors.js';
import { GuestRamAllocator } from '../../src/driver/guest-memory.js';
import type { EnumeratedFunction } from '../../src/pci/enumerate.js';
import { ModelBus } from '../../src/model/bus.js';
import { VirtioBlkModelBackend } from '../../src/model/blk.js';
import { VirtioPciDevice } from '../../src/model/device.js';
import type { VirtioModelDescription } from '../../src/model/description.js';
import { cloudHypervisorPreset, qemuVirtioPreset, type QemuPresetOptions } from '../../src/model/presets.js';
import type { AccessWidth, Bus, PciAddress } from '../../src/pci/bus.js';
import { VIRTIO_PCI_COMMON_CFG_OFFSETS as C } from '../../src/virtio/common-cfg.js';
import { expectedNotify, modelMachine, patternDisk, randomDevice, SLOT, type ModelMachine } from './model-machine.js';
import { arbPresetDevice } from '../../src/arbitraries/index.js';

const F_INDIRECT_DESC = 28;
const F_PACKED = 34;
const F_NOTIFICATION_DATA = 38;

/** What every run checks once the driver is up: doorbells, then one read request. */
async function checkDriver(m: ModelMachine, drv: VirtioPciDriver, request: { queue: number; sector: number; count: number }): Promise<void> {
  const { dev, disk, backend } = m;
  expect(drv.queues.length).toBeGreaterThan(0);
  for (const q of drv.queues) {
    const want = drv.path === 'legacy' ? legacyNotify(m) : expectedNotify(dev, q.index);
    expect({ space: q.notify.space, address: q.notify.address }, `queue ${q.index} doorbell`).toEqual(want);
    if (drv.path === 'modern') expect(q.queueNotifyOff).toBe(dev.description.queues[q.index].notifyOff ?? q.index);
  }
  // Each doorbell, written with the value the driver would write, kicks its queue and no other.
  for (const q of drv.queues) {
    dev.kicks.length = 0;
    const value = drv.notifyValue(q);
    await drv.writeDoorbell(q.notify, q.notify.width, value);
    expect(dev.kicks.map((k) => k.queue), `kicks after writing queue ${q.index}'s doorbell`).toEqual([q.index]);
    expect(dev.kicks[0].address).toBe(q.notify.address);
    expect(dev.kicks[0].value).toBe(value);
    if (drv.has(F_NOTIFICATION_DATA)) expect(dev.kicks[0].data).toBeDefined();
  }
  // A read request on one queue completes with the disk's bytes.
  dev.kicks.length = 0;
  const before = backend.requests.length;
  // header, data, status: a chain of three, never longer than the queue (indirect or not).
  if (drv.queue(request.queue).size < 3) {
    await expect(virtioBlkRead(drv, BigInt(request.sector), request.count, request.queue)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    expect(dev.kicks).toEqual([]);
    return;
  }
  const r = await virtioBlkRead(drv, BigInt(request.sector), request.count, request.queue);
  expect(r.status).toBe(BLK.VIRTIO_BLK_S_OK);
  expect(r.data).toEqual(disk.slice(request.sector * 512, (request.sector + request.count) * 512));
  expect(r.usedLength).toBe(request.count * 512 + 1);
  expect(backend.requests.slice(before).map((x) => [x.queue, x.type, x.sector])).toEqual([[request.queue, BLK.VIRTIO_BLK_T_IN, BigInt(request.sector)]]);
  expect(r.kicked).toBe(true);
  expect(dev.kicks.map((k) => k.queue)).toEqual([request.queue]);
}

/** Legacy QUEUE_NOTIFY: BAR0 + 16 in I/O space, for every queue. */
function legacyNotify(m: ModelMachine): { space: 'mem' | 'io'; address: bigint } {
  const bar0 = m.dev.programmedBars().find((b) => b.index === 0)!;
  return { space: 'io', address: bar0.base + 16n };
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
const floorPow2 = (n: number) => 2 ** Math.floor(Math.log2(n));

describe('driver against random model devices', () => {
  // The modern path: every queue the description has, split or packed as negotiated.
  test.prop([randomDevice, fc.boolean()], { numRuns: 1000 })('doorbells from the probed bytes kick exactly their queue; reads return the disk', async (r, indirect) => {
    const m = modelMachine(r.description, r.blk);
    const drv = await openVirtioPci(m.bus, { transport: 'modern', ...r.ask, indirect });
    expect(drv.has(F_INDIRECT_DESC)).toBe(indirect && (r.description.features & (1n << 28n)) !== 0n);
    expect(drv.path).toBe('modern');
    expect(drv.queues.map((q) => q.index)).toEqual(r.description.queues.map((_, i) => i));
    const packed = r.ask.packed && r.blk.packed === true;
    expect(drv.has(F_PACKED)).toBe(packed);
    expect(new Set(drv.queues.map((q) => q.format))).toEqual(new Set([packed ? 'packed' : 'split']));
    expect(drv.has(F_NOTIFICATION_DATA)).toBe(r.ask.notificationData && (r.description.features & (1n << 38n)) !== 0n);
    expect(m.dev.core.status).toBe(CFG.VIRTIO_CONFIG_S_ACKNOWLEDGE | CFG.VIRTIO_CONFIG_S_DRIVER | CFG.VIRTIO_CONFIG_S_FEATURES_OK | CFG.VIRTIO_CONFIG_S_DRIVER_OK);
    await checkDriver(m, drv, r.request);
  });

  // The legacy path of the random transitional devices: QUEUE_PFN rings, QUEUE_NOTIFY by value.
  // Most runs round the queue sizes down to powers of two, or few would get past BAD_QUEUE_SIZE.
  test.prop([randomDevice.filter((r) => r.description.legacy !== undefined), fc.boolean(), fc.nat(3)], { numRuns: 1000 })('legacy path: QUEUE_NOTIFY kicks the queue named by the value', async (r0, indirect, keepSizes) => {
    const r = keepSizes === 0 ? r0 : { ...r0, description: { ...r0.description, queues: r0.description.queues.map((q) => ({ ...q, size: floorPow2(q.size) })) } };
    const m = modelMachine(r.description, r.blk);
    const count = r.description.queues.length;
    const run = openVirtioPci(m.bus, { transport: 'legacy', queues: count, eventIdx: r.ask.eventIdx, indirect });
    if (!r.description.queues.every((q) => isPow2(q.size))) {
      await expect(run).rejects.toMatchObject({ code: 'BAD_QUEUE_SIZE' });
      return;
    }
    const drv = await run;
    expect(drv.path).toBe('legacy');
    expect(drv.queues.map((q) => [q.format, q.size])).toEqual(r.description.queues.map((q) => ['split', q.size]));
    for (const q of drv.queues) expect(m.dev.core.queues[q.index].desc).toBe(BigInt(q.legacyPfn!) << 12n);
    await checkDriver(m, drv, r.request);
  });
});

// Every preset layout (arbPresetDevice), with power-of-two queues, driven on its modern path or,
// for a transitional preset, possibly on its legacy path.
const presetRun = arbPresetDevice();

describe('driver against every preset', () => {
  test.prop([presetRun], { numRuns: 1000 })('doorbells, kicks and reads on every preset (modern and, for transitional presets, legacy path)', async (p) => {
    const queues = p.description.queues;
    const m = modelMachine(p.description, p.blk);
    const legacy = p.driver.legacy;
    const opts: VirtioDriverOptions = legacy
      ? { transport: 'legacy', queues: queues.length, eventIdx: p.driver.eventIdx, indirect: p.driver.indirect }
      : { transport: 'modern', packed: p.driver.packed, eventIdx: p.driver.eventIdx, indirect: p.driver.indirect };
    const drv = await openVirtioPci(m.bus, opts);
    expect(drv.path).toBe(legacy ? 'legacy' : 'modern');
    expect(drv.queues.length).toBe(p.facts.queueSizes.length);
    expect(drv.config.length).toBe(p.facts.pcie ? 4096 : 256); // ModelBus reaches 4 KiB, read for PCIe functions
    if (!legacy) expect(drv.queues[0].format).toBe(p.driver.packed ? 'packed' : 'split');
    await checkDriver(m, drv, p.request);
  });

  it('QEMU layout numbers: doorbell of queue 3 at BAR4 + 0x3000 + 3 × 4, page-per-vq at + 3 × 4096, PIO notify at BAR2', async () => {
    const queues = [{ size: 16 }, { size: 16 }, { size: 16 }, { size: 16 }];
    const cases: Array<[QemuPresetOptions, (bar: (i: number) => bigint) => { space: string; address: bigint }]> = [
      [{}, (bar) => ({ space: 'mem', address: bar(4) + 0x3000n + 12n })],
      [{ pagePerVq: true }, (bar) => ({ space: 'mem', address: bar(4) + 0x3000n + 3n * 0x1000n })],
      [{ modernPioNotify: true }, (bar) => ({ space: 'io', address: bar(2) })],
    ];
    for (const [o, want] of cases) {
      const m = modelMachine(qemuVirtioPreset({ ...o, queues }));
      const drv = await openVirtioPci(m.bus);
      const bar = (i: number) => drv.fn.bars.find((b) => b.index === i)!.address;
      const q3 = drv.queue(3).notify;
      expect({ space: q3.space, address: q3.address }).toEqual(want(bar));
      expect(drv.queue(3).notify.width).toBe(2);
    }
  });
});

// ---- failure modes ----

/** A Bus in front of the model whose answers a test can bend, to play a misbehaving device. */
class BentBus implements Bus {
  memReadHook: ((address: bigint, width: AccessWidth, value: number) => number) | null = null;
  ioReadHook: ((port: number, width: AccessWidth, value: number) => number) | null = null;
  constructor(readonly inner: ModelBus) {}
  configRead(fn: PciAddress, offset: number, width: AccessWidth) {
    return this.inner.configRead(fn, offset, width);
  }
  configWrite(fn: PciAddress, offset: number, width: AccessWidth, value: number) {
    return this.inner.configWrite(fn, offset, width, value);
  }
  async memRead(address: bigint, width: AccessWidth) {
    const v = await this.inner.memRead(address, width);
    return this.memReadHook ? this.memReadHook(address, width, v) : v;
  }
  memWrite(address: bigint, width: AccessWidth, value: number) {
    return this.inner.memWrite(address, width, value);
  }
  memReadBytes(address: bigint, length: number) {
    return this.inner.memReadBytes(address, length);
  }
  memWriteBytes(address: bigint, data: Uint8Array) {
    return this.inner.memWriteBytes(address, data);
  }
  async ioRead(port: number, width: AccessWidth) {
    const v = await this.inner.ioRead(port, width);
    return this.ioReadHook ? this.ioReadHook(port, width, v) : v;
  }
  ioWrite(port: number, width: AccessWidth, value: number) {
    return this.inner.ioWrite(port, width, value);
  }
}

/** A machine behind a BentBus, enumerated, with the address of common_cfg. */
async function bent(d: VirtioModelDescription) {
  const m = modelMachine(d);
  const bus = new BentBus(m.bus);
  const fns: EnumeratedFunction[] = await findVirtioFunctions(bus);
  const bar = fns[0].bars.find((b) => b.index === d.regions.common.bar)!;
  const common = bar.address + BigInt(d.regions.common.offset);
  return { m, bus, fns, common, at: (field: keyof typeof C) => common + BigInt(C[field]) };
}

async function failsWith(p: Promise<unknown>, code: VirtioDriverErrorCode): Promise<VirtioDriverError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(VirtioDriverError);
  expect((e as VirtioDriverError).code).toBe(code);
  return e as VirtioDriverError;
}

describe('driver failure modes', () => {
  const q2 = [{ size: 8 }, { size: 8 }];

  it('NOT_VIRTIO: an empty bus, a slot with nothing in it, no function of the device type', async () => {
    await failsWith(openVirtioPci(new ModelBus()), 'NOT_VIRTIO');
    const m = modelMachine(qemuVirtioPreset());
    await failsWith(openVirtioPci(m.bus, { slot: { ...SLOT, device: 9 } }), 'NOT_VIRTIO');
    await failsWith(openVirtioPci(modelMachine(qemuVirtioPreset()).bus, { deviceType: 1 }), 'NOT_VIRTIO');
  });

  it('NO_TRANSPORT: the legacy path on a modern-only device', async () => {
    const m = modelMachine(qemuVirtioPreset());
    const e = await failsWith(openVirtioPci(m.bus, { transport: 'legacy' }), 'NO_TRANSPORT');
    expect(e.message).toMatch(/legacy I\/O BAR0/);
  });

  it('RESET_TIMEOUT: device_status never reads 0 (modern), or not 0 right after the legacy reset', async () => {
    const b = await bent(qemuVirtioPreset());
    b.bus.memReadHook = (a, w, v) => (a === b.at('device_status') ? 0x0f : v);
    const e = await failsWith(openVirtioPci(b.bus, { enumerate: b.fns, resetPolls: 5 }), 'RESET_TIMEOUT');
    expect(e.message).toMatch(/after 5 reads/);

    const l = await bent(qemuVirtioPreset({ transitional: true }));
    const bar0 = l.fns[0].bars.find((x) => x.index === 0)!.address;
    l.bus.ioReadHook = (port, w, v) => (BigInt(port) === bar0 + 18n ? 0x01 : v);
    await failsWith(openVirtioPci(l.bus, { enumerate: l.fns, transport: 'legacy' }), 'RESET_TIMEOUT');
  });

  it('NO_VERSION_1: a modern device without VIRTIO_F_VERSION_1 ends in FAILED', async () => {
    const m = modelMachine(qemuVirtioPreset({ features: 1n << 28n }));
    await failsWith(openVirtioPci(m.bus), 'NO_VERSION_1');
    expect(m.dev.core.status & CFG.VIRTIO_CONFIG_S_FAILED).toBe(CFG.VIRTIO_CONFIG_S_FAILED);
  });

  it('COMMON_CFG_TOO_SHORT: VIRTIO_F_NOTIF_CONFIG_DATA with a 56-byte common cfg', async () => {
    const d = cloudHypervisorPreset({ features: (1n << 32n) | (1n << 39n) });
    expect(d.regions.common.length).toBe(56);
    const m = modelMachine(d);
    const e = await failsWith(openVirtioPci(m.bus, { deviceFeatures: 1n << 39n }), 'COMMON_CFG_TOO_SHORT');
    expect(e.message).toMatch(/56 < 58/);
    // Without asking for it the same device is fine.
    await openVirtioPci(modelMachine(d).bus);
  });

  it('FEATURES_NOT_ACCEPTED: a device that advertises a bit it then refuses', async () => {
    const b = await bent(qemuVirtioPreset());
    let select = -1;
    const inner = b.bus.inner;
    b.bus.memWrite = async (a, w, v) => {
      if (a === b.at('device_feature_select')) select = v;
      return inner.memWrite(a, w, v);
    };
    // Feature word 0 claims VIRTIO_BLK_F_RO (bit 5), which the model does not offer.
    b.bus.memReadHook = (a, w, v) => (a === b.at('device_feature') && select === 0 ? v | 0x20 : v);
    const e = await failsWith(openVirtioPci(b.bus, { enumerate: b.fns, deviceFeatures: 1n << 5n }), 'FEATURES_NOT_ACCEPTED');
    expect(e.message).toMatch(/FEATURES_OK did not stick/);
    expect(b.m.dev.core.status & CFG.VIRTIO_CONFIG_S_FAILED).toBe(CFG.VIRTIO_CONFIG_S_FAILED);
  });

  it('QUEUE_UNAVAILABLE: num_queues names a queue that reads size 0; a queue already enabled; a legacy queue with a PFN', async () => {
    const b = await bent(qemuVirtioPreset({ queues: q2 }));
    b.bus.memReadHook = (a, w, v) => (a === b.at('num_queues') ? 3 : v);
    const e = await failsWith(openVirtioPci(b.bus, { enumerate: b.fns }), 'QUEUE_UNAVAILABLE');
    expect(e.message).toMatch(/queue 2 has size 0/);

    const en = await bent(qemuVirtioPreset({ queues: q2 }));
    en.bus.memReadHook = (a, w, v) => (a === en.at('queue_enable') ? 1 : v);
    expect((await failsWith(openVirtioPci(en.bus, { enumerate: en.fns }), 'QUEUE_UNAVAILABLE')).message).toMatch(/already enabled/);

    const l = await bent(qemuVirtioPreset({ transitional: true, queues: q2 }));
    const bar0 = l.fns[0].bars.find((x) => x.index === 0)!.address;
    l.bus.ioReadHook = (port, w, v) => (BigInt(port) === bar0 + 8n ? 0x1234 : v);
    expect((await failsWith(openVirtioPci(l.bus, { enumerate: l.fns, transport: 'legacy' }), 'QUEUE_UNAVAILABLE')).message).toMatch(/already has a PFN/);
  });

  it('BAD_QUEUE_SIZE: a legacy queue of 100 entries (no size negotiation in the legacy interface)', async () => {
    const m = modelMachine(qemuVirtioPreset({ transitional: true, queues: [{ size: 100 }] }));
    const e = await failsWith(openVirtioPci(m.bus, { transport: 'legacy' }), 'BAD_QUEUE_SIZE');
    expect(e.message).toMatch(/QUEUE_NUM 100/);
    // The modern path negotiates a power of two below it instead.
    const drv = await openVirtioPci(modelMachine(qemuVirtioPreset({ transitional: true, queues: [{ size: 100 }] })).bus);
    expect(drv.queue(0).size).toBe(64);
  });

  it('BAD_NOTIFY: queue_notify_off puts the doorbell past the end of the notify structure', async () => {
    const d = qemuVirtioPreset({ queues: [{ size: 8 }, { size: 8, notifyOff: 1024 }] }); // notify length 4 × 1024
    const e = await failsWith(openVirtioPci(modelMachine(d).bus), 'BAD_NOTIFY');
    expect(e.message).toMatch(/queue 1/);
    // 1023 is the last slot that fits.
    const ok = await openVirtioPci(modelMachine(qemuVirtioPreset({ queues: [{ size: 8 }, { size: 8, notifyOff: 1023 }] })).bus);
    expect(ok.queue(1).notify.address - ok.queue(0).notify.address).toBe(1023n * 4n);
  });

  it('OUT_OF_GUEST_MEMORY: rings or request buffers that do not fit the RAM window', async () => {
    const m = modelMachine(qemuVirtioPreset({ queues: [{ size: 256 }] }));
    await failsWith(openVirtioPci(m.bus, { ram: new GuestRamAllocator(0x100000n, 0x101000n) }), 'OUT_OF_GUEST_MEMORY');
    // Ring fits (256 split entries: 4096 + 518 → two pages + used), but a 1 MiB read buffer does not.
    const m2 = modelMachine(qemuVirtioPreset({ queues: [{ size: 8 }] }));
    const drv = await openVirtioPci(m2.bus, { ram: new GuestRamAllocator(0x100000n, 0x110000n) });
    await failsWith(virtioBlkRead(drv, 0n, 2048), 'OUT_OF_GUEST_MEMORY');
  });

  it('DEVICE_FAILED: DEVICE_NEEDS_RESET after DRIVER_OK', async () => {
    const b = await bent(qemuVirtioPreset());
    b.bus.memReadHook = (a, w, v) => (a === b.at('device_status') && v & CFG.VIRTIO_CONFIG_S_DRIVER_OK ? v | CFG.VIRTIO_CONFIG_S_NEEDS_RESET : v);
    await failsWith(openVirtioPci(b.bus, { enumerate: b.fns }), 'DEVICE_FAILED');
  });

  it('QUEUE_FULL: more chains than the ring holds', async () => {
    const m = modelMachine(qemuVirtioPreset({ queues: [{ size: 4 }] }));
    const drv = await openVirtioPci(m.bus, { indirect: false });
    // Each read is a chain of 3 descriptors: one fits in 4, the second does not.
    expect((await virtioBlkSubmit(drv, { type: BLK.VIRTIO_BLK_T_IN, inLength: 512 }, { kick: false })).indirect).toBe(false);
    await failsWith(virtioBlkSubmit(drv, { type: BLK.VIRTIO_BLK_T_IN, inLength: 512 }, { kick: false }), 'QUEUE_FULL');
    // With indirect descriptors each chain takes one slot: four fit, the fifth does not.
    const ind = await openVirtioPci(modelMachine(qemuVirtioPreset({ queues: [{ size: 4 }] })).bus);
    for (let i = 0; i < 4; i++) expect((await virtioBlkSubmit(ind, { type: BLK.VIRTIO_BLK_T_IN, inLength: 512 }, { kick: false })).indirect).toBe(true);
    await failsWith(virtioBlkSubmit(ind, { type: BLK.VIRTIO_BLK_T_IN, inLength: 512 }, { kick: false }), 'QUEUE_FULL');
  });

  it('REQUEST_TIMEOUT: the device never sees the request (bus mastering off), and an unkicked request stays pending', async () => {
    const m = modelMachine(qemuVirtioPreset());
    const drv = await openVirtioPci(m.bus);
    const p = await virtioBlkSubmit(drv, { type: BLK.VIRTIO_BLK_T_IN, sector: 1n, inLength: 512 }, { kick: false });
    expect(await virtioBlkComplete(drv, p, 3)).toBeNull();
    await drv.kick(0);
    const r = await virtioBlkComplete(drv, p, 3);
    expect(r?.data).toEqual(m.disk.slice(512, 1024));

    const cmd = await m.bus.configRead(SLOT, 4, 2);
    await m.bus.configWrite(SLOT, 4, 2, cmd & ~4);
    const e = await failsWith(virtioBlkRead(drv, 0n, 1, 0, 5), 'REQUEST_TIMEOUT');
    expect(e.message).toMatch(/after 5 polls/);
  });
});

describe('driver requests', () => {
  it('reads 4096 config bytes of a PCIe function through ModelBus, 256 of a conventional one', async () => {
    const pcie = modelMachine(qemuVirtioPreset({ pcie: true }));
    const plain = modelMachine(qemuVirtioPreset());
    expect((await openVirtioPci(pcie.bus)).config.length).toBe(4096);
    expect((await openVirtioPci(plain.bus)).config.length).toBe(256);
    expect(await plain.bus.configRead(SLOT, 0x100, 4)).toBe(0xffffffff);
    expect(await pcie.bus.configRead(SLOT, 0x100, 4)).toBe(0); // no extended capability
  });

  it('two functions on one bus: each driver reaches its own device', async () => {
    const bus = new ModelBus();
    const slots = [3, 4].map((device) => ({ domain: 0, bus: 0, device, function: 0 }));
    const disks = [patternDisk(8, 1), patternDisk(8, 2)];
    const devs = slots.map((slot, i) => {
      const dev = new VirtioPciDevice(qemuVirtioPreset({ queues: [{ size: 8 }] }), { memory: bus.ram, backend: new VirtioBlkModelBackend({ disk: disks[i] }) });
      bus.attachVirtio(slot, dev);
      return dev;
    });
    const fns = await findVirtioFunctions(bus);
    expect(fns.map((f) => f.address.device)).toEqual([3, 4]);
    const drvs = [];
    // Both share one RAM window, so each driver gets its own part of it.
    for (const [i, slot] of slots.entries()) drvs.push(await openVirtioPci(bus, { enumerate: fns, slot, ram: new GuestRamAllocator(0x100000n + BigInt(i) * 0x100000n, 0x200000n + BigInt(i) * 0x100000n) }));
    expect(drvs[0].queue(0).notify.address).not.toBe(drvs[1].queue(0).notify.address);
    for (const i of [1, 0]) {
      devs.forEach((d) => (d.kicks.length = 0));
      expect((await virtioBlkRead(drvs[i], 3n)).data).toEqual(disks[i].slice(3 * 512, 4 * 512));
      expect(devs.map((d) => d.kicks.length)).toEqual(i === 0 ? [1, 0] : [0, 1]);
    }
  });

  it('writes then reads back through the model disk, on each of four queues, split and packed', async () => {
    for (const packed of [false, true]) {
      const queues = [{ size: 16 }, { size: 16 }, { size: 16 }, { size: 16 }];
      const m = modelMachine(qemuVirtioPreset({ queues }), { packed, numQueues: 4 });
      const drv = await openVirtioPci(m.bus, { packed });
      expect(drv.queue(0).format).toBe(packed ? 'packed' : 'split');
      for (let q = 0; q < 4; q++) {
        const data = Uint8Array.from({ length: 1024 }, (_, i) => (i * 13 + q * 7 + (packed ? 1 : 0)) & 0xff);
        expect((await virtioBlkWrite(drv, BigInt(10 + 2 * q), data, q)).status).toBe(BLK.VIRTIO_BLK_S_OK);
        expect(m.disk.slice((10 + 2 * q) * 512, (12 + 2 * q) * 512)).toEqual(data);
        expect((await virtioBlkRead(drv, BigInt(10 + 2 * q), 2, q)).data).toEqual(data);
      }
      // More requests than the ring has entries: the driver reuses descriptors as they come back.
      for (let i = 0; i < 40; i++) expect((await virtioBlkRead(drv, BigInt(i % 60), 1, i % 4)).data).toEqual(m.disk.slice((i % 60) * 512, (i % 60) * 512 + 512));
    }
  });

  it('WRITE_ZEROES and DISCARD on a backend with QEMU\'s defaults; UNSUPP without them or with bad segments', async () => {
    const wz = 1n << BigInt(BLK.VIRTIO_BLK_F_WRITE_ZEROES);
    const dc = 1n << BigInt(BLK.VIRTIO_BLK_F_DISCARD);
    const m = modelMachine(qemuVirtioPreset({ queues: [{ size: 8 }] }), { qemuDefaults: true });
    const drv = await openVirtioPci(m.bus, { deviceFeatures: wz | dc });
    expect(drv.has(BLK.VIRTIO_BLK_F_WRITE_ZEROES) && drv.has(BLK.VIRTIO_BLK_F_DISCARD)).toBe(true);
    const before = m.disk.slice();
    expect((await virtioBlkWriteZeroes(drv, 4n, 3, { unmap: true })).status).toBe(BLK.VIRTIO_BLK_S_OK);
    expect((await virtioBlkWriteZeroes(drv, 20n, 1, { discard: true })).status).toBe(BLK.VIRTIO_BLK_S_OK);
    const want = before.slice();
    want.fill(0, 4 * 512, 7 * 512); // DISCARD keeps the data (QEMU's default discard=ignore)
    expect(m.disk).toEqual(want);
    expect((await virtioBlkRead(drv, 3n, 5)).data).toEqual(want.slice(3 * 512, 8 * 512));
    // UNMAP is not a DISCARD flag; past the end is an I/O error; two segments are not supported.
    expect((await virtioBlkWriteZeroes(drv, 0n, 1, { discard: true, unmap: true })).status).toBe(BLK.VIRTIO_BLK_S_UNSUPP);
    expect((await virtioBlkWriteZeroes(drv, 63n, 2)).status).toBe(BLK.VIRTIO_BLK_S_IOERR);
    const two = new Uint8Array(32);
    expect((await virtioBlkRequest(drv, { type: BLK.VIRTIO_BLK_T_WRITE_ZEROES, data: two })).status).toBe(BLK.VIRTIO_BLK_S_UNSUPP);
    expect(m.disk).toEqual(want);
    // The default backend offers neither.
    const plain = modelMachine(qemuVirtioPreset({ queues: [{ size: 8 }] }));
    const pd = await openVirtioPci(plain.bus, { deviceFeatures: wz | dc });
    expect(pd.has(BLK.VIRTIO_BLK_F_WRITE_ZEROES)).toBe(false);
    expect((await virtioBlkWriteZeroes(pd, 0n, 1)).status).toBe(BLK.VIRTIO_BLK_S_UNSUPP);
    expect(plain.disk).toEqual(patternDisk(64));
  });

  it('qemuDefaults: geometry, writeback (writable with CONFIG_WCE) and a 57-byte config', async () => {
    const m = modelMachine(qemuVirtioPreset(), { qemuDefaults: true, disk: patternDisk(2048) }); // 1 MiB
    const drv = await openVirtioPci(m.bus);
    const cfg = await Promise.all(Array.from({ length: 64 }, (_, i) => drv.readDeviceConfig(i, 1)));
    expect(cfg.slice(57)).toEqual(new Array(7).fill(0xff));
    expect(cfg.slice(16, 20)).toEqual([2, 0, 16, 63]); // 2048 / (16 × 63) cylinders, 16 heads, 63 sectors
    expect(cfg[32]).toBe(1);
    const dev = drv.transport.device!;
    await m.bus.memWrite(dev.bar.address + dev.offset + 32n, 1, 0);
    expect(await drv.readDeviceConfig(32, 1)).toBe(0);
    await m.bus.memWrite(dev.bar.address + dev.offset + 0n, 1, 0x55); // capacity is read-only
    expect(await drv.readDeviceConfig64(0)).toBe(2048n);
  });

  it('a doorbell of another queue, written with this queue’s request pending, completes nothing here', async () => {
    const m = modelMachine(qemuVirtioPreset({ queues: [{ size: 8 }, { size: 8 }] }), { numQueues: 2 });
    const drv = await openVirtioPci(m.bus);
    const p = await virtioBlkSubmit(drv, { queue: 0, type: BLK.VIRTIO_BLK_T_IN, inLength: 512 }, { kick: false });
    await drv.writeDoorbell(drv.queue(1).notify, 2, 1);
    expect(m.dev.kicks.map((k) => k.queue)).toEqual([1]);
    expect(await virtioBlkComplete(drv, p, 2)).toBeNull();
    await drv.kick(0);
    expect((await virtioBlkComplete(drv, p, 2))?.status).toBe(BLK.VIRTIO_BLK_S_OK);
  });
});
