// Real images from QEMU: start each machine once with every device of the matrix, enumerate and
// assign BARs as firmware would, read every function's config space, and ask each virtio
// function what it says about itself (features, queue count, queue_size and queue_notify_off
// per queue, read from common_cfg through queue_select, or from the legacy registers).
import { execFileSync } from 'node:child_process';
import { PC_DEVICES, Q35_DEVICES, needsOf } from './qemu-matrix.mjs';
import { hx } from './project.mjs';

/** Device names QEMU knows (`-device help`). */
export function qemuDeviceNames(binary = 'qemu-system-x86_64') {
  const text = execFileSync(binary, ['-device', 'help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const names = new Set();
  for (const m of text.matchAll(/^name "([^"]+)"/gm)) names.add(m[1]);
  return names;
}

export function qemuVersion(binary = 'qemu-system-x86_64') {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

const slotName = (a) => `${hex2(a.bus)}_${hex2(a.device)}_${a.function}`;
const hex2 = (n) => n.toString(16).padStart(2, '0');

async function rd(bus, space, addr, width) {
  return space === 'io' ? bus.ioRead(Number(addr), width) : bus.memRead(addr, width);
}
async function wr(bus, space, addr, width, value) {
  return space === 'io' ? bus.ioWrite(Number(addr), width, value) : bus.memWrite(addr, width, value);
}

// virtio_pci_common_cfg offsets (virtio 1.x, 4.1.4.3)
const CC = { device_feature_select: 0x00, device_feature: 0x04, num_queues: 0x12, queue_select: 0x16, queue_size: 0x18, queue_notify_off: 0x1e };
// legacy header offsets (virtio 0.9.5 / 4.1.4.10)
const LEG = { host_features: 0x00, queue_num: 0x0c, queue_sel: 0x0e };
const LEGACY_MAX_QUEUES = 1024;

/** What a virtio function says about itself over the bus. */
async function virtioFacts(lib, bus, f) {
  const barSizes = new Map(f.bars.map((b) => [b.index, b.size]));
  const cs = lib.decodeConfigSpace(f.config, { barSizes, vendorCaps: [lib.virtioVendorCapDecoder] });
  const t = lib.probeVirtio(cs, { barSizes });
  if (t.kind === 'legacy-only' && t.legacy?.bar) {
    const base = t.legacy.bar.address;
    const sp = t.legacy.bar.space;
    const features = await rd(bus, sp, base + BigInt(LEG.host_features), 4);
    const queues = [];
    for (let q = 0; q < LEGACY_MAX_QUEUES; q++) {
      await wr(bus, sp, base + BigInt(LEG.queue_sel), 2, q);
      const n = await rd(bus, sp, base + BigInt(LEG.queue_num), 2);
      if (n === 0) break;
      queues.push({ index: q, queue_size: n });
    }
    return { source: 'legacy registers (BAR0: host_features, queue_sel/queue_num)', deviceFeatures: hx(BigInt(features >>> 0)), numQueues: queues.length, queues };
  }
  if (!t.common) return null;
  const sp = t.common.bar.space;
  const a = (o) => t.common.address + BigInt(o);
  let features = 0n;
  for (const sel of [0, 1]) {
    await wr(bus, sp, a(CC.device_feature_select), 4, sel);
    features |= BigInt((await rd(bus, sp, a(CC.device_feature), 4)) >>> 0) << BigInt(32 * sel);
  }
  const numQueues = await rd(bus, sp, a(CC.num_queues), 2);
  const queues = [];
  for (let q = 0; q < numQueues; q++) {
    await wr(bus, sp, a(CC.queue_select), 2, q);
    queues.push({ index: q, queue_size: await rd(bus, sp, a(CC.queue_size), 2), queue_notify_off: await rd(bus, sp, a(CC.queue_notify_off), 2) });
  }
  await wr(bus, sp, a(CC.queue_select), 2, 0);
  return { source: 'common_cfg (device_feature_select/device_feature, num_queues, queue_select/queue_size/queue_notify_off)', deviceFeatures: hx(features), numQueues, queues };
}

/**
 * Run one machine. Returns one record per function: its slot, bytes, the probed BAR layout,
 * what virtio functions said, and which matrix entry it belongs to.
 */
export async function runMachine(lib, node, machine, available, log) {
  const matrix = machine === 'pc' ? PC_DEVICES : Q35_DEVICES;
  const used = [];
  const skipped = [];
  for (const e of matrix) {
    const missing = needsOf(e).filter((n) => !available.has(n));
    if (missing.length) skipped.push({ name: e.name, reason: `this QEMU has no ${missing.join(', ')}` });
    else used.push(e);
  }
  const args = used.flatMap((e) => e.args);
  log(`${machine}: starting QEMU with ${used.length} devices`);
  const { qemu, bus } = await node.startQtestBus({ machine, args, timeoutMs: 30_000 });
  try {
    const fns = await node.dumpQtestFunctions(bus);
    const bySlot = new Map(fns.map((f) => [`${f.address.bus}:${f.address.device}.${f.address.function}`, f]));
    const records = [];
    for (const f of fns) {
      let entry = null;
      let role = 'chipset';
      if (f.address.bus === 0) {
        entry = used.find((e) => e.slot === f.address.device) ?? null;
        if (entry) role = entry.behindRootPort ? 'root-port' : 'device';
      } else {
        // behind a root port: find the port whose secondary bus this is
        for (const e of used.filter((x) => x.behindRootPort)) {
          const port = bySlot.get(`0:${e.slot}.0`);
          if (port?.bridge?.secondary === f.address.bus) {
            entry = e;
            role = 'device';
          }
        }
      }
      // One root port stands for all: they differ only in chassis/slot and bus numbers.
      if (role === 'root-port' && entry !== used.find((e) => e.behindRootPort)) continue;
      const vendor = f.vendorId;
      let facts = null;
      if (vendor === 0x1af4 && lib.isVirtioPciId(vendor, f.deviceId)) facts = await virtioFacts(lib, bus, f);
      const name =
        role === 'device' ? entry.name : role === 'root-port' ? 'pcie-root-port' : `chipset-${hex4(vendor)}-${hex4(f.deviceId)}`;
      records.push({
        file: `${slotName(f.address)}-${name}`,
        machine,
        role,
        about: role === 'device' ? entry.about : role === 'root-port' ? `pcie-root-port (type 1) in front of ${entry.name}` : `chipset function of the ${machine} machine`,
        deviceArgs: role === 'chipset' ? [] : role === 'root-port' ? entry.args.filter((a) => a.startsWith('pcie-root-port')) : entry.args,
        address: f.address,
        config: f.config,
        pcie: f.pcie,
        bars: f.bars.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: hx(b.address), size: hx(b.size) })),
        rom: f.rom ? { address: hx(f.rom.address), size: hx(f.rom.size) } : null,
        bridge: f.bridge ? { primary: f.bridge.primary, secondary: f.bridge.secondary, subordinate: f.bridge.subordinate } : null,
        facts,
      });
    }
    return { argv: qemu.argv, records, skipped };
  } finally {
    await qemu.close();
  }
}

const hex4 = (n) => n.toString(16).padStart(4, '0');
