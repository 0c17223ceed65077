import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DumpParseError, findQemuPciFunction, parseQemuInfoPci, qemuBarAddresses, qemuBarSizes } from '../../src/dump/index.js';

// Written here in the shape QEMU prints (hw/pci/pci-hmp-cmds.c): old style with trailing dots,
// an unmapped BAR printed as 0xffffffffffffffff with a wrapped limit, a bridge, a class number.
const TEXT = [
  'QEMU 7.2.0 monitor - type \'help\' for more information',
  '(qemu) info pci',
  '  Bus  0, device   0, function 0:',
  '    Host bridge: PCI device 8086:29c0',
  '      PCI subsystem 1af4:1100',
  '      id ""',
  '  Bus  0, device   4, function 0:',
  '    SCSI controller: PCI device 1af4:1001',
  '      PCI subsystem 1af4:0002',
  '      IRQ 11, pin A',
  '      BAR0: I/O at 0xc000 [0xc07f].',
  '      BAR1: 32 bit memory at 0xfebf1000 [0xfebf1fff].',
  '      BAR4: 64 bit prefetchable memory at 0xfe008000 [0xfe00bfff].',
  '      BAR6: 32 bit memory at 0xffffffffffffffff [0x0003fffe].',
  '      id "disk0"',
  '  Bus  0, device  28, function 0:',
  '    PCI bridge: PCI device 1b36:000c',
  '      IRQ 10, pin A',
  '      BUS 0.',
  '      secondary bus 1.',
  '      subordinate bus 1.',
  '      IO range [0x1000, 0x1fff]',
  '      memory range [0xfe400000, 0xfe5fffff]',
  '      prefetchable memory range [0x7000000000, 0x70001fffff]',
  '      BAR0: 32 bit memory at 0xfe601000 [0xfe601fff].',
  '      id "rp1"',
  '  Bus  1, device   0, function 0:',
  '    Class 0255: PCI device 1af4:1041',
  '      BAR1: I/O at 0xffffffffffffffff [0x001e].',
  '      BAR4: 64 bit prefetchable memory (not mapped)',
  '      BAR2: 32 bit memory at 0xfe440000 [0xfe440fff]',
  '      id ""',
].join('\n');

describe('QEMU info pci', () => {
  const fns = parseQemuInfoPci(TEXT, { file: 'info.txt' });

  it('reads each function: slot, class, IDs, IRQ, BARs', () => {
    expect(fns.map((f) => f.slot)).toEqual([
      { domain: 0, bus: 0, device: 0, function: 0 },
      { domain: 0, bus: 0, device: 4, function: 0 },
      { domain: 0, bus: 0, device: 28, function: 0 },
      { domain: 0, bus: 1, device: 0, function: 0 },
    ]);
    const blk = fns[1];
    expect(blk).toMatchObject({ classDescription: 'SCSI controller', vendorId: 0x1af4, deviceId: 0x1001, subsystemVendorId: 0x1af4, subsystemId: 2, irq: 11, pin: 'A', qdevId: 'disk0', bridge: null });
    expect(blk.source).toEqual({ file: 'info.txt', line: 7 });
    expect(blk.bars).toEqual([
      { index: 0, kind: 'io', prefetchable: false, address: 0xc000n, size: 0x80n, line: 11 },
      { index: 1, kind: 'mem32', prefetchable: false, address: 0xfebf1000n, size: 0x1000n, line: 12 },
      { index: 4, kind: 'mem64', prefetchable: true, address: 0xfe008000n, size: 0x4000n, line: 13 },
      { index: 6, kind: 'mem32', prefetchable: false, address: null, size: 0x40000n, line: 14 },
    ]);
    expect(fns[0].bars).toEqual([]);
    expect(fns[0].irq).toBeNull();
  });

  it('reads bridge windows and the numeric class form', () => {
    expect(fns[2].bridge).toEqual({
      bus: 0,
      secondary: 1,
      subordinate: 1,
      ioRange: [0x1000n, 0x1fffn],
      memoryRange: [0xfe400000n, 0xfe5fffffn],
      prefetchableRange: [0x7000000000n, 0x70001fffffn],
    });
    expect(fns[3].classDescription).toBe('Class 0255');
  });

  it('unmapped BARs: size from the wrapped range, or unknown for (not mapped); newer lines without the dot', () => {
    expect(fns[3].bars).toEqual([
      { index: 1, kind: 'io', prefetchable: false, address: null, size: 0x20n, line: 29 },
      { index: 4, kind: 'mem64', prefetchable: true, address: null, size: null, line: 30 },
      { index: 2, kind: 'mem32', prefetchable: false, address: 0xfe440000n, size: 0x1000n, line: 31 },
    ]);
  });

  it('gives barSizes and addresses for DecodeOptions, and finds a function by slot', () => {
    const blk = findQemuPciFunction(fns, { domain: 0, bus: 0, device: 4, function: 0 })!;
    expect(qemuBarSizes(blk)).toEqual(new Map([[0, 0x80n], [1, 0x1000n], [4, 0x4000n]]));
    expect(qemuBarAddresses(blk)).toEqual(new Map([[0, 0xc000n], [1, 0xfebf1000n], [4, 0xfe008000n]]));
    expect(findQemuPciFunction(fns, { domain: 1, bus: 0, device: 4, function: 0 })).toBeUndefined();
  });

  it('reads the example shipped in examples/', () => {
    const text = readFileSync(new URL('../../examples/qemu-virtio-blk.info-pci', import.meta.url), 'utf8');
    const blk = findQemuPciFunction(parseQemuInfoPci(text), { domain: 0, bus: 0, device: 4, function: 0 })!;
    expect(qemuBarAddresses(blk).get(4)).toBe(0xfe008000n);
    expect(qemuBarSizes(blk).get(4)).toBe(0x4000n);
  });

  it('reports malformed BAR lines at the first bad column', () => {
    const bad = (line: string) => {
      try {
        parseQemuInfoPci(`  Bus  0, device   4, function 0:\n    X: PCI device 1af4:1001\n${line}\n`, { file: 'q' });
      } catch (e) {
        expect(e).toBeInstanceOf(DumpParseError);
        return (e as DumpParseError).message;
      }
      throw new Error('expected an error');
    };
    expect(bad('      BAR0: I/O at c000 [0xc07f].')).toBe("q:3:20: expected a hex address in a BAR line");
    expect(bad('      BAR1: 16 bit memory at 0x0 [0xf].')).toBe("q:3:13: expected 'I/O' or '32'/'64' in a BAR line");
    expect(bad('      BAR7: I/O at 0x0 [0xf].')).toBe('q:3:10: expected a BAR number 0-6 in a BAR line');
    expect(bad('      BAR0: I/O at 0xc000 [0xc07f] junk')).toBe('q:3:36: expected the end of the line in a BAR line');
    expect(bad('      BAR0: 64 bit prefetchable memory at 0xfe000000 0xfe003fff')).toBe("q:3:53: expected ' [' in a BAR line");
  });
});
