// struct virtio_console_config (virtio spec 5.3.4).
import { struct, u16, u32, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './console.gen.js';

export const VIRTIO_CONSOLE_F_SIZE = 0;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

export const virtioConsoleConfig = struct('virtio_console_config', {
  cols: u16(0, 'ro'),
  rows: u16(2, 'ro'),
  max_nr_ports: u32(4, 'ro'),
  emerg_wr: u32(8, 'wo', { doc: 'Emergency write: the driver writes a character here' }),
}, gen.virtio_console_config);

export type VirtioConsoleConfig = ValueOf<typeof virtioConsoleConfig>;
export const virtioConsoleConfigLayout = deviceConfigLayout(3, virtioConsoleConfig, {
  cols: [VIRTIO_CONSOLE_F_SIZE],
  rows: [VIRTIO_CONSOLE_F_SIZE],
  max_nr_ports: [VIRTIO_CONSOLE_F_MULTIPORT],
  emerg_wr: [VIRTIO_CONSOLE_F_EMERG_WRITE],
});
