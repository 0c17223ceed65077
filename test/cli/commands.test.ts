// notify, lookup, vring, encode, --help on every command, and the exit codes.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBinary, writeLspci, writeLspciFunction } from '../../src/dump/index.js';
import { COMMANDS, HELP } from '../../src/cli/help.js';
import { rootPort } from '../pci/fixtures.js';
import { exampleBytes, runCli, scratch } from './run.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const blk = exampleBytes();
const at = (device: number, fn = 0) => ({ domain: 0, bus: 0, device, function: fn });

describe('notify', () => {
  it('--json: where queue Q kicks, queue_notify_off = Q assumed', async () => {
    const r = await runCli(['notify', '--queue', '1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      slot: '0000:00:04.0',
      queue: 1,
      queue_notify_off: 1,
      notify_off_multiplier: 4,
      bar: 4,
      bar_address: '0xfe008000',
      cap_offset: 0x70,
      space: 'mem',
      address: '0xfe00b004',
      assumed_notify_off: true,
    });
  });

  it('--notify-off N: the device\'s own value, not assumed', async () => {
    const r = await runCli(['notify', '-q', '2', '--notify-off', '5', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ queue: 2, queue_notify_off: 5, address: '0xfe00b014', assumed_notify_off: false, diagnostics: [] });
  });

  it('text states the assumption only when it is made', async () => {
    const a = await runCli(['notify', '-q', '3']);
    expect(a.stdout).toContain('notify at 0xfe00b00c (memory)');
    expect(a.stdout).toContain('queue_notify_off = queue index assumed');
    const b = await runCli(['notify', '-q', '3', '--notify-off', '3']);
    expect(b.stdout).toContain('notify at 0xfe00b00c (memory)');
    expect(b.stdout).not.toContain('assumed');
  });

  it('reads FILE and stdin; bar_address from the bytes, not from sizes', async () => {
    const f = tmp.file('blk.bin', writeBinary({ bytes: blk, length: 256 }));
    const r = await runCli(['notify', f, '-q', '0', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ slot: null, address: '0xfe00b000' });
    const s = await runCli(['notify', '-', '-q', '0', '--json'], writeBinary({ bytes: blk, length: 256 }));
    expect(s.stdout).toBe(r.stdout);
  });

  it('needs one virtio function: none is exit 2, several without -s is a usage error', async () => {
    const none = await runCli(['notify', '-', '-q', '0'], writeLspciFunction({ bytes: rootPort(), length: 4096, slot: at(0x1c) }));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^<stdin>: no virtio function .*\n$/);
    const two = writeLspci([
      { bytes: blk, length: 256, slot: at(4) },
      { bytes: blk, length: 256, slot: at(5) },
    ]);
    const many = await runCli(['notify', '-', '-q', '0'], two);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/several virtio functions \(0000:00:04\.0, 0000:00:05\.0\); choose one with -s/);
    const picked = await runCli(['notify', '-', '-q', '0', '-s', '05.0', '--json'], two);
    expect(JSON.parse(picked.stdout).slot).toBe('0000:00:05.0');
  });

  it('a legacy-only device: the QUEUE_NOTIFY port, nothing assumed', async () => {
    const b = blk.slice();
    b[6] = 0; // no capability list
    b[0x34] = 0;
    b.fill(0, 0x40);
    const dump = writeLspciFunction({ bytes: b, length: 256, slot: at(4) });
    const j = JSON.parse((await runCli(['notify', '-', '-q', '2', '--json'], dump)).stdout);
    expect(j).toMatchObject({ queue: 2, queue_notify_off: null, notify_off_multiplier: null, bar: 0, cap_offset: null, space: 'io', address: '0xc010', assumed_notify_off: false, legacy: true });
    expect(j.diagnostics.map((d: { code: string }) => d.code)).not.toContain('VIRTIO_NOTIFY_OFF_ASSUMED');
    const d = JSON.parse((await runCli(['decode', '-', '--json'], dump)).stdout).devices[0];
    expect(d.virtio.transport).toBe('legacy');
    expect(d.virtio.queues[3]).toEqual({ queue: 3, queue_notify_off: null, assumed_notify_off: false, space: 'io', address: '0xc010', width: 2, in_notify_region: true });
    const t = await runCli(['notify', '-', '-q', '2', '--notify-off', '7'], dump);
    expect(t.stdout).toContain('= legacy QUEUE_NOTIFY register: BAR0 0xc000 + 16');
    expect(t.stdout).toContain('--notify-off does not apply');
    expect(t.stdout).not.toContain('assumed');
  });

  it('--queue is required and range-checked', async () => {
    expect((await runCli(['notify'])).code).toBe(1);
    expect((await runCli(['notify', '-q', '65536'])).code).toBe(1);
    expect((await runCli(['notify', '-q', 'x'])).code).toBe(1);
    expect((await runCli(['notify', '-q', '0x10', '--json'])).code).toBe(0);
  });
});

describe('lookup', () => {
  it('--json: a notify address names the BAR, structure, offset and queue', async () => {
    const r = await runCli(['lookup', '0xfe00b004', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ address: '0xfe00b004', space: 'mem', slot: '0000:00:04.0', bar: 4, structure: 'notify', offset: '0x4', queues: [1], assumed_notify_off: true });
    expect(j).toHaveProperty('field');
  });

  it('common_cfg: the field a write hits', async () => {
    const j = JSON.parse((await runCli(['lookup', '0xfe008016', '--json'])).stdout);
    expect(j).toMatchObject({ structure: 'common_cfg', bar: 4, offset: '0x16', field: 'queue_select', queues: null });
  });

  it('device config and ISR', async () => {
    expect(JSON.parse((await runCli(['lookup', '0xfe009000', '--json'])).stdout).structure).toBe('isr');
    expect(JSON.parse((await runCli(['lookup', '0xfe00a000', '--json'])).stdout).structure).toBe('device_cfg');
  });

  it('--io: the legacy QUEUE_NOTIFY port kicks every queue', async () => {
    const r = await runCli(['lookup', '--io', '0xc010', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ space: 'io', bar: 0, structure: 'legacy', field: 'queue_notify', all_queues: true });
    const t = await runCli(['lookup', '--io', '0xc010']);
    expect(t.stdout).toContain('kicks every queue');
  });

  it('MSI-X table entries are found in their BAR', async () => {
    const j = JSON.parse((await runCli(['lookup', '0xfebf1010', '--json'])).stdout);
    expect(j).toMatchObject({ bar: 1, structure: 'msix_table', entry: 1 });
  });

  it('an address no BAR holds is exit 0 with nulls', async () => {
    const r = await runCli(['lookup', '0x1234', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ address: '0x1234', slot: null, bar: null, structure: null, offset: null, field: null, queues: null });
    expect((await runCli(['lookup', '0x1234'])).stdout).toMatch(/no BAR of .* contains it/);
  });

  it('usage errors: no ADDRESS, a bad number, an I/O port above 0xffff', async () => {
    expect((await runCli(['lookup'])).code).toBe(1);
    expect((await runCli(['lookup', 'fe00'])).code).toBe(1);
    expect((await runCli(['lookup', '--io', '0x10000'])).code).toBe(1);
  });
});

describe('vring', () => {
  const j = async (...a: string[]) => {
    const r = await runCli(['vring', ...a, '--json']);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };
  it('split (virtio 1.x: align 4)', async () => {
    expect(await j('--size', '256')).toMatchObject({
      kind: 'split',
      size: 256,
      align: 4,
      desc: { offset: 0, size: 4096 },
      avail: { offset: 4096, size: 516 },
      // Linux's placement: the used ring starts after avail.used_event even without EVENT_IDX.
      used: { offset: 4616, size: 2052 },
      total: 6668,
    });
  });
  it('--legacy: used ring aligned to 4096; --event-idx adds used_event/avail_event', async () => {
    expect(await j('-n', '256', '--legacy')).toMatchObject({ align: 4096, avail: { offset: 4096, size: 516 }, used: { offset: 8192, size: 2052 }, total: 10244 });
    expect(await j('-n', '256', '--legacy', '--event-idx')).toMatchObject({ avail: { size: 518 }, used: { offset: 8192, size: 2054 }, total: 10246 });
  });
  it('--align A', async () => {
    expect(await j('-n', '4', '--align', '64')).toMatchObject({ align: 64, desc: { offset: 0, size: 64 }, avail: { offset: 64, size: 12 }, used: { offset: 128, size: 36 }, total: 164 });
  });
  it('--packed', async () => {
    expect(await j('-n', '100', '--packed')).toEqual({
      kind: 'packed',
      size: 100,
      desc: { offset: 0, size: 1600 },
      driver_event: { offset: 1600, size: 4 },
      device_event: { offset: 1604, size: 4 },
      total: 1608,
      diagnostics: [],
    });
  });
  it('a split size that is not a power of two is decoded with a diagnostic', async () => {
    const r = await j('-n', '100');
    expect(r.diagnostics.map((d: { code: string }) => d.code)).toEqual(['VRING_SIZE_NOT_POWER_OF_TWO']);
  });
  it('text output', async () => {
    const r = await runCli(['vring', '-n', '256', '--legacy']);
    expect(r.stdout).toContain('Virtqueue of 256 entries (split, legacy contiguous layout, used ring aligned to 4096)');
    expect(r.stdout).toMatch(/used ring \(device area\) +offset +0x2000 +size +2052 bytes/);
  });
  it('usage errors', async () => {
    for (const a of [[], ['-n', '0'], ['-n', '65536'], ['-n', '8', '--packed', '--legacy'], ['-n', '8', '--legacy', '--align', '64'], ['-n', '8', 'extra']]) {
      const r = await runCli(['vring', ...a]);
      expect(r.code, a.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^pcicfg vring: .*\(see 'pcicfg vring --help'\)\n$/);
    }
  });
});

describe('encode', () => {
  it('decode --json → encode gives the identical lspci text and binary', async () => {
    const text = writeLspciFunction({ bytes: blk, length: 256, slot: at(4), description: 'SCSI storage controller: Red Hat, Inc. Virtio block device' });
    const json = (await runCli(['decode', '-', '--json'], text)).stdout;
    const f = tmp.file('blk.json', json);
    const back = await runCli(['encode', f]);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(text);
    const bin = await runCli(['encode', f, '--format', 'binary']);
    expect(Buffer.from(bin.stdoutBytes).equals(Buffer.from(blk))).toBe(true);
    const out = tmp.dir + '/out.bin';
    const o = await runCli(['encode', f, '-F', 'binary', '-o', out]);
    expect(o.code).toBe(0);
    expect(o.stdout).toBe('');
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(blk))).toBe(true);
    const stdin = await runCli(['encode', '-'], json);
    expect(stdin.stdout).toBe(text);
  });

  it('an edited register takes effect; an edited derived value is an input error naming the path', async () => {
    const json = JSON.parse((await runCli(['decode', '--json'])).stdout);
    json.devices[0].header.command = 3;
    json.devices[0].virtio.capabilities[1].offset = '0x3100';
    const r = await runCli(['encode', '-', '-F', 'binary'], JSON.stringify(json));
    expect(r.code).toBe(0);
    expect(r.stdoutBytes[4]).toBe(3);
    expect(r.stdoutBytes[0x79]).toBe(0x31);
    json.devices[0].virtio.device_type_name = 'net';
    const bad = await runCli(['encode', '-'], JSON.stringify(json));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^<stdin>: devices\[0\]\.virtio\.device_type_name: .*derived.*\n$/);
  });

  it('holes stay holes', async () => {
    const text = '0000:00:04.0 x\n00: f4 1a 01 10\n10: 01 c0 00 00\n';
    const json = (await runCli(['decode', '-', '--json'], text)).stdout;
    expect((await runCli(['encode', '-'], json)).stdout).toBe(text + '\n');
  });

  it('malformed JSON is FILE:LINE:COL: message, exit 2', async () => {
    const f = tmp.file('bad.json', '{"devices": [\n  {"raw": "00"},\n  }\n]}');
    const r = await runCli(['encode', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${f}:3:3: not valid JSON: expected a value, found '}'\n`);
    for (const [text, where] of [
      ['', '1:1'],
      ['{"a":1,}', '1:8'],
      ['{"devices":[]} x', '1:16'],
      ['{"a":"\n"}', '1:7'],
      ['[1,\n 2,,3]', '2:4'],
      ['{"a" 1}', '1:6'],
      ['{"a":tru}', '1:6'],
    ] as const) {
      const e = await runCli(['encode', '-'], text);
      expect(e.code, text).toBe(2);
      expect(e.stderr, text).toMatch(new RegExp(`^<stdin>:${where}: not valid JSON: [^\\n]+\\n$`));
    }
  });

  it('errors: no FILE (1), several devices to binary (1), missing file (2), not a decode document (2), unwritable -o (4)', async () => {
    expect((await runCli(['encode'])).code).toBe(1);
    const two = (await runCli(['decode', '-', '--json'], writeLspci([{ bytes: blk, length: 64, slot: at(4) }, { bytes: blk, length: 64, slot: at(5) }]))).stdout;
    expect((await runCli(['encode', '-', '-F', 'binary'], two)).code).toBe(1);
    expect((await runCli(['encode', '-', '-F', 'hex'], two)).code).toBe(1);
    const missing = await runCli(['encode', tmp.dir + '/none.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${tmp.dir}/none.json: cannot read: no such file or directory\n`);
    expect((await runCli(['encode', '-'], '[1,2]')).code).toBe(2);
    const w = await runCli(['encode', '-', '-o', tmp.dir + '/no/such/dir/x'], two);
    expect(w.code).toBe(4); // output that cannot be written
    expect(w.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('decode options', () => {
  it('--info-pci supplies BAR sizes; a bad one is an input error with its place', async () => {
    const info = '  Bus  0, device   4, function 0:\n    SCSI controller: PCI device 1af4:1001\n      BAR4: 64 bit prefetchable memory at 0xfe008000 [0xfe00bfff].\n';
    const f = tmp.file('x.info', info);
    const blkFile = tmp.file('x.lspci', writeLspciFunction({ bytes: blk, length: 256, slot: at(4) }));
    const j = JSON.parse((await runCli(['decode', blkFile, '--json', '--info-pci', f])).stdout).devices[0];
    expect(j.bars.map((b: { index: number; size: string | null }) => [b.index, b.size])).toEqual([
      [0, null],
      [1, null],
      [4, '0x4000'],
    ]);
    expect(j.virtio.notify.bar_size).toBe('0x4000');
    const bad = tmp.file('bad.info', '  Bus  0, device   4, function 0:\n    SCSI controller: PCI device 1af4:1001\n      BAR0: I/O at zz\n');
    const r = await runCli(['decode', blkFile, '--info-pci', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${bad}:3:\\d+: [^\\n]+\\n$`));
    const missing = await runCli(['decode', blkFile, '--info-pci', tmp.dir + '/none']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${tmp.dir}/none: cannot read: no such file or directory\n`);
  });

  it('--queues N lists N queues', async () => {
    const j = JSON.parse((await runCli(['decode', '--json', '--queues', '2'])).stdout).devices[0];
    expect(j.virtio.queues.map((q: { address: string }) => q.address)).toEqual(['0xfe00b000', '0xfe00b004']);
    expect((await runCli(['decode', '--queues', 'x'])).code).toBe(1);
  });
});

describe('--help and exit codes', () => {
  for (const c of COMMANDS) {
    it(`pcicfg ${c} --help (and -h) prints its usage, exit 0`, async () => {
      for (const h of ['--help', '-h']) {
        const r = await runCli([c, h]);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(HELP[c] + '\n');
        expect(r.stdout.startsWith(`Usage: pcicfg ${c}`)).toBe(true);
      }
      // --help wins over anything else on the line, even invalid options.
      expect((await runCli([c, '--bogus', '--help'])).code).toBe(0);
      expect((await runCli(['help', c])).stdout).toBe(HELP[c] + '\n');
    });
  }

  it('pcicfg --help, and pcicfg alone (usage error, exit 1, still shows the usage)', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toBe(HELP.main + '\n');
    const none = await runCli([]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe(HELP.main + '\n');
    expect(none.stderr).toBe("pcicfg: no command given (see 'pcicfg --help')\n");
  });

  it('--version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('unknown commands and options are usage errors (exit 1) with one line', async () => {
    for (const argv of [['frobnicate'], ['--frob'], ['decode', '--frob'], ['decode', '-s'], ['vring', '--size'], ['decode', 'a', 'b'], ['decode', '--format', 'pdf']]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean), argv.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pcicfg( \w+)?: .*\(see 'pcicfg( \w+)? --help'\)\n$/);
    }
  });
});
