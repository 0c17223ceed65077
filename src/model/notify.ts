// Doorbells. A write into a notify region names its queue either by where it lands (a memory
// region with a non-zero multiplier: QEMU derives the queue from the address and ignores the
// value) or by what it carries (multiplier 0, where every queue shares one address, and the
// legacy QUEUE_NOTIFY register). Both lookups are one Map access: the maps are built once,
// from each queue's queue_notify_off, when the device is created.

/** What a queue's doorbell write carries when VIRTIO_F_NOTIFICATION_DATA is negotiated (spec 4.1.5.2). */
export interface ModelNotificationData {
  /** Split: the 15 low bits of the next avail index; packed: the next descriptor offset. */
  readonly nextOff: number;
  /** Split: bit 15 of the next avail index; packed: the driver's wrap counter. */
  readonly nextWrap: boolean;
}

export interface ModelKick {
  readonly queue: number;
  /** Which doorbell: notify region index, or -1 for the legacy QUEUE_NOTIFY register. */
  readonly region: number;
  readonly bar: number;
  /** Offset of the write within the BAR. */
  readonly barOffset: number;
  /** Bus address (memory or I/O port) of the write, from the BAR as currently programmed. */
  readonly address: bigint;
  readonly width: 1 | 2 | 4;
  readonly value: number;
  /** Present when VIRTIO_F_NOTIFICATION_DATA was negotiated and the write had 32 bits. */
  readonly data?: ModelNotificationData;
}

export class ModelNotifyDispatcher {
  /** Doorbell slot (offset / multiplier) → queues whose queue_notify_off is that slot. */
  private readonly bySlot = new Map<number, number[]>();
  /** 16-bit notification value → queues it names. */
  private readonly byValue = new Map<number, number[]>();

  constructor(
    /** Bytes in the notify region. */
    readonly length: number,
    readonly multiplier: number,
    notifyOffs: readonly number[],
    /** Value each queue is notified with (its index, or queue_notif_config_data). */
    values: readonly number[] = notifyOffs.map((_, i) => i),
  ) {
    notifyOffs.forEach((off, q) => {
      if (multiplier > 0 && off * multiplier < length) push(this.bySlot, off, q);
    });
    values.forEach((v, q) => push(this.byValue, v & 0xffff, q));
  }

  /** True when the queue is named by the written value rather than by the address. */
  get byValueDispatch(): boolean {
    return this.multiplier === 0;
  }

  /** Queues whose doorbell covers `offset` (address dispatch). Empty outside the region. */
  queuesAt(offset: number): readonly number[] {
    if (this.multiplier === 0 || offset < 0 || offset >= this.length) return EMPTY;
    return this.bySlot.get(Math.floor(offset / this.multiplier)) ?? EMPTY;
  }

  /** Queues a notification value names (value dispatch). */
  queuesNamed(value: number): readonly number[] {
    return this.byValue.get(value & 0xffff) ?? EMPTY;
  }

  /**
   * The queues a write kicks. Address dispatch narrows by value only when several queues
   * share one doorbell; value dispatch needs the write to land inside the region.
   */
  resolve(offset: number, value: number): readonly number[] {
    if (offset < 0 || offset >= this.length) return EMPTY;
    if (this.multiplier === 0) return this.queuesNamed(value);
    const at = this.queuesAt(offset);
    if (at.length <= 1) return at;
    const named = at.filter((q) => this.queuesNamed(value).includes(q));
    return named.length > 0 ? named : at;
  }
}

const EMPTY: readonly number[] = Object.freeze([]);

function push(m: Map<number, number[]>, k: number, v: number): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Decode the upper half of a 32-bit notification (spec 4.1.5.2). */
export function modelNotificationData(value: number): ModelNotificationData {
  return { nextOff: (value >>> 16) & 0x7fff, nextWrap: (value >>> 31) === 1 };
}
