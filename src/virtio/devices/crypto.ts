// struct virtio_crypto_config (virtio spec 5.9.4).
import { bit, struct, u32, u64, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './crypto.gen.js';

export const virtioCryptoConfig = struct('virtio_crypto_config', {
  status: u32(0, 'ro', { bits: [bit('VIRTIO_CRYPTO_S_HW_READY', 0)] }),
  max_dataqueues: u32(4, 'ro'),
  crypto_services: u32(8, 'ro', {
    bits: [
      bit('VIRTIO_CRYPTO_SERVICE_CIPHER', 0),
      bit('VIRTIO_CRYPTO_SERVICE_HASH', 1),
      bit('VIRTIO_CRYPTO_SERVICE_MAC', 2),
      bit('VIRTIO_CRYPTO_SERVICE_AEAD', 3),
      bit('VIRTIO_CRYPTO_SERVICE_AKCIPHER', 4),
    ],
  }),
  cipher_algo_l: u32(12, 'ro'),
  cipher_algo_h: u32(16, 'ro'),
  hash_algo: u32(20, 'ro'),
  mac_algo_l: u32(24, 'ro'),
  mac_algo_h: u32(28, 'ro'),
  aead_algo: u32(32, 'ro'),
  max_cipher_key_len: u32(36, 'ro'),
  max_auth_key_len: u32(40, 'ro'),
  akcipher_algo: u32(44, 'ro'),
  max_size: u64(48, 'ro', { doc: 'Maximum size of a request content in bytes' }),
}, gen.virtio_crypto_config);

export type VirtioCryptoConfig = ValueOf<typeof virtioCryptoConfig>;
export const virtioCryptoConfigLayout = deviceConfigLayout(20, virtioCryptoConfig, {});
