// virtio-blk request codes and header: one declaration (src/virtio/devices/blk.ts) under the
// spec's names, used by the driver and the model alike. The values are typed from the virtio
// spec 1.3 section 5.2.6 and Linux include/uapi/linux/virtio_blk.h, not from our sources.
import { describe, expect, it } from 'vitest';
import { publicApi as api } from '../support/public-api.js';
import { virtioBlkDiscardWriteZeroes, virtioBlkOutHdr } from '../../src/virtio/devices/blk.js';

const SPEC: Record<string, number> = {
  VIRTIO_BLK_T_IN: 0,
  VIRTIO_BLK_T_OUT: 1,
  VIRTIO_BLK_T_FLUSH: 4,
  VIRTIO_BLK_T_GET_ID: 8,
  VIRTIO_BLK_T_DISCARD: 11,
  VIRTIO_BLK_T_WRITE_ZEROES: 13,
  VIRTIO_BLK_S_OK: 0,
  VIRTIO_BLK_S_IOERR: 1,
  VIRTIO_BLK_S_UNSUPP: 2,
  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP: 1,
  VIRTIO_BLK_ID_BYTES: 20,
};

describe('virtio-blk request constants', () => {
  it('each is exported under its spec name with its spec value', () => {
    for (const [name, value] of Object.entries(SPEC)) expect((api as Record<string, unknown>)[name], name).toBe(value);
  });

  it('no other exported name restates a request type, status or flag (no prefixed copies)', () => {
    const copies = Object.keys(api).filter((k) => /BLK_(T|S)_|BLK_WRITE_ZEROES_FLAG|BLK_ID_BYTES|DRIVER_BLK/.test(k) && !(k in SPEC));
    expect(copies).toEqual([]);
  });
});

describe('virtio-blk request structures', () => {
  it('virtio_blk_outhdr: le32 type, le32 reserved (ioprio), le64 sector, 16 bytes', () => {
    const b = virtioBlkOutHdr.toBytes({ type: api.VIRTIO_BLK_T_OUT, ioprio: 0, sector: 0x0102030405060708n });
    expect([...b]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(virtioBlkOutHdr.decode(b)).toEqual({ type: 1, ioprio: 0, sector: 0x0102030405060708n });
  });

  it('virtio_blk_discard_write_zeroes: le64 sector, le32 num_sectors, le32 flags, 16 bytes', () => {
    const b = virtioBlkDiscardWriteZeroes.toBytes({ sector: 5n, num_sectors: 3, flags: api.VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP });
    expect([...b]).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0]);
  });
});
