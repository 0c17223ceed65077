// decodeConfigSpace with a known-byte map: the header type byte, the class code and the Status
// register are never read from a hole; a caller may name the layout to assume.
import { describe, expect, it } from 'vitest';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import { exampleBytes } from '../cli/run.js';

/** The example (a type 0 virtio-blk function) with `holes` not known, filled with `fill`. */
function holed(holes: number[], fill: number) {
  const bytes = exampleBytes();
  const known = new Uint8Array(256).fill(1);
  for (const i of holes) {
    bytes[i] = fill;
    known[i] = 0;
  }
  return { bytes, known };
}

describe('decodeConfigSpace over holes', () => {
  it('header type byte not known: layout null, only the common header, HEADER_TYPE_NOT_KNOWN', () => {
    for (const fill of [0x00, 0x01, 0xff]) {
      const { bytes, known } = holed([0x0e], fill);
      const cs = decodeConfigSpace(bytes, { known });
      expect(cs.headerType).toBeNull();
      expect(cs.multiFunction).toBeNull();
      expect(cs.bars).toEqual([]);
      expect(cs.capabilities).toEqual([]);
      expect(cs.regions[0].struct).toBe('pci_common_header');
      expect(cs.diagnostics.map((d) => d.code)).toEqual(['HEADER_TYPE_NOT_KNOWN']);
      expect(cs.classCode).toBe(0x010000);
    }
  });

  it('assumeHeaderType: the caller names the layout; BARs and capabilities are decoded', () => {
    const { bytes, known } = holed([0x0e], 0xff);
    const cs = decodeConfigSpace(bytes, { known, assumeHeaderType: 0 });
    const whole = decodeConfigSpace(exampleBytes());
    expect(cs.headerType).toBe(0);
    expect(cs.multiFunction).toBeNull();
    expect(cs.bars).toEqual(whole.bars);
    expect(cs.capabilities.map((c) => c.pos)).toEqual(whole.capabilities.map((c) => c.pos));
    expect(cs.diagnostics[0].message).toContain('decoded as type 0');
  });

  it('class code: null unless all three bytes are known', () => {
    for (const i of [0x09, 0x0a, 0x0b]) expect(decodeConfigSpace(holed([i], 0xff).bytes, { known: holed([i], 0xff).known }).classCode).toBeNull();
  });

  it('Status not known: the capability pointer alone decides whether there is a list; a pointer in a hole is not followed', () => {
    for (const fill of [0x00, 0xff]) {
      const st = holed([0x06, 0x07], fill);
      expect(decodeConfigSpace(st.bytes, { known: st.known }).capabilities.length).toBe(decodeConfigSpace(exampleBytes()).capabilities.length);
      const ptr = holed([0x34], fill);
      const cs = decodeConfigSpace(ptr.bytes, { known: ptr.known });
      expect(cs.capabilities).toEqual([]);
      expect(cs.diagnostics.map((d) => d.code)).toEqual([]);
    }
  });
});
