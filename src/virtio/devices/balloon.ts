// struct virtio_balloon_config (virtio spec 5.5.4), traditional memory balloon.
import { struct, u32, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './balloon.gen.js';

export const VIRTIO_BALLOON_F_FREE_PAGE_HINT = 3;
export const VIRTIO_BALLOON_F_PAGE_POISON = 4;

export const virtioBalloonConfig = struct('virtio_balloon_config', {
  num_pages: u32(0, 'ro', { doc: 'Number of pages the host wants in the balloon' }),
  actual: u32(4, 'rw', { doc: 'Number of pages the driver has given' }),
  free_page_hint_cmd_id: u32(8, 'ro'),
  poison_val: u32(12, 'rw'),
}, gen.virtio_balloon_config);

export type VirtioBalloonConfig = ValueOf<typeof virtioBalloonConfig>;
export const virtioBalloonConfigLayout = deviceConfigLayout(5, virtioBalloonConfig, {
  free_page_hint_cmd_id: [VIRTIO_BALLOON_F_FREE_PAGE_HINT],
  poison_val: [VIRTIO_BALLOON_F_PAGE_POISON],
});
