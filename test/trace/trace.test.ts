// QEMU trace logs: the line parser against QEMU's own output (examples/qemu-trace/trace.log,
// captured from QEMU 7.2 through qtest), its totality and round trip, the streaming reader
// split anywhere, malformed lines; the explanation of accesses (values read through the
// field tables, doorbells by the spec's and each VMM's rule); `pcicfg trace` (JSON Lines
// schema, doorbells against the virtio_queue_notify QEMU logged, exit codes, warnings).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  formatQemuTraceLine,
  iterateQemuTrace,
  parseQemuTraceLine,
  QEMU_TRACE_MAX_LINE,
  type QemuTraceAccess,
  type QemuTraceRecord,
} from '../../src/dump/qemu-trace.js';
import { parseQemuMtree, qemuMtreeRegionSpace } from '../../src/dump/qemu-mtree.js';
import { explainAccess, VirtioAccessExplainer } from '../../src/virtio/explain.js';
import { ecamTarget, explainConfigAccess, PciConfigMechanism1 } from '../../src/pci/config-access.js';
import { lookupAddress } from '../../src/virtio/lookup.js';
import { vmmDoorbell } from '../../src/virtio/vmm.js';
import { runCli, scratch } from '../cli/run.js';
import { devicesFromDump, EXAMPLE_TRACE_DIR, exampleDevices, TRACE_JSON_KEYS } from './support.js';

const TRACE = EXAMPLE_TRACE_DIR + 'trace.log';
const DUMP = EXAMPLE_TRACE_DIR + 'virtio-blk.lspci';
const INFO = EXAMPLE_TRACE_DIR + 'info-pci.txt';
const MTREE = EXAMPLE_TRACE_DIR + 'mtree.txt';
const traceText = readFileSync(TRACE, 'utf8');

describe('parseQemuTraceLine on QEMU 7.2 output', () => {
  it('reads every line of a real log (timestamps on) as an access or a virtio event', () => {
    const lines = traceText.split('\n').filter((l) => l);
    const kinds = new Map<string, number>();
    for (const l of lines) {
      const r = parseQemuTraceLine(l);
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      expect(r.kind, l).not.toBe('malformed');
      if (r.kind !== 'other' && r.kind !== 'malformed') expect(formatQemuTraceLine(r)).toBe(l);
    }
    expect(kinds.get('access')).toBeGreaterThan(1000);
    expect(kinds.get('virtio_queue_notify')).toBe(2);
  });

  it('reads the fields as printed', () => {
    expect(parseQemuTraceLine("12820@1796623087.472113:memory_region_ops_write cpu -1 mr 0x558a6383dca0 addr 0xc0003004 value 0x1 size 2 name 'virtio-pci-notify-virtio-blk'")).toEqual({
      kind: 'access', op: 'write', cpu: -1, mr: '0x558a6383dca0', addr: 0xc0003004n, value: 1n, size: 2, name: 'virtio-pci-notify-virtio-blk', pid: 12820, time: '1796623087.472113',
    });
    expect(parseQemuTraceLine('memory_region_ops_read cpu 0 mr (nil) addr 0x10 value 0xff size 1')).toMatchObject({ kind: 'access', op: 'read', mr: '(nil)', name: null, pid: null, time: null });
    expect(parseQemuTraceLine('virtio_queue_notify vdev 0x55bc n 3 vq 0x7f94')).toEqual({ kind: 'virtio_queue_notify', vdev: '0x55bc', queue: 3, vq: '0x7f94', pid: null, time: null });
    expect(parseQemuTraceLine('1@2.3:virtio_notify vdev 0x1 vq 0x2')).toMatchObject({ kind: 'virtio_notify', queue: null, pid: 1, time: '2.3' });
    expect(parseQemuTraceLine('virtio_set_status vdev 0x1 val 3')).toEqual({ kind: 'other', event: 'virtio_set_status' });
    expect(parseQemuTraceLine('')).toEqual({ kind: 'other', event: null });
  });

  it('says where a malformed line goes wrong', () => {
    expect(parseQemuTraceLine('memory_region_ops_write cpu 0 mr 0x1 addr 0xzz value 0x0 size 1')).toEqual({
      kind: 'malformed', column: 25, message: "memory_region_ops_write: expected 'cpu N mr PTR addr 0xHEX value 0xHEX size N [name 'NAME']'",
    });
    expect(parseQemuTraceLine('7@1.5:memory_region_ops_read cpu 0 mr 0x1 addr 0x0 value 0x0 size 9')).toMatchObject({ kind: 'malformed', column: 30 });
    expect(parseQemuTraceLine('memory_region_ops_read cpu 0 mr 0x1 addr 0x10000000000000000 value 0x0 size 1')).toMatchObject({ kind: 'malformed' });
    expect(parseQemuTraceLine('qemu-system-x86_64: terminating on signal 15')).toEqual({ kind: 'malformed', column: 1, message: 'not a trace event ([PID@SECONDS:]name args)' });
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 200 })])('never throws, on any line', (line) => {
    const r = parseQemuTraceLine(line);
    expect(['access', 'virtio_queue_notify', 'virtio_notify', 'other', 'malformed']).toContain(r.kind);
  });

  const arbPtr = fc.oneof(fc.constant('(nil)'), fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }).map((v) => '0x' + v.toString(16)));
  const arbPrefix = fc.option(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 999999 })), { nil: null });
  const arbRecord: fc.Arbitrary<QemuTraceRecord> = fc.oneof(
    fc.record({
      kind: fc.constant('access' as const),
      op: fc.constantFrom('read' as const, 'write' as const),
      cpu: fc.integer({ min: -1, max: 4096 }),
      mr: arbPtr,
      addr: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      size: fc.integer({ min: 1, max: 8 }),
      name: fc.option(fc.string({ maxLength: 40 }).filter((s) => !/[\n\r]/.test(s)), { nil: null }),
      pid: fc.constant(null),
      time: fc.constant(null),
    }),
    fc.record({ kind: fc.constant('virtio_queue_notify' as const), vdev: arbPtr, queue: fc.nat(0xffff), vq: arbPtr, pid: fc.constant(null), time: fc.constant(null) }),
    fc.record({ kind: fc.constant('virtio_notify' as const), vdev: arbPtr, queue: fc.constant(null), vq: arbPtr, pid: fc.constant(null), time: fc.constant(null) }),
  );
  test.prop([arbRecord, arbPrefix])('reads back every line it formats', (r, prefix) => {
    const rec = prefix ? { ...r, pid: prefix[0], time: `${prefix[1]}.${String(prefix[2]).padStart(6, '0')}` } : r;
    expect(parseQemuTraceLine(formatQemuTraceLine(rec))).toEqual(rec);
  });
});

describe('the streaming reader', () => {
  const all = [...iterateQemuTrace(traceText, { file: 't.log' })];

  test.prop([fc.array(fc.nat(traceText.length), { maxLength: 20 })], { numRuns: 50 })('gives the same items however the text is split', (cuts) => {
    const bytes = new TextEncoder().encode(traceText);
    const points = [...new Set(cuts)].sort((a, b) => a - b);
    const chunks = points.map((p, i) => bytes.subarray(i ? points[i - 1] : 0, p)).concat([bytes.subarray(points.length ? points[points.length - 1] : 0)]);
    expect([...iterateQemuTrace(chunks, { file: 't.log' })]).toEqual(all);
  });

  it('numbers lines and turns malformed ones into file:line:col warnings, never a throw', () => {
    const text = 'virtio_notify vdev 0x1 vq 0x2\r\n\ngarbage: here\nmemory_region_ops_write cpu 0 mr 0x1 addr 0x0 value 0x0 size 0\nvirtio_queue_notify vdev 0x1 n 2 vq 0x3';
    const items = [...iterateQemuTrace(text, { file: 'f.log' })];
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5]);
    expect(items.flatMap((i) => ('warning' in i ? [i.warning] : []))).toEqual([
      { code: 'TRACE_LINE_MALFORMED', severity: 'warning', offset: null, message: 'f.log:3:1: not a trace event ([PID@SECONDS:]name args); line skipped' },
      { code: 'TRACE_LINE_MALFORMED', severity: 'warning', offset: null, message: "f.log:4:25: memory_region_ops_write: expected 'cpu N mr PTR addr 0xHEX value 0xHEX size N [name 'NAME']'; line skipped" },
    ]);
    expect(items[4]).toMatchObject({ line: 5, record: { kind: 'virtio_queue_notify', queue: 2 } });
  });

  it('skips a line longer than the limit without holding it, and goes on', () => {
    const long = 'x'.repeat(QEMU_TRACE_MAX_LINE + 10);
    const chunks = ['virtio_notify vdev 0x1 vq 0x2\n', long.slice(0, 40000), long.slice(40000), '\nvirtio_notify vdev 0x3 vq 0x4\n'];
    const items = [...iterateQemuTrace(chunks, { file: 'l.log' })];
    expect(items.map((i) => ('warning' in i ? i.warning.code : 'record' in i ? i.record.kind : 'other'))).toEqual(['virtio_notify', 'TRACE_LINE_TOO_LONG', 'virtio_notify']);
    expect(items[2].line).toBe(3);
  });
});

describe('info mtree -f', () => {
  const m = parseQemuMtree(readFileSync(MTREE, 'utf8'), { file: 'mtree.txt' });
  it('reads each view with its ranges, and tells I/O regions from memory ones', () => {
    expect(m.diagnostics).toEqual([]);
    const sys = m.views.find((v) => v.addressSpaces.includes('memory'))!;
    expect(sys.root).toBe('system');
    expect(sys.ranges.find((r) => r.name === 'virtio-pci-notify-virtio-blk')).toMatchObject({ start: 0xc0003000n, end: 0xc0003fffn, type: 'i/o' });
    expect(sys.ranges.find((r) => r.name === 'pc.bios' && r.offset !== 0n)).toMatchObject({ start: 0xe0000n, offset: 0x20000n });
    expect(qemuMtreeRegionSpace(m, 'virtio-pci-notify-virtio-blk')).toBe('mem');
    expect(qemuMtreeRegionSpace(m, 'pci-conf-data')).toBe('io');
    expect(qemuMtreeRegionSpace(m, 'virtio-pci')).toBe('io');
    expect(qemuMtreeRegionSpace(m, 'no-such')).toBeNull();
  });
});

describe('explaining accesses', () => {
  const devices = exampleDevices();
  const w = (address: bigint, size: number, value: bigint) => explainAccess(devices, { op: 'write', address, size, value });

  it('reads a value through its field: named bits, numbers, parts of a wider field', () => {
    expect(w(0xc0000014n, 1, 3n)!.text).toBe('device_status = ACKNOWLEDGE|DRIVER');
    expect(w(0xc0000014n, 1, 0n)!.text).toBe('device_status = 0');
    expect(w(0xc0000016n, 2, 2n)!.text).toBe('queue_select = 2');
    expect(w(0xc0000024n, 4, 0x12n)!.text).toBe('queue_desc[4..7] = 0x12');
    // One access over two fields: each named with its own bytes.
    const e = w(0xc0000014n, 4, 0x0001_0007n)!;
    expect(e.parts.map((p) => p.text)).toEqual(['device_status = ACKNOWLEDGE|DRIVER|DRIVER_OK', 'config_generation = 0', 'queue_select = 1']);
    expect(e.hit).toMatchObject({ slot: '0000:00:04.0', bar: 4, structure: 'common_cfg', offsetInStructure: 0x14n });
  });

  it('names the MSI-X entry and field, and the legacy registers on the I/O port', () => {
    const m = w(0xc0004010n, 4, 0xfee00000n)!;
    expect(m.hit).toMatchObject({ bar: 1, structure: 'msix_table', entry: 1, byteInField: 0 });
    expect(m.text).toBe(`MSI-X vector 1 ${m.hit.field} = 0xfee00000`);
    expect(w(0xc000401cn, 4, 1n)!.text).toBe("MSI-X vector 1 vector_control = masked");
    const l = explainAccess(devices, { op: 'write', address: 0xc010n, size: 2, value: 1n })!;
    expect(l).toMatchObject({ space: 'io', queue: 1, specQueues: [1], text: 'kick queue 1 [spec: shared doorbell, the value selects the queue (1); qemu: kicks queue 1]' });
    expect(explainAccess(devices, { op: 'read', address: 0xc012n, size: 1, value: 5n })!.text).toBe('status = ACKNOWLEDGE|DRIVER_OK');
  });

  it('gives a doorbell write both views: the spec\'s and the VMM\'s', () => {
    expect(w(0xc0003004n, 2, 1n)).toMatchObject({ queue: 1, specQueues: [1], text: 'kick queue 1 [spec: doorbell of queue 1; qemu: kicks queue 1]' });
    // Between two doorbells: no queue's in the spec, queue 0 in QEMU, none in cloud-hypervisor.
    expect(w(0xc0003002n, 2, 0n)).toMatchObject({ queue: 0, specQueues: [], text: 'kick queue 0 [spec: between doorbells, no queue; qemu: kicks queue 0]' });
    const ch = new VirtioAccessExplainer(devices, { vmm: 'cloud-hypervisor' }).explain({ op: 'write', address: 0xc0003002n, size: 2, value: 0n })!;
    expect(ch).toMatchObject({ queue: null, text: 'no kick [spec: between doorbells, no queue; cloud-hypervisor: kicks no queue]' });
    const kt = new VirtioAccessExplainer(devices, { vmm: 'kvmtool' }).explain({ op: 'write', address: 0xc0003002n, size: 2, value: 5n })!;
    expect(kt.queue).toBe(5);
    // VIRTIO_F_NOTIFICATION_DATA: a 4-byte write carries vqn and where the ring stands.
    expect(w(0xc0003004n, 4, 0x0005_0001n)!.text).toBe('kick queue 1 [spec: doorbell of queue 1; qemu: kicks queue 1]; as virtio_notification_data: vqn=1 next_off=5 next_wrap=0');
  });

  it('returns null for an address no function holds', () => {
    expect(w(0xcf8n, 4, 0x80000000n)).toBeNull();
  });
});

describe('vmmDoorbell, each rule from its VMM\'s source', () => {
  // QEMU's page-per-vq device (spec-vectors/qemu/pc/00_06_0): multiplier 0x1000, so +0x2002 is
  // queue 2's page in QEMU, and between doorbells for the spec.
  const dir = new URL('../../spec-vectors/qemu/pc/', import.meta.url);
  const ppv = devicesFromDump(readFileSync(new URL('00_06_0-virtio-blk-page-per-vq.lspci', dir), 'utf8'));
  const pio = devicesFromDump(readFileSync(new URL('00_07_0-virtio-blk-pio-notify.lspci', dir), 'utf8'));

  it('QEMU: offset / multiplier, the remainder ignored; page-per-vq +0x2002 kicks queue 2', () => {
    const hits = lookupAddress(ppv, findNotifyBase(ppv) + 0x2002n, 'mem');
    expect(hits[0]).toMatchObject({ structure: 'notify', queues: [], multiplier: 0x1000 });
    expect(vmmDoorbell('qemu', hits[0])).toMatchObject({ queue: 2, byValue: false });
    expect(vmmDoorbell('cloud-hypervisor', hits[0])).toMatchObject({ queue: null });
    expect(vmmDoorbell('qemu', { ...hits[0], offsetInStructure: 1024n * 0x1000n })).toMatchObject({ queue: null });
  });

  it('QEMU\'s port-I/O doorbell and the legacy register: the value names the queue, below 1024', () => {
    const ioHits = pio[0].config.bars.filter((b) => b.kind === 'io').flatMap((b) => lookupAddress(pio, b.address, 'io'));
    const n = ioHits.find((h) => h.structure === 'notify')!;
    expect(n).toMatchObject({ multiplier: 0, allQueues: true });
    expect(vmmDoorbell('qemu', n, 3n)).toMatchObject({ queue: 3, byValue: true });
    expect(vmmDoorbell('qemu', n, 1024n)).toMatchObject({ queue: null, byValue: true });
    expect(vmmDoorbell('qemu', n)).toMatchObject({ queue: null, byValue: true });
    expect(vmmDoorbell('kvmtool', n, 0x10002n)).toMatchObject({ queue: 2 });
  });

  it('has no view of other structures', () => {
    const h = lookupAddress(ppv, findNotifyBase(ppv) - 0x3000n + 0x16n, 'mem')[0];
    expect(h.structure).toBe('common_cfg');
    expect(vmmDoorbell('qemu', h)).toBeNull();
  });
});

function findNotifyBase(devs: ReturnType<typeof devicesFromDump>): bigint {
  const bar4 = devs[0].config.bars.find((b) => b.index === 4)!;
  return bar4.address + 0x3000n;
}

describe('pcicfg trace', () => {
  const args = [TRACE, '--dump', DUMP, '--info-pci', INFO];

  it('--json: one JSON object per access, with every documented key; doorbells name the queue QEMU reported', async () => {
    const r = await runCli(['trace', ...args, '--json', '--all']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const accesses = traceText.split('\n').filter((l) => l.includes('memory_region_ops_')).length;
    expect(lines.length).toBe(accesses);
    for (const j of lines) for (const [k, ok] of Object.entries(TRACE_JSON_KEYS)) expect(ok(j[k]), `${k} = ${JSON.stringify(j[k])}`).toBe(true);
    const doorbells = lines.filter((j) => j.structure === 'notify');
    expect(doorbells.map((j) => [j.queue, j.qemu_queue])).toEqual([[0, 0], [1, 1]]);
    expect(lines.find((j) => j.field === 'device_status' && j.value === '0x3')).toMatchObject({ slot: '0000:00:04.0', bar: 4, structure: 'common_cfg', offset: '0x14', text: 'device_status = ACKNOWLEDGE|DRIVER' });
  });

  it('text: each access with its explanation, then the summary; other regions only counted', async () => {
    const r = await runCli(['trace', ...args]);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.some((l) => / write 2 @ 0xc0003004 = 0x1 {2}0000:00:04\.0 BAR4 \+ 0x3004 notify \+ 0x4: kick queue 1 \[spec: doorbell of queue 1; qemu: kicks queue 1\]; QEMU: virtio_queue_notify n 1$/.test(l))).toBe(true);
    expect(out.some((l) => l.includes('pci-conf'))).toBe(false);
    expect(out).toContain('  queue 1: 1 kick (qemu\'s rule), 1 virtio_queue_notify from QEMU');
  });

  it('warns about malformed lines with FILE:LINE:COL on stderr and goes on (exit 0)', async () => {
    const dir = scratch();
    try {
      const t = dir.file('t.log', 'garbage:\nvirtio_queue_notify vdev 0x1 n x vq 0x2\n' + traceText);
      const r = await runCli(['trace', t, '--dump', DUMP, '--info-pci', INFO, '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`pcicfg trace: warning: ${t}:1:1: not a trace event ([PID@SECONDS:]name args); line skipped\npcicfg trace: warning: ${t}:2:21: virtio_queue_notify: expected 'vdev PTR n N vq PTR'; line skipped\n`);
      expect(r.stdout.split('\n').filter((l) => l.includes('"notify"')).map((l) => JSON.parse(l).line)).toEqual([1263, 1266]);
    } finally {
      dir.cleanup();
    }
  });

  it('--mtree tells the legacy I/O region from memory', async () => {
    const r = await runCli(['trace', ...args, '--mtree', MTREE, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.every((j) => j.space === (j.structure === 'config' ? 'config' : 'mem'))).toBe(true);
  });

  it('exit codes: usage 1, unreadable input 2', async () => {
    expect(await runCli(['trace'])).toMatchObject({ code: 1, stderr: "pcicfg trace: TRACE is required (see 'pcicfg trace --help')\n" });
    expect(await runCli(['trace', TRACE])).toMatchObject({ code: 1, stderr: "pcicfg trace: give the functions with --dump FILE or --sysfs (see 'pcicfg trace --help')\n" });
    expect((await runCli(['trace', ...args, '--vmm', 'xen'])).code).toBe(1);
    expect(await runCli(['trace', 'nosuch.log', '--dump', DUMP])).toMatchObject({ code: 2, stderr: 'nosuch.log: cannot read: no such file or directory\n' });
    expect(await runCli(['trace', TRACE, '--dump', DUMP, '--mtree', 'nosuch.txt'])).toMatchObject({ code: 2, stderr: 'nosuch.txt: cannot read: no such file or directory\n' });
    expect((await runCli(['trace', TRACE, '--dump', DUMP, '--mtree', TRACE])).code).toBe(2);
  });
});

describe('pcicfg lookup: the spec\'s view and the VMM\'s, each labelled', () => {
  const PPV = new URL('../../spec-vectors/qemu/pc/00_06_0-virtio-blk-page-per-vq.lspci', import.meta.url).pathname;
  const ppvNotify = findNotifyBase(devicesFromDump(readFileSync(PPV, 'utf8')));
  const hex = (v: bigint) => '0x' + v.toString(16);

  it('between doorbells: no queue for the spec, offset / multiplier for QEMU, none for cloud-hypervisor', async () => {
    const r = await runCli(['lookup', PPV, hex(ppvNotify + 0x2002n)]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(2, 4)).toEqual([
      "    spec: between doorbells: no queue's doorbell, a driver writes none here",
      '    qemu: kicks queue 2 (virtio_pci_notify_write: queue = offset 0x2002 / 4096)',
    ]);
    const ch = await runCli(['lookup', PPV, hex(ppvNotify + 0x2002n), '--vmm', 'firecracker']);
    expect(ch.stdout).toContain('    firecracker: kicks no queue (no ioeventfd at notify base + 0x2002 (one per queue at + queue × 4096): write_bar logs an unexpected write)\n');
    const j = JSON.parse((await runCli(['lookup', PPV, hex(ppvNotify + 0x2002n), '--json'])).stdout);
    expect(j).toMatchObject({ structure: 'notify', queues: [], vmm: { name: 'qemu', queue: 2, by_value: false } });
    expect(j.hits[0].vmm).toEqual(j.vmm);
  });

  it('the legacy register: the value names the queue; other structures have no VMM line', async () => {
    const r = await runCli(['lookup', '--io', '0xc010']);
    expect(r.stdout).toContain('    spec: kicks every queue (the value written selects the queue)\n    qemu: kicks the queue named by the value written (virtio_ioport_write VIRTIO_PCI_QUEUE_NOTIFY: queue = value written)\n');
    expect(JSON.parse((await runCli(['lookup', '--io', '0xc010', '--json'])).stdout).vmm).toEqual({ name: 'qemu', queue: null, by_value: true, rule: 'virtio_ioport_write VIRTIO_PCI_QUEUE_NOTIFY: queue = value written' });
    const k = await runCli(['lookup', '--io', '0xc010', '--vmm', 'kvmtool']);
    expect(k.stdout).toContain('    kvmtool: its handling of this register is not described here\n');
    const c = await runCli(['lookup', '0xfe008016']);
    expect(c.stdout).not.toMatch(/spec:|qemu:/);
    expect(JSON.parse((await runCli(['lookup', '0xfe008016', '--json'])).stdout).vmm).toBeUndefined();
  });

  it('--vmm takes only the VMMs whose rule is described', async () => {
    expect(await runCli(['lookup', '0xfe00b002', '--vmm', 'xen'])).toMatchObject({ code: 1, stderr: "pcicfg lookup: --vmm must be one of qemu, kvmtool, cloud-hypervisor, firecracker, got 'xen' (see 'pcicfg lookup --help')\n" });
  });
});

describe('configuration accesses', () => {
  it('mechanism #1: CONFIG_ADDRESS names bus, device, function and dword; the data port adds the byte', () => {
    const m = new PciConfigMechanism1();
    expect(m.target(0xcfc)).toBeNull();
    m.write(4, 0x8000_2004); // enable, bus 0, device 4, function 0, register 0x04
    expect(m.target(0xcfc)).toEqual({ address: { domain: 0, bus: 0, device: 4, function: 0 }, offset: 4 });
    expect(m.target(0xcfe)).toEqual({ address: { domain: 0, bus: 0, device: 4, function: 0 }, offset: 6 });
    expect(m.target(0xcf8)).toBeNull();
    m.write(1, 0x00); // a byte write does not select a register
    expect(m.target(0xcfd)?.offset).toBe(5);
    m.write(4, 0x0102_0b3c); // enable clear: not a configuration cycle
    expect(m.target(0xcfc)).toBeNull();
    m.write(4, 0x8102_0bfc);
    expect(m.target(0xcff)).toEqual({ address: { domain: 0, bus: 2, device: 1, function: 3 }, offset: 0xff });
  });

  it('ECAM: bus << 20 | device << 15 | function << 12 | offset', () => {
    expect(ecamTarget(0x0020_8abcn)).toEqual({ address: { domain: 0, bus: 2, device: 1, function: 0 }, offset: 0xabc });
    expect(ecamTarget(0xff_f_ffffn)).toEqual({ address: { domain: 0, bus: 255, device: 31, function: 7 }, offset: 0xfff });
    expect(ecamTarget(1n << 28n)).toBeNull();
  });

  it('names the field of the function the access reaches and reads the value through it', () => {
    const devs = exampleDevices();
    const at = { address: { domain: 0, bus: 0, device: 4, function: 0 }, offset: 4 };
    expect(explainConfigAccess(devs, at, 2, 7n)).toMatchObject({ slot: '0000:00:04.0', struct: 'pci_header_type0', text: 'command = io|memory|master' });
    expect(explainConfigAccess(devs, { ...at, offset: 0x70 }, 2, 0x6009n)!.text).toBe('cap_vndr = 9, cap_next = 0x60');
    expect(explainConfigAccess(devs, { ...at, offset: 0x30 }, 4, 0xfffff800n)!.text).toBe('expansion_rom = address=0xfffff800');
    expect(explainConfigAccess(devs, { ...at, offset: 0x98 }, 4, 0x28411n)!.text).toBe('cap_id = 0x11, cap_next = 0x84, message_control = table_size=2 (3 entries)');
    expect(explainConfigAccess(devs, { ...at, address: { ...at.address, device: 5 } }, 4, 0n)).toBeNull();
  });

  it('pcicfg trace lists the configuration accesses to the dump\'s functions through 0xcf8/0xcfc', async () => {
    const r = await runCli(['trace', TRACE, '--dump', DUMP, '--info-pci', INFO]);
    const out = r.stdout.split('\n');
    // Sizing BAR4 (16 KiB, 64-bit prefetchable), then the command register enabling decode.
    expect(out).toContain('323: read 4 @ 0xcfc = 0xffffc00c  0000:00:04.0 config + 0x20 header (pci_header_type0): bar4 = 0xffffc00c');
    expect(out).toContain('425: write 2 @ 0xcfc = 0x7  0000:00:04.0 config + 0x4 header (pci_header_type0): command = io|memory|master');
    expect(out.filter((l) => / config \+ /.test(l)).every((l) => l.includes('0000:00:04.0'))).toBe(true);
  });
});
