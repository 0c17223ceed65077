// BAR rules as properties: any BAR registers (arbBarRegisters builds them slot by slot and
// carries the BARs the PCI Local Bus spec 6.2.5.1 says they hold: bit 0 I/O; bits 2:1 memory
// type; bit 3 prefetchable; a 64-bit BAR takes the next register as its upper half; and, as
// pciutils reads dumps, 0 and all-ones registers are unused and sizes are not in config space).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { decodeConfigSpace, encodeConfigSpace } from '../../src/pci/index.js';
import { parseQemuInfoPci, qemuBarSizes, readDump } from '../../src/dump/index.js';
import { arbBarRegisters, type BarRegisterFact } from '../../src/arbitraries/index.js';

describe('BAR registers', () => {
  // Registers built slot by slot (unused, I/O, 32-bit, below 1M, reserved type, 64-bit pairs,
  // a 64-bit BAR in the last slot), every 32-bit value possible; the facts restate the rules.
  test.prop([arbBarRegisters()], {
    numRuns: 1000,
  })('decode as the spec says: I/O, 32-bit, below 1M, 64-bit pairs, the last-slot 64-bit BAR reported; sizes null', ({ bytes: b, registers: regs, facts: want }) => {
    const cs = decodeConfigSpace(b);
    expect(cs.bars.map((x) => ({ index: x.index, kind: x.kind, address: x.address, prefetchable: x.prefetchable, rawUpper: x.rawUpper }))).toEqual(want.bars);
    for (const x of cs.bars) {
      expect(x.offset).toBe(0x10 + 4 * x.index);
      expect(x.raw).toBe(regs[x.index]);
      expect(x.size).toBeNull();
    }
    const last = cs.diagnostics.filter((d) => d.code === 'BAR64_LAST_SLOT');
    expect(last.map((d) => d.offset)).toEqual(want.lastSlot64 === null ? [] : [0x10 + 4 * want.lastSlot64]);
    expect(cs.diagnostics.filter((d) => d.code === 'BAR64_LAST_SLOT' && d.severity !== 'error')).toEqual([]);
    expect(cs.diagnostics.filter((d) => d.code === 'BAR_TYPE_RESERVED').map((d) => d.offset)).toEqual(want.reservedType.map((i) => 0x10 + 4 * i));
    expect(encodeConfigSpace(cs)).toEqual(b);
  });

  test.prop([arbBarRegisters({ headerType: 0 }), fc.integer({ min: 0x10, max: 0x28 })], { numRuns: 1000 })(
    'a register past the known length is not a BAR, and a 64-bit BAR whose upper half is unknown is left out',
    (g, length) => {
      const cs = decodeConfigSpace(g.bytes, { length });
      const full = g.facts.bars;
      const fits = (x: BarRegisterFact) => 0x10 + 4 * x.index + (x.kind === 'mem64' && x.index < 5 ? 8 : 4) <= length;
      // Only a prefix is decoded: the walk stops at the first BAR it cannot read whole.
      const stop = full.findIndex((x) => !fits(x));
      expect(cs.bars.map((x) => x.index)).toEqual((stop < 0 ? full : full.slice(0, stop)).map((x) => x.index));
    },
  );
});

describe('expansion ROM register', () => {
  test.prop([fc.nat(0xffffffff), fc.constantFrom(0 as const, 1 as const), fc.integer({ min: 0, max: 64 })], { numRuns: 1000 })(
    'address bits 31:11, enable bit 0; none when 0, all-ones or past the known length',
    (raw, type, length) => {
      const b = new Uint8Array(64);
      b[0x0e] = type;
      const at = type === 0 ? 0x30 : 0x38;
      new DataView(b.buffer).setUint32(at, raw, true);
      const cs = decodeConfigSpace(b, { length });
      const present = raw !== 0 && raw !== 0xffffffff && at + 4 <= length && length > 0x0e;
      expect(cs.rom).toEqual(present ? { offset: at, address: BigInt(raw - (raw % 2048)), enabled: raw % 2 === 1, raw } : null);
    },
  );
});

describe('sizes from a dump', () => {
  const dump = readDump(readFileSync(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url), 'utf8'));
  const fn = dump.functions[0];

  it('an lspci dump carries no BAR size: every size is null, never guessed', () => {
    const cs = decodeConfigSpace(fn.bytes, { length: fn.length });
    expect(cs.bars.map((x) => [x.index, x.kind, x.address, x.size])).toEqual([
      [0, 'io', 0xc000n, null],
      [1, 'mem32', 0xfebf1000n, null],
      [4, 'mem64', 0xfe008000n, null],
    ]);
  });

  it('sizes come only from outside the image (QEMU info pci)', () => {
    const info = parseQemuInfoPci(readFileSync(new URL('../../examples/qemu-virtio-blk.info-pci', import.meta.url), 'utf8'));
    const q = info.find((x) => x.slot.device === 4)!;
    const cs = decodeConfigSpace(fn.bytes, { length: fn.length, barSizes: qemuBarSizes(q) });
    expect(cs.bars.map((x) => [x.index, x.size])).toEqual([
      [0, 0x80n],
      [1, 0x1000n],
      [4, 0x4000n],
    ]);
  });
});
