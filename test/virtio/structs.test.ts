import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  buildVirtioCap,
  commonCfgLayoutFor,
  commonCfgRequiredLength,
  decodeCommonCfg,
  decodeIsr,
  decodeVirtioCap,
  encodeCommonCfg,
  encodeIsr,
  encodeVirtioCap,
  legacyDeviceConfigOffset,
  legacyQueueAddress,
  legacyQueuePfn,
  virtioLegacyHeader,
  virtioLegacyHeaderMsix,
  virtioPciCap,
  virtioPciCap64,
  virtioPciCfgCap,
  virtioPciCommonCfg,
  virtioPciCommonCfg12,
  virtioPciModernCommonCfg,
  virtioPciNotifyCap,
  virtioCfgTypeName,
  VIRTIO_PCI_COMMON_CFG_OFFSETS,
} from '../../src/virtio/index.js';

const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);

describe('capability structures', () => {
  it('have the sizes of the spec', () => {
    expect(virtioPciCap.size).toBe(16);
    expect(virtioPciNotifyCap.size).toBe(20);
    expect(virtioPciCfgCap.size).toBe(20);
    expect(virtioPciCap64.size).toBe(24);
    expect(virtioPciNotifyCap.field('notify_off_multiplier').offset).toBe(16);
    expect(virtioPciCfgCap.field('pci_cfg_data').size).toBe(4);
    expect(virtioPciCfgCap.field('bar').access).toBe('rw');
    expect(virtioPciCap.field('bar').access).toBe('ro');
  });

  it('names every cfg_type', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0].map(virtioCfgTypeName)).toEqual([
      'common', 'notify', 'isr', 'device', 'pci_cfg', 'reserved', 'reserved', 'shared_memory', 'vendor', 'reserved', 'reserved',
    ]);
  });

  it('decodes a QEMU notify cap', () => {
    // QEMU: notify cap in BAR4 at 0x3000, length 0x1000, multiplier 4.
    const img = new Uint8Array(256);
    img.set(buildVirtioCap({ cfg_type: 2, cap_next: 0x84, bar: 4, offset: 0x3000, length: 0x1000, notify_off_multiplier: 4 }), 0x70);
    expect(Array.from(img.slice(0x70, 0x84))).toEqual([
      0x09, 0x84, 0x14, 0x02, 0x04, 0, 0, 0, 0x00, 0x30, 0, 0, 0x00, 0x10, 0, 0, 4, 0, 0, 0,
    ]);
    const c = decodeVirtioCap(img, 0x70);
    expect(c).toMatchObject({ cfg_type: 2, typeName: 'notify', bar: 4, offset: 0x3000n, length: 0x1000n, notify_off_multiplier: 4, cap_next: 0x84 });
    expect(c.diagnostics).toEqual([]);
  });

  it('decodes cap64 offsets and lengths as 64-bit', () => {
    const b = buildVirtioCap({ cfg_type: 8, bar: 2, id: 1, offset: 0x1_0000_0000n, length: 0x2_8000_0000n });
    expect(b.length).toBe(24);
    const c = decodeVirtioCap(b, 0);
    expect(c).toMatchObject({ typeName: 'shared_memory', id: 1, offset: 0x1_0000_0000n, length: 0x2_8000_0000n });
    expect(c.fields).toMatchObject({ offset: 0, offset_hi: 1, length: 0x8000_0000, length_hi: 2 });
  });

  it('decodes the vendor-data cap without bar/offset/length', () => {
    const b = buildVirtioCap({ cfg_type: 9, vendor_id: 0x8086, extra: Uint8Array.of(1, 2) });
    const c = decodeVirtioCap(b, 0);
    expect(c).toMatchObject({ typeName: 'vendor', vendor_id: 0x8086, bar: null, offset: null, length: null, cap_len: 8 });
    expect(Array.from(c.extra)).toEqual([1, 2]);
    expect(codes(decodeVirtioCap(buildVirtioCap({ cfg_type: 9, vendor_id: 0x1af4, cap_len: 7 }), 0).diagnostics)).toEqual([
      'VIRTIO_VENDOR_DATA_LEN',
      'VIRTIO_VENDOR_DATA_VENDOR_ID',
    ]);
  });

  it('keeps reserved cfg_types raw', () => {
    const b = Uint8Array.of(0x09, 0, 8, 6, 0xaa, 0xbb, 0xcc, 0xdd);
    const c = decodeVirtioCap(b, 0);
    expect(c.typeName).toBe('reserved');
    expect(codes(c.diagnostics)).toEqual(['VIRTIO_CAP_CFG_TYPE_RESERVED']);
    expect(Array.from(c.extra)).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    const out = new Uint8Array(8);
    encodeVirtioCap(c, out);
    expect(out).toEqual(b);
  });

  it('never reads the multiplier past a short cap_len silently', () => {
    // cap_len 16 on a notify cap: the multiplier is not part of the cap; it is at cap+16, never cap+cap_len.
    const img = new Uint8Array(40);
    img.set(buildVirtioCap({ cfg_type: 2, cap_len: 16, bar: 4, offset: 0x3000, length: 0x1000, notify_off_multiplier: 4 }), 0);
    const c = decodeVirtioCap(img, 0);
    expect(c.notify_off_multiplier).toBeNull();
    expect(c.multiplierAtCap16).toBe(4);
    expect(codes(c.diagnostics)).toEqual(['VIRTIO_CAP_SHORT']);
    expect(c.missing).toEqual(['notify_off_multiplier']);
  });

  it('reports a cap cut by the end of the image', () => {
    const img = new Uint8Array(80);
    img.set(buildVirtioCap({ cfg_type: 1, bar: 4, offset: 0, length: 0x1000 }), 0x38);
    const c = decodeVirtioCap(img, 0x38, 0x42);
    expect(codes(c.diagnostics)).toEqual(['VIRTIO_CAP_TRUNCATED']);
    expect(c.offset).toBeNull();
    expect(c.bar).toBe(4);
    expect(c.fragment.length).toBe(2);
  });

  test.prop([fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(63), fc.integer({ min: 0, max: 64 })], { numRuns: 1000 })(
    'decode never throws and encode gives back the decoded bytes',
    (b, pos, known) => {
      const c = decodeVirtioCap(b, pos, known);
      const out = b.slice();
      out.fill(0, pos, pos + c.decodedLength);
      encodeVirtioCap(c, out);
      expect(out).toEqual(b);
    },
  );
});

describe('common configuration', () => {
  it('has the 1.0, 1.2 and 1.3 layouts', () => {
    expect(virtioPciCommonCfg.size).toBe(56);
    expect(virtioPciCommonCfg12.size).toBe(60);
    expect(virtioPciModernCommonCfg.size).toBe(64);
    expect(VIRTIO_PCI_COMMON_CFG_OFFSETS).toMatchObject({
      device_feature_select: 0, device_feature: 4, driver_feature_select: 8, driver_feature: 12, msix_config: 16,
      num_queues: 18, device_status: 20, config_generation: 21, queue_select: 22, queue_size: 24, queue_msix_vector: 26,
      queue_enable: 28, queue_notify_off: 30, queue_desc: 32, queue_driver: 40, queue_device: 48, queue_notify_data: 56,
      queue_reset: 58, admin_queue_index: 60, admin_queue_num: 62,
    });
    expect(commonCfgLayoutFor(56)).toBe('1.0');
    expect(commonCfgLayoutFor(60)).toBe('1.2');
    expect(commonCfgLayoutFor(0x1000n)).toBe('1.3');
  });

  it('has the access the spec gives each field', () => {
    const ro = virtioPciModernCommonCfg.fields.filter((f) => f.access === 'ro').map((f) => f.name).sort();
    expect(ro).toEqual(['admin_queue_index', 'admin_queue_num', 'config_generation', 'device_feature', 'num_queues', 'queue_notify_data', 'queue_notify_off'].sort());
    expect(virtioPciModernCommonCfg.fields.every((f) => f.access === 'ro' || f.access === 'rw')).toBe(true);
  });

  it('decodes only the fields the length covers', () => {
    const b = new Uint8Array(64).map((_, i) => i);
    const r = decodeCommonCfg(b, 0, 60);
    expect(r.layout).toBe('1.2');
    expect(r.value.queue_reset).toBe(58 | (59 << 8));
    expect(r.value.admin_queue_index).toBeUndefined();
    expect(r.missing.map((f) => f.name)).toEqual(['admin_queue_index', 'admin_queue_num']);
    expect(r.value.queue_desc).toBe(0x2726252423222120n);
    const out = new Uint8Array(64);
    encodeCommonCfg(r.value, out, 0, 60);
    expect(out.slice(0, 60)).toEqual(b.slice(0, 60));
    expect(out.slice(60)).toEqual(new Uint8Array(4));
  });

  it('knows the length features need', () => {
    expect(commonCfgRequiredLength(0n)).toBe(56);
    expect(commonCfgRequiredLength(1n << 39n)).toBe(58);
    expect(commonCfgRequiredLength([0, 1 << 8])).toBe(60);
    expect(commonCfgRequiredLength(1n << 41n)).toBe(64);
  });
});

describe('ISR and legacy layout', () => {
  it('names ISR bits', () => {
    expect(decodeIsr(0x03)).toEqual({ queue_interrupt: true, device_config_interrupt: true, reserved: 0 });
    expect(decodeIsr(0x82)).toEqual({ queue_interrupt: false, device_config_interrupt: true, reserved: 0x20 });
    for (let v = 0; v < 256; v++) expect(encodeIsr(decodeIsr(v))).toBe(v);
  });

  it('places legacy registers', () => {
    expect(virtioLegacyHeader.size).toBe(20);
    expect(virtioLegacyHeaderMsix.size).toBe(24);
    expect(virtioLegacyHeader.field('queue_notify').offset).toBe(16);
    expect(virtioLegacyHeaderMsix.field('msi_config_vector').offset).toBe(20);
    expect(virtioLegacyHeaderMsix.field('msi_queue_vector').offset).toBe(22);
    expect(legacyDeviceConfigOffset(false)).toBe(20);
    expect(legacyDeviceConfigOffset(true)).toBe(24);
    expect(legacyQueueAddress(0x12345)).toBe(0x12345000n);
    expect(legacyQueueAddress(0xffffffff)).toBe(0xffffffff000n);
    expect(legacyQueuePfn(0x12345000n)).toEqual({ pfn: 0x12345, diagnostics: [] });
    expect(codes(legacyQueuePfn(0x12345001n).diagnostics)).toEqual(['VIRTIO_LEGACY_PFN_UNALIGNED']);
    expect(codes(legacyQueuePfn(1n << 44n).diagnostics)).toEqual(['VIRTIO_LEGACY_PFN_TOO_HIGH']);
  });
});
