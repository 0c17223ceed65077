// `pcicfg decode`: inputs (bundled example, FILE, stdin, every format, -s), the text output,
// the `--json` contract of the issue and `--annotate`.
import { afterAll, describe, expect, it } from 'vitest';
import { writeBinary, writeHexdumpC, writeLspci, writeLspciFunction, writeXxd } from '../../src/dump/index.js';
import { rootPort } from '../pci/fixtures.js';
import { EXAMPLE, EXAMPLE_INFO_PCI, exampleBytes, runCli, scratch } from './run.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const blk = exampleBytes();
const slot = (bus: number, device: number, fn: number, domain = 0) => ({ domain, bus, device, function: fn });
const fnImage = (bytes: Uint8Array, length: number, s = slot(0, 4, 0), description = 'Virtio block') => ({ bytes, length, slot: s, description });

/** `plain hexdump` (16-bit little-endian words), written here since the dump layer has no writer for it. */
function hexdumpWords(b: Uint8Array): string {
  let out = '';
  for (let row = 0; row < b.length; row += 16) {
    const words: string[] = [];
    for (let i = row; i < row + 16; i += 2) words.push((b[i] | (b[i + 1] << 8)).toString(16).padStart(4, '0'));
    out += `${row.toString(16).padStart(7, '0')} ${words.join(' ')}\n`;
  }
  return out + b.length.toString(16).padStart(7, '0') + '\n';
}

describe('decode inputs', () => {
  it('without FILE decodes the bundled example, with its info pci BAR sizes', async () => {
    const r = await runCli(['decode']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device');
    expect(r.stdout).toContain('Region 4: Memory at fe008000 (64-bit, prefetchable) [size=16K]');
    expect(r.stdout).toContain('Virtio: blk device (type 2), transitional transport');
    expect(r.stdout).toContain('queue 1: 0xfe00b004');
    expect(r.stdout).toMatch(/queue_notify_off = queue index assumed/);
  });

  it('FILE, and - (standard input), give the same output as the bundled example read from a file', async () => {
    const text = writeLspciFunction(fnImage(blk, 256, slot(0, 4, 0), 'SCSI storage controller: Red Hat, Inc. Virtio block device'));
    const f = tmp.file('blk.lspci', text);
    const byFile = await runCli(['decode', f, '--info-pci', EXAMPLE_INFO_PCI]);
    const byStdin = await runCli(['decode', '-', '--info-pci', EXAMPLE_INFO_PCI], text);
    const bundled = await runCli(['decode']);
    expect(byFile.code).toBe(0);
    expect(byStdin.stdout).toBe(byFile.stdout);
    // Only the "BAR sizes from" line names the file.
    const strip = (s: string) => s.replace(/BAR sizes from .*/, '');
    expect(strip(byFile.stdout)).toBe(strip(bundled.stdout));
  });

  it('a FILE of several 1 MiB read chunks gives what the same text through standard input gives, function for function', async () => {
    // The file is read into two buffers used in turn; a buffer reused too early would show as
    // another function's bytes. Every function differs (its index in subsystem and BAR bytes).
    const parts: string[] = [];
    for (let i = 0; i < 420; i++) {
      const bytes = new Uint8Array(4096);
      bytes.set(blk);
      bytes[0x2c] = i & 0xff;
      bytes[0x2e] = i >> 8;
      bytes[0x10] = ((i * 16) & 0xf0) | 1;
      bytes[0x800 + (i % 0x700)] = 0xa5;
      parts.push(writeLspciFunction(fnImage(bytes, 4096, slot(i >> 5, (i >> 3) & 3, i & 7), `fn ${i}`)));
    }
    const text = parts.join('');
    expect(text.length).toBeGreaterThan(5 << 20);
    const f = tmp.file('many.lspci', text);
    const byFile = await runCli(['decode', f, '--json']);
    const byStdin = await runCli(['decode', '-', '--json'], text);
    expect(byFile.code).toBe(0);
    const devices = (r: typeof byFile) => (JSON.parse(r.stdout) as { devices: Array<{ header: { subsystem_vendor_id: number; subsystem_id: number } }> }).devices;
    const a = devices(byFile);
    expect(a).toHaveLength(420);
    expect(a.map((d) => [d.header.subsystem_vendor_id & 0xff, d.header.subsystem_id & 0xff])).toEqual(Array.from({ length: 420 }, (_, i) => [i & 0xff, i >> 8]));
    expect(byFile.stdout).toBe(byStdin.stdout);
  });

  const formats: Array<[string, string | Uint8Array, string, number]> = [
    ['lspci -x', writeLspciFunction(fnImage(blk, 64)), 'lspci', 64],
    ['lspci -xxx', writeLspciFunction(fnImage(blk, 256)), 'lspci', 256],
    ['lspci -xxxx', writeLspciFunction(fnImage(rootPort(), 4096, slot(0, 0x1c, 0), 'PCI bridge')), 'lspci', 4096],
    ['lspci -xxx with a domain of 6 digits', writeLspciFunction(fnImage(blk, 256, slot(4, 4, 0, 0x10000))), 'lspci', 256],
    ['hexdump -C', writeHexdumpC(fnImage(blk, 256)), 'hexdump', 256],
    ['hexdump (16-bit words)', hexdumpWords(blk), 'hexdump', 256],
    ['xxd', writeXxd(fnImage(blk, 256)), 'xxd', 256],
    ['xxd -g1', writeXxd(fnImage(blk, 256), { group: 1 }), 'xxd', 256],
    ['binary (256 bytes)', writeBinary(fnImage(blk, 256)), 'binary', 256],
    ['binary (64 bytes)', writeBinary(fnImage(blk, 64)), 'binary', 64],
    ['binary (4096 bytes)', writeBinary(fnImage(rootPort(), 4096)), 'binary', 4096],
  ];
  for (const [name, data, format, length] of formats) {
    it(`reads ${name}, detected and with --format ${format}`, async () => {
      const f = tmp.file(`in-${name.replace(/\W+/g, '_')}`, data);
      const detected = await runCli(['decode', f, '--json']);
      expect(detected.stderr).toBe('');
      expect(detected.code).toBe(0);
      const forced = await runCli(['decode', f, '--json', '--format', format]);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toBe(detected.stdout);
      const dev = JSON.parse(detected.stdout).devices[0];
      expect(dev.length).toBe(length);
      const src = length === 4096 ? rootPort() : blk;
      expect(dev.header.vendor_id).toBe(src[0] | (src[1] << 8));
      // The raw image is what the dump gave, byte for byte.
      expect(dev.raw).toBe(Buffer.from(src.subarray(0, length)).toString('hex'));
    });
  }

  it('--format that does not match the content is an input error (exit 2), one line', async () => {
    const f = tmp.file('blk-for-format.bin', writeBinary(fnImage(blk, 256)));
    const r = await runCli(['decode', f, '--format', 'lspci']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^[^\n]+:1:1: [^\n]+\n$/);
  });

  it('keeps holes unknown: bytes no line gave are "--" in raw and never presented as data', async () => {
    const text = '00:04.0 Virtio block\n00: f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 00 00\n30: 00 00 00 00 98 00 00 00 00 00 00 00 00 01 00 00\n';
    const r = await runCli(['decode', '-', '--json'], text);
    expect(r.code).toBe(0);
    const dev = JSON.parse(r.stdout).devices[0];
    expect(dev.length).toBe(64);
    expect(dev.raw).toBe('f41a0110070010000000000100000000' + '--'.repeat(32) + '000000009800000000000000000100' + '00');
    expect(dev.diagnostics.map((d: { code: string }) => d.code)).toEqual(['DUMP_HOLES', 'CAP_PTR_OUT_OF_RANGE', 'IMAGE_TRUNCATED', 'VIRTIO_CAPS_NOT_IN_IMAGE']);
    // Registers over the holes are unknown, and so is what derives from them.
    expect(dev.header).toMatchObject({ vendor_id: 0x1af4, bar0: null, bar5: null, subsystem_vendor_id: null, subsystem_id: null, capabilities_pointer: 0x98 });
    expect(dev.virtio).toMatchObject({ device_type: null, device_type_name: null, transport: null });
    const t = await runCli(['decode', '-'], text);
    expect(t.stdout).toContain('Known bytes: 32 of the first 64 (not given by the dump, unknown: 0x10-0x2f)');
    expect(t.stdout).not.toMatch(/Unclaimed.*0x10/);
    expect(dev.unclaimed).toEqual([]);
    expect(t.stdout).not.toMatch(/Region \d/);
    expect(t.stdout).not.toContain('Subsystem');
    expect(t.stdout).not.toContain('ffff');
    expect(t.stdout).toContain('Virtio: device type unknown (its subsystem ID is not in the dump), transport unknown');
    expect(t.stdout).toContain('Legacy interface: BAR0 not in the dump');
  });

  it('-s SLOT selects functions like lspci -s ([[domain:]bus:]dev.fn, with wildcards)', async () => {
    const fns = [slot(0, 0, 0), slot(0, 4, 0), slot(0, 4, 1), slot(1, 4, 0), slot(1, 4, 0, 1)].map((s) => fnImage(blk, 64, s, 'x'));
    const f = tmp.file('multi.lspci', writeLspci(fns));
    const slots = async (...args: string[]) => {
      const r = await runCli(['decode', f, '--json', ...args]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).devices.map((d: { slot: string }) => d.slot);
    };
    expect(await slots()).toEqual(['0000:00:00.0', '0000:00:04.0', '0000:00:04.1', '0000:01:04.0', '0001:01:04.0']);
    expect(await slots('-s', '04.0')).toEqual(['0000:00:04.0', '0000:01:04.0', '0001:01:04.0']);
    expect(await slots('-s', '00:04.1')).toEqual(['0000:00:04.1']);
    expect(await slots('-s', '1:1:4.0')).toEqual(['0001:01:04.0']);
    expect(await slots('-s', '4')).toEqual(['0000:00:04.0', '0000:00:04.1', '0000:01:04.0', '0001:01:04.0']);
    expect(await slots('-s', '.1')).toEqual(['0000:00:04.1']);
    expect(await slots('--slot', '01:')).toEqual(['0000:01:04.0', '0001:01:04.0']);
    const none = await runCli(['decode', f, '-s', '02:00.0']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`pcicfg decode: no function in ${f} matches -s 02:00.0\n`);
    const bad = await runCli(['decode', f, '-s', 'zz']);
    expect(bad.code).toBe(1);
  });
});

describe('decode --json contract', () => {
  it('has the issue\'s names, numbers for 32-bit values and "0x…" strings for addresses and sizes', async () => {
    const r = await runCli(['decode', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['devices']);
    expect(doc.devices).toHaveLength(1);
    const d = doc.devices[0];
    expect(d.slot).toBe('0000:00:04.0');
    expect(d.description).toBe('SCSI storage controller: Red Hat, Inc. Virtio block device');
    expect(d.length).toBe(256);
    expect(d.header).toMatchObject({
      vendor_id: 0x1af4,
      device_id: 0x1001,
      command: 7,
      status: 0x10,
      revision_id: 0,
      class_code: 0x010000,
      header_type: 0,
      multi_function: false,
      subsystem_vendor_id: 0x1af4,
      subsystem_id: 2,
      interrupt_pin: 1,
      interrupt_line: 0,
      capabilities_pointer: 0x98,
    });
    expect(d.bars).toEqual([
      { index: 0, kind: 'io', prefetchable: false, address: '0xc000', size: '0x80' },
      { index: 1, kind: 'mem32', prefetchable: false, address: '0xfebf1000', size: '0x1000' },
      { index: 4, kind: 'mem64', prefetchable: true, address: '0xfe008000', size: '0x4000' },
    ]);
    expect(d.capabilities.map((c: { pos: number; id: number; name: string; next: number }) => [c.pos, c.id, c.name, c.next])).toEqual([
      [0x98, 0x11, 'MSI-X', 0x84],
      [0x84, 9, 'Vendor Specific', 0x70],
      [0x70, 9, 'Vendor Specific', 0x60],
      [0x60, 9, 'Vendor Specific', 0x50],
      [0x50, 9, 'Vendor Specific', 0x40],
      [0x40, 9, 'Vendor Specific', 0],
    ]);
    expect(d.capabilities[0]).toMatchObject({ message_control: 1, table: 1, pba: 0x801 });
    expect(d.capabilities[0].info).toMatchObject({ table_size: 2, table_bir: 1, table_offset: 0, pba_bir: 1, pba_offset: 0x800 });
    expect(d.extended_capabilities).toEqual([]);
    const v = d.virtio;
    expect(v).toMatchObject({ device_type: 2, device_type_name: 'blk', transport: 'transitional' });
    expect(v.capabilities.map((c: { cfg_type: number }) => c.cfg_type)).toEqual([5, 2, 4, 3, 1]);
    expect(v.capabilities[1]).toEqual({
      pos: 0x70,
      cap_len: 20,
      cfg_type: 2,
      cfg_type_name: 'notify',
      bar: 4,
      id: 0,
      offset: '0x3000',
      length: '0x1000',
      notify_off_multiplier: 4,
    });
    expect(v.capabilities[4]).not.toHaveProperty('notify_off_multiplier');
    expect(v.common).toMatchObject({ pos: 0x40, bar: 4, bar_address: '0xfe008000', offset: '0x0', length: '0x1000', address: '0xfe008000' });
    expect(v.isr).toMatchObject({ pos: 0x50, address: '0xfe009000' });
    expect(v.device).toMatchObject({ pos: 0x60, address: '0xfe00a000' });
    expect(v.notify).toMatchObject({ pos: 0x70, address: '0xfe00b000', notify_off_multiplier: 4 });
    expect(v.queues[1]).toEqual({ queue: 1, queue_notify_off: 1, assumed_notify_off: true, space: 'mem', address: '0xfe00b004', width: 2, in_notify_region: true });
    expect(d.diagnostics).toEqual([]);
  });

  it('diagnostics is always present, with code, severity, offset and message', async () => {
    // A capability pointer into the header, and a non-virtio function.
    const img = blk.slice();
    img[0x34] = 0x20;
    const r = await runCli(['decode', '-', '--json'], writeLspci([fnImage(img, 256), fnImage(rootPort(), 4096, slot(0, 0x1c, 0))]));
    expect(r.code).toBe(0);
    const [a, b] = JSON.parse(r.stdout).devices;
    expect(a.diagnostics.length).toBeGreaterThan(0);
    for (const x of a.diagnostics) {
      expect(Object.keys(x)).toEqual(['code', 'severity', 'offset', 'message']);
      expect(x.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(['error', 'warning', 'info']).toContain(x.severity);
      expect(x.offset === null || typeof x.offset === 'number').toBe(true);
    }
    expect(a.diagnostics.map((x: { code: string }) => x.code)).toContain('CAP_PTR_IN_HEADER');
    expect(Array.isArray(b.diagnostics)).toBe(true);
    expect(b.virtio).toBeNull();
    expect(b.extended_capabilities.length).toBeGreaterThan(0);
    for (const e of b.extended_capabilities) expect(Object.keys(e).slice(0, 5)).toEqual(['pos', 'id', 'version', 'name', 'next']);
  });

  it('a raw image has slot null; BARs of unknown size have size null; a 64-bit BAR is listed once', async () => {
    const r = await runCli(['decode', '-', '--json'], writeBinary(fnImage(blk, 256)));
    const d = JSON.parse(r.stdout).devices[0];
    expect(d.slot).toBeNull();
    expect(d.description).toBeNull();
    expect(d.bars.map((b: { index: number; size: unknown }) => [b.index, b.size])).toEqual([
      [0, null],
      [1, null],
      [4, null],
    ]);
  });

  it('an empty selection is {"devices":[]}', async () => {
    const r = await runCli(['decode', '--json', '-s', '1f.7']);
    expect(JSON.parse(r.stdout)).toEqual({ devices: [] });
  });
});

describe('decode --annotate', () => {
  it('labels every byte range structure.field, unclaimed and unknown ranges included', async () => {
    const r = await runCli(['decode', '--annotate']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device');
    const covered = new Set<number>();
    for (const l of lines.slice(1)) {
      const m = /^ {2}([0-9a-f]{3})(?:-([0-9a-f]{3}))? +((?:[0-9a-f]{2}|--)(?: (?:[0-9a-f]{2}|--))*) +(\S.*)$/.exec(l);
      if (!m) {
        // A structure heading (the region's label) before its fields.
        expect(l).toMatch(/^ {2}\S/);
        continue;
      }
      const from = parseInt(m[1], 16);
      const to = m[2] ? parseInt(m[2], 16) : from;
      const hexes = m[3].split(' ');
      expect(hexes).toHaveLength(to - from + 1);
      hexes.forEach((h, i) => {
        expect(covered.has(from + i)).toBe(false);
        covered.add(from + i);
        expect(parseInt(h, 16)).toBe(blk[from + i]);
      });
      expect(m[4]).toMatch(/^([a-z0-9_]+\.[a-z0-9_]+|\(unclaimed\)|…)/);
    }
    expect(covered.size).toBe(256);
    expect(r.stdout).toMatch(/ 000-001 +f4 1a +pci_header_type0\.vendor_id = 0x1af4/);
    expect(r.stdout).toMatch(/ 080-083 +04 00 00 00 +virtio_pci_notify_cap\.notify_off_multiplier = 0x00000004/);
    expect(r.stdout).toMatch(/ 0a4-0b3 .*\(unclaimed\)/);
  });

  it('marks bytes the dump did not give as unknown', async () => {
    const text = '00:04.0 x\n00: f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 00 00\n30: 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00\n';
    const r = await runCli(['decode', '-', '--annotate'], text);
    expect(r.stdout).toMatch(/ 010-01f +(-- ){15}-- +\(not given by the dump: unknown\)/);
  });

  it('--json and --annotate exclude each other (usage error)', async () => {
    const r = await runCli(['decode', '--json', '--annotate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pcicfg decode: --json and --annotate exclude each other (see 'pcicfg decode --help')\n");
  });
});

describe('decode errors', () => {
  it('malformed text: exactly one line FILE:LINE:COL: message on stderr, exit 2', async () => {
    const f = tmp.file('bad.lspci', '00:04.0 Virtio\n00: f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 00 00\n10: 01 c0 00 zz 00 10\n');
    const r = await runCli(['decode', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:14: [^\\n]+\\n$`));
  });

  it('malformed standard input is named <stdin>', async () => {
    const r = await runCli(['decode', '-'], '00:04.0 x\n00: 1 2 3\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^<stdin>:2:\d+: [^\n]+\n$/);
  });

  it('nothing partial is presented as whole: a bad line in the second function prints the first only', async () => {
    const text = writeLspciFunction(fnImage(blk, 64)) + '00:05.0 y\n00: f4 1a 0\n';
    const r = await runCli(['decode', '-', '--json'], text);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout).not.toContain('0000:00:05.0');
  });

  it('a missing file is exit 2 with one line', async () => {
    const r = await runCli(['decode', tmp.dir + '/nope.lspci']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${tmp.dir}/nope.lspci: cannot read: no such file or directory\n`);
  });

  it('a directory is exit 2 with one line', async () => {
    const r = await runCli(['decode', tmp.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${tmp.dir}: cannot read: is a directory\n`);
  });

  it('empty input is exit 2', async () => {
    const r = await runCli(['decode', '-'], '');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('the example path exists where the CLI looks for it', () => {
    expect(EXAMPLE.endsWith('examples/qemu-virtio-blk.lspci')).toBe(true);
  });
});
