// The decoded value's TypeScript type is inferred from the field table, never written twice
// (issue 2). These checks run in `tsc --noEmit` (the first step of `npm test`): a table whose
// inferred type drifts fails the type check; the runtime half checks the values match it.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { bytes, reserved, struct, u16, u32, u64, u8, type ValueOf } from '../../src/layout/index.js';
import type { PciHeaderType0, PciHeaderType1, PciMsixCap } from '../../src/pci/index.js';
import type { VirtioPciCommonCfg } from '../../src/virtio/index.js';
import { virtioPciCap64, virtioPciNotifyCap } from '../../src/virtio/index.js';
import type { VringDesc, VringPackedDesc } from '../../src/vring/index.js';

const every = struct('every_kind', {
  a: u8(0),
  b: u16(1, 'rw'),
  c: u32(3, 'rw1c'),
  d: u64(7),
  e: bytes(15, 3),
  r: reserved(18, 2),
});

describe('inferred value types', () => {
  it('one property per field, typed by its kind', () => {
    type V = ValueOf<typeof every>;
    expectTypeOf<V>().toEqualTypeOf<{ a: number; b: number; c: number; d: bigint; e: Uint8Array; r: Uint8Array }>();
    const v = every.decode(Uint8Array.from({ length: 20 }, (_, i) => i));
    expectTypeOf(v).toEqualTypeOf<V>();
    // @ts-expect-error: a field the table does not declare is not on the type
    void v.nope;
    expect(Object.keys(v)).toEqual(['a', 'b', 'c', 'd', 'e', 'r']);
    expect([typeof v.a, typeof v.b, typeof v.c, typeof v.d, v.e instanceof Uint8Array, v.r instanceof Uint8Array]).toEqual([
      'number', 'number', 'number', 'bigint', true, true,
    ]);
  });

  it('the spec structures carry their field names and kinds into their types', () => {
    expectTypeOf<PciHeaderType0['bar5']>().toEqualTypeOf<number>();
    expectTypeOf<PciHeaderType0['subsystem_id']>().toEqualTypeOf<number>();
    expectTypeOf<PciHeaderType1['bridge_control']>().toEqualTypeOf<number>();
    expectTypeOf<PciMsixCap['table']>().toEqualTypeOf<number>();
    expectTypeOf<ValueOf<typeof virtioPciNotifyCap>['notify_off_multiplier']>().toEqualTypeOf<number>();
    expectTypeOf<ValueOf<typeof virtioPciCap64>['padding']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<VirtioPciCommonCfg['queue_desc']>().toEqualTypeOf<bigint>();
    expectTypeOf<VirtioPciCommonCfg['admin_queue_num']>().toEqualTypeOf<number>();
    expectTypeOf<VringDesc>().toEqualTypeOf<{ addr: bigint; len: number; flags: number; next: number }>();
    expectTypeOf<VringPackedDesc>().toEqualTypeOf<{ addr: bigint; len: number; id: number; flags: number }>();
    const n = virtioPciNotifyCap.decode(new Uint8Array(20));
    expect(Object.keys(n)).toContain('notify_off_multiplier');
  });
});
