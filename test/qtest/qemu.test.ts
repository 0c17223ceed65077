// Against a real QEMU (qemu-system-x86_64 with -qtest): enumeration and BAR assignment agree
// with what QEMU itself reports (QMP query-pci and HMP `info pci`), config space through
// CF8/CFC and ECAM, virtio common_cfg through the assigned BARs, and the dump format read
// back by lspci -F. A handful of QEMU starts in all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnumeratedFunction } from '../../src/pci/enumerate.js';
import { enumeratePci } from '../../src/pci/enumerate.js';
import {
  dumpQtestFunctions,
  findQemuBinary,
  formatQemuDump,
  qemuDump,
  QemuStartError,
  QtestBus,
  QtestCommandError,
  startQemu,
  startQtestBus,
  type QemuDumpFunction,
  type QtestSession,
} from '../../src/qtest/index.js';

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
const LSPCI = findQemuBinary('lspci', `${process.env.PATH ?? ''}:/usr/bin:/sbin:/usr/sbin:/bin`);
const REQUIRE_LSPCI = process.env.PCICFG_REQUIRE_LSPCI === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping QEMU qtest tests: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');
if (!LSPCI && !REQUIRE_LSPCI) console.warn('skipping the lspci -F check of the QEMU dump: lspci is not installed (PCICFG_REQUIRE_LSPCI=1 makes this a failure)');
const runQemu = QEMU !== null || REQUIRE_QEMU;

const work = mkdtempSync(join(tmpdir(), 'pcicfg-qtest-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
function image(name: string): string {
  const p = join(work, name);
  const b = new Uint8Array(1 << 20);
  for (let i = 0; i < 512; i++) b[i] = (i * 7 + 3) & 0xff;
  writeFileSync(p, b);
  return p;
}
const blk = (id: string, file: string, extra = '') => ['-device', `virtio-blk-pci,drive=${id}${extra}`, '-drive', `if=none,id=${id},file=${file},format=raw`];

/** Our children still running (or unreaped) QEMU. */
const leftoverQemu = () =>
  execFileSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('qemu-system'));

type QueryDevice = {
  bus: number;
  slot: number;
  function: number;
  id: { vendor: number; device: number };
  regions: Array<{ bar: number; type: 'io' | 'memory'; address: number; size: number; prefetch?: boolean; mem_type_64?: boolean }>;
  pci_bridge?: {
    bus: { number: number; secondary: number; subordinate: number; io_range: Range; memory_range: Range; prefetchable_range: Range };
    devices?: QueryDevice[];
  };
};
type Range = { base: number; limit: number };

function flatten(devs: QueryDevice[]): QueryDevice[] {
  return devs.flatMap((d) => [d, ...flatten(d.pci_bridge?.devices ?? [])]);
}

async function queryPci(s: QtestSession): Promise<QueryDevice[]> {
  const buses = (await s.qemu.qmp('query-pci')) as Array<{ devices: QueryDevice[] }>;
  return flatten(buses.flatMap((b) => b.devices));
}

const key = (bus: number, dev: number, fn: number) => `${bus}:${dev}.${fn}`;

/** BARs of every function as we assigned them, in QEMU's terms. */
function ourRegions(fns: readonly EnumeratedFunction[]) {
  const out: Record<string, Array<{ bar: number; type: string; address: bigint; size: bigint; prefetch: boolean; mem64: boolean }>> = {};
  for (const f of fns) {
    out[key(f.address.bus, f.address.device, f.address.function)] = f.bars.map((b) => ({
      bar: b.index,
      type: b.kind === 'io' ? 'io' : 'memory',
      address: b.address,
      size: b.size,
      prefetch: b.prefetchable,
      mem64: b.kind === 'mem64',
    }));
  }
  return out;
}

function qemuRegions(devs: QueryDevice[]) {
  const out: ReturnType<typeof ourRegions> = {};
  for (const d of devs) {
    out[key(d.bus, d.slot, d.function)] = d.regions
      .filter((r) => r.bar < 6) // 6 is the expansion ROM, which we leave disabled (unmapped)
      .map((r) => ({ bar: r.bar, type: r.type, address: BigInt(r.address), size: BigInt(r.size), prefetch: r.type === 'memory' && !!r.prefetch, mem64: !!r.mem_type_64 }));
  }
  return out;
}

/** `BARn: ... at 0xSTART [0xEND].` lines of HMP `info pci`, per function. */
function infoPciBars(text: string): Record<string, Array<{ bar: number; address: bigint; size: bigint }>> {
  const out: Record<string, Array<{ bar: number; address: bigint; size: bigint }>> = {};
  let cur: string | null = null;
  for (const line of text.split('\n')) {
    const h = /^\s*Bus\s+(\d+), device\s+(\d+), function (\d+):/.exec(line);
    if (h) {
      cur = key(Number(h[1]), Number(h[2]), Number(h[3]));
      out[cur] = [];
      continue;
    }
    const b = /^\s*BAR(\d): .* at (0x[0-9a-f]+) \[(0x[0-9a-f]+)\]\./.exec(line);
    if (b && cur) out[cur].push({ bar: Number(b[1]), address: BigInt(b[2]), size: BigInt(b[3]) - BigInt(b[2]) + 1n });
  }
  return out;
}

const fnAt = <T extends EnumeratedFunction>(fns: readonly T[], bus: number, dev: number, fn = 0) =>
  fns.find((f) => f.address.bus === bus && f.address.device === dev && f.address.function === fn);

/** Walk the standard capability list of a config image for `id`. */
function capAt(cfg: Uint8Array, id: number): number | null {
  let p = cfg[0x34] & 0xfc;
  for (let ttl = 48; ttl > 0 && p >= 0x40; ttl--, p = cfg[p + 1] & 0xfc) if (cfg[p] === id) return p;
  return null;
}

// virtio common_cfg offsets (virtio 1.x, struct virtio_pci_common_cfg).
const DEVICE_FEATURE_SELECT = 0x00;
const DEVICE_FEATURE = 0x04;
const NUM_QUEUES = 0x12;
const DEVICE_STATUS = 0x14;

async function commonCfgLooksSane(bus: QtestBus, bar4: bigint) {
  await bus.memWrite(bar4 + BigInt(DEVICE_FEATURE_SELECT), 4, 0);
  const low = await bus.memRead(bar4 + BigInt(DEVICE_FEATURE), 4);
  await bus.memWrite(bar4 + BigInt(DEVICE_FEATURE_SELECT), 4, 1);
  const high = await bus.memRead(bar4 + BigInt(DEVICE_FEATURE), 4);
  expect(low).not.toBe(0);
  expect(high & 1, 'VIRTIO_F_VERSION_1 (feature bit 32)').toBe(1);
  expect(await bus.memRead(bar4 + BigInt(NUM_QUEUES), 2)).toBeGreaterThanOrEqual(1);
  expect(await bus.memRead(bar4 + BigInt(DEVICE_STATUS), 1)).toBe(0);
}

describe.runIf(REQUIRE_QEMU)('QEMU requirement', () => {
  it('qemu-system-x86_64 is installed (PCICFG_REQUIRE_QEMU=1)', () => {
    expect(QEMU).not.toBeNull();
  });
});

describe.skipIf(!runQemu)('QEMU pc with a transitional and a modern virtio-blk-pci', () => {
  let s: QtestSession;
  let fns: EnumeratedFunction[];
  beforeAll(async () => {
    s = await startQtestBus({
      machine: 'pc',
      args: [
        ...blk('d0', image('a.img'), ',addr=4'),
        ...blk('d1', image('b.img'), ',addr=5,disable-legacy=on'),
        ...blk('d2', image('c.img'), ',addr=6,disable-legacy=on,page-per-vq=on'),
        ...blk('d3', image('d.img'), ',addr=7,disable-legacy=on,modern-pio-notify=on'),
      ],
    });
    fns = await enumeratePci(s.bus);
  });
  afterAll(async () => {
    await s?.qemu.close();
  });

  it('finds both devices with their IDs and BAR kinds', () => {
    const t = fnAt(fns, 0, 4)!;
    const m = fnAt(fns, 0, 5)!;
    expect([t.vendorId, t.deviceId, t.revision]).toEqual([0x1af4, 0x1001, 0]);
    expect([m.vendorId, m.deviceId, m.revision]).toEqual([0x1af4, 0x1042, 1]);
    expect(t.bars.map((b) => [b.index, b.kind, b.prefetchable])).toEqual([[0, 'io', false], [1, 'mem32', false], [4, 'mem64', true]]);
    expect(m.bars.map((b) => [b.index, b.kind, b.prefetchable])).toEqual([[1, 'mem32', false], [4, 'mem64', true]]);
    expect(t.bars[2].size).toBe(0x4000n);
    const ppv = fnAt(fns, 0, 6)!.bars.find((b) => b.index === 4)!;
    expect(ppv.size).toBe(0x800000n); // page-per-vq: one 4 KiB notify page per queue
    expect(ppv.address % ppv.size).toBe(0n);
    expect(fnAt(fns, 0, 7)!.bars.map((b) => [b.index, b.kind])).toEqual([[1, 'mem32'], [2, 'io'], [4, 'mem64']]); // modern-pio-notify
    expect(fnAt(fns, 0, 0)!.classCode >>> 8).toBe(0x0600);
  });

  it('assigns the BARs QEMU reports through query-pci and info pci', async () => {
    expect(ourRegions(fns)).toEqual(qemuRegions(await queryPci(s)));
    const info = infoPciBars(await s.qemu.hmp('info pci'));
    const ours = ourRegions(fns);
    expect(Object.keys(info).sort()).toEqual(Object.keys(ours).sort());
    for (const k of Object.keys(ours)) expect(info[k]).toEqual(ours[k].map(({ bar, address, size }) => ({ bar, address, size })));
  });

  it('reads config space in byte and word lanes through 0xCFC + (offset & 3)', async () => {
    const a = fnAt(fns, 0, 4)!.address;
    const dw0 = await s.bus.configRead(a, 0x00, 4);
    expect(await s.bus.configRead(a, 0x02, 2)).toBe(dw0 >>> 16);
    expect(await s.bus.configRead(a, 0x01, 1)).toBe((dw0 >>> 8) & 0xff);
    const dw3c = await s.bus.configRead(a, 0x3c, 4);
    expect(await s.bus.configRead(a, 0x3d, 1)).toBe(1); // interrupt pin INTA
    await s.bus.configWrite(a, 0x3c, 1, 0x5a); // interrupt line, the only writable byte of the dword
    expect(await s.bus.configRead(a, 0x3c, 4)).toBe(((dw3c & 0xffffff00) | 0x5a) >>> 0);
  });

  it('keeps each CF8/CFC address-data pair together when callers run concurrently', async () => {
    const reads = fns.flatMap((f) => Array.from({ length: 16 }, (_, i) => ({ a: f.address, off: i * 4 })));
    const sequential: number[] = [];
    for (const r of reads) sequential.push(await s.bus.configRead(r.a, r.off, 4));
    expect(await Promise.all(reads.map((r) => s.bus.configRead(r.a, r.off, 4)))).toEqual(sequential);
  });

  it('reaches virtio common_cfg through the assigned 64-bit BAR and the legacy I/O BAR', async () => {
    for (const dev of [4, 5, 6, 7]) {
      const f = fnAt(fns, 0, dev)!;
      await commonCfgLooksSane(s.bus, f.bars.find((b) => b.index === 4)!.address);
    }
    const legacy = fnAt(fns, 0, 4)!.bars[0];
    expect(await s.bus.ioRead(Number(legacy.address), 4)).not.toBe(0); // VIRTIO_PCI_HOST_FEATURES
  });

  it('moves bytes to and from guest RAM consistently across access sizes', async () => {
    const at = 0x100000n;
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 5) & 0xff);
    await s.bus.memWriteBytes(at, data);
    expect(await s.bus.memReadBytes(at, data.length)).toEqual(data);
    await s.bus.memWrite(at, 4, 0x11223344);
    await s.bus.memWrite(at + 4n, 2, 0xaabb);
    await s.bus.memWrite(at + 6n, 1, 0xcc);
    expect(Array.from(await s.bus.memReadBytes(at, 8))).toEqual([0x44, 0x33, 0x22, 0x11, 0xbb, 0xaa, 0xcc, data[7]]);
    await s.bus.memWrite64(at, 0x8877665544332211n);
    expect(await s.bus.memRead(at + 4n, 4)).toBe(0x88776655);
    expect(await s.bus.memRead64(at)).toBe(0x8877665544332211n);
    expect(await s.bus.memReadBytes(at, 0)).toEqual(new Uint8Array(0));
  });

  it('records asynchronous IRQ lines and survives a FAIL reply', async () => {
    await s.qemu.command('irq_intercept_in ioapic');
    await s.qemu.command('set_irq_in ioapic unnamed-gpio-in 5 1');
    await s.qemu.command('set_irq_in ioapic unnamed-gpio-in 5 0');
    expect(s.qemu.irqEvents).toEqual([{ level: 'raise', irq: 5 }, { level: 'lower', irq: 5 }]);
    await expect(s.qemu.command('no_such_command')).rejects.toThrow(QtestCommandError);
    expect(await s.bus.configRead(fnAt(fns, 0, 0)!.address, 0, 2)).toBe(0x8086);
  });
});

describe.skipIf(!runQemu)('QEMU q35 with virtio-blk-pci behind a pcie-root-port', () => {
  let s: QtestSession;
  let fns: QemuDumpFunction[];
  beforeAll(async () => {
    s = await startQtestBus({ machine: 'q35', args: ['-device', 'pcie-root-port,id=rp1,chassis=1', ...blk('d0', image('e.img'), ',bus=rp1,ats=on')] });
    fns = await dumpQtestFunctions(s.bus);
  });
  afterAll(async () => {
    await s?.qemu.close();
  });

  it('reads 4096-byte images with the PCI Express capability and extended capabilities at 0x100', () => {
    const port = fnAt(fns, 0, 1)!;
    const dev = fnAt(fns, 1, 0)!;
    expect([dev.vendorId, dev.deviceId]).toEqual([0x1af4, 0x1042]); // modern only behind a PCIe port
    expect(port.bridge).toMatchObject({ primary: 0, secondary: 1, subordinate: 1 });
    for (const f of [port, dev]) {
      expect(f.pcie).toBe(true);
      expect(f.config.length).toBe(4096);
      expect(capAt(f.config, 0x10)).not.toBeNull();
    }
    const ecapId = (f: QemuDumpFunction) => f.config[0x100] | (f.config[0x101] << 8);
    expect(ecapId(dev)).toBe(0x000f); // ATS (ats=on)
    expect(ecapId(port)).toBe(0x0001); // AER
    expect(fnAt(fns, 0, 0)!.config.length).toBe(256); // the MCH is conventional PCI
  });

  it('assigns what QEMU reports, bridge windows included', async () => {
    const q = await queryPci(s);
    expect(ourRegions(fns)).toEqual(qemuRegions(q));
    const rp = q.find((d) => d.pci_bridge)!.pci_bridge!.bus;
    const br = fnAt(fns, 0, 1)!.bridge!;
    expect([rp.number, rp.secondary, rp.subordinate]).toEqual([br.primary, br.secondary, br.subordinate]);
    const win = (r: Range) => (r.base <= r.limit ? { base: BigInt(r.base), limit: BigInt(r.limit) } : null);
    expect(win(rp.memory_range)).toEqual(br.mem);
    expect(win(rp.prefetchable_range)).toEqual(br.pref);
    expect(win(rp.io_range)).toEqual(br.io);
  });

  it('serves the same first 256 bytes through ECAM and through CF8/CFC', async () => {
    const cf8 = new QtestBus(s.qemu);
    expect(cf8.configSpaceSize).toBe(256);
    expect(s.bus.configSpaceSize).toBe(4096);
    for (const f of fns) {
      const viaCf8 = new Uint8Array(256);
      for (let o = 0; o < 256; o += 4) new DataView(viaCf8.buffer).setUint32(o, await cf8.configRead(f.address, o, 4), true);
      expect(viaCf8, `config of ${f.address.bus}:${f.address.device}.${f.address.function}`).toEqual(f.config.slice(0, 256));
    }
  });

  it('reaches common_cfg through the bridge windows', async () => {
    const dev = fnAt(fns, 1, 0)!;
    await commonCfgLooksSane(s.bus, dev.bars.find((b) => b.index === 4)!.address);
  });

  it.skipIf(!LSPCI && !REQUIRE_LSPCI)('prints a dump that lspci -F reads back byte for byte', () => {
    const text = formatQemuDump(fns);
    const file = join(work, 'q35.lspci');
    writeFileSync(file, text);
    const back = execFileSync(LSPCI ?? 'lspci', ['-F', file, '-D', '-n', '-xxxx'], { encoding: 'utf8' });
    expect(back).toBe(text.slice(0, text.indexOf('# BAR layout')));
  });
});

describe.skipIf(!runQemu)('qemuDump', () => {
  it('starts QEMU, dumps every function in lspci -xxxx form with the BAR layout, and stops QEMU', async () => {
    const dump = await qemuDump({ machine: 'pc', deviceArgs: blk('d0', image('f.img'), ',addr=4') });
    expect(leftoverQemu()).toEqual([]);
    expect(dump.argv[0]).toBe(QEMU);
    const f = fnAt(dump.functions, 0, 4)!;
    expect(f.config.length).toBe(256);
    expect(Array.from(f.config.slice(0, 4))).toEqual([0xf4, 0x1a, 0x01, 0x10]);
    const text = formatQemuDump(dump);
    const section = text.split('\n\n').find((p) => p.startsWith('0000:00:04.0 '))!;
    const lines = section.split('\n');
    expect(lines[0]).toBe('0000:00:04.0 0100: 1af4:1001');
    expect(lines.length).toBe(17);
    lines.slice(1).forEach((l, i) => expect(l).toMatch(new RegExp(`^${(i * 16).toString(16).padStart(2, '0')}:( [0-9a-f]{2}){16}$`)));
    const bar4 = f.bars.find((b) => b.index === 4)!;
    expect(text).toContain(`# 0000:00:04.0  BAR4  mem64 yes   0x${bar4.address.toString(16).padStart(16, '0')}  0x4000\n`);
  });

  it('fails with QEMU\'s own message for a bad -device and leaves no process behind', async () => {
    const err = await startQemu({ machine: 'pc', args: ['-device', 'pcicfg-no-such-device'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QemuStartError);
    expect((err as Error).message).toMatch(/pcicfg-no-such-device/);
    expect(leftoverQemu()).toEqual([]);
  });
});
