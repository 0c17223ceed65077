// Configuration addresses both ways: mechanism1Access/ecamOffset (what qtest's bus writes) and
// PciConfigMechanism1/ecamTarget (what `pcicfg trace` reads) are inverse, and both agree with
// the bit layouts written below as the sources give them, not as our tables do:
// - CONFIG_ADDRESS: PCI Local Bus 3.0 3.2.2.3.2, and Linux arch/x86/pci/direct.c
//   PCI_CONF1_ADDRESS(bus, devfn, reg) = 0x80000000 | bus << 16 | devfn << 8 | (reg & 0xFC),
//   devfn = device << 3 | function, the byte lane being the data port 0xCFC + (reg & 3);
// - ECAM: PCI Express 7.2.2, and Linux's PCI_MMCFG_BUS_OFFSET(bus) = bus << 20 plus
//   devfn << 12 plus reg.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ecamOffset, ecamTarget, mechanism1Access, PciConfigMechanism1, type PciConfigTarget } from '../../src/pci/config-access.js';

/** field: [high bit, low bit], inclusive, as the spec's figures draw them. */
const CONFIG_ADDRESS: Record<string, [number, number]> = { enable: [31, 31], bus: [23, 16], device: [15, 11], function: [10, 8], register: [7, 2] };
const ECAM: Record<string, [number, number]> = { bus: [27, 20], device: [19, 15], function: [14, 12], offset: [11, 0] };

function place(layout: Record<string, [number, number]>, fields: Record<string, number>): number {
  let v = 0;
  for (const [name, [hi, lo]] of Object.entries(layout)) {
    const x = fields[name] ?? 0;
    expect(x).toBeLessThan(2 ** (hi - lo + 1));
    v += x * 2 ** lo;
  }
  return v;
}

function field(layout: Record<string, [number, number]>, name: string, v: number): number {
  const [hi, lo] = layout[name]!;
  return Math.floor(v / 2 ** lo) % 2 ** (hi - lo + 1);
}

const arbTarget = (offsets: number) =>
  fc.record({
    address: fc.record({ domain: fc.constant(0), bus: fc.integer({ min: 0, max: 255 }), device: fc.integer({ min: 0, max: 31 }), function: fc.integer({ min: 0, max: 7 }) }),
    offset: fc.integer({ min: 0, max: offsets - 1 }),
  });

describe('configuration mechanism #1', () => {
  test.prop([arbTarget(256)])('CONFIG_ADDRESS is the spec layout with enable set; the data port carries the byte lane; decoding gives the target back', (t: PciConfigTarget) => {
    const { configAddress, dataPort } = mechanism1Access(t);
    const { bus, device, function: fn } = t.address;
    expect(configAddress).toBe(place(CONFIG_ADDRESS, { enable: 1, bus, device, function: fn, register: t.offset >> 2 }));
    expect(configAddress).toBe((0x80000000 + bus * 2 ** 16 + ((device << 3) | fn) * 2 ** 8 + (t.offset & 0xfc)) >>> 0);
    expect(dataPort).toBe(0xcfc + (t.offset & 3));
    const m = new PciConfigMechanism1();
    m.write(4, configAddress);
    expect(m.target(dataPort)).toEqual(t);
  });

  test.prop([fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 3 })])('any dword written to CONFIG_ADDRESS decodes by the spec layout, and encodes back but for the reserved bits', (dword, lane) => {
    const m = new PciConfigMechanism1();
    m.write(4, dword);
    const t = m.target(0xcfc + lane);
    if (!field(CONFIG_ADDRESS, 'enable', dword)) return void expect(t).toBeNull();
    const expected = { bus: field(CONFIG_ADDRESS, 'bus', dword), device: field(CONFIG_ADDRESS, 'device', dword), function: field(CONFIG_ADDRESS, 'function', dword) };
    expect(t).toEqual({ address: { domain: 0, ...expected }, offset: field(CONFIG_ADDRESS, 'register', dword) * 4 + lane });
    expect(mechanism1Access(t!)).toEqual({ configAddress: place(CONFIG_ADDRESS, { enable: 1, ...expected, register: field(CONFIG_ADDRESS, 'register', dword) }), dataPort: 0xcfc + lane });
  });

  it('refuses what the register cannot carry', () => {
    const fn = { domain: 0, bus: 0, device: 0, function: 0 };
    expect(() => mechanism1Access({ address: fn, offset: 0x100 })).toThrow(RangeError);
    expect(() => mechanism1Access({ address: { ...fn, device: 32 }, offset: 0 })).toThrow(RangeError);
    expect(() => mechanism1Access({ address: { ...fn, bus: 256 }, offset: 0 })).toThrow(RangeError);
    expect(() => mechanism1Access({ address: { ...fn, function: 8 }, offset: 0 })).toThrow(RangeError);
  });
});

describe('ECAM', () => {
  test.prop([arbTarget(4096)])('the offset is the spec layout; ecamTarget gives the target back', (t: PciConfigTarget) => {
    const { bus, device, function: fn } = t.address;
    const offset = ecamOffset(t);
    expect(offset).toBe(BigInt(place(ECAM, { bus, device, function: fn, offset: t.offset })));
    expect(offset).toBe((BigInt(bus) << 20n) + (BigInt((device << 3) | fn) << 12n) + BigInt(t.offset));
    expect(ecamTarget(offset)).toEqual(t);
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 28 - 1 })])('any offset in the 256 MiB window decodes by the spec layout and encodes back', (o) => {
    const t = ecamTarget(BigInt(o));
    expect(t).toEqual({ address: { domain: 0, bus: field(ECAM, 'bus', o), device: field(ECAM, 'device', o), function: field(ECAM, 'function', o) }, offset: field(ECAM, 'offset', o) });
    expect(ecamOffset(t!)).toBe(BigInt(o));
  });

  it('refuses offsets past 4 KiB', () => {
    expect(() => ecamOffset({ address: { domain: 0, bus: 0, device: 0, function: 0 }, offset: 0x1000 })).toThrow(RangeError);
  });
});
