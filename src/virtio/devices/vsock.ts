// struct virtio_vsock_config (virtio spec 5.10.4).
import { struct, u64, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './vsock.gen.js';

export const virtioVsockConfig = struct('virtio_vsock_config', {
  guest_cid: u64(0, 'ro', { doc: 'Context ID of the guest (only the low 32 bits are used)' }),
}, gen.virtio_vsock_config);

export type VirtioVsockConfig = ValueOf<typeof virtioVsockConfig>;
export const virtioVsockConfigLayout = deviceConfigLayout(19, virtioVsockConfig, {});
