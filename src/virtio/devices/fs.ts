// struct virtio_fs_config (virtio spec 5.11.4).
import { bytes, struct, u32, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './fs.gen.js';

export const VIRTIO_FS_F_NOTIFICATION = 0;

export const virtioFsConfig = struct('virtio_fs_config', {
  tag: bytes(0, 36, 'ro', { doc: 'UTF-8 file-system name, NUL-padded (not terminated when 36 bytes long)' }),
  num_request_queues: u32(36, 'ro'),
  notify_buf_size: u32(40, 'ro'),
}, gen.virtio_fs_config);

export type VirtioFsConfig = ValueOf<typeof virtioFsConfig>;
export const virtioFsConfigLayout = deviceConfigLayout(26, virtioFsConfig, {
  notify_buf_size: [VIRTIO_FS_F_NOTIFICATION],
});

/** The tag as text: bytes up to the first NUL, decoded as UTF-8 (invalid sequences replaced). */
export function virtioFsTag(tag: Uint8Array): string {
  const n = tag.indexOf(0);
  return new TextDecoder('utf-8', { fatal: false }).decode(n < 0 ? tag : tag.subarray(0, n));
}
