import { describe, expect, it } from 'vitest';
import { VirtioPciDevice } from '../../src/model/device.js';
import { VirtioBlkModelBackend } from '../../src/model/blk.js';
import { ModelBus } from '../../src/model/bus.js';
import { SparseGuestMemory } from '../../src/model/memory.js';
import { qemuVirtioPreset } from '../../src/model/presets.js';
import { VIRTIO_PCI_COMMON_CFG_OFFSETS as C } from '../../src/virtio/common-cfg.js';
import { PackedVringDriver } from '../../src/vring/packed-ring.js';
import { assignBars } from './helpers.js';

const BDF = { domain: 0, bus: 0, device: 3, function: 0 };
const VERSION_1 = 1n << 32n;
const RING_PACKED = 1n << 34n;

function disk(): Uint8Array {
  const d = new Uint8Array(16 * 512);
  for (let i = 0; i < d.length; i++) d[i] = (i * 7 + (i >> 9)) & 0xff;
  return d;
}

async function setup(features: bigint, packed = false, size = 8) {
  const ram = new SparseGuestMemory();
  const backend = new VirtioBlkModelBackend({ disk: disk(), packed, serial: 'model-disk-1' });
  const dev = new VirtioPciDevice(qemuVirtioPreset({ queues: [{ size }] }), { memory: ram, backend });
  const bars = assignBars(dev);
  const bus = new ModelBus(ram);
  bus.attachVirtio(BDF, dev);
  const bar4 = bars.get(4)!.base;
  const common = (f: keyof typeof C) => bar4 + BigInt(C[f]);
  await bus.memWrite(common('device_status'), 1, 0);
  await bus.memWrite(common('device_status'), 1, 3);
  await bus.memWrite(common('driver_feature_select'), 4, 0);
  await bus.memWrite(common('driver_feature'), 4, Number(features & 0xffffffffn));
  await bus.memWrite(common('driver_feature_select'), 4, 1);
  await bus.memWrite(common('driver_feature'), 4, Number(features >> 32n));
  await bus.memWrite(common('device_status'), 1, 11);
  expect(await bus.memRead(common('device_status'), 1)).toBe(11);
  await bus.memWrite(common('queue_select'), 2, 0);
  const rings = { desc: 0x10000n, driver: 0x11000n, device: 0x12000n };
  for (const [f, a] of [['queue_desc', rings.desc], ['queue_driver', rings.driver], ['queue_device', rings.device]] as const) {
    await bus.memWrite(common(f), 4, Number(a & 0xffffffffn));
    await bus.memWrite(common(f) + 4n, 4, Number(a >> 32n));
  }
  await bus.memWrite(common('queue_enable'), 2, 1);
  await bus.memWrite(common('device_status'), 1, 15);
  return { ram, backend, dev, bus, bar4, rings };
}

const put16 = (m: SparseGuestMemory, a: bigint, v: number) => m.writeU16(a, v);

describe('virtio-blk backend', () => {
  it('serves a read request placed by hand in a split ring', async () => {
    const { ram, backend, dev, bus, bar4, rings } = await setup(VERSION_1);
    // Request: header (IN, sector 3) → 512-byte buffer → status byte, descriptors 0 → 1 → 2.
    ram.writeU32(0x20000n, 0);
    ram.writeU64(0x20008n, 3n);
    ram.writeU8(0x22000n, 0xaa);
    const desc = (i: number, addr: bigint, len: number, flags: number, next: number) => {
      const at = rings.desc + BigInt(16 * i);
      ram.writeU64(at, addr);
      ram.writeU32(at + 8n, len);
      put16(ram, at + 12n, flags);
      put16(ram, at + 14n, next);
    };
    desc(0, 0x20000n, 16, 1, 1);
    desc(1, 0x21000n, 512, 1 | 2, 2);
    desc(2, 0x22000n, 1, 2, 0);
    put16(ram, rings.driver + 4n, 0); // avail.ring[0] = head 0
    put16(ram, rings.driver + 2n, 1); // avail.idx = 1
    await bus.memWrite(bar4 + 0x3000n, 2, 0); // queue 0's doorbell
    expect(dev.kicks).toHaveLength(1);
    expect(await bus.memReadBytes(0x21000n, 512)).toEqual(backend.disk.subarray(3 * 512, 4 * 512));
    expect(ram.readU8(0x22000n)).toBe(0);
    expect(ram.readU16(rings.device + 2n)).toBe(1); // used.idx
    expect([ram.readU32(rings.device + 4n), ram.readU32(rings.device + 8n)]).toEqual([0, 513]);
    expect(dev.interrupts).toEqual([{ kind: 'intx', cause: 'queue' }]);
    expect(await bus.memRead(bar4 + 0x1000n, 1)).toBe(1);
    expect(backend.requests).toEqual([{ queue: 0, head: 0, type: 0, sector: 3n, status: 0, written: 513 }]);
  });

  it('serves write, flush, GET_ID and unsupported requests, and refuses reads past the end', async () => {
    const { ram, backend, bus, bar4, rings } = await setup(VERSION_1, false, 16);
    const reqs: Array<{ type: number; sector: bigint; data?: Uint8Array; inLen: number }> = [
      { type: 1, sector: 2n, data: new Uint8Array(512).fill(0x5a), inLen: 0 },
      { type: 4, sector: 0n, inLen: 0 },
      { type: 8, sector: 0n, inLen: 20 },
      { type: 99, sector: 0n, inLen: 0 },
      { type: 0, sector: 16n, inLen: 512 },
    ];
    let d = 0;
    reqs.forEach((r, k) => {
      const base = 0x30000n + BigInt(k) * 0x1000n;
      ram.writeU32(base, r.type);
      ram.writeU64(base + 8n, r.sector);
      const chain: Array<[bigint, number, number]> = [[base, 16, 0]];
      if (r.data) {
        ram.writeBytes(base + 0x100n, r.data);
        chain.push([base + 0x100n, r.data.length, 0]);
      }
      if (r.inLen) chain.push([base + 0x400n, r.inLen, 2]);
      chain.push([base + 0xf00n, 1, 2]);
      const head = d;
      chain.forEach(([addr, len, flags], i) => {
        const at = rings.desc + BigInt(16 * d);
        ram.writeU64(at, addr);
        ram.writeU32(at + 8n, len);
        put16(ram, at + 12n, flags | (i < chain.length - 1 ? 1 : 0));
        put16(ram, at + 14n, i < chain.length - 1 ? d + 1 : 0);
        d++;
      });
      put16(ram, rings.driver + 4n + BigInt(2 * k), head);
    });
    put16(ram, rings.driver + 2n, reqs.length);
    await bus.memWrite(bar4 + 0x3000n, 2, 0);
    expect(backend.requests.map((r) => r.status)).toEqual([0, 0, 0, 2, 1]);
    expect(backend.disk.subarray(1024, 1536)).toEqual(new Uint8Array(512).fill(0x5a));
    expect(new TextDecoder().decode(ram.readBytes(0x32400n, 12))).toBe('model-disk-1');
    expect(ram.readU16(rings.device + 2n)).toBe(5);
  });

  it('ignores kicks before DRIVER_OK and without bus mastering', async () => {
    const { ram, backend, dev, bus, bar4, rings } = await setup(VERSION_1);
    await bus.configWrite(BDF, 0x04, 2, 0x3);
    put16(ram, rings.driver + 2n, 1);
    await bus.memWrite(bar4 + 0x3000n, 2, 0);
    expect(dev.kicks).toHaveLength(1);
    expect(backend.requests).toHaveLength(0);
  });

  it('serves a packed ring when VIRTIO_F_RING_PACKED is negotiated', async () => {
    const { ram, backend, bus, bar4, rings } = await setup(VERSION_1 | RING_PACKED, true);
    const drv = new PackedVringDriver(ram, { desc: rings.desc, driver: rings.driver, device: rings.device }, 8);
    ram.writeU32(0x40000n, 0);
    ram.writeU64(0x40008n, 5n);
    const id = drv.publish([
      { addr: 0x40000n, len: 16, write: false },
      { addr: 0x41000n, len: 1024, write: true },
      { addr: 0x42000n, len: 1, write: true },
    ]);
    expect(id).not.toBeNull();
    await bus.memWrite(bar4 + 0x3000n, 2, 0);
    const used = drv.getUsed();
    expect(used).toMatchObject({ id, len: 1025 });
    expect(ram.readBytes(0x41000n, 1024)).toEqual(backend.disk.subarray(5 * 512, 7 * 512));
    expect(ram.readU8(0x42000n)).toBe(0);
  });
});
