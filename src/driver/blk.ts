// virtio-blk requests (virtio spec 5.2.6) over a VirtioPciDriver: a chain of the 16-byte
// header {type, reserved, sector} (device-readable), the data buffer (device-writable for
// reads, readable for writes) and the one-byte status (device-writable). No interrupts: the
// driver polls the used ring a bounded number of times.
import {
  VIRTIO_BLK_SECTOR_SIZE,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_WRITE_ZEROES,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
  virtioBlkDiscardWriteZeroes,
  virtioBlkOutHdr,
} from '../virtio/devices/blk.js';
import type { VringBufferSpec } from '../vring/split-ring.js';
import { VirtioDriverError } from './errors.js';
import type { VirtioPciDriver, VirtioSubmitted } from './virtio-pci.js';

const SECTOR = VIRTIO_BLK_SECTOR_SIZE;
const HEADER = virtioBlkOutHdr.size;

export interface VirtioBlkRequest {
  readonly queue?: number;
  readonly type: number;
  readonly sector?: bigint;
  /** Bytes the device writes back (reads, GET_ID); 0 for writes and flushes. */
  readonly inLength?: number;
  /** Bytes the device reads (writes). */
  readonly data?: Uint8Array;
}

export interface VirtioBlkPending extends VirtioSubmitted {
  readonly header: bigint;
  readonly dataAddress: bigint | null;
  readonly inLength: number;
  readonly statusAddress: bigint;
}

export interface VirtioBlkResult {
  readonly queue: number;
  readonly id: number;
  /** VIRTIO_BLK_S_* (0 OK, 1 IOERR, 2 UNSUPP). */
  readonly status: number;
  /** Bytes the device wrote into the data buffer (reads), else empty. */
  readonly data: Uint8Array;
  /** used.len (split) or the used descriptor's len (packed). */
  readonly usedLength: number;
  readonly kicked: boolean;
  readonly notifyValue: number | null;
}

/** Put a request on a queue (and kick it unless `kick` is false). */
export async function virtioBlkSubmit(dev: VirtioPciDriver, req: VirtioBlkRequest, opts: { kick?: boolean } = {}): Promise<VirtioBlkPending> {
  const queue = req.queue ?? 0;
  const inLength = req.inLength ?? 0;
  const header = alloc(dev, HEADER, 16);
  const hdr = virtioBlkOutHdr.toBytes({ type: req.type, ioprio: 0, sector: req.sector ?? 0n });
  await dev.bus.memWriteBytes(header, hdr);
  const buffers: VringBufferSpec[] = [{ addr: header, len: HEADER, write: false }];
  let dataAddress: bigint | null = null;
  if (req.data && req.data.length > 0) {
    dataAddress = alloc(dev, req.data.length, 16);
    await dev.bus.memWriteBytes(dataAddress, req.data);
    buffers.push({ addr: dataAddress, len: req.data.length, write: false });
  } else if (inLength > 0) {
    dataAddress = alloc(dev, inLength, 16);
    // A recognisable pattern, so a device that writes nothing is not mistaken for zeros read.
    await dev.bus.memWriteBytes(dataAddress, new Uint8Array(inLength).fill(0xa5));
    buffers.push({ addr: dataAddress, len: inLength, write: true });
  }
  const statusAddress = alloc(dev, 1, 1);
  await dev.bus.memWriteBytes(statusAddress, Uint8Array.of(0xff));
  buffers.push({ addr: statusAddress, len: 1, write: true });
  const s = await dev.submit(queue, buffers, opts);
  return { ...s, header, dataAddress, inLength, statusAddress };
}

/** Wait (bounded) for a submitted request; null when it has not completed. */
export async function virtioBlkComplete(dev: VirtioPciDriver, p: VirtioBlkPending, maxPolls = 1000): Promise<VirtioBlkResult | null> {
  const u = await dev.pollUsed(p.queue, maxPolls);
  if (!u) return null;
  if (u.id !== p.id) throw new VirtioDriverError('REQUEST_TIMEOUT', `queue ${p.queue}: device returned chain ${u.id}, expected ${p.id}`);
  const status = (await dev.bus.memReadBytes(p.statusAddress, 1))[0];
  const data = p.inLength > 0 && p.dataAddress !== null ? await dev.bus.memReadBytes(p.dataAddress, p.inLength) : new Uint8Array(0);
  return { queue: p.queue, id: u.id, status, data, usedLength: u.len, kicked: p.kicked, notifyValue: p.notifyValue };
}

/** Submit, kick and wait; throws REQUEST_TIMEOUT when the poll budget runs out. */
export async function virtioBlkRequest(dev: VirtioPciDriver, req: VirtioBlkRequest, maxPolls = 1000): Promise<VirtioBlkResult> {
  const p = await virtioBlkSubmit(dev, req);
  const r = await virtioBlkComplete(dev, p, maxPolls);
  if (!r) throw new VirtioDriverError('REQUEST_TIMEOUT', `queue ${p.queue}: request not completed after ${maxPolls} polls`);
  return r;
}

/** Read `count` sectors from `sector`. */
export function virtioBlkRead(dev: VirtioPciDriver, sector: bigint, count = 1, queue = 0, maxPolls = 1000): Promise<VirtioBlkResult> {
  return virtioBlkRequest(dev, { queue, type: VIRTIO_BLK_T_IN, sector, inLength: count * SECTOR }, maxPolls);
}

/** Write whole sectors at `sector`. */
export function virtioBlkWrite(dev: VirtioPciDriver, sector: bigint, data: Uint8Array, queue = 0, maxPolls = 1000): Promise<VirtioBlkResult> {
  if (data.length === 0 || data.length % SECTOR !== 0) throw new RangeError(`write of ${data.length} bytes is not whole sectors`);
  return virtioBlkRequest(dev, { queue, type: VIRTIO_BLK_T_OUT, sector, data }, maxPolls);
}

/**
 * WRITE_ZEROES (or, with `discard`, DISCARD) of `count` sectors from `sector`: one segment,
 * as Linux's virtblk_setup_discard_write_zeroes_erase sends when max_*_seg is 1. The device
 * must have VIRTIO_BLK_F_WRITE_ZEROES / F_DISCARD negotiated (driver option `deviceFeatures`).
 */
export function virtioBlkWriteZeroes(
  dev: VirtioPciDriver,
  sector: bigint,
  count: number,
  opts: { discard?: boolean; unmap?: boolean; queue?: number; maxPolls?: number } = {},
): Promise<VirtioBlkResult> {
  const seg = virtioBlkDiscardWriteZeroes.toBytes({ sector, num_sectors: count, flags: opts.unmap ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0 });
  const type = opts.discard ? VIRTIO_BLK_T_DISCARD : VIRTIO_BLK_T_WRITE_ZEROES;
  return virtioBlkRequest(dev, { queue: opts.queue ?? 0, type, data: seg }, opts.maxPolls ?? 1000);
}

function alloc(dev: VirtioPciDriver, size: number, align: number): bigint {
  const a = dev.ram.alloc(size, align);
  if (a === null) throw new VirtioDriverError('OUT_OF_GUEST_MEMORY', `${size} bytes of request buffer do not fit the guest RAM window`);
  return a;
}
