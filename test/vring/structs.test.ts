import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  decodePackedEventSuppression,
  packedOffWrap,
  vringAvailElem,
  vringAvailEvent,
  vringAvailHeader,
  vringDesc,
  vringPackedDesc,
  vringPackedDescEvent,
  vringUsedElem,
  vringUsedEvent,
  vringUsedHeader,
  VRING_DIAGNOSTICS,
} from '../../src/vring/index.js';
import type { Struct } from '../../src/layout/index.js';

const all: Struct<any>[] = [vringDesc, vringAvailHeader, vringAvailElem, vringUsedEvent, vringUsedHeader, vringUsedElem, vringAvailEvent, vringPackedDesc, vringPackedDescEvent];

describe('vring element field tables', () => {
  it('have the spec sizes', () => {
    expect(all.map((s) => [s.name, s.size])).toEqual([
      ['vring_desc', 16],
      ['vring_avail', 4],
      ['vring_avail_elem', 2],
      ['used_event', 2],
      ['vring_used', 4],
      ['vring_used_elem', 8],
      ['avail_event', 2],
      ['vring_packed_desc', 16],
      ['vring_packed_desc_event', 4],
    ]);
  });

  it('decode a split descriptor: addr le64, len, flags @12, next @14', () => {
    const b = Uint8Array.from([0x00, 0x10, 0, 0, 1, 0, 0, 0x80, 0x00, 0x02, 0, 0, 0x03, 0x00, 0x07, 0x00]);
    const d = vringDesc.decode(b);
    expect(d).toEqual({ addr: 0x8000000100001000n, len: 0x200, flags: 3, next: 7 });
    expect(vringDesc.bits('flags', d.flags)).toEqual({ NEXT: true, WRITE: true, INDIRECT: false });
  });

  it('decode a packed descriptor: id @12, flags @14 with AVAIL bit 7 and USED bit 15', () => {
    const b = Uint8Array.from([0x00, 0x20, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x05, 0x00, 0x81, 0x80]);
    const d = vringPackedDesc.decode(b);
    expect(d).toEqual({ addr: 0x2000n, len: 0x40, id: 5, flags: 0x8081 });
    expect(vringPackedDesc.bits('flags', d.flags)).toEqual({ NEXT: true, WRITE: false, INDIRECT: false, AVAIL: true, USED: true });
  });

  it('decode a used element', () => {
    expect(vringUsedElem.decode(Uint8Array.from([3, 0, 0, 0, 0, 1, 0, 0]))).toEqual({ id: 3, len: 256 });
  });

  for (const s of all) {
    test.prop([fc.uint8Array({ minLength: s.size, maxLength: s.size })], { numRuns: 1000 })(`${s.name}: encode(decode(b)) is byte-exact`, (b) => {
      expect(s.toBytes(s.decode(b))).toEqual(b);
    });
  }
});

describe('packed event suppression', () => {
  it('splits off_wrap into a 15-bit offset and the wrap bit', () => {
    const e = decodePackedEventSuppression(Uint8Array.from([0x05, 0x80, 0x02, 0x00]), 0, 8);
    expect(e).toMatchObject({ off: 5, wrap: true, mode: 'desc', diagnostics: [] });
    expect(packedOffWrap(5, true)).toBe(0x8005);
    expect(packedOffWrap(0x7fff, false)).toBe(0x7fff);
  });

  it('reports flags value 3, reserved bits and an offset beyond the ring', () => {
    const e = decodePackedEventSuppression(Uint8Array.from([0, 0, 0, 0, 0x09, 0x00, 0x07, 0x00]), 4, 8);
    expect(e.mode).toBe('reserved');
    expect(e.diagnostics.map((d) => [d.code, d.offset])).toEqual([
      ['VRING_PACKED_EVENT_FLAGS_RESERVED', 6],
      ['VRING_PACKED_EVENT_RESERVED_BITS', 6],
    ]);
    const far = decodePackedEventSuppression(Uint8Array.from([0x09, 0x00, 0x02, 0x00]), 0, 8);
    expect(far.diagnostics.map((d) => d.code)).toEqual(['VRING_PACKED_EVENT_OFF_RANGE']);
  });

  test.prop([fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 32768 })], { numRuns: 1000 })(
    'decoding never throws and only reports codes of the table',
    (b, n) => {
      const e = decodePackedEventSuppression(b, 0, n);
      expect(vringPackedDescEvent.toBytes(e.value)).toEqual(b);
      for (const d of e.diagnostics) expect(VRING_DIAGNOSTICS).toHaveProperty(d.code);
      expect(e.mode === 'reserved').toBe((b[2] & 3) === 3);
    },
  );
});
