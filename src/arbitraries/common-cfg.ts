// Register states of struct virtio_pci_common_cfg that a device can be in: a device status
// reached by the initialisation sequence (or a failure bit), feature words consistent with the
// selectors, the driver's features a subset of the device's, a selected queue with a legal
// size, aligned ring addresses and vectors in range. Encoded with the virtio layer's table, in
// the 1.0, 1.2 or 1.3 layout; the facts are the state it was built from.
import fc from 'fast-check';
import { encodeCommonCfg, type CommonCfgLayout, type VirtioPciCommonCfg } from '../virtio/common-cfg.js';
import { featuresFromBits, VIRTIO_F_VERSION_1 } from '../virtio/features.js';
import { withFields } from './show.js';

/** Status values the init sequence passes through (spec 3.1.1), optionally with FAILED or NEEDS_RESET. */
export const COMMON_CFG_STATUS_SEQUENCE = [0x00, 0x01, 0x03, 0x0b, 0x0f] as const;

export interface CommonCfgFacts {
  readonly layout: CommonCfgLayout;
  /** Bytes the capability advertises. */
  readonly length: number;
  readonly deviceFeatures: bigint;
  readonly driverFeatures: bigint;
  /** Index into COMMON_CFG_STATUS_SEQUENCE of the status reached. */
  readonly step: number;
  readonly status: number;
  readonly numQueues: number;
  readonly msixVectors: number;
  readonly selectedQueue: { readonly index: number; readonly available: boolean; readonly maxSize: number };
}

export interface GeneratedCommonCfg {
  /** Register values of the fields the layout has. */
  readonly value: Partial<VirtioPciCommonCfg>;
  /** `length` bytes as a device exposes them (bytes past 64 are zero). */
  readonly bytes: Uint8Array;
  readonly facts: CommonCfgFacts;
}

const word = (f: bigint, sel: number) => (sel > 1 ? 0 : Number((f >> BigInt(32 * sel)) & 0xffffffffn));

/** Knobs of arbCommonCfg. */
export interface CommonCfgKnobs {
  readonly layout?: CommonCfgLayout | undefined;
  /** Most queues (default 64). */
  readonly maxQueues?: number | undefined;
}

/** Consistent common_cfg register states. */
export function arbCommonCfg(knobs: CommonCfgKnobs = {}): fc.Arbitrary<GeneratedCommonCfg> {
  return fc
    .record({
      layout: knobs.layout ? fc.constant(knobs.layout) : fc.constantFrom<CommonCfgLayout>('1.0', '1.2', '1.3'),
      big: fc.boolean(),
      deviceFeatures: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((f) => f | featuresFromBits([VIRTIO_F_VERSION_1])),
      driverMask: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      deviceSel: fc.integer({ min: 0, max: 3 }),
      driverSel: fc.integer({ min: 0, max: 3 }),
      step: fc.integer({ min: 0, max: COMMON_CFG_STATUS_SEQUENCE.length - 1 }),
      failure: fc.constantFrom(0, 0, 0, 0x40, 0x80),
      numQueues: fc.integer({ min: 1, max: knobs.maxQueues ?? 64 }),
      select: fc.nat(),
      selectBeyond: fc.boolean(),
      maxSizeLog: fc.integer({ min: 0, max: 15 }),
      sizeLog: fc.nat(15),
      enabled: fc.boolean(),
      notifyOff: fc.nat(0xffff),
      msixVectors: fc.integer({ min: 0, max: 2048 }),
      vectorPick: fc.tuple(fc.nat(), fc.nat()),
      addrs: fc.tuple(fc.bigInt({ min: 0n, max: (1n << 60n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 61n) - 1n })),
      generation: fc.nat(0xff),
      notifyData: fc.nat(0xffff),
      admin: fc.tuple(fc.nat(0xffff), fc.nat(4)),
    })
    .map((r): GeneratedCommonCfg => {
      const length = (r.layout === '1.0' ? 56 : r.layout === '1.2' ? 60 : 64) + (r.big && r.layout === '1.3' ? 0x1000 - 64 : 0); // a long region shows every field: 1.3
      // A device offers only features its common_cfg is long enough for (58/60/64 bytes).
      const tooLong = r.layout === '1.0' ? 0b111n << 39n : r.layout === '1.2' ? 1n << 41n : 0n;
      const deviceFeatures = r.deviceFeatures & ~tooLong;
      // The driver may write only a subset of them once past FEATURES_OK.
      const driverFeatures = r.step >= 3 ? deviceFeatures & r.driverMask : r.driverMask;
      const status = COMMON_CFG_STATUS_SEQUENCE[r.step] | (r.step > 0 ? r.failure : 0);
      const index = r.selectBeyond ? r.numQueues + (r.select % 8) : r.select % r.numQueues;
      const available = index < r.numQueues;
      const maxSize = available ? 1 << r.maxSizeLog : 0;
      const size = available ? 1 << Math.min(r.sizeLog, r.maxSizeLog) : 0;
      const vector = (pick: number) => (r.msixVectors === 0 || pick % 3 === 0 ? 0xffff : pick % r.msixVectors);
      const value: Partial<VirtioPciCommonCfg> = {
        device_feature_select: r.deviceSel,
        device_feature: word(deviceFeatures, r.deviceSel),
        driver_feature_select: r.driverSel,
        driver_feature: word(driverFeatures, r.driverSel),
        msix_config: vector(r.vectorPick[0]),
        num_queues: r.numQueues,
        device_status: status,
        config_generation: r.generation,
        queue_select: index,
        queue_size: size,
        queue_msix_vector: available ? vector(r.vectorPick[1]) : 0xffff,
        queue_enable: available && r.enabled ? 1 : 0,
        queue_notify_off: available ? r.notifyOff : 0,
        queue_desc: available ? r.addrs[0] << 4n : 0n,
        queue_driver: available ? r.addrs[1] << 1n : 0n,
        queue_device: available ? r.addrs[2] << 2n : 0n,
      };
      if (r.layout !== '1.0') Object.assign(value, { queue_notify_data: available ? r.notifyData : 0, queue_reset: 0 });
      if (r.layout === '1.3') Object.assign(value, { admin_queue_index: r.admin[1] ? r.admin[0] : 0, admin_queue_num: r.admin[1] });
      const bytes = encodeCommonCfg(value, new Uint8Array(length), 0, length);
      return {
        value,
        bytes,
        facts: {
          layout: r.layout,
          length,
          deviceFeatures,
          driverFeatures,
          step: r.step,
          status,
          numQueues: r.numQueues,
          msixVectors: r.msixVectors,
          selectedQueue: { index, available, maxSize },
        },
      };
    })
    .map(withFields((v) => `common_cfg state (${v.facts.layout} layout, ${v.facts.length} bytes)`));
}
