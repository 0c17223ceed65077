// struct virtio_scsi_config (virtio spec 5.6.4). Every field always exists.
import { struct, u16, u32, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './scsi.gen.js';

export const virtioScsiConfig = struct('virtio_scsi_config', {
  num_queues: u32(0, 'ro', { doc: 'Number of request queues' }),
  seg_max: u32(4, 'ro'),
  max_sectors: u32(8, 'ro'),
  cmd_per_lun: u32(12, 'ro'),
  event_info_size: u32(16, 'ro'),
  sense_size: u32(20, 'rw', { doc: 'Sense data size; the driver may write it' }),
  cdb_size: u32(24, 'rw', { doc: 'CDB size; the driver may write it' }),
  max_channel: u16(28, 'ro'),
  max_target: u16(30, 'ro'),
  max_lun: u32(32, 'ro'),
}, gen.virtio_scsi_config);

export type VirtioScsiConfig = ValueOf<typeof virtioScsiConfig>;
export const virtioScsiConfigLayout = deviceConfigLayout(8, virtioScsiConfig, {});
