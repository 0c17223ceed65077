// struct virtio_net_config (virtio spec 5.1.4; Linux include/uapi/linux/virtio_net.h), packed.
import { bit, bytes, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './net.gen.js';

export const VIRTIO_NET_F_MTU = 3;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_STATUS = 16;
export const VIRTIO_NET_F_MQ = 22;
export const VIRTIO_NET_F_HASH_REPORT = 57;
export const VIRTIO_NET_F_RSS = 60;
export const VIRTIO_NET_F_SPEED_DUPLEX = 63;

export const virtioNetConfig = struct('virtio_net_config', {
  mac: bytes(0, 6, 'ro', { doc: 'MAC address' }),
  status: u16(6, 'ro', { bits: [bit('VIRTIO_NET_S_LINK_UP', 0), bit('VIRTIO_NET_S_ANNOUNCE', 1)] }),
  max_virtqueue_pairs: u16(8, 'ro', { doc: 'Maximum receive/transmit queue pairs (1..0x8000)' }),
  mtu: u16(10, 'ro'),
  speed: u32(12, 'ro', { doc: 'Mb/s; 0xffffffff unknown' }),
  duplex: u8(16, 'ro', { doc: '0 half, 1 full, 0xff unknown' }),
  rss_max_key_size: u8(17, 'ro'),
  rss_max_indirection_table_length: u16(18, 'ro'),
  supported_hash_types: u32(20, 'ro', {
    bits: [
      bit('VIRTIO_NET_HASH_TYPE_IPv4', 0),
      bit('VIRTIO_NET_HASH_TYPE_TCPv4', 1),
      bit('VIRTIO_NET_HASH_TYPE_UDPv4', 2),
      bit('VIRTIO_NET_HASH_TYPE_IPv6', 3),
      bit('VIRTIO_NET_HASH_TYPE_TCPv6', 4),
      bit('VIRTIO_NET_HASH_TYPE_UDPv6', 5),
      bit('VIRTIO_NET_HASH_TYPE_IP_EX', 6),
      bit('VIRTIO_NET_HASH_TYPE_TCP_EX', 7),
      bit('VIRTIO_NET_HASH_TYPE_UDP_EX', 8),
    ],
  }),
}, gen.virtio_net_config);

export type VirtioNetConfig = ValueOf<typeof virtioNetConfig>;

const rssOrHash = [VIRTIO_NET_F_RSS, VIRTIO_NET_F_HASH_REPORT];

export const virtioNetConfigLayout = deviceConfigLayout(1, virtioNetConfig, {
  mac: [VIRTIO_NET_F_MAC],
  status: [VIRTIO_NET_F_STATUS],
  max_virtqueue_pairs: [VIRTIO_NET_F_MQ, VIRTIO_NET_F_RSS],
  mtu: [VIRTIO_NET_F_MTU],
  speed: [VIRTIO_NET_F_SPEED_DUPLEX],
  duplex: [VIRTIO_NET_F_SPEED_DUPLEX],
  rss_max_key_size: rssOrHash,
  rss_max_indirection_table_length: [VIRTIO_NET_F_RSS],
  supported_hash_types: rssOrHash,
});

/** The MAC address as `52:54:00:12:34:56`. */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}
