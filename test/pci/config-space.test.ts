import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace, PCI_DIAGNOSTICS, type ConfigSpace } from '../../src/pci/index.js';
import { labelAt } from '../../src/layout/index.js';
import { readUint } from '../../src/bytes/index.js';
import { rootPort, virtioBlk } from './fixtures.js';
import { arbCapChainImage } from '../../src/arbitraries/index.js';
import { capAt, extCapAt, headerOf } from '../support/caps.js';

const codes = (cs: ConfigSpace) => cs.diagnostics.map((d) => d.code);

describe('decodeConfigSpace: a virtio-blk function typed from the spec', () => {
  const cs = decodeConfigSpace(virtioBlk());

  it('decodes the type 0 header by spec name', () => {
    expect(cs.headerType).toBe(0);
    expect(cs.multiFunction).toBe(false);
    expect(cs.header).toMatchObject({
      vendor_id: 0x1af4,
      device_id: 0x1001,
      command: 0x0507,
      status: 0x0010,
      revision_id: 0,
      prog_if: 0,
      subclass: 0,
      base_class: 1,
      subsystem_vendor_id: 0x1af4,
      subsystem_id: 0x0002,
      capabilities_pointer: 0x98,
      interrupt_line: 0x0b,
      interrupt_pin: 1,
    });
    expect(cs.classCode).toBe(0x010000);
    expect(cs.diagnostics).toEqual([]);
  });

  it('decodes the BARs (I/O, mem32, 64-bit prefetchable pair)', () => {
    expect(cs.bars.map((b) => [b.index, b.offset, b.kind, b.prefetchable, b.address, b.size, b.rawUpper])).toEqual([
      [0, 0x10, 'io', false, 0xc040n, null, null],
      [1, 0x14, 'mem32', false, 0xfebd1000n, null, null],
      [4, 0x20, 'mem64', true, 0xfe000000n, null, 0],
    ]);
    expect(cs.rom).toBeNull();
  });

  it('walks the capability list in QEMU order', () => {
    expect(cs.capabilities.map((c) => [c.pos, c.id, c.name, c.length])).toEqual([
      [0x98, 0x11, 'MSI-X', 12],
      [0x84, 0x09, 'Vendor Specific', 20],
      [0x70, 0x09, 'Vendor Specific', 20],
      [0x60, 0x09, 'Vendor Specific', 16],
      [0x50, 0x09, 'Vendor Specific', 16],
      [0x40, 0x09, 'Vendor Specific', 16],
    ]);
    const msix = cs.capabilities[0];
    expect(msix.fields).toEqual({ cap_id: 0x11, cap_next: 0x84, message_control: 0x8001, table: 1, pba: 0x801 });
    expect(msix.info).toEqual({ table_size: 2, function_mask: false, enable: true, table_bir: 1, table_offset: 0, pba_bir: 1, pba_offset: 0x800 });
    const notify = capAt(cs.capabilities, 2, 0x09);
    expect(notify.fields.cap_len).toBe(20);
    expect(Array.from(notify.fields.data as Uint8Array)).toEqual([0x02, 0x04, 0, 0, 0, 0, 0x30, 0, 0, 0, 0x10, 0, 0, 0x04, 0, 0, 0]);
  });

  it('lists regions for annotation and the unclaimed bytes', () => {
    expect(cs.regions.map((r) => [r.struct, r.offset, r.length])).toEqual([
      ['pci_header_type0', 0, 64],
      ['pci_msix_cap', 0x98, 12],
      ['pci_vendor_cap', 0x84, 20],
      ['pci_vendor_cap', 0x70, 20],
      ['pci_vendor_cap', 0x60, 16],
      ['pci_vendor_cap', 0x50, 16],
      ['pci_vendor_cap', 0x40, 16],
    ]);
    expect(cs.unclaimed).toEqual([{ offset: 0xa4, length: 0x5c }]);
    expect(labelAt(cs.regions, 0x9d)?.field.name).toBe('table');
    expect(labelAt(cs.regions, 0x07)?.field.name).toBe('status');
  });

  it('attaches the first non-null vendor hook result', () => {
    const seen: number[] = [];
    const cs2 = decodeConfigSpace(virtioBlk(), {
      vendorCaps: [
        () => null,
        (ctx) => {
          seen.push(ctx.pos);
          if (ctx.bytes[ctx.pos + 3] !== 2) return null;
          return {
            kind: 'test',
            name: 'notify',
            fields: { cfg_type: 2 },
            length: 20,
            regions: [],
            diagnostics: [{ code: 'TEST_HOOK', severity: 'info', offset: ctx.pos, message: 'seen' }],
          };
        },
        (ctx) => {
          if (ctx.pos === 0x70) throw new Error('a later hook must not run once one matched');
          return null;
        },
      ],
    });
    expect(seen[0]).toBe(0x84);
    expect(cs2.capabilities[2].vendor?.name).toBe('notify');
    expect(cs2.capabilities[1].vendor).toBeUndefined();
    expect(codes(cs2)).toContain('TEST_HOOK');
  });
});

describe('decodeConfigSpace: a PCIe root port with extended capabilities', () => {
  const cs = decodeConfigSpace(rootPort());

  it('decodes the type 1 header', () => {
    expect(cs.headerType).toBe(1);
    expect(cs.multiFunction).toBe(true);
    expect(cs.header).toMatchObject({
      primary_bus: 0,
      secondary_bus: 2,
      subordinate_bus: 5,
      io_base: 0xf1,
      io_limit: 0x01,
      secondary_status: 0x2000,
      memory_base: 0xdf10,
      memory_limit: 0xdf20,
      prefetchable_memory_base: 0x9001,
      prefetchable_memory_limit: 0x9ff1,
      prefetchable_base_upper32: 4,
      prefetchable_limit_upper32: 4,
      capabilities_pointer: 0x40,
      expansion_rom: 0,
      interrupt_line: 0xff,
      interrupt_pin: 1,
      bridge_control: 0x0013,
    });
    expect(cs.bars).toEqual([]);
    expect(cs.classCode).toBe(0x060400);
  });

  it('decodes the PCI Express v2 and PM capabilities', () => {
    expect(cs.capabilities.map((c) => [c.pos, c.name, c.length])).toEqual([
      [0x40, 'PCI Express', 0x3c],
      [0x80, 'Power Management', 8],
    ]);
    const exp = capAt(cs.capabilities, 0, 0x10);
    expect(exp.info).toMatchObject({ version: 2, type: 4, type_name: 'Root Port' });
    expect(exp.fields).toMatchObject({ flags: 0x0142, devcap: 0x8001, lnkcap: 0x01710c43, lnksta: 0x7043, sltcap: 0x00080060, sltsta: 0x0140, devcap2: 0x83f, lnkcap2: 0x0e, lnkctl2: 3, sltsta2: 0 });
    expect(exp.info.lnkcap).toMatchObject({ sls: 3, mlw: 4, aspms: 3, port: 1 });
    expect(exp.info.sltcap).toMatchObject({ hpc: true, psn: 1 });
    expect(cs.capabilities[1].fields).toEqual({ cap_id: 1, cap_next: 0, pmc: 0xc803, pmcsr: 8, pmcsr_bse: 0, data: 0 });
    expect(capAt(cs.capabilities, 1, 0x01).info.pmc).toMatchObject({ version: 3, pme_support: 0x19 });
  });

  it('walks the extended capabilities', () => {
    expect(cs.extendedCapabilities.map((c) => [c.pos, c.id, c.version, c.name, c.next, c.length])).toEqual([
      [0x100, 1, 1, 'Advanced Error Reporting', 0x140, 0x40],
      [0x140, 0x0d, 1, 'Access Control Services', 0x150, 8],
      [0x150, 3, 1, 'Device Serial Number', 0, 12],
    ]);
    const [aer, acs, dsn] = [extCapAt(cs.extendedCapabilities, 0, 0x01), extCapAt(cs.extendedCapabilities, 1, 0x0d), extCapAt(cs.extendedCapabilities, 2, 0x03)];
    expect(aer.fields).toMatchObject({ uncor_status: 0x00100000, uncor_sever: 0x00462030 });
    expect(aer.fields.tlp_prefix_log).toBeUndefined(); // the next capability starts at +0x40
    expect(aer.info.uncor_status).toMatchObject({ unsup: true, dlp: false });
    expect(acs.fields).toEqual({ header: 0x1501000d, acs_cap: 0x1f, acs_ctrl: 0x0f });
    expect(dsn.fields.serial_number).toBe(0x0011223344556677n);
    expect(dsn.info.serial).toBe('00-11-22-33-44-55-66-77');
    expect(cs.diagnostics).toEqual([]);
  });
});

describe('truncated images', () => {
  it('a 64-byte dump: header decoded, capability pointer past the known bytes reported once', () => {
    const cs = decodeConfigSpace(virtioBlk(), { length: 64 });
    expect(cs.header.vendor_id).toBe(0x1af4);
    expect(cs.bars).toHaveLength(3);
    expect(cs.capabilities).toEqual([]);
    expect(codes(cs)).toEqual(['CAP_PTR_OUT_OF_RANGE', 'IMAGE_TRUNCATED']);
    expect(cs.diagnostics[0].offset).toBe(0x34);
    expect(cs.unclaimed).toEqual([]);
  });

  it('a capability cut by the known length is decoded as far as it goes', () => {
    const cs = decodeConfigSpace(virtioBlk(), { length: 0xa0 });
    const msix = cs.capabilities[0];
    expect(msix.fields).toEqual({ cap_id: 0x11, cap_next: 0x84, message_control: 0x8001, table: 1 });
    expect(msix.length).toBe(8);
    expect(codes(cs)).toEqual(['CAP_TRUNCATED', 'IMAGE_TRUNCATED']);
    expect(encodeConfigSpace(cs)).toEqual(virtioBlk());
  });

  it('fewer than 64 bytes: IMAGE_TOO_SHORT, fields past the length are absent (not read from filler)', () => {
    const cs = decodeConfigSpace(virtioBlk(), { length: 0x0c });
    expect(Object.keys(cs.header)).toEqual(['vendor_id', 'device_id', 'command', 'status', 'revision_id', 'prog_if', 'subclass', 'base_class']);
    expect(cs.classCode).toBe(0x010000);
    expect(cs.bars).toEqual([]);
    expect(codes(cs)).toEqual(['IMAGE_TOO_SHORT', 'IMAGE_TRUNCATED']);
    expect(cs.regions[0].length).toBe(0x0c);
  });

  it('an empty image', () => {
    const cs = decodeConfigSpace(new Uint8Array(0));
    expect(cs.header).toEqual({});
    expect(cs.classCode).toBeNull();
    expect(encodeConfigSpace(cs)).toEqual(new Uint8Array(0));
  });

  it('rejects an impossible length (a programming error)', () => {
    expect(() => decodeConfigSpace(new Uint8Array(64), { length: 65 })).toThrow(RangeError);
  });

  it('an extended capability past the known bytes', () => {
    const cs = decodeConfigSpace(rootPort(), { length: 0x148 });
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual([0x100, 0x140]);
    expect(cs.extendedCapabilities[1].fields).toEqual({ header: 0x1501000d, acs_cap: 0x1f, acs_ctrl: 0x0f });
    expect(codes(cs)).toEqual(['EXTCAP_TRUNCATED', 'IMAGE_TRUNCATED']);
  });
});

describe('encodeConfigSpace', () => {
  it('reproduces the fixtures byte for byte', () => {
    for (const b of [virtioBlk(), rootPort()]) expect(encodeConfigSpace(decodeConfigSpace(b))).toEqual(b);
  });

  it('an edited header field changes exactly its bytes', () => {
    const b = virtioBlk();
    const cs = decodeConfigSpace(b);
    const h = headerOf(cs, 0);
    h.command = 0x0403;
    h.bar1 = 0xfebd2000;
    const out = encodeConfigSpace(cs);
    const changed = [...out.keys()].filter((i) => out[i] !== b[i]);
    expect(changed).toEqual([0x04, 0x05, 0x15]);
    expect(out[4]).toBe(0x03);
    expect(out[5]).toBe(0x04);
    expect(out[0x15]).toBe(0x20);
  });

  it('an edited capability or extended capability register changes exactly its bytes', () => {
    const b = rootPort();
    const cs = decodeConfigSpace(b);
    capAt(cs.capabilities, 1, 0x01).fields.pmcsr = 0x0103;
    extCapAt(cs.extendedCapabilities, 2, 0x03).fields.serial_number = 0x0011223344556678n;
    const out = encodeConfigSpace(cs);
    const changed = [...out.keys()].filter((i) => out[i] !== b[i]);
    expect(changed).toEqual([0x84, 0x85, 0x154]);
  });

  test.prop(
    [
      fc.constantFrom(virtioBlk(), rootPort()),
      fc.nat(),
      fc.integer({ min: 0, max: 0xffff }),
    ],
    { numRuns: 1000 },
  )('editing any one decoded number field changes only bytes inside that field', (b, pick, value) => {
    const cs = decodeConfigSpace(b);
    const numeric = cs.layout.flatMap((p) =>
      p.struct.fields.filter((f) => f.kind !== 'u64' && f.kind !== 'bytes' && typeof p.value[f.name] === 'number').map((f) => ({ p, f })),
    );
    const { p, f } = numeric[pick % numeric.length];
    const v = value % (f.size === 1 ? 0x100 : 0x10000);
    p.value[f.name] = v;
    const out = encodeConfigSpace(cs);
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== b[i]) expect(i >= p.offset + f.offset && i < p.offset + f.offset + f.size).toBe(true);
    }
    expect(readUint(out, p.offset + f.offset, f.size as 1 | 2 | 4)).toBe(v);
  });
});

const anyImage = (size: number) =>
  fc.tuple(fc.uint8Array({ minLength: size, maxLength: size }), fc.boolean()).map(([b, withCaps]) => {
    // Half the images get Status bit 4 so the capability walk actually runs.
    if (withCaps) b[6] |= 0x10;
    return b;
  });

describe('properties over arbitrary images', () => {
  test.prop([anyImage(256)], { numRuns: 1000 })('256-byte round trip: encode(decode(b)) == b', (b) => {
    expect(encodeConfigSpace(decodeConfigSpace(b))).toEqual(b);
  });

  test.prop([anyImage(4096)], { numRuns: 1000 })('4096-byte round trip: encode(decode(b)) == b', (b) => {
    expect(encodeConfigSpace(decodeConfigSpace(b))).toEqual(b);
  });

  test.prop([anyImage(4096), fc.integer({ min: 0, max: 4096 })], { numRuns: 1000 })(
    'any known length: round trip, and nothing is decoded from bytes past it',
    (b, length) => {
      const cs = decodeConfigSpace(b, { length });
      expect(encodeConfigSpace(cs)).toEqual(b);
      for (const p of cs.layout) expect(p.end).toBeLessThanOrEqual(Math.max(length, p.offset));
      for (const r of cs.regions) expect(r.offset + r.length).toBeLessThanOrEqual(Math.max(length, r.offset));
      const other = b.slice();
      other.fill(0xa5, length);
      const cs2 = decodeConfigSpace(other, { length });
      expect(cs2.header).toEqual(cs.header);
      expect(cs2.capabilities.map((c) => c.fields)).toEqual(cs.capabilities.map((c) => c.fields));
      expect(cs2.extendedCapabilities.map((c) => c.fields)).toEqual(cs.extendedCapabilities.map((c) => c.fields));
      expect(cs2.diagnostics).toEqual(cs.diagnostics);
    },
  );

  test.prop(
    [
      fc.constantFrom(virtioBlk, rootPort),
      fc.array(fc.tuple(fc.nat(4095), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }),
    ],
    { numRuns: 1000 },
  )('mutated fixtures: never throws, round-trips, only known codes, walks bounded', (make, muts) => {
    const b = make();
    for (const [i, v] of muts) b[i % b.length] = v;
    const cs = decodeConfigSpace(b);
    expect(encodeConfigSpace(cs)).toEqual(b);
    for (const d of cs.diagnostics) expect(Object.keys(PCI_DIAGNOSTICS)).toContain(d.code);
    expect(cs.capabilities.length).toBeLessThanOrEqual(48);
    expect(new Set(cs.capabilities.map((c) => c.pos)).size).toBe(cs.capabilities.length);
    expect(new Set(cs.extendedCapabilities.map((c) => c.pos)).size).toBe(cs.extendedCapabilities.length);
    for (const c of cs.capabilities) expect(c.pos).toBeGreaterThanOrEqual(0x40);
  });

  // Capabilities at random places (1 to 48 of them), each pointing at any other of the set, so
  // the chain must loop; any IDs but 0xff, random or zero bodies.
  const stdLoops = arbCapChainImage({ size: 256, background: 'zero', headerType: 0, capIds: 'any', minCaps: 1, maxCaps: 48, links: 'any' });
  test.prop([stdLoops], { numRuns: 1000 })('every pointer loops back: the walk stops with CAP_LOOP and visits each capability once', ({ bytes: b, facts }) => {
    const cs = decodeConfigSpace(b);
    expect(codes(cs)).toContain('CAP_LOOP');
    expect(new Set(cs.capabilities.map((c) => c.pos)).size).toBe(cs.capabilities.length);
    expect(cs.capabilities.map((c) => c.pos)).toEqual(facts.walk);
    expect(encodeConfigSpace(cs)).toEqual(b);
  });

  const extLoops = arbCapChainImage({ size: 4096, background: 'zero', headerType: 0, maxCaps: 0, extCapIds: 'any', maxExtCaps: 200, links: 'any' });
  test.prop([extLoops], { numRuns: 1000 })('every extended pointer loops back: the walk stops with EXTCAP_LOOP', ({ bytes: b, facts }) => {
    // These images have no PCI Express capability: the walk is asked for.
    const cs = decodeConfigSpace(b, { forceExtendedCapabilities: true });
    expect(codes(cs)).toContain('EXTCAP_LOOP');
    expect(new Set(cs.extendedCapabilities.map((c) => c.pos)).size).toBe(cs.extendedCapabilities.length);
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual(facts.extWalk);
    expect(encodeConfigSpace(cs)).toEqual(b);
  });
});
