#!/usr/bin/env node
// Regenerates examples/qemu-trace/: a QEMU trace log of the project's driver reading a
// virtio-blk disk through qtest, with the function's config bytes, QEMU's `info pci` and
// `info mtree -f` taken in the same run (see examples/README.md). Needs `npm run build`.
//
//   node examples/generate-qemu-virtio-blk-trace.mjs
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dumpQtestFunctions, formatQemuDump, startQtestBus } from '../dist/node.js';
import { openVirtioPci, readConfigImage, virtioBlkRead } from '../dist/entries/driver.js';

const out = join(dirname(fileURLToPath(import.meta.url)), 'qemu-trace');
const tmp = mkdtempSync(join(tmpdir(), 'pcicfg-trace-example-'));
const log = join(tmp, 'trace.log');
const slot = { domain: 0, bus: 0, device: 4, function: 0 };
// ioeventfd=off: otherwise QEMU 7.2 hands doorbell writes to an eventfd and they bypass the
// traced dispatch. Two queues, so both doorbells show.
const s = await startQtestBus({
  machine: 'pc',
  args: [
    '-blockdev', 'driver=null-co,node-name=d0,size=67108864,read-zeroes=on',
    '-device', 'virtio-blk-pci,drive=d0,addr=04.0,num-queues=2,ioeventfd=off',
    '-msg', 'timestamp=on',
    '-trace', 'memory_region_ops_read', '-trace', 'memory_region_ops_write',
    '-trace', 'virtio_queue_notify', '-trace', 'virtio_notify', '-D', log,
  ],
});
try {
  const fns = await dumpQtestFunctions(s.bus);
  const drv = await openVirtioPci(s.bus, { pause: () => new Promise((r) => setTimeout(r, 2)), enumerate: fns, slot, transport: 'modern', queues: 2 });
  for (const q of [0, 1]) {
    const r = await virtioBlkRead(drv, BigInt(q), 1, q);
    if (r.status !== 0) throw new Error(`queue ${q}: status ${r.status}`);
  }
  mkdirSync(out, { recursive: true });
  // The config bytes after the driver ran (MSI-X and bus mastering enabled, as a guest leaves them).
  const fn = fns.find((f) => f.address.device === slot.device);
  writeFileSync(join(out, 'virtio-blk.lspci'), formatQemuDump([{ ...fn, config: await readConfigImage(s.bus, slot) }]));
  writeFileSync(join(out, 'info-pci.txt'), await s.qemu.hmp('info pci'));
  writeFileSync(join(out, 'mtree.txt'), await s.qemu.hmp('info mtree -f'));
} finally {
  await s.qemu.close();
}
// Pointers (`mr 0x55…`) and timestamps differ from run to run; the rest is what QEMU printed.
writeFileSync(join(out, 'trace.log'), readFileSync(log));
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${out}`);
