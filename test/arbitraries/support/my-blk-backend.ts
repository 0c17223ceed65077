import type { ModelBackendHost, ModelQueueState, VirtioModelBackend } from '../../../src/entries/model.js';
import type { VringBuffer } from '../../../src/entries/vring.js';
import { SplitVringDevice } from '../../../src/entries/vring.js';

const SECTOR = 512;

/** A small virtio-blk device: split rings, requests IN, OUT and FLUSH, a disk in memory. */
export class MyBlkBackend implements VirtioModelBackend {
  readonly deviceType = 2;
  readonly features = 1n << 9n; // VIRTIO_BLK_F_FLUSH, on top of the description's features
  private host: ModelBackendHost | null = null;
  private readonly rings = new Map<number, SplitVringDevice>();

  constructor(readonly disk = new Uint8Array(64 * SECTOR)) {}

  /** virtio_blk_config: capacity (le64, in sectors) is all this device fills in. */
  configBytes(): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(this.disk.length / SECTOR), true);
    return b;
  }

  attach(host: ModelBackendHost): void {
    this.host = host;
  }

  /** The driver reset the device: forget every ring. */
  reset(): void {
    this.rings.clear();
  }

  /** A queue was (re-)enabled: its ring addresses may be new. */
  queueEnabled(q: ModelQueueState): void {
    this.rings.delete(q.index);
  }

  /** The driver rang queue `index`'s doorbell: serve every chain it made available. */
  kick(index: number): void {
    const host = this.host;
    const q = host?.core.queues[index];
    if (!host || !q || !host.busMaster || !q.enabled || !(host.core.status & 4 /* DRIVER_OK */)) return;
    let ring = this.rings.get(index);
    if (!ring) {
      const opts = { indirectDesc: host.core.hasNegotiated(28), eventIdx: host.core.hasNegotiated(29) };
      ring = new SplitVringDevice(host.memory, { desc: q.desc, avail: q.driver, used: q.device }, q.size, opts);
      this.rings.set(index, ring);
    }
    let served = 0;
    for (let chain = ring.pop(); chain !== null && chain.head !== null; chain = ring.pop()) {
      ring.push(chain.head, this.serve(host, chain.buffers));
      served++;
    }
    if (served > 0 && ring.needsInterrupt()) host.signalQueue(index);
  }

  /** One request: a 16-byte header (type, sector), the data, a status byte. Returns the bytes written. */
  private serve(host: ModelBackendHost, buffers: readonly VringBuffer[]): number {
    const out = concat(buffers.filter((b) => !b.write).map((b) => host.memory.read(b.addr, b.len)));
    const writable = buffers.filter((b) => b.write);
    const header = new DataView(out.buffer, out.byteOffset, out.length);
    const type = header.getUint32(0, true);
    const sector = Number(header.getBigUint64(8, true));
    const data = out.subarray(16);
    // What goes back: the data a read asked for, then the status byte.
    const back = new Uint8Array(writable.reduce((n, b) => n + b.len, 0));
    const end = (length: number) => sector * SECTOR + length <= this.disk.length;
    let status = 0; // VIRTIO_BLK_S_OK
    if (type === 0 /* VIRTIO_BLK_T_IN */) {
      if (end(back.length - 1)) back.set(this.read(sector, back.length - 1));
      else status = 1; // VIRTIO_BLK_S_IOERR
    } else if (type === 1 /* VIRTIO_BLK_T_OUT */) {
      if (end(data.length)) this.write(sector, data);
      else status = 1;
    } else if (type !== 4 /* VIRTIO_BLK_T_FLUSH */) status = 2; // VIRTIO_BLK_S_UNSUPP
    back[back.length - 1] = status;
    let at = 0;
    for (const b of writable) {
      host.memory.write(b.addr, back.subarray(at, at + b.len));
      at += b.len;
    }
    return back.length;
  }

  protected read(sector: number, length: number): Uint8Array {
    return this.disk.slice(sector * SECTOR, sector * SECTOR + length);
  }

  protected write(sector: number, data: Uint8Array): void {
    this.disk.set(data, sector * SECTOR);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
