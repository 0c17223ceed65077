// struct virtio_gpu_config (virtio spec 5.7.4).
import { bit, struct, u32, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './gpu.gen.js';

const events = { bits: [bit('VIRTIO_GPU_EVENT_DISPLAY', 0)] };

export const virtioGpuConfig = struct('virtio_gpu_config', {
  events_read: u32(0, 'ro', { ...events, doc: 'Pending events' }),
  events_clear: u32(4, 'wo', { ...events, doc: 'Write 1s to clear events_read bits' }),
  num_scanouts: u32(8, 'ro'),
  num_capsets: u32(12, 'ro'),
}, gen.virtio_gpu_config);

export type VirtioGpuConfig = ValueOf<typeof virtioGpuConfig>;
export const virtioGpuConfigLayout = deviceConfigLayout(16, virtioGpuConfig, {});
