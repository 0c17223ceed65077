import { describe, expect, it } from 'vitest';
import { decodeConfigSpace, encodeConfigSpace, pciExtCapName, type ConfigSpace } from '../../src/pci/index.js';
import { image } from './fixtures.js';
import { extCapAt } from '../support/caps.js';

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const hdr = (id: number, version: number, next: number) => le32(((next << 20) | (version << 16) | id) >>> 0);
const codes = (cs: ConfigSpace) => cs.diagnostics.map((d) => [d.code, d.offset]);
/** A PCI Express function (status cap list, a v2 Express capability at 0x40): its 0x100.. is config space. */
const PCIE_FN = [
  [0x06, [0x10]],
  [0x34, [0x40]],
  [0x40, [0x10, 0x00, 0x02, 0x00]],
] as const;
const ext = (extRows: ReadonlyArray<readonly [number, readonly number[]]>, size = 4096) => {
  const rows = [...PCIE_FN, ...extRows];
  const cs = decodeConfigSpace(image(size, rows));
  expect(encodeConfigSpace(cs)).toEqual(image(size, rows));
  return cs;
};

describe('extended capability walk', () => {
  it('is not walked in a 256-byte image', () => {
    expect(ext([[0x100 - 4, [0]]], 256).extendedCapabilities).toEqual([]);
  });

  it('ends at a header of 0 or 0xffffffff', () => {
    expect(ext([]).extendedCapabilities).toEqual([]);
    expect(ext([[0x100, [0xff, 0xff, 0xff, 0xff]]]).extendedCapabilities).toEqual([]);
    const cs = ext([[0x100, hdr(0x18, 1, 0x200)], [0x200, [0xff, 0xff, 0xff, 0xff]]]);
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual([0x100]);
    expect(cs.diagnostics).toEqual([]);
  });

  it('reports a next pointer below 0x100', () => {
    const cs = ext([[0x100, hdr(0x18, 1, 0x0fc)]]);
    expect(cs.extendedCapabilities).toHaveLength(1);
    expect(codes(cs)).toEqual([['EXTCAP_PTR_INVALID', 0x100]]);
  });

  it('reports a loop', () => {
    const cs = ext([[0x100, hdr(0x18, 1, 0x180)], [0x180, hdr(0x0e, 1, 0x100)]]);
    expect(cs.extendedCapabilities.map((c) => c.pos)).toEqual([0x100, 0x180]);
    expect(codes(cs)).toEqual([['EXTCAP_LOOP', 0x180]]);
  });

  it('masks the low two bits of next', () => {
    const cs = ext([[0x100, hdr(0x18, 1, 0x183)], [0x180, hdr(0x0e, 1, 0)]]);
    expect(cs.extendedCapabilities.map((c) => [c.pos, c.next])).toEqual([
      [0x100, 0x183],
      [0x180, 0],
    ]);
  });

  it('names every listed ID; unknown ones keep the 4-byte header only', () => {
    expect(pciExtCapName(0x23)).toBe('Designated Vendor-Specific');
    expect(pciExtCapName(0x3a)).toBe('Captured Data');
    expect(pciExtCapName(0x2d)).toBe('Unknown (0x002d)');
    const cs = ext([[0x100, [...hdr(0x1d, 1, 0x140), 1, 2, 3, 4]], [0x140, hdr(0x7777, 2, 0)]]);
    expect(cs.extendedCapabilities.map((c) => [c.name, c.version, c.length])).toEqual([
      ['Downstream Port Containment', 1, 4],
      ['Unknown (0x7777)', 2, 4],
    ]);
  });
});

describe('extended capability decoders', () => {
  it('SR-IOV: all registers, VF BARs raw and decoded', () => {
    const rows = [
      [0x100, hdr(0x10, 1, 0)],
      [0x104, [...le32(0x00000002), 0x19, 0x00, 0x00, 0x00, 0x08, 0x00, 0x40, 0x00, 0x04, 0x00, 0x00, 0x00, 0x80, 0x00, 0x02, 0x00]],
      [0x118, [0x00, 0x00, 0x4c, 0x15, ...le32(0x553), ...le32(1)]],
      [0x124, [...le32(0xf800000c), ...le32(0x00000004), ...le32(0xfa000000), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...le32(0x00001003)]],
    ] as const;
    const cs = ext(rows);
    const c = extCapAt(cs.extendedCapabilities, 0, 0x10);
    expect(c.name).toBe('Single Root I/O Virtualization');
    expect(c.length).toBe(0x40);
    expect(c.fields).toMatchObject({
      sriov_cap: 2,
      sriov_ctrl: 0x19,
      sriov_status: 0,
      initial_vfs: 8,
      total_vfs: 64,
      num_vfs: 4,
      func_dep_link: 0,
      vf_offset: 0x80,
      vf_stride: 2,
      vf_device_id: 0x154c,
      supported_page_sizes: 0x553,
      system_page_size: 1,
      vf_bar0: 0xf800000c,
      vf_bar1: 4,
      vf_bar2: 0xfa000000,
      vf_bar5: 0,
      vf_migration_state: 0x1003,
    });
    expect(c.info.vf_bars.map((b) => [b.index, b.offset, b.kind, b.address])).toEqual([
      [0, 0x124, 'mem64', 0x4_f8000000n],
      [2, 0x12c, 'mem32', 0xfa000000n],
    ]);
    expect(c.info.sriov_ctrl).toMatchObject({ vf_enable: true, vf_mse: true, ari: true });
  });

  it('Resizable BAR: one (cap, ctrl) pair per resizable BAR', () => {
    const cs = ext([
      [0x100, hdr(0x15, 1, 0)],
      [0x104, [...le32(0x00000ff0), ...le32(0x00000440), ...le32(0x00003000), ...le32(0x00000102)]],
    ]);
    const c = extCapAt(cs.extendedCapabilities, 0, 0x15);
    expect(c.length).toBe(4 + 16);
    expect(c.fields).toEqual({
      header: 0x00010015,
      entries: [
        { rebar_cap: 0xff0, rebar_ctrl: 0x440 },
        { rebar_cap: 0x3000, rebar_ctrl: 0x102 },
      ],
    });
    const info = c.info.entries;
    expect(info[0].bar_index).toBe(0);
    expect(info[0].supported_sizes[0]).toBe(1n << 20n);
    expect(info[0].supported_sizes).toHaveLength(8);
    expect(info[0].current_size).toBe(1n << 24n);
    expect(info[1]).toEqual({ bar_index: 2, supported_sizes: [1n << 28n, 1n << 29n], current_size: 1n << 21n });
    // An edited entry is written back.
    c.fields.entries![1]!.rebar_ctrl = 0x302;
    expect(encodeConfigSpace(cs)[0x111]).toBe(0x03);
  });

  it('Resizable BAR with a bad count', () => {
    const cs = ext([[0x100, hdr(0x15, 1, 0)], [0x104, [...le32(0x10), ...le32(0x000000e0)]]]);
    expect(codes(cs)).toEqual([['REBAR_COUNT_INVALID', 0x108]]);
    expect(extCapAt(cs.extendedCapabilities, 0, 0x15).fields.entries).toHaveLength(6);
  });

  it('LTR, L1 PM substates, ARI, ATS', () => {
    const cs = ext([
      [0x100, [...hdr(0x18, 1, 0x110), 0x46, 0x08, 0x46, 0x0c]],
      [0x110, [...hdr(0x1e, 1, 0x120), ...le32(0x0028281f), ...le32(0x4060280f), ...le32(0x00000028)]],
      [0x120, [...hdr(0x0e, 1, 0x130), 0x00, 0x02, 0x01, 0x00]],
      [0x130, [...hdr(0x0f, 1, 0), 0x20, 0x00, 0x00, 0x80]],
    ]);
    const x = cs.extendedCapabilities;
    const [ltr, l1ss, ari, ats] = [extCapAt(x, 0, 0x18), extCapAt(x, 1, 0x1e), extCapAt(x, 2, 0x0e), extCapAt(x, 3, 0x0f)];
    expect(ltr.fields).toEqual({ header: 0x11010018, max_snoop_latency: 0x0846, max_no_snoop_latency: 0x0c46 });
    expect(ltr.info).toEqual({ max_snoop_latency_ns: 70n << 10n, max_no_snoop_latency_ns: 70n << 15n });
    expect(l1ss.fields).toEqual({ header: 0x1201001e, l1ss_cap: 0x0028281f, l1ss_ctl1: 0x4060280f, l1ss_ctl2: 0x28 });
    expect(l1ss.info.l1ss_cap).toMatchObject({ pcipm_l1_2: true, aspm_l1_1: true, l1_pm_ss: true, common_mode_restore_time: 0x28 });
    expect(ari.fields).toEqual({ header: 0x1301000e, ari_cap: 0x0200, ari_ctrl: 1 });
    expect(ari.info.ari_cap).toMatchObject({ next_function: 2 });
    expect(ats.fields).toEqual({ header: 0x0001000f, ats_cap: 0x20, ats_ctrl: 0x8000 });
    expect(ats.info.ats_ctrl).toMatchObject({ enable: true, stu: 0 });
  });

  it('ACS with an egress control vector', () => {
    const cs = ext([[0x100, [...hdr(0x0d, 1, 0), 0x7f, 0x28, 0x1f, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22]]]);
    const c = extCapAt(cs.extendedCapabilities, 0, 0x0d);
    expect(c.length).toBe(16); // 0x28 = 40 bits -> two dwords
    expect(c.fields.egress_control_vector).toEqual(Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22));
    expect(c.info.acs_cap).toMatchObject({ ec: true, egress_control_vector_size: 0x28 });
  });

  it('VSEC and DVSEC headers and bodies', () => {
    const cs = ext([
      [0x100, [...hdr(0x0b, 1, 0x140), ...le32((12 << 20) | (1 << 16) | 0x1234), 0xde, 0xad, 0xbe, 0xef]],
      [0x140, [...hdr(0x23, 1, 0x180), ...le32((16 << 20) | (2 << 16) | 0x1e98), 0x03, 0x00, 1, 2, 3, 4, 5, 6]],
      [0x180, [...hdr(0x0b, 1, 0), ...le32((4 << 20) | 0x1)]],
    ]);
    const x = cs.extendedCapabilities;
    const [v, d, bad] = [extCapAt(x, 0, 0x0b), extCapAt(x, 1, 0x23), extCapAt(x, 2, 0x0b)];
    expect(v.fields).toEqual({ header: 0x1401000b, vsec_header: 0x00c11234, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    expect(v.info).toEqual({ vsec_id: 0x1234, vsec_rev: 1, vsec_length: 12 });
    expect(d.length).toBe(16);
    expect(d.info).toEqual({ dvsec_vendor_id: 0x1e98, dvsec_rev: 2, dvsec_length: 16, dvsec_id: 3 });
    expect(d.fields.data).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(bad.length).toBe(8);
    expect(codes(cs)).toEqual([['EXTCAP_LEN_INVALID', 0x184]]);
  });

  it('AER: every register of the 0x48-byte structure', () => {
    const rows: Array<readonly [number, number[]]> = [[0x100, hdr(0x01, 2, 0)]];
    for (let o = 4; o < 0x48; o++) rows.push([0x100 + o, [o]]);
    const c = extCapAt(ext(rows).extendedCapabilities, 0, 0x01);
    expect(c.length).toBe(0x48);
    expect(Object.keys(c.fields)).toEqual([
      'header',
      'uncor_status',
      'uncor_mask',
      'uncor_sever',
      'cor_status',
      'cor_mask',
      'cap_ctrl',
      'header_log',
      'root_command',
      'root_status',
      'error_source',
      'tlp_prefix_log',
    ]);
    expect(c.fields.error_source).toBe(0x37363534);
    expect(c.fields.tlp_prefix_log?.[15]).toBe(0x47);
  });
});
