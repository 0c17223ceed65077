import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { iterateSysfs, parseSysfsResource, parseSysfsSlot, scanSysfs, sysfsResourceSize } from '../../src/dump/node.js';

// A fake sysfs tree: two functions (one with a resource file), plus a non-function entry.
const root = mkdtempSync(join(tmpdir(), 'pcicfg-sysfs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeFunction(name: string, config: Uint8Array, resource?: string) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'config'), config);
  if (resource !== undefined) writeFileSync(join(dir, 'resource'), resource);
}

const cfg256 = new Uint8Array(256).map((_, i) => i);
const cfg64 = new Uint8Array(64).fill(0xab);
fakeFunction(
  '0000:00:04.0',
  cfg256,
  [
    '0x000000000000c000 0x000000000000c07f 0x0000000000040101',
    '0x00000000febf1000 0x00000000febf1fff 0x0000000000040200',
    '0x0000000000000000 0x0000000000000000 0x0000000000000000',
    '0x0000000000000000 0x0000000000000000 0x0000000000000000',
    '0x00000000fe008000 0x00000000fe00bfff 0x000000000014220c',
    '0x0000000000000000 0x0000000000000000 0x0000000000000000',
    '0x00000000feb80000 0x00000000febbffff 0x0000000000046200',
    '',
  ].join('\n'),
);
fakeFunction('10000:02:1f.7', cfg64);
mkdirSync(join(root, 'not-a-slot'));

describe('sysfs scanning', () => {
  it('reads config files with slots from directory names and BAR sizes from resource', async () => {
    const fns = await scanSysfs({ root });
    expect(fns.map((f) => f.slot)).toEqual([
      { domain: 0, bus: 0, device: 4, function: 0 },
      { domain: 0x10000, bus: 2, device: 0x1f, function: 7 },
    ]);
    const [a, b] = fns;
    expect(a.length).toBe(256);
    expect(a.bytes.slice(0, 256)).toEqual(cfg256);
    expect(a.format).toBe('binary');
    expect(a.barSizes).toEqual(new Map([[0, 0x80n], [1, 0x1000n], [4, 0x4000n]]));
    expect(a.barAddresses.get(4)).toBe(0xfe008000n);
    expect(a.resources).toHaveLength(7);
    expect(a.path).toBe(join(root, '0000:00:04.0'));
    expect(b.length).toBe(64);
    expect(b.barSizes.size).toBe(0);
    expect(b.diagnostics).toEqual([]);
  });

  it('filters by slot and yields lazily', async () => {
    const got = [];
    for await (const f of iterateSysfs({ root, filter: (s) => s.bus === 2 })) got.push(f.slot);
    expect(got).toEqual([{ domain: 0x10000, bus: 2, device: 0x1f, function: 7 }]);
  });

  it('parses slots and resource lines', () => {
    expect(parseSysfsSlot('0000:00:1f.3')).toEqual({ domain: 0, bus: 0, device: 0x1f, function: 3 });
    expect(parseSysfsSlot('pci0000:00')).toBeNull();
    const [r] = parseSysfsResource('0x00000000fe000000 0x00000000fe003fff 0x000000000014220c\n');
    expect(sysfsResourceSize(r)).toBe(0x4000n);
    expect(sysfsResourceSize({ index: 0, start: 0n, end: 0n, flags: 0n })).toBeNull();
  });

  it.skipIf(!existsSync('/sys/bus/pci/devices') || readdirSync('/sys/bus/pci/devices').length === 0)(
    'reads the host (read only) when it has PCI functions',
    async () => {
      const fns = await scanSysfs();
      expect(fns.length).toBe(readdirSync('/sys/bus/pci/devices').length);
      for (const f of fns) {
        expect(f.slot).not.toBeNull();
        expect(f.length).toBeGreaterThanOrEqual(64);
      }
    },
  );
});
