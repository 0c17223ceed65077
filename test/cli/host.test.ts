// The CLI against this host: `--sysfs` (read only; skipped when /sys/bus/pci/devices is empty)
// and `pcicfg qemu dump` against a real QEMU (skipped without qemu-system-x86_64, unless
// PCICFG_REQUIRE_QEMU=1 makes that a failure).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findQemuBinary } from '../../src/qtest/index.js';
import { runCli } from './run.js';

const SYSFS = '/sys/bus/pci/devices';
function sysfsFunctions(): string[] {
  try {
    return readdirSync(SYSFS).filter((n) => /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(n)).sort();
  } catch {
    return [];
  }
}
const hostFns = sysfsFunctions();
if (!hostFns.length) console.warn(`skipping --sysfs tests: ${SYSFS} lists no PCI function on this host`);

describe.skipIf(!hostFns.length)('--sysfs', () => {
  it('decodes every function of the host, read only, with BAR sizes from resource', async () => {
    const r = await runCli(['decode', '--sysfs', '--json']);
    expect(r.code).toBe(0);
    const devs = JSON.parse(r.stdout).devices as Array<{ slot: string; length: number; raw: string; header: { vendor_id: number }; diagnostics: unknown[] }>;
    expect(devs.map((d) => d.slot).sort()).toEqual(hostFns);
    for (const d of devs) {
      // What an unprivileged reader gets is 64 bytes; root gets 256 or 4096.
      expect([64, 256, 4096]).toContain(d.length);
      const cfg = readFileSync(`${SYSFS}/${d.slot}/config`);
      expect(d.raw).toBe(cfg.subarray(0, d.length).toString('hex'));
      expect(d.header.vendor_id).toBe(cfg.readUInt16LE(0));
      expect(Array.isArray(d.diagnostics)).toBe(true);
      // BAR sizes come from the function's resource file (start end flags, one line per BAR).
      const res = readFileSync(`${SYSFS}/${d.slot}/resource`, 'utf8').split('\n').slice(0, 6);
      for (const bar of (d as unknown as { bars: Array<{ index: number; size: string | null }> }).bars) {
        const [start, end] = (res[bar.index] ?? '').split(/\s+/).map((x) => (x ? BigInt(x) : 0n));
        if (end > start) expect(bar.size, `${d.slot} BAR${bar.index}`).toBe('0x' + (end - start + 1n).toString(16));
      }
    }
    const text = await runCli(['decode', '--sysfs']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${hostFns[0]} `);
  });

  it('-s filters the scan', async () => {
    const one = hostFns[hostFns.length - 1];
    const r = await runCli(['decode', '--sysfs', '--json', '-s', one]);
    expect(JSON.parse(r.stdout).devices.map((d: { slot: string }) => d.slot)).toEqual([one]);
  });

  it('--sysfs with FILE or --format is a usage error', async () => {
    expect((await runCli(['decode', '--sysfs', 'x.lspci'])).code).toBe(1);
    expect((await runCli(['decode', '--sysfs', '--format', 'lspci'])).code).toBe(1);
  });
});

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping pcicfg qemu dump tests: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');

describe.runIf(REQUIRE_QEMU)('QEMU requirement (cli)', () => {
  it('qemu-system-x86_64 is installed', () => expect(QEMU).not.toBeNull());
});

describe.skipIf(!QEMU && !REQUIRE_QEMU)('pcicfg qemu dump', () => {
  const device = ['-device', 'virtio-net-pci,addr=05.0'];

  it('prints lspci -xxxx text that decode reads back, and --json agrees with it', async () => {
    const dump = await runCli(['qemu', 'dump', '--', ...device]);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toMatch(/^0000:00:05\.0 0200: 1af4:1000/m);
    const fromText = JSON.parse((await runCli(['decode', '-', '--json', '-s', '05.0'], dump.stdout)).stdout).devices[0];
    const direct = await runCli(['qemu', 'dump', '--json', '--', ...device]);
    expect(direct.code).toBe(0);
    const live = (JSON.parse(direct.stdout).devices as Array<Record<string, unknown>>).find((d) => d.slot === '0000:00:05.0')!;
    expect(live).toBeDefined();
    expect(live.raw).toBe(fromText.raw);
    expect(fromText.virtio).toMatchObject({ device_type: 1, device_type_name: 'net', transport: 'transitional' });
    // QEMU knows the BAR sizes; the text dump does not.
    const bars = live.bars as Array<{ index: number; size: string | null }>;
    expect(bars.every((b) => b.size !== null)).toBe(true);
    expect(fromText.bars.every((b: { size: unknown }) => b.size === null)).toBe(true);
    // Where queue 0 kicks, from the live decode: BAR4 + the notify cap's offset.
    const v = live.virtio as { notify: { address: string }; queues: Array<{ queue: number; address: string }> };
    expect(v.queues[0].address).toBe(v.notify.address);
  }, 60_000);

  it('--decode prints the text decode', async () => {
    const r = await runCli(['qemu', 'dump', '--decode', '--', ...device]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Virtio: net device (type 1), transitional transport');
    expect(r.stdout).toContain('BAR sizes from probing the BARs in QEMU');
  }, 60_000);

  it('--decode and --json name the functions as decode does with -n / -nn (test/fixtures/pci.ids)', async () => {
    const hex = await runCli(['qemu', 'dump', '--', ...device]);
    expect(hex.code).toBe(0);
    // Each function's first line and Subsystem line: what names change.
    const named = (text: string) => text.split('\n').filter((l) => /^\S/.test(l) || /^\tSubsystem: /.test(l));
    for (const n of [[], ['-n'], ['-nn']]) {
      const live = await runCli(['qemu', 'dump', '--decode', ...n, '--', ...device]);
      const fromText = await runCli(['decode', '-', ...n], hex.stdout);
      expect(live.code).toBe(0);
      expect(named(live.stdout), n.join(' ')).toEqual(named(fromText.stdout));
      expect(named(live.stdout).length).toBeGreaterThan(1);
    }
    expect(named((await runCli(['qemu', 'dump', '--decode', '--', ...device])).stdout)).toContain('0000:00:05.0 Ethernet controller: Red Hat, Inc. Virtio network device');
    const json = await runCli(['qemu', 'dump', '--json', '-nn', '--', ...device]);
    const net = (JSON.parse(json.stdout).devices as Array<{ slot: string; names?: Record<string, string> | null }>).find((d) => d.slot === '0000:00:05.0')!;
    expect(net.names).toMatchObject({ vendor: 'Red Hat, Inc.', device: 'Virtio network device' });
  }, 120_000);

  it('a device QEMU refuses is exit 2 with one line', async () => {
    const r = await runCli(['qemu', 'dump', '--', '-device', 'no-such-device-model']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^qemu: .*no-such-device-model/);
  }, 60_000);

  it('usage errors never start QEMU', async () => {
    for (const argv of [['qemu'], ['qemu', 'dump'], ['qemu', 'run', '--', '-device', 'x'], ['qemu', 'dump', '--machine', 'virt', '--', '-device', 'x'], ['qemu', 'dump', '-nn', '--', '-device', 'x']]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
    }
  });
});
