// `pcicfg trace` against QEMU's own trace: QEMU 7.2 runs virtio-blk devices of four notify
// layouts (memory doorbells with 4 queues, the legacy I/O register, page-per-vq, the port-I/O
// notify capability), all with ioeventfd=off so every doorbell write goes through the traced
// dispatch; the project's driver reads a sector through every queue and also writes between
// doorbells. QEMU logs memory_region_ops_* and, for each queue it is told about,
// virtio_queue_notify with the queue index: a truth nobody here wrote. Every doorbell write's
// explanation must name the queue QEMU reports right after it, and every virtio_queue_notify
// must follow such a write. One QEMU start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtioBlkRead } from '../../src/driver/blk.js';
import { openVirtioPci, readConfigImage, type VirtioPciDriver } from '../../src/driver/virtio-pci.js';
import { iterateQemuTrace, type QemuTraceRecord } from '../../src/dump/qemu-trace.js';
import { parseQemuMtree, qemuMtreeRegionSpace } from '../../src/dump/qemu-mtree.js';
import { findQemuBinary, formatQemuDump, startQtestBus, type QemuDumpFunction, type QtestSession } from '../../src/qtest/index.js';
import type { EnumeratedFunction } from '../../src/pci/enumerate.js';
import { enumeratePci } from '../../src/pci/enumerate.js';
import { VirtioAccessExplainer } from '../../src/virtio/explain.js';
import { runCli } from '../cli/run.js';
import { devicesFromDump, TRACE_JSON_KEYS } from './support.js';

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping the trace-against-QEMU tests: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');
const runQemu = QEMU !== null || REQUIRE_QEMU;

describe.runIf(REQUIRE_QEMU)('QEMU requirement (trace)', () => {
  it('qemu-system-x86_64 is installed (PCICFG_REQUIRE_QEMU=1)', () => {
    expect(QEMU).not.toBeNull();
  });
});

interface Dev {
  readonly slot: number;
  readonly props: string;
  readonly queues: number;
  readonly path: 'modern' | 'legacy';
  /** Offsets from queue 0's doorbell written besides the kicks, with the queue QEMU kicks there. */
  readonly stray: ReadonlyArray<readonly [bigint, number]>;
}

const DEVICES: Dev[] = [
  // Multiplier 4: +2 is between doorbells 0 and 1 (QEMU: queue 0), +6 between 1 and 2 (queue 1).
  { slot: 4, props: 'disable-legacy=on,num-queues=4', queues: 4, path: 'modern', stray: [[2n, 0], [6n, 1]] },
  { slot: 5, props: 'disable-legacy=off', queues: 1, path: 'legacy', stray: [] },
  // Multiplier 0x1000: +0x2002 is inside queue 2's page.
  { slot: 6, props: 'disable-legacy=on,page-per-vq=on,num-queues=3', queues: 3, path: 'modern', stray: [[0x2002n, 2], [0x1ffen, 1]] },
  // Multiplier 0, an I/O port: the value names the queue.
  { slot: 7, props: 'disable-legacy=on,modern-pio-notify=on,num-queues=2', queues: 2, path: 'modern', stray: [] },
];

describe.skipIf(!runQemu)('trace of QEMU virtio-blk devices driven through qtest', () => {
  const work = mkdtempSync(join(tmpdir(), 'pcicfg-trace-qemu-'));
  const files = { trace: join(work, 'trace.log'), dump: join(work, 'dump.lspci'), info: join(work, 'info-pci.txt'), mtree: join(work, 'mtree.txt') };
  let s: QtestSession | null = null;
  afterAll(async () => {
    await s?.qemu.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const args = ['-msg', 'timestamp=on', '-D', files.trace];
    for (const e of ['memory_region_ops_read', 'memory_region_ops_write', 'virtio_queue_notify', 'virtio_notify']) args.push('-trace', e);
    for (const d of DEVICES) {
      args.push('-blockdev', `driver=null-co,node-name=d${d.slot},size=1048576,read-zeroes=on`);
      args.push('-device', `virtio-blk-pci,drive=d${d.slot},addr=${d.slot},ioeventfd=off,${d.props}`);
    }
    s = await startQtestBus({ machine: 'pc', args });
    const fns: EnumeratedFunction[] = await enumeratePci(s.bus);
    const configs: QemuDumpFunction[] = [];
    for (const d of DEVICES) {
      const slot = { domain: 0, bus: 0, device: d.slot, function: 0 };
      const drv: VirtioPciDriver = await openVirtioPci(s.bus, { pause: () => new Promise((r) => setTimeout(r, 2)), enumerate: fns, slot, transport: d.path, queues: d.queues });
      for (let q = 0; q < d.queues; q++) expect((await virtioBlkRead(drv, BigInt(q), 1, q)).status).toBe(0);
      const n0 = drv.queue(0).notify;
      for (const [off] of d.stray) await drv.writeDoorbell({ space: n0.space, address: n0.address + off }, 2, 0);
      const f = fns.find((x) => x.address.device === d.slot)!;
      configs.push({ ...f, config: await readConfigImage(s.bus, slot), pcie: false });
      await drv.reset();
    }
    writeFileSync(files.dump, formatQemuDump(configs));
    writeFileSync(files.info, await s.qemu.hmp('info pci'));
    writeFileSync(files.mtree, await s.qemu.hmp('info mtree -f'));
    await s.qemu.close();
    s = null;
  }, 120_000);

  it('every doorbell write names the queue QEMU reports right after it, and every report follows one', () => {
    const devices = devicesFromDump(readFileSync(files.dump, 'utf8'), readFileSync(files.info, 'utf8'));
    const mtree = parseQemuMtree(readFileSync(files.mtree, 'utf8'));
    const explainer = new VirtioAccessExplainer(devices);
    const records: Array<{ line: number; r: QemuTraceRecord }> = [];
    for (const item of iterateQemuTrace(readFileSync(files.trace, 'utf8'), { file: files.trace })) {
      expect('warning' in item ? item.warning.message : null).toBeNull();
      if ('record' in item) records.push({ line: item.line, r: item.record });
    }
    const checked: Array<[string, number]> = [];
    for (let i = 0; i < records.length; i++) {
      const { r, line } = records[i];
      const next = records[i + 1]?.r;
      if (r.kind === 'virtio_queue_notify') {
        // What came right before must be a doorbell write we explained as this queue's kick.
        const prev = records[i - 1]?.r;
        expect(prev?.kind, `line ${line}`).toBe('access');
        if (prev?.kind !== 'access') continue;
        const e = explainer.explain({ op: prev.op, address: prev.addr, size: prev.size, value: prev.value, space: qemuMtreeRegionSpace(mtree, prev.name ?? '') ?? undefined });
        expect(e?.vmm, `line ${line - 1}: ${prev.name}`).not.toBeNull();
        expect(e!.queue, `line ${line - 1}`).toBe(r.queue);
        checked.push([e!.hit.slot, r.queue!]);
        continue;
      }
      if (r.kind !== 'access' || r.op !== 'write') continue;
      const e = explainer.explain({ op: r.op, address: r.addr, size: r.size, value: r.value, space: qemuMtreeRegionSpace(mtree, r.name ?? '') ?? undefined });
      if (!e?.vmm) continue;
      // A doorbell write of a configured queue: QEMU says which queue it kicked, on the next line.
      expect(next?.kind, `line ${line}: ${e.text}`).toBe('virtio_queue_notify');
    }
    // Each device's queues were kicked, plus the writes between doorbells.
    const expected: Array<[string, number]> = [];
    for (const d of DEVICES) {
      const slot = `0000:00:${d.slot.toString(16).padStart(2, '0')}.0`;
      for (let q = 0; q < d.queues; q++) expected.push([slot, q]);
      for (const [, q] of d.stray) expected.push([slot, q]);
    }
    expect(checked).toEqual(expected);
    console.log(`trace vs QEMU: ${checked.length} doorbell writes checked against virtio_queue_notify`);
  });

  it('pcicfg trace --json pairs each doorbell with QEMU\'s report and agrees with it', async () => {
    const r = await runCli(['trace', files.trace, '--dump', files.dump, '--info-pci', files.info, '--mtree', files.mtree, '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const j of lines) for (const [k, ok] of Object.entries(TRACE_JSON_KEYS)) expect(ok(j[k]), `${k} = ${JSON.stringify(j[k])}`).toBe(true);
    const doorbells = lines.filter((j) => j.vmm !== null);
    expect(doorbells.length).toBe(DEVICES.reduce((n, d) => n + d.queues + d.stray.length, 0));
    for (const j of doorbells) expect([j.slot, j.queue], JSON.stringify(j)).toEqual([j.slot, j.qemu_queue]);
    // The legacy register is an I/O port, told by --mtree.
    expect(doorbells.find((j) => j.structure === 'legacy')).toMatchObject({ space: 'io', field: 'queue_notify', slot: '0000:00:05.0' });
    // Between doorbells: the spec names no queue, QEMU kicks one.
    expect(doorbells.filter((j) => (j.spec_queues as number[]).length === 0).map((j) => [j.slot, j.queue])).toEqual([
      ['0000:00:04.0', 0],
      ['0000:00:04.0', 1],
      ['0000:00:06.0', 2],
      ['0000:00:06.0', 1],
    ]);
  });
});

describe.skipIf(!runQemu)('trace of a q35 machine: configuration through ECAM, a device behind a root port', () => {
  const work = mkdtempSync(join(tmpdir(), 'pcicfg-trace-q35-'));
  const files = { trace: join(work, 'trace.log'), dump: join(work, 'dump.lspci'), info: join(work, 'info-pci.txt'), mtree: join(work, 'mtree.txt') };
  let s: QtestSession | null = null;
  let assigned: EnumeratedFunction | null = null;
  afterAll(async () => {
    await s?.qemu.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const args = ['-D', files.trace, '-trace', 'memory_region_ops_read', '-trace', 'memory_region_ops_write', '-trace', 'virtio_queue_notify'];
    args.push('-device', 'pcie-root-port,id=rp1,chassis=1,bus=pcie.0,addr=4');
    args.push('-blockdev', 'driver=null-co,node-name=d0,size=1048576,read-zeroes=on');
    args.push('-device', 'virtio-blk-pci,drive=d0,bus=rp1,ioeventfd=off,num-queues=2');
    s = await startQtestBus({ machine: 'q35', args });
    const fns = await enumeratePci(s.bus);
    assigned = fns.find((f) => f.vendorId === 0x1af4)!;
    const drv = await openVirtioPci(s.bus, { pause: () => new Promise((r) => setTimeout(r, 2)), enumerate: fns, slot: assigned.address, transport: 'modern', queues: 2 });
    for (const q of [0, 1]) expect((await virtioBlkRead(drv, BigInt(q), 1, q)).status).toBe(0);
    const config = await readConfigImage(s.bus, assigned.address, 4096);
    writeFileSync(files.dump, formatQemuDump([{ ...assigned, config, pcie: true }]));
    writeFileSync(files.info, await s.qemu.hmp('info pci'));
    writeFileSync(files.mtree, await s.qemu.hmp('info mtree -f'));
    await drv.reset();
    await s.qemu.close();
    s = null;
  }, 120_000);

  it('names the BAR writes of the enumeration at the function\'s slot, with or without --mtree, and the doorbells QEMU reports', async () => {
    const slot = `0000:${assigned!.address.bus.toString(16).padStart(2, '0')}:00.0`;
    expect(assigned!.address.bus).toBeGreaterThan(0);
    const bar4 = assigned!.bars.find((b) => b.index === 4)!;
    const runs = [];
    for (const mtree of [['--mtree', files.mtree], []]) {
      const r = await runCli(['trace', files.trace, '--dump', files.dump, '--info-pci', files.info, ...mtree, '--json']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      runs.push(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
    }
    expect(runs[1]).toEqual(runs[0]);
    const lines = runs[0];
    const config = lines.filter((j) => j.structure === 'config');
    expect(config.length).toBeGreaterThan(20);
    expect(config.every((j) => j.slot === slot && j.region === 'pcie-mmcfg-mmio')).toBe(true);
    // The address the enumeration programmed into BAR4 (64-bit: low dword at 0x20), named as such.
    const low = Number(bar4.address & 0xffff_ffffn);
    expect(config.some((j) => j.op === 'write' && j.field === 'bar4' && j.value === '0x' + low.toString(16) && j.offset === '0x20')).toBe(true);
    expect(config.some((j) => j.op === 'write' && j.field === 'command' && /master/.test(j.text as string))).toBe(true);
    const doorbells = lines.filter((j) => j.vmm !== null);
    expect(doorbells.map((j) => [j.slot, j.queue, j.qemu_queue])).toEqual([
      [slot, 0, 0],
      [slot, 1, 1],
    ]);
  });
});
