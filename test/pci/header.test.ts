import { describe, expect, it } from 'vitest';
import {
  decodeConfigSpace,
  encodeConfigSpace,
  pciClassDescription,
  pciClassName,
  pciHeaderCardbus,
  pciHeaderType0,
  pciHeaderType1,
} from '../../src/pci/index.js';
import { image } from './fixtures.js';
import { headerOf } from '../support/caps.js';

describe('header field tables', () => {
  it('are 64 bytes (CardBus 72) with the spec offsets', () => {
    expect(pciHeaderType0.size).toBe(64);
    expect(pciHeaderType1.size).toBe(64);
    expect(pciHeaderCardbus.size).toBe(0x48);
    const at = (s: typeof pciHeaderType0 | typeof pciHeaderType1 | typeof pciHeaderCardbus, n: string) => s.fields.find((f) => f.name === n)?.offset;
    expect(at(pciHeaderType0, 'bar5')).toBe(0x24);
    expect(at(pciHeaderType0, 'subsystem_id')).toBe(0x2e);
    expect(at(pciHeaderType0, 'expansion_rom')).toBe(0x30);
    expect(at(pciHeaderType0, 'max_lat')).toBe(0x3f);
    expect(at(pciHeaderType1, 'io_base_upper16')).toBe(0x30);
    expect(at(pciHeaderType1, 'expansion_rom')).toBe(0x38);
    expect(at(pciHeaderType1, 'bridge_control')).toBe(0x3e);
    expect(at(pciHeaderCardbus, 'capabilities_pointer')).toBe(0x14);
    expect(at(pciHeaderCardbus, 'subsystem_vendor_id')).toBe(0x40);
  });

  it('carry the access the device model applies', () => {
    const acc = (n: string) => pciHeaderType0.field(n as 'vendor_id').access;
    expect(acc('vendor_id')).toBe('ro');
    expect(acc('device_id')).toBe('ro');
    expect(acc('command')).toBe('rw');
    expect(acc('status')).toBe('ro');
    expect(acc('bar0')).toBe('rw');
    expect(acc('interrupt_line')).toBe('rw');
    expect(acc('interrupt_pin')).toBe('ro');
    expect(acc('reserved')).toBe('rsvd');
    const status = pciHeaderType0.field('status').bits!;
    const rw1c = status.filter((b) => b.access === 'rw1c').map((b) => b.name);
    expect(rw1c).toEqual(['parity', 'sig_target_abort', 'rec_target_abort', 'rec_master_abort', 'sig_system_error', 'detected_parity']);
    expect(pciHeaderType1.field('secondary_status').bits!.filter((b) => b.access === 'rw1c')).toHaveLength(6);
  });

  it('decodes command and status bits by name', () => {
    expect(pciHeaderType0.bits('command', 0x0507)).toMatchObject({ io: true, memory: true, master: true, special: false, serr: true, intx_disable: true });
    expect(pciHeaderType0.bits('status', 0x0290)).toMatchObject({ cap_list: true, fast_back: true, devsel: 1, detected_parity: false });
    expect(pciHeaderType0.bits('header_type', 0x81)).toEqual({ layout: 1, multi_function: true });
    expect(pciHeaderType0.bits('bist', 0xc5)).toMatchObject({ capable: true, start: true, completion_code: 5 });
  });
});

describe('class codes', () => {
  it('names base class, subclass and programming interface', () => {
    expect(pciClassName(0x010802)).toEqual({ baseClass: 'Mass storage controller', subclass: 'Non-Volatile memory controller', progIf: 'NVM Express' });
    expect(pciClassName(0x0c0330)).toEqual({ baseClass: 'Serial bus controller', subclass: 'USB controller', progIf: 'XHCI' });
    expect(pciClassName(0x020000).subclass).toBe('Ethernet controller');
    expect(pciClassName(0x777777)).toEqual({ baseClass: null, subclass: null, progIf: null });
    expect(pciClassDescription(0x060400)).toBe('Bridge / PCI bridge (Normal decode) [060400]');
    expect(pciClassDescription(0xee0000)).toBe('Class ee0000');
  });
});

describe('header layouts', () => {
  it('CardBus: cap pointer at 0x14, subsystem at 0x40, one BAR, no ROM', () => {
    const b = image(256, [
      [0x00, [0x4c, 0x10, 0x31, 0xac, 0x07, 0x00, 0x10, 0x02]],
      [0x08, [0x00, 0x00, 0x07, 0x06, 0x00, 0xa8, 0x82, 0x00]],
      [0x10, [0x00, 0x00, 0x00, 0xe0, 0xa0, 0x00, 0x00, 0x02]], // socket base e0000000, cap ptr a0, sec status 0x0200
      [0x18, [0x02, 0x03, 0x06, 0xb0]],
      [0x3c, [0x0b, 0x01, 0xc0, 0x05, 0x28, 0x10, 0x34, 0x12]], // bridge ctl 0x05c0, subsystem 1028:1234
      [0xa0, [0x01, 0x00, 0x02, 0xfe, 0x00, 0x00, 0x00, 0x00]],
    ]);
    const cs = decodeConfigSpace(b);
    expect(cs.headerType).toBe(2);
    expect(cs.multiFunction).toBe(true);
    expect(cs.header).toMatchObject({ cb_socket_base: 0xe0000000, capabilities_pointer: 0xa0, secondary_status: 0x0200, card_bus: 3, subsystem_vendor_id: 0x1028, subsystem_id: 0x1234 });
    expect(cs.bars.map((x) => [x.index, x.kind, x.address])).toEqual([[0, 'mem32', 0xe0000000n]]);
    expect(cs.rom).toBeNull();
    expect(cs.capabilities.map((c) => [c.pos, c.name])).toEqual([[0xa0, 'Power Management']]);
    expect(cs.regions[0].length).toBe(0x48);
    expect(cs.diagnostics).toEqual([]);
    expect(encodeConfigSpace(cs)).toEqual(b);
    // A 64-byte dump of the same bridge: subsystem IDs at 0x40 are not available.
    const short = decodeConfigSpace(b, { length: 64 });
    expect(headerOf(short, 2).subsystem_vendor_id).toBeUndefined();
    expect(short.diagnostics.map((d) => d.code)).toEqual(['IMAGE_TRUNCATED', 'CAP_PTR_OUT_OF_RANGE']);
  });

  it('unknown header type: common header only, diagnostic, no BARs or capabilities', () => {
    const b = image(256, [[0x00, [0x34, 0x12, 0x78, 0x56, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0]], [0x10, [0x00, 0x00, 0x00, 0xe0]], [0x34, [0x40]], [0x40, [0x01, 0x00]]]);
    const cs = decodeConfigSpace(b);
    expect(cs.headerType).toBe(0x7f);
    expect(Object.keys(cs.header)).toHaveLength(12);
    expect(cs.bars).toEqual([]);
    expect(cs.capabilities).toEqual([]);
    expect(cs.diagnostics.map((d) => [d.code, d.offset])).toEqual([['HEADER_TYPE_UNKNOWN', 0x0e]]);
    expect(cs.unclaimed).toEqual([{ offset: 16, length: 240 }]);
    expect(encodeConfigSpace(cs)).toEqual(b);
  });

  it('ROM register: type 0 at 0x30, type 1 at 0x38; 0 and 0xffffffff mean none', () => {
    const t0 = decodeConfigSpace(image(64, [[0x30, [0x01, 0x08, 0xfc, 0xfe]]]));
    expect(t0.rom).toEqual({ offset: 0x30, address: 0xfefc0800n, enabled: true, raw: 0xfefc0801 });
    const t1 = decodeConfigSpace(image(64, [[0x0e, [1]], [0x38, [0x00, 0x00, 0x0c, 0xf0]]]));
    expect(t1.rom).toEqual({ offset: 0x38, address: 0xf00c0000n, enabled: false, raw: 0xf00c0000 });
    expect(decodeConfigSpace(image(64, [[0x30, [0xff, 0xff, 0xff, 0xff]]])).rom).toBeNull();
  });
});
