// The same driver against QEMU's own virtio-blk-pci, through qtest: enumerate and assign BARs,
// probe the config bytes, negotiate, set up queues, kick through the computed doorbell and
// read sector 0 of a disk image. Two QEMU starts in all (pc with six devices, q35 with one
// behind a pcie-root-port). Also: QEMU's config bytes and runtime registers against the
// model's QEMU preset, field by field, with the differences the model does not reproduce
// pinned (docs/model.md lists them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtioBlkComplete, virtioBlkRead, virtioBlkSubmit, virtioBlkWriteZeroes } from '../../src/driver/blk.js';
import * as BLK from '../../src/virtio/devices/blk.js';
import type { EnumeratedFunction } from '../../src/pci/enumerate.js';
import { enumeratePci } from '../../src/pci/enumerate.js';
import { openVirtioPci, readConfigImage, type VirtioDriverOptions, type VirtioPciDriver } from '../../src/driver/virtio-pci.js';
import { labelAt } from '../../src/layout/annotate.js';
import { qemuVirtioPreset, type QemuPresetOptions } from '../../src/model/presets.js';
import type { Bus, PciAddress } from '../../src/pci/bus.js';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import { findQemuBinary, startQtestBus, type QtestSession } from '../../src/qtest/index.js';
import { VIRTIO_PCI_COMMON_CFG_OFFSETS as C } from '../../src/virtio/common-cfg.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';
import {
  virtioBlkConfig,
  VIRTIO_BLK_F_CONFIG_WCE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_GEOMETRY,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_WRITE_ZEROES,
} from '../../src/virtio/devices/blk.js';
import { modelMachine, SLOT } from './model-machine.js';

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping the driver-against-QEMU tests: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');
const runQemu = QEMU !== null || REQUIRE_QEMU;

const work = mkdtempSync(join(tmpdir(), 'pcicfg-driver-qemu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A 1 MiB raw disk image whose bytes depend on `seed`, so each device's sector 0 differs. */
function diskImage(name: string, seed: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.imul(i + seed, 0x9e3779b1) >>> 24) ^ seed;
  const path = join(work, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

// QEMU answers asynchronously (the block layer runs in its main loop): poll with a short sleep.
const pause = () => new Promise<void>((r) => setTimeout(r, 2));
const DRIVER: VirtioDriverOptions = { pause };

const at = (dev: number, bus = 0): PciAddress => ({ domain: 0, bus, device: dev, function: 0 });

describe.runIf(REQUIRE_QEMU)('QEMU requirement (driver)', () => {
  it('qemu-system-x86_64 is installed (PCICFG_REQUIRE_QEMU=1)', () => {
    expect(QEMU).not.toBeNull();
  });
});

interface PcDevice {
  readonly slot: number;
  readonly props: string;
  /** The model preset with the same options. */
  readonly preset: QemuPresetOptions;
  readonly queues: number;
  /** Which driver paths to try on it. */
  readonly paths: ReadonlyArray<'modern' | 'legacy'>;
}

const PC_DEVICES: PcDevice[] = [
  { slot: 4, props: 'disable-legacy=on', preset: {}, queues: 1, paths: ['modern'] },
  { slot: 5, props: 'disable-legacy=off', preset: { transitional: true }, queues: 1, paths: ['modern'] },
  { slot: 6, props: 'disable-legacy=off', preset: { transitional: true }, queues: 1, paths: ['legacy'] },
  { slot: 7, props: 'disable-legacy=on,page-per-vq=on,num-queues=2', preset: { pagePerVq: true }, queues: 2, paths: ['modern'] },
  { slot: 8, props: 'disable-legacy=on,modern-pio-notify=on,num-queues=2', preset: { modernPioNotify: true }, queues: 2, paths: ['modern'] },
  { slot: 9, props: 'disable-legacy=on,num-queues=4', preset: {}, queues: 4, paths: ['modern'] },
];

/** `label.field` of every byte where two config images differ, named by QEMU's decoding. */
function configFieldDiff(qemu: Uint8Array, model: Uint8Array): string[] {
  const cs = decodeConfigSpace(qemu, { vendorCaps: [virtioVendorCapDecoder] });
  const out = new Set<string>();
  for (let i = 0; i < qemu.length; i++) {
    if (qemu[i] === model[i]) continue;
    const l = labelAt(cs.regions, i);
    out.add(l ? `${l.region.label}.${l.field.name}` : `unclaimed@0x${i.toString(16)}`);
  }
  return [...out];
}

/** Runtime registers a driver reads before negotiating, through common_cfg and the device cfg. */
async function runtimeRegisters(bus: Bus, fn: EnumeratedFunction, queues: number) {
  const bar4 = fn.bars.find((b) => b.index === 4)!.address;
  const r = (o: number, w: 1 | 2 | 4) => bus.memRead(bar4 + BigInt(o), w);
  const w = (o: number, width: 1 | 2 | 4, v: number) => bus.memWrite(bar4 + BigInt(o), width, v);
  await w(C.device_status, 1, 0); // whatever an earlier test left behind
  const features: number[] = [];
  for (let sel = 0; sel < 2; sel++) {
    await w(C.device_feature_select, 4, sel);
    features.push(await r(C.device_feature, 4));
  }
  const perQueue: Array<{ queue_size: number; queue_notify_off: number; queue_msix_vector: number }> = [];
  for (let q = 0; q < queues; q++) {
    await w(C.queue_select, 2, q);
    perQueue.push({ queue_size: await r(C.queue_size, 2), queue_notify_off: await r(C.queue_notify_off, 2), queue_msix_vector: await r(C.queue_msix_vector, 2) });
  }
  // Byte by byte: QEMU answers a wider read that runs past the config's end with all-ones.
  const deviceCfg = new Uint8Array(0x80);
  for (let i = 0; i < deviceCfg.length; i++) deviceCfg[i] = await r(0x2000 + i, 1);
  return {
    device_feature: BigInt(features[0]) | (BigInt(features[1]) << 32n),
    msix_config: await r(C.msix_config, 2),
    num_queues: await r(C.num_queues, 2),
    device_status: await r(C.device_status, 1),
    config_generation: await r(C.config_generation, 1),
    perQueue,
    deviceCfg,
  };
}

describe.skipIf(!runQemu)('driver against QEMU pc: six virtio-blk-pci devices', () => {
  let s: QtestSession;
  let fns: EnumeratedFunction[];
  const disks = new Map<number, Uint8Array>();
  const resetConfig = new Map<number, Uint8Array>();
  beforeAll(async () => {
    const args: string[] = [];
    for (const d of PC_DEVICES) {
      const img = diskImage(`pc${d.slot}.img`, d.slot);
      disks.set(d.slot, img.bytes);
      args.push('-device', `virtio-blk-pci,drive=d${d.slot},addr=${d.slot},${d.props}`, '-drive', `if=none,id=d${d.slot},file=${img.path},format=raw`);
    }
    s = await startQtestBus({ machine: 'pc', args });
    // Config bytes as QEMU serves them before anything is assigned (what the model compares with).
    for (const d of PC_DEVICES) resetConfig.set(d.slot, await readConfigImage(s.bus, at(d.slot)));
    fns = await enumeratePci(s.bus);
  }, 60_000);
  afterAll(async () => {
    await s?.qemu.close();
  });

  const open = (d: PcDevice, path: 'modern' | 'legacy', more: VirtioDriverOptions = {}) =>
    openVirtioPci(s.bus, { ...DRIVER, ...more, enumerate: fns, slot: at(d.slot), transport: path, queues: d.queues });

  for (const d of PC_DEVICES) {
    for (const path of d.paths) {
      it(`${d.props} (${path} path): reads sector 0 of its disk image through every queue`, async () => {
        const drv = await open(d, path);
        try {
          expect(drv.path).toBe(path);
          expect(drv.queues.length).toBe(d.queues);
          for (let q = 0; q < d.queues; q++) {
            const r = await virtioBlkRead(drv, 0n, 1, q);
            expect(r.status, `queue ${q}`).toBe(BLK.VIRTIO_BLK_S_OK);
            expect(r.data, `queue ${q}`).toEqual(disks.get(d.slot)!.slice(0, 512));
          }
          checkDoorbells(drv, d);
        } finally {
          await drv.reset();
        }
      });
    }
  }

  it('a write to another queue\'s doorbell completes nothing on the request\'s queue', async () => {
    for (const d of PC_DEVICES.filter((x) => x.queues > 1)) {
      const drv = await open(d, 'modern');
      try {
        const q0 = drv.queue(0);
        const q1 = drv.queue(1);
        const p0 = await virtioBlkSubmit(drv, { queue: 0, type: BLK.VIRTIO_BLK_T_IN, sector: 1n, inLength: 512 }, { kick: false });
        const p1 = await virtioBlkSubmit(drv, { queue: 1, type: BLK.VIRTIO_BLK_T_IN, sector: 2n, inLength: 512 }, { kick: false });
        if (q0.notify.address !== q1.notify.address) {
          // Queue 0's index written to queue 1's doorbell: QEMU dispatches memory doorbells by address.
          await drv.writeDoorbell(q1.notify, 2, 0);
        } else {
          // One shared I/O doorbell (multiplier 0): the value names the queue.
          await drv.writeDoorbell(q1.notify, 2, 1);
        }
        // Queue 1's request completing shows QEMU has handled the write; queue 0's is still pending.
        const r1 = await virtioBlkComplete(drv, p1);
        expect(r1?.data, d.props).toEqual(disks.get(d.slot)!.slice(1024, 1536));
        expect(await virtioBlkComplete(drv, p0, 20), d.props).toBeNull();
        await drv.kick(0);
        const r0 = await virtioBlkComplete(drv, p0);
        expect(r0?.data, d.props).toEqual(disks.get(d.slot)!.slice(512, 1024));
      } finally {
        await drv.reset();
      }
    }
  });

  it('WRITE_ZEROES and DISCARD do to the disk what the model (qemuDefaults) does', async () => {
    const d = PC_DEVICES[0];
    const wz = (1n << BigInt(BLK.VIRTIO_BLK_F_WRITE_ZEROES)) | (1n << BigInt(BLK.VIRTIO_BLK_F_DISCARD));
    const m = modelMachine(presetFor(d), { disk: disks.get(d.slot)!.slice(), qemuDefaults: true });
    const drivers = [await open(d, 'modern', { deviceFeatures: wz }), await openVirtioPci(m.bus, { deviceFeatures: wz })];
    const results = [];
    for (const drv of drivers) {
      try {
        const st = [
          (await virtioBlkWriteZeroes(drv, 100n, 3, { unmap: true })).status,
          (await virtioBlkWriteZeroes(drv, 200n, 2, { discard: true })).status,
          (await virtioBlkWriteZeroes(drv, 2047n, 2)).status, // past the end
          (await virtioBlkWriteZeroes(drv, 0n, 1, { discard: true, unmap: true })).status, // UNMAP on a discard
        ];
        results.push({ st, data: (await virtioBlkRead(drv, 99n, 5)).data, discarded: (await virtioBlkRead(drv, 200n, 2)).data });
      } finally {
        await drv.reset();
      }
    }
    expect(results[0]).toEqual(results[1]);
    const disk = disks.get(d.slot)!;
    const want = disk.slice(99 * 512, 104 * 512);
    want.fill(0, 512, 4 * 512);
    expect(results[0]).toEqual({ st: [0, 0, 1, 2], data: want, discarded: disk.slice(200 * 512, 202 * 512) });
  });

  it('serves the config bytes the model\'s QEMU preset builds, field for field', async () => {
    for (const d of PC_DEVICES) {
      const model = await readConfigImage(modelMachine(presetFor(d)).bus, SLOT);
      expect(configFieldDiff(resetConfig.get(d.slot)!, model), d.props).toEqual([]);
    }
  });

  it('legacy registers of the transitional device: the model reproduces all but the documented differences', async () => {
    const d = PC_DEVICES[2];
    const m = modelMachine(presetFor(d), { disk: disks.get(d.slot) });
    const q = await legacyRegisters(s.bus, fns.find((f) => f.address.device === d.slot)!);
    const mm = await legacyRegisters(m.bus, (await enumeratePci(m.bus))[0]);
    expect(bitList(BigInt((q.host_features & ~mm.host_features) >>> 0))).toEqual(QEMU_ONLY_FEATURES);
    expect(bitList(BigInt((mm.host_features & ~q.host_features) >>> 0))).toEqual([]);
    expect(q.host_features & 0x49000000).toBe(0x49000000); // NOTIFY_ON_EMPTY, ANY_LAYOUT, BAD_FEATURE
    expect(configLength(q.cfg)).toBe(57);
    expect(blkConfigDiff(q.cfg.slice(0, 57), mm.cfg)).toEqual(QEMU_ONLY_BLK_CONFIG);
    expect({ ...q, host_features: 0, cfg: null }).toEqual({ ...mm, host_features: 0, cfg: null });
    const mq = modelMachine(presetFor(d), { disk: disks.get(d.slot), qemuDefaults: true });
    expect(await legacyRegisters(mq.bus, (await enumeratePci(mq.bus))[0])).toEqual(q);
  });

  it('runtime registers: the model reproduces all but the documented differences', async () => {
    for (const d of PC_DEVICES.filter((x) => x.paths.includes('modern'))) {
      const m = modelMachine(presetFor(d), { disk: disks.get(d.slot), numQueues: d.queues });
      const q = await runtimeRegisters(s.bus, fns.find((f) => f.address.device === d.slot)!, d.queues);
      const mm = await runtimeRegisters(m.bus, (await enumeratePci(m.bus))[0], d.queues);
      // Feature bits QEMU offers and the model does not (and none the other way round).
      expect(bitList(q.device_feature & ~mm.device_feature), d.props).toEqual(QEMU_ONLY_FEATURES);
      expect(bitList(mm.device_feature & ~q.device_feature), d.props).toEqual([]);
      // virtio_blk_config: QEMU's ends after write_zeroes_may_unmap (57 bytes, then reads all-ones),
      // the model serves the whole struct; over the common part these fields differ.
      expect([configLength(q.deviceCfg), configLength(mm.deviceCfg)], d.props).toEqual([57, virtioBlkConfig.size]);
      expect(blkConfigDiff(q.deviceCfg.slice(0, 57), mm.deviceCfg), d.props).toEqual(QEMU_ONLY_BLK_CONFIG);
      expect({ ...q, device_feature: 0, deviceCfg: null }, d.props).toEqual({ ...mm, device_feature: 0, deviceCfg: null });
      // With the backend's qemuDefaults, all of it agrees.
      const mq = modelMachine(presetFor(d), { disk: disks.get(d.slot), numQueues: d.queues, qemuDefaults: true });
      expect(await runtimeRegisters(mq.bus, (await enumeratePci(mq.bus))[0], d.queues), d.props).toEqual(q);
      // A wide read running past the end: QEMU answers all-ones as a whole, the model per byte.
      const qfn = fns.find((f) => f.address.device === d.slot)!;
      const qcfg = qfn.bars.find((b) => b.index === 4)!.address + 0x2000n;
      expect([await s.bus.memRead(qcfg + 56n, 1), await s.bus.memRead(qcfg + 56n, 4)]).toEqual([q.deviceCfg[56], 0xffffffff]);
      const mcfg = (await enumeratePci(m.bus))[0].bars.find((b) => b.index === 4)!.address + 0x2000n;
      const end = BigInt(virtioBlkConfig.size);
      expect(await m.bus.memRead(mcfg + end - 2n, 4)).toBe((0xffff0000 | mm.deviceCfg[virtioBlkConfig.size - 2] | (mm.deviceCfg[virtioBlkConfig.size - 1] << 8)) >>> 0);
    }
  });
});

/** What QEMU 7.2's virtio-blk-pci offers that the model's default backend does not (qemuDefaults adds them). */
const QEMU_ONLY_FEATURES = [
  VIRTIO_BLK_F_GEOMETRY,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_CONFIG_WCE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_WRITE_ZEROES,
];
/** virtio_blk_config fields QEMU fills and the default backend leaves 0 (qemuDefaults fills them). */
const QEMU_ONLY_BLK_CONFIG = [
  'geometry_cylinders',
  'geometry_heads',
  'geometry_sectors',
  'writeback',
  'max_discard_sectors',
  'max_discard_seg',
  'discard_sector_alignment',
  'max_write_zeroes_sectors',
  'max_write_zeroes_seg',
  'write_zeroes_may_unmap',
];

/** Bytes before the all-ones tail a read past the end of the device config returns. */
function configLength(b: Uint8Array): number {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0xff) n--;
  return n;
}

const presetFor = (d: PcDevice) => qemuVirtioPreset({ ...d.preset, queues: Array.from({ length: d.queues }, () => ({ size: 256 })) });

function bitList(v: bigint): number[] {
  const out: number[] = [];
  for (let b = 0; b < 64; b++) if ((v >> BigInt(b)) & 1n) out.push(b);
  return out;
}

function blkConfigDiff(a: Uint8Array, b: Uint8Array): string[] {
  return virtioBlkConfig.fields.filter((f) => f.offset + f.size <= a.length && a.slice(f.offset, f.offset + f.size).some((x, i) => x !== b[f.offset + i])).map((f) => f.name);
}

async function legacyRegisters(bus: Bus, fn: EnumeratedFunction) {
  const bar0 = Number(fn.bars.find((b) => b.index === 0)!.address);
  await bus.ioWrite(bar0 + 18, 1, 0); // reset
  await bus.ioWrite(bar0 + 14, 2, 0); // QUEUE_SEL 0
  const cfg = new Uint8Array(0x40); // device config at 20 (MSI-X is off)
  for (let i = 0; i < cfg.length; i++) cfg[i] = await bus.ioRead(bar0 + 20 + i, 1);
  return {
    host_features: await bus.ioRead(bar0, 4),
    queue_num: await bus.ioRead(bar0 + 12, 2),
    queue_pfn: await bus.ioRead(bar0 + 8, 4),
    status: await bus.ioRead(bar0 + 18, 1),
    barSize: fn.bars.find((b) => b.index === 0)!.size,
    cfg,
  };
}

function checkDoorbells(drv: VirtioPciDriver, d: PcDevice): void {
  const bar = (i: number) => drv.fn.bars.find((b) => b.index === i)!.address;
  for (const q of drv.queues) {
    let want: { space: string; address: bigint };
    if (drv.path === 'legacy') want = { space: 'io', address: bar(0) + 16n };
    else if (d.preset.modernPioNotify) want = { space: 'io', address: bar(2) };
    else want = { space: 'mem', address: bar(4) + 0x3000n + BigInt(q.index) * (d.preset.pagePerVq ? 0x1000n : 4n) };
    expect({ space: q.notify.space, address: q.notify.address }, `queue ${q.index}`).toEqual(want);
  }
}

describe.skipIf(!runQemu)('driver against QEMU q35: virtio-blk-pci behind a pcie-root-port', () => {
  let s: QtestSession;
  let disk: Uint8Array;
  let fns: EnumeratedFunction[];
  let enumeratedConfig: Uint8Array;
  beforeAll(async () => {
    const img = diskImage('q35.img', 35);
    disk = img.bytes;
    s = await startQtestBus({
      machine: 'q35',
      args: ['-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'virtio-blk-pci,drive=d0,bus=rp1', '-drive', `if=none,id=d0,file=${img.path},format=raw`],
    });
    fns = await enumeratePci(s.bus); // numbers bus 1 behind the port and opens its windows
    // Before any request: an INTx raised by a completion would set Status bit 3.
    enumeratedConfig = await readConfigImage(s.bus, at(0, 1));
  }, 60_000);
  afterAll(async () => {
    await s?.qemu.close();
  });

  it('finds the device on bus 1, reads its 4096-byte config space and sector 0', async () => {
    const drv = await openVirtioPci(s.bus, { ...DRIVER, enumerate: fns, deviceType: 2 });
    expect(drv.address).toEqual(at(0, 1));
    expect(drv.config.length).toBe(4096);
    expect(drv.path).toBe('modern');
    const bar4 = drv.fn.bars.find((b) => b.index === 4)!.address;
    expect(drv.queue(0).notify.address).toBe(bar4 + 0x3000n);
    const r = await virtioBlkRead(drv, 0n);
    expect(r.status).toBe(BLK.VIRTIO_BLK_S_OK);
    expect(r.data).toEqual(disk.slice(0, 512));
  });

  it('config bytes against the model preset: the plain preset lacks PCIe and PM; the pcie preset matches all 4096 bytes', async () => {
    const cfg = enumeratedConfig;
    const decode = (b: Uint8Array) => decodeConfigSpace(b, { vendorCaps: [virtioVendorCapDecoder] });
    const q = decode(cfg).capabilities;
    // Both enumerated, so Command agrees; BAR addresses cannot (other windows).
    const enumerated = async (d: ReturnType<typeof qemuVirtioPreset>) => {
      const m = modelMachine(d, { qemuDefaults: true, disk: disk.slice() });
      const f = (await enumeratePci(m.bus))[0];
      return { m, f, cfg: await readConfigImage(m.bus, SLOT, 4096) };
    };
    // The conventional preset: the virtio and MSI-X capabilities agree field by field in walk
    // order (minus the links), but QEMU's PCIe port adds a PCI Express and a PM capability.
    const plain = await enumerated(qemuVirtioPreset());
    const mm = decode(plain.cfg).capabilities;
    const shape = (c: (typeof q)[number]) => {
      const { cap_next: _n, cap_vndr: _v, ...rest } = (c.vendor?.fields ?? c.fields) as Record<string, unknown>;
      return { id: c.id, ...rest };
    };
    expect(q.slice(0, mm.length).map(shape)).toEqual(mm.map(shape));
    expect(q.slice(mm.length).map((c) => [c.id, c.pos])).toEqual([[0x01, 0x7c], [0x10, 0x40]]);
    expect(mm.map((c) => c.pos)).toEqual([0x98, 0x84, 0x70, 0x60, 0x50, 0x40]);
    // The pcie preset: every field of the 4 KiB image but the BAR addresses.
    const pcie = await enumerated(qemuVirtioPreset({ pcie: true }));
    expect(configFieldDiff(cfg, pcie.cfg)).toEqual(['header (pci_header_type0).bar1', 'header (pci_header_type0).bar4']);
    // And what a driver reads before negotiating.
    const qfn = fns.find((f) => f.address.bus === 1)!;
    await expect(runtimeRegisters(pcie.m.bus, pcie.f, 1)).resolves.toEqual(await runtimeRegisters(s.bus, qfn, 1));
  });
});
