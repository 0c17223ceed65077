// A virtio-blk backend serving requests from an in-memory disk (virtio spec 5.2): it pops
// chains through the vring layer's device views (split, or packed once VIRTIO_F_RING_PACKED
// is negotiated), handles IN, OUT, FLUSH and GET_ID, writes the status byte, returns the
// chain in the used ring and signals the queue.
import type { Diagnostic } from '../bytes/diagnostic.js';
import {
  virtioBlkConfig,
  virtioBlkDiscardWriteZeroes,
  virtioBlkOutHdr,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_SECTOR_SIZE,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_WRITE_ZEROES,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_CONFIG_WCE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_GEOMETRY,
  VIRTIO_BLK_F_MQ,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_WRITE_ZEROES,
} from '../virtio/devices/blk.js';
import { VIRTIO_CONFIG_S_DRIVER_OK } from '../virtio/common-cfg.js';
import { VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_RING_PACKED } from '../virtio/features.js';
import { PackedVringDevice } from '../vring/packed-ring.js';
import { SplitVringDevice } from '../vring/split-ring.js';
import type { VringBuffer } from '../vring/walk.js';
import type { ModelBackendHost, VirtioModelBackend } from './backend.js';
import type { ModelQueueState } from './core.js';
import type { ModelKick } from './notify.js';

const SECTOR = VIRTIO_BLK_SECTOR_SIZE;
const HEADER = virtioBlkOutHdr.size;

export interface ModelBlkOptions {
  /** Disk contents; length a multiple of 512 (default: 64 KiB of zeros). */
  readonly disk?: Uint8Array;
  readonly readOnly?: boolean;
  /** GET_ID answer (at most 20 bytes, NUL-padded when shorter). */
  readonly serial?: string;
  /** Offer VIRTIO_F_RING_PACKED. */
  readonly packed?: boolean;
  /** Number of request queues (offers VIRTIO_BLK_F_MQ when above 1). */
  readonly numQueues?: number;
  /** seg_max in the config (default 254, QEMU's queue size − 2). */
  readonly segMax?: number;
  /**
   * What QEMU 7.2's virtio-blk-pci offers by default on top of the above (measured through
   * qtest): GEOMETRY (QEMU's guess: 16 heads, 63 sectors, cylinders = sectors / 1008 within
   * 2..16383), TOPOLOGY (all 0), CONFIG_WCE (writeback 1), DISCARD (a no-op, as QEMU's
   * default discard=ignore) and WRITE_ZEROES (one segment of at most 0x3fffff sectors,
   * alignment one sector, may unmap), and a config that ends after write_zeroes_may_unmap
   * (57 bytes).
   */
  readonly qemuDefaults?: boolean;
}

/** max_discard_sectors and max_write_zeroes_sectors as QEMU 7.2 reports them for a raw file. */
const QEMU_MAX_DWZ_SECTORS = 0x3fffff;

/** One request as the backend saw it (for tests and debugging). */
export interface ModelBlkRequest {
  readonly queue: number;
  readonly head: number;
  readonly type: number;
  readonly sector: bigint;
  readonly status: number;
  /** Bytes written into device-writable buffers, status byte included. */
  readonly written: number;
}

type Ring = { kind: 'split'; dev: SplitVringDevice } | { kind: 'packed'; dev: PackedVringDevice };

export class VirtioBlkModelBackend implements VirtioModelBackend {
  readonly deviceType = 2;
  readonly features: bigint;
  readonly configStruct = virtioBlkConfig;
  readonly disk: Uint8Array;
  readonly requests: ModelBlkRequest[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private host: ModelBackendHost | null = null;
  private readonly rings = new Map<number, Ring>();

  constructor(readonly options: ModelBlkOptions = {}) {
    this.disk = options.disk ?? new Uint8Array(64 * 1024);
    if (this.disk.length % SECTOR !== 0) throw new RangeError(`disk of ${this.disk.length} bytes is not whole sectors`);
    let f = (1n << BigInt(VIRTIO_BLK_F_SEG_MAX)) | (1n << BigInt(VIRTIO_BLK_F_BLK_SIZE)) | (1n << BigInt(VIRTIO_BLK_F_FLUSH));
    if (options.readOnly) f |= 1n << BigInt(VIRTIO_BLK_F_RO);
    if ((options.numQueues ?? 1) > 1) f |= 1n << BigInt(VIRTIO_BLK_F_MQ);
    if (options.packed) f |= 1n << BigInt(VIRTIO_F_RING_PACKED);
    if (options.qemuDefaults) {
      for (const b of [VIRTIO_BLK_F_GEOMETRY, VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES]) f |= 1n << BigInt(b);
    }
    this.features = f;
  }

  configBytes(): Uint8Array {
    const sectors = this.disk.length / SECTOR;
    const base = {
      ...virtioBlkConfig.zero(),
      capacity: BigInt(sectors),
      seg_max: this.options.segMax ?? 254,
      blk_size: SECTOR,
      num_queues: this.options.numQueues ?? 1,
    };
    if (!this.options.qemuDefaults) return virtioBlkConfig.toBytes(base);
    const full = virtioBlkConfig.toBytes({
      ...base,
      geometry_cylinders: Math.min(Math.max(Math.floor(sectors / (16 * 63)), 2), 16383),
      geometry_heads: 16,
      geometry_sectors: 63,
      writeback: 1,
      max_discard_sectors: QEMU_MAX_DWZ_SECTORS,
      max_discard_seg: 1,
      discard_sector_alignment: 1,
      max_write_zeroes_sectors: QEMU_MAX_DWZ_SECTORS,
      max_write_zeroes_seg: 1,
      write_zeroes_may_unmap: 1,
    });
    const end = virtioBlkConfig.field('write_zeroes_may_unmap').offset + 1;
    return full.slice(0, end);
  }

  attach(host: ModelBackendHost): void {
    this.host = host;
  }

  reset(): void {
    this.rings.clear();
  }

  queueEnabled(q: ModelQueueState): void {
    this.rings.delete(q.index);
  }

  queueReset(q: ModelQueueState): void {
    this.rings.delete(q.index);
  }

  kick(queue: number, _kick: ModelKick): void {
    const host = this.host;
    if (!host || !host.busMaster) return;
    const core = host.core;
    const q = core.queues[queue];
    // The device consumes buffers only once the driver is done (DRIVER_OK) and the queue is live.
    if (!q || !q.enabled || !(core.status & VIRTIO_CONFIG_S_DRIVER_OK)) return;
    const ring = this.ring(q);
    let served = 0;
    for (let guard = 0; guard <= q.size; guard++) {
      const r = ring.kind === 'split' ? ring.dev.pop() : ring.dev.pop();
      if (r === null) break;
      this.diagnostics.push(...r.diagnostics);
      const head = 'head' in r ? r.head : r.id;
      if (head === null) break;
      const written = this.serve(queue, head, r.buffers);
      if (ring.kind === 'split') ring.dev.push(head, written);
      else ring.dev.push(head, written, (r as { ringDescriptors: number }).ringDescriptors);
      served++;
    }
    if (served > 0 && ring.dev.needsInterrupt()) host.signalQueue(queue);
  }

  private ring(q: ModelQueueState): Ring {
    let r = this.rings.get(q.index);
    if (r) return r;
    const core = this.host!.core;
    const indirectDesc = core.hasNegotiated(VIRTIO_F_INDIRECT_DESC);
    const mem = this.host!.memory;
    if (core.hasNegotiated(VIRTIO_F_RING_PACKED)) {
      r = { kind: 'packed', dev: new PackedVringDevice(mem, { desc: q.desc, driver: q.driver, device: q.device }, q.size, { indirectDesc }) };
    } else {
      r = {
        kind: 'split',
        dev: new SplitVringDevice(mem, { desc: q.desc, avail: q.driver, used: q.device }, q.size, { indirectDesc, eventIdx: core.hasNegotiated(VIRTIO_F_EVENT_IDX) }),
      };
    }
    this.rings.set(q.index, r);
    return r;
  }

  /**
   * DISCARD / WRITE_ZEROES with one `virtio_blk_discard_write_zeroes` segment {le64 sector,
   * le32 num_sectors, le32 flags}. WRITE_ZEROES writes zeros; DISCARD is checked and then
   * leaves the data alone, as QEMU does with its default drive option discard=ignore (the
   * spec leaves discarded data unspecified). Offered only with `qemuDefaults`.
   */
  private discardOrWriteZeroes(type: number, seg: Uint8Array): number {
    const feature = type === VIRTIO_BLK_T_DISCARD ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES;
    if (!((this.features >> BigInt(feature)) & 1n)) return VIRTIO_BLK_S_UNSUPP;
    if (seg.length !== virtioBlkDiscardWriteZeroes.size) return VIRTIO_BLK_S_UNSUPP; // exactly one segment (max_*_seg 1)
    const { sector, num_sectors: count, flags } = virtioBlkDiscardWriteZeroes.decode(seg);
    const allowed = type === VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;
    if ((flags & ~allowed) !== 0) return VIRTIO_BLK_S_UNSUPP;
    const start = sector * BigInt(SECTOR);
    const end = start + BigInt(count) * BigInt(SECTOR);
    if (this.options.readOnly || count > QEMU_MAX_DWZ_SECTORS || end > BigInt(this.disk.length)) return VIRTIO_BLK_S_IOERR;
    if (type === VIRTIO_BLK_T_WRITE_ZEROES) this.disk.fill(0, Number(start), Number(end));
    return VIRTIO_BLK_S_OK;
  }

  /** Serve one request; returns the bytes written into device-writable buffers. */
  private serve(queue: number, head: number, buffers: readonly VringBuffer[]): number {
    const mem = this.host!.memory;
    const readable = buffers.filter((b) => !b.write);
    const writable = buffers.filter((b) => b.write);
    const outLen = readable.reduce((n, b) => n + b.len, 0);
    const inLen = writable.reduce((n, b) => n + b.len, 0);
    const record = (type: number, sector: bigint, status: number, written: number) => {
      this.requests.push({ queue, head, type, sector, status, written });
      return written;
    };
    if (inLen < 1) return record(-1, 0n, VIRTIO_BLK_S_IOERR, 0);
    const out = gather(mem, readable, Math.min(outLen, 1 << 24));
    if (out.length < HEADER) return record(-1, 0n, VIRTIO_BLK_S_IOERR, scatter(mem, writable, inLen - 1, Uint8Array.of(VIRTIO_BLK_S_IOERR)));
    const { type, sector } = virtioBlkOutHdr.decode(out);
    const dataIn = inLen - 1;
    let status = VIRTIO_BLK_S_OK;
    let payload = new Uint8Array(0);
    const start = sector * BigInt(SECTOR);
    switch (type) {
      case VIRTIO_BLK_T_IN: {
        if (dataIn % SECTOR !== 0 || start + BigInt(dataIn) > BigInt(this.disk.length)) status = VIRTIO_BLK_S_IOERR;
        else payload = this.disk.slice(Number(start), Number(start) + dataIn);
        break;
      }
      case VIRTIO_BLK_T_OUT: {
        const data = out.subarray(HEADER);
        if (this.options.readOnly || data.length % SECTOR !== 0 || start + BigInt(data.length) > BigInt(this.disk.length)) status = VIRTIO_BLK_S_IOERR;
        else this.disk.set(data, Number(start));
        break;
      }
      case VIRTIO_BLK_T_FLUSH:
        break;
      case VIRTIO_BLK_T_DISCARD:
      case VIRTIO_BLK_T_WRITE_ZEROES:
        status = this.discardOrWriteZeroes(type, out.subarray(HEADER));
        break;
      case VIRTIO_BLK_T_GET_ID: {
        const id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
        id.set(new TextEncoder().encode(this.options.serial ?? 'pcicfg-model').subarray(0, VIRTIO_BLK_ID_BYTES));
        payload = id.subarray(0, Math.min(VIRTIO_BLK_ID_BYTES, dataIn));
        break;
      }
      default:
        status = VIRTIO_BLK_S_UNSUPP;
    }
    scatter(mem, writable, 0, payload);
    scatter(mem, writable, dataIn, Uint8Array.of(status));
    return record(type, sector, status, payload.length + 1);
  }
}

/** The first `len` bytes of a list of buffers, concatenated. */
function gather(mem: ModelBackendHost['memory'], bufs: readonly VringBuffer[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  let at = 0;
  for (const b of bufs) {
    if (at >= len) break;
    const n = Math.min(b.len, len - at);
    out.set(mem.read(b.addr, n), at);
    at += n;
  }
  return out;
}

/** Write `data` at byte `pos` of the concatenation of `bufs`; returns data.length. */
function scatter(mem: ModelBackendHost['memory'], bufs: readonly VringBuffer[], pos: number, data: Uint8Array): number {
  let skip = pos;
  let done = 0;
  for (const b of bufs) {
    if (done >= data.length) break;
    if (skip >= b.len) {
      skip -= b.len;
      continue;
    }
    const n = Math.min(b.len - skip, data.length - done);
    mem.write(b.addr + BigInt(skip), data.subarray(done, done + n));
    done += n;
    skip = 0;
  }
  return data.length;
}
