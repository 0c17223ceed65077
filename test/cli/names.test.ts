// `decode` with names: which pci.ids it reads (PCICFG_PCI_IDS, none, missing, malformed), -n
// and -nn, --json's names, and lspci's rules for the cases the shared dumps do not have
// (unknown vendor, device or subclass, `S` blocks, IDE prog-if bits), each checked against
// `lspci -F -v` reading the same made-up pci.ids.
import { afterEach, describe, expect, it } from 'vitest';
import { writeLspciFunction } from '../../src/dump/index.js';
import { lspciGate, requireLspci, runLspci } from '../support/lspci.js';
import { EXAMPLE, runCli, scratch } from './run.js';

const tmp = scratch();
const FIXTURE = process.env.PCICFG_PCI_IDS;
afterEach(() => {
  process.env.PCICFG_PCI_IDS = FIXTURE;
});

/** `decode` with PCICFG_PCI_IDS set to `ids` for this run (undefined: unset). */
async function decode(ids: string | undefined, args: string[], stdin = '') {
  if (ids === undefined) delete process.env.PCICFG_PCI_IDS;
  else process.env.PCICFG_PCI_IDS = ids;
  return runCli(['decode', ...args], stdin);
}

const head = (text: string) => text.split('\n').filter((l) => /^\S/.test(l) || l.startsWith('\tSubsystem: '));

describe('which pci.ids decode reads', () => {
  it('PCICFG_PCI_IDS names the file (the tests use test/fixtures/pci.ids)', async () => {
    const r = await decode(FIXTURE, [EXAMPLE]);
    expect(head(r.stdout)).toEqual(['0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device', '\tSubsystem: Red Hat, Inc. Device 0002']);
    expect(r.stderr).toBe('');
  });

  it('-n prints numbers, -nn names and numbers, as lspci', async () => {
    expect(head((await decode(FIXTURE, [EXAMPLE, '-n'])).stdout)).toEqual(['0000:00:04.0 0100: 1af4:1001', '\tSubsystem: 1af4:0002']);
    expect(head((await decode(FIXTURE, [EXAMPLE, '-nn'])).stdout)).toEqual([
      '0000:00:04.0 SCSI storage controller [0100]: Red Hat, Inc. Virtio block device [1af4:1001]',
      '\tSubsystem: Red Hat, Inc. Device [1af4:0002]',
    ]);
    expect(head((await decode(FIXTURE, [EXAMPLE, '--numeric'])).stdout)[0]).toBe('0000:00:04.0 0100: 1af4:1001');
  });

  it('PCICFG_PCI_IDS= (empty): no names, output as without a pci.ids (the dump\'s description, numbers)', async () => {
    const r = await decode('', [EXAMPLE]);
    expect(head(r.stdout)).toEqual(['0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device', '\tSubsystem: 1af4:0002']);
    const described = writeLspciFunction({ bytes: (await import('./run.js')).exampleBytes(), length: 256, slot: { domain: 0, bus: 0, device: 4, function: 0 }, description: 'as the dump says' });
    expect(head((await decode('', ['-'], described)).stdout)[0]).toBe('0000:00:04.0 as the dump says');
    expect(head((await decode(FIXTURE, ['-'], described)).stdout)[0]).toBe('0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device');
  });

  it('a file that cannot be read: one warning line, numbers where names would be (as lspci -i)', async () => {
    const r = await decode('/nonexistent/pci.ids', [EXAMPLE]);
    expect(r.code).toBe(0);
    expect(head(r.stdout)).toEqual(['0000:00:04.0 Class 0100: Device 1af4:1001', '\tSubsystem: Device 1af4:0002']);
    expect(r.stderr).toBe('pcicfg: warning: cannot read /nonexistent/pci.ids: no such file or directory; no names shown\n');
  });

  it('is not read when no name is printed', async () => {
    for (const args of [[EXAMPLE, '--annotate'], ['-'], [EXAMPLE, '-s', '09.0']]) {
      const r = await decode('/nonexistent/pci.ids', args);
      expect(r.stderr, args.join(' ')).not.toContain('warning');
    }
  });

  it('a malformed pci.ids: one warning line (FILE:LINE:COL), the good lines still used, never a crash', async () => {
    const bad = tmp.file('bad.ids', '1af4  Red Hat, Inc.\n\t1001 \n\t1001  Virtio block device\n\t\tzz\n\t\t\tdeep\n\x00\n');
    const r = await decode(bad, [EXAMPLE]);
    expect(r.code).toBe(0);
    expect(head(r.stdout)).toEqual(['0000:00:04.0 Class 0100: Red Hat, Inc. Virtio block device', '\tSubsystem: Red Hat, Inc. Device 0002']);
    // The top-level lines are read first: the NUL line is the first malformed line met.
    expect(r.stderr).toBe(`pcicfg: warning: ${bad}:6:1: NUL byte in line; line skipped (lspci refuses such a file)\n`);
    const bytes = tmp.file('bytes.ids', Uint8Array.from([0x31, 0x61, 0x66, 0x34, 0x20, 0x20, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));
    const odd = await decode(bytes, [EXAMPLE]);
    expect(odd.code).toBe(0);
    expect(head(odd.stdout)[0]).toBe('0000:00:04.0 Class 0100: \ufffd\ufffd\\x1b[2J Device 1001');
  });
});

describe('--json names', () => {
  it('a names object with the names pci.ids knows, after description; none without names or with -n', async () => {
    const dev = (r: { stdout: string }) => JSON.parse(r.stdout).devices[0];
    const j = dev(await decode(FIXTURE, [EXAMPLE, '--json']));
    expect(Object.keys(j).slice(0, 4)).toEqual(['slot', 'description', 'names', 'length']);
    expect(j.names).toEqual({ vendor: 'Red Hat, Inc.', device: 'Virtio block device', subsystem_vendor: 'Red Hat, Inc.', class: 'Mass storage controller', subclass: 'SCSI storage controller' });
    expect('names' in dev(await decode(FIXTURE, [EXAMPLE, '--json', '-n']))).toBe(false);
    expect('names' in dev(await decode('', [EXAMPLE, '--json']))).toBe(false);
    const unknown = tmp.file('other.ids', '8086  Intel Corporation\n');
    expect('names' in dev(await decode(unknown, [EXAMPLE, '--json']))).toBe(false);
  });

  it('decode --json with names still encodes back to the same bytes', async () => {
    const json = tmp.file('named.json', (await decode(FIXTURE, [EXAMPLE, '--json'])).stdout);
    const out = `${tmp.dir}/back.bin`;
    expect((await runCli(['encode', json, '-o', out, '--format', 'binary'])).code).toBe(0);
  });
});

// Made-up ids for the rules lspci applies that no shared dump shows with Debian's pci.ids.
const IDS = [
  '1234  Acme',
  '\t0001  Widget',
  '\t\t1234 0042  Widget listed subsystem',
  'S 1234',
  '\t5555  Generic subsystem of Acme',
  'C 01  Mass storage controller',
  '\t01  IDE interface',
  'C 0d  Wireless controller',
  '',
].join('\n');

function fn(dev: number, vendor: number, device: number, classCode: number, rev: number, sv: number, sd: number): string {
  const b = new Uint8Array(64);
  const put16 = (o: number, v: number) => ((b[o] = v & 0xff), (b[o + 1] = v >> 8));
  put16(0, vendor);
  put16(2, device);
  b[8] = rev;
  b[9] = classCode & 0xff;
  b[10] = (classCode >> 8) & 0xff;
  b[11] = classCode >> 16;
  put16(0x2c, sv);
  put16(0x2e, sd);
  return writeLspciFunction({ bytes: b, length: 64, slot: { domain: 0, bus: 0, device: dev, function: 0 } });
}

const DUMP = [
  fn(1, 0x1234, 0x0001, 0x01018a, 0, 0x1234, 0x5555), // IDE prog-if bits, generic subsystem
  fn(2, 0x1234, 0x0002, 0x0d8000, 3, 0x1234, 0x0002), // unknown device, class known only by its base
  fn(3, 0x9999, 0x0001, 0xff0000, 0, 0x9999, 0x0001), // unknown vendor and class
  fn(4, 0x1234, 0x0001, 0x010100, 0, 0x1234, 0x0001), // subsystem = device
  fn(5, 0x1234, 0x0001, 0x010100, 0, 0x1234, 0x0042), // listed subsystem
  fn(6, 0x1234, 0x0001, 0x010170, 0, 0x1234, 0x0000), // IDE prog-if with bits lspci does not name
].join('\n');

const gate = lspciGate();
describe.skipIf(gate.skip)('lspci rules on made-up ids, against lspci -F -v reading the same pci.ids', () => {
  it.each([[], ['-n'], ['-nn']])('decode %s', async (...style: string[]) => {
    requireLspci();
    const ids = tmp.file('made-up.ids', IDS);
    const ours = head((await decode(ids, ['-', ...style], DUMP)).stdout);
    const lspci = head((await runLspci(DUMP, ['-v', '-D', '-O', 'hwdb.disable=1', '-i', ids, ...style])).stdout);
    expect(ours).toEqual(lspci);
    expect(ours.length).toBe(12);
  });
});
