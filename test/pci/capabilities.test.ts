import { describe, expect, it } from 'vitest';
import {
  decodeConfigSpace,
  encodeConfigSpace,
  PCI_CAP_WALK_LIMIT,
  pciCapName,
  pciMsixTableEntry,
  type ConfigSpace,
} from '../../src/pci/index.js';
import { image } from './fixtures.js';
import { capAt } from '../support/caps.js';

const codes = (cs: ConfigSpace) => cs.diagnostics.map((d) => [d.code, d.offset]);

/** A type 0 image with Status bit 4 (unless `status` says otherwise), cap pointer and rows. */
function withCaps(ptr: number, rows: ReadonlyArray<readonly [number, readonly number[]]>, opts: { status?: number; size?: number } = {}) {
  return image(opts.size ?? 256, [[0x06, [opts.status ?? 0x10, 0]], [0x34, [ptr]], ...rows]);
}

describe('capability walk rules', () => {
  it('does not walk without Status bit 4 and reports a non-zero pointer', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x01, 0x00]]], { status: 0 }));
    expect(cs.capabilities).toEqual([]);
    expect(codes(cs)).toEqual([['CAPS_WITHOUT_STATUS_BIT', 0x34]]);
    expect(decodeConfigSpace(withCaps(0, [], { status: 0 })).diagnostics).toEqual([]);
  });

  it('masks the low two pointer bits and says so', () => {
    const cs = decodeConfigSpace(withCaps(0x43, [[0x40, [0x01, 0x52]], [0x50, [0x05, 0x00]]]));
    expect(cs.capabilities.map((c) => c.pos)).toEqual([0x40, 0x50]);
    expect(cs.capabilities[0].next).toBe(0x52);
    expect(codes(cs)).toEqual([
      ['CAP_PTR_UNALIGNED', 0x34],
      ['CAP_PTR_UNALIGNED', 0x41],
    ]);
  });

  it('reports a pointer into the header and does not follow it, keeping what came before', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x01, 0x3c]]]));
    expect(cs.capabilities.map((c) => c.pos)).toEqual([0x40]);
    expect(codes(cs)).toEqual([['CAP_PTR_IN_HEADER', 0x41]]);
    expect(codes(decodeConfigSpace(withCaps(0x10, [])))).toEqual([['CAP_PTR_IN_HEADER', 0x34]]);
  });

  it('stops at a loop', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x01, 0x50]], [0x50, [0x05, 0x40]]]));
    expect(cs.capabilities.map((c) => c.pos)).toEqual([0x40, 0x50]);
    expect(codes(cs)).toEqual([['CAP_LOOP', 0x51]]);
    const self = decodeConfigSpace(withCaps(0x40, [[0x40, [0x01, 0x40]]]));
    expect(codes(self)).toEqual([['CAP_LOOP', 0x41]]);
  });

  it('stops at ID 0xff', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x01, 0x50]], [0x50, [0xff, 0x60]], [0x60, [0x05, 0x00]]]));
    expect(cs.capabilities.map((c) => c.pos)).toEqual([0x40]);
    expect(codes(cs)).toEqual([['CAP_ID_FF', 0x50]]);
  });

  it('walks a full list of 48 capabilities (the Linux TTL) and no more', () => {
    const rows: Array<readonly [number, number[]]> = [];
    for (let p = 0x40; p <= 0xfc; p += 4) rows.push([p, [0x0a, p === 0xfc ? 0x40 : p + 4]]);
    const cs = decodeConfigSpace(withCaps(0x40, rows));
    expect(cs.capabilities).toHaveLength(PCI_CAP_WALK_LIMIT);
    expect(codes(cs)).toEqual([['CAP_LOOP', 0xfd]]);
  });

  it('reports a capability body past 0x100 in a 4096-byte image, without calling the image truncated', () => {
    const cs = decodeConfigSpace(withCaps(0xf8, [[0xf8, [0x11, 0x00, 0x03, 0x00, 0x00, 0x20, 0x00, 0x00]], [0x100, [1, 2, 3, 0]]], { size: 4096 }));
    expect(cs.capabilities[0].fields).toEqual({ cap_id: 0x11, cap_next: 0, message_control: 3, table: 0x2000 });
    expect(cs.capabilities[0].length).toBe(8);
    // The table register names BAR 0, which this image does not have.
    // No PCI Express capability: Linux gives the function 256 bytes, so 0x100.. is reported too.
    expect(codes(cs)).toEqual([
      ['CAP_TRUNCATED', 0xf8],
      ['MSIX_BIR_NO_BAR', 0xfc],
      ['EXT_CFG_NOT_CONFIG_SPACE', 0x100],
    ]);
  });

  it('names every standard ID and keeps unknown ones raw (two-byte header)', () => {
    expect(pciCapName(0x07)).toBe('PCI-X');
    expect(pciCapName(0x15)).toBe('Flattening Portal Bridge');
    expect(pciCapName(0x42)).toBe('Unknown (0x42)');
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x07, 0x48, 0xaa, 0xbb]], [0x48, [0x42, 0x00, 0xcc]]]));
    expect(cs.capabilities.map((c) => [c.name, c.length, c.fields])).toEqual([
      ['PCI-X', 2, { cap_id: 7, cap_next: 0x48 }],
      ['Unknown (0x42)', 2, { cap_id: 0x42, cap_next: 0 }],
    ]);
    expect(cs.unclaimed).toEqual([
      { offset: 0x42, length: 6 },
      { offset: 0x4a, length: 0xb6 },
    ]);
  });
});

describe('MSI', () => {
  const msi = (control: number) => decodeConfigSpace(withCaps(0x50, [[0x50, [0x05, 0x00, control & 0xff, control >> 8, 0x00, 0x10, 0xe0, 0xfe, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0xf1]]])).capabilities[0];

  it('picks one of four layouts from the 64-bit and per-vector-mask flags', () => {
    const a = msi(0x0001);
    expect([a.length, a.fields]).toEqual([10, { cap_id: 5, cap_next: 0, message_control: 1, message_address: 0xfee01000, message_data: 0x2211 }]);
    expect(a.info).toMatchObject({ vectors_capable: 1, vectors_enabled: 1, address: 0xfee01000n });
    const b = msi(0x0100);
    expect([b.length, b.fields]).toEqual([20, { cap_id: 5, cap_next: 0, message_control: 0x100, message_address: 0xfee01000, message_data: 0x2211, ext_message_data: 0x4433, mask_bits: 0x88776655, pending_bits: 0xccbbaa99 }]);
    const c = msi(0x0086);
    expect([c.length, c.fields]).toEqual([14, { cap_id: 5, cap_next: 0, message_control: 0x86, message_address: 0xfee01000, message_upper_address: 0x44332211, message_data: 0x6655 }]);
    expect(c.info).toMatchObject({ vectors_capable: 8, vectors_enabled: 1, address: 0x44332211_fee01000n });
    const d = msi(0x0180);
    expect([d.length, d.fields]).toEqual([24, { cap_id: 5, cap_next: 0, message_control: 0x180, message_address: 0xfee01000, message_upper_address: 0x44332211, message_data: 0x6655, ext_message_data: 0x8877, mask_bits: 0xccbbaa99, pending_bits: 0xf1f0eedd }]);
  });
});

describe('MSI-X table entry', () => {
  it('is 16 bytes: address low/high, data, vector control (bit 0 masked)', () => {
    const b = Uint8Array.of(0x00, 0x10, 0xe0, 0xfe, 0, 0, 0, 0, 0x21, 0x43, 0, 0, 0x01, 0, 0, 0);
    const e = pciMsixTableEntry.decode(b);
    expect(e).toEqual({ lower_address: 0xfee01000, upper_address: 0, message_data: 0x4321, vector_control: 1 });
    expect(pciMsixTableEntry.bits('vector_control', e.vector_control).masked).toBe(true);
    expect(pciMsixTableEntry.toBytes(e)).toEqual(b);
    expect(pciMsixTableEntry.size).toBe(16);
  });
});

describe('PCI Express', () => {
  const exp = (flags: number) => capAt(decodeConfigSpace(withCaps(0x40, [[0x40, [0x10, 0x00, flags & 0xff, flags >> 8]]])).capabilities, 0, 0x10);

  it('claims the version 1 registers the port type has, and all 60 bytes for version 2', () => {
    expect(exp(0x0001).length).toBe(0x14); // v1 endpoint
    expect(exp(0x0091).length).toBe(0x0c); // v1 root complex integrated endpoint
    expect(exp(0x0141).length).toBe(0x24); // v1 root port with slot
    expect(exp(0x0002).length).toBe(0x3c);
    expect(exp(0x0001).fields.sltcap).toBeUndefined();
    expect(exp(0x0002).fields.sltsta2).toBe(0);
    expect(exp(0x0062).info).toMatchObject({ version: 2, type: 6, type_name: 'Downstream Port' });
  });

  it('reports an unknown version', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x10, 0x00, 0x03, 0x00]]]));
    expect(codes(cs)).toEqual([['PCIE_CAP_VERSION_UNKNOWN', 0x42]]);
    expect(cs.capabilities[0].length).toBe(0x3c);
  });
});

describe('vendor-specific capabilities', () => {
  it('claim cap_len bytes and keep the body raw', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x09, 0x00, 0x06, 0xaa, 0xbb, 0xcc, 0xdd]]]));
    expect(cs.capabilities[0].fields).toEqual({ cap_vndr: 9, cap_next: 0, cap_len: 6, data: Uint8Array.of(0xaa, 0xbb, 0xcc) });
    expect(cs.capabilities[0].length).toBe(6);
  });

  it('report a length below the header and claim the header only', () => {
    const cs = decodeConfigSpace(withCaps(0x40, [[0x40, [0x09, 0x00, 0x01]]]));
    expect(cs.capabilities[0].length).toBe(3);
    expect(codes(cs)).toEqual([['VENDOR_CAP_LEN_INVALID', 0x42]]);
  });

  it('an edited vendor field is written back by the hook encoder', () => {
    const b = withCaps(0x40, [[0x40, [0x09, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05]]]);
    const cs = decodeConfigSpace(b, {
      vendorCaps: [
        (ctx) => {
          const fields = { value: ctx.bytes[ctx.pos + 3] };
          return { kind: 't', name: 't', fields, length: 8, regions: [], diagnostics: [], encode: (out) => void (out[ctx.pos + 3] = fields.value) };
        },
      ],
    });
    (cs.capabilities[0].vendor!.fields as { value: number }).value = 0x7f;
    const out = encodeConfigSpace(cs);
    expect(out[0x43]).toBe(0x7f);
    expect([...out.keys()].filter((i) => out[i] !== b[i])).toEqual([0x43]);
  });
});
