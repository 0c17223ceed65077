// struct virtio_input_config (virtio spec 5.8.4): the driver writes select/subsel, the device
// answers with size bytes of the union u. No feature bits.
import { bytes, reserved, struct, u16, u32, u8, type ValueOf } from '../../layout/struct.js';
import { deviceConfigLayout } from './layout.js';
import * as gen from './input.gen.js';

export const VIRTIO_INPUT_CFG_UNSET = 0x00;
export const VIRTIO_INPUT_CFG_ID_NAME = 0x01;
export const VIRTIO_INPUT_CFG_ID_SERIAL = 0x02;
export const VIRTIO_INPUT_CFG_ID_DEVIDS = 0x03;
export const VIRTIO_INPUT_CFG_PROP_BITS = 0x10;
export const VIRTIO_INPUT_CFG_EV_BITS = 0x11;
export const VIRTIO_INPUT_CFG_ABS_INFO = 0x12;

export const VIRTIO_INPUT_CFG_SELECT_NAMES: Readonly<Record<number, string>> = {
  0x00: 'VIRTIO_INPUT_CFG_UNSET',
  0x01: 'VIRTIO_INPUT_CFG_ID_NAME',
  0x02: 'VIRTIO_INPUT_CFG_ID_SERIAL',
  0x03: 'VIRTIO_INPUT_CFG_ID_DEVIDS',
  0x10: 'VIRTIO_INPUT_CFG_PROP_BITS',
  0x11: 'VIRTIO_INPUT_CFG_EV_BITS',
  0x12: 'VIRTIO_INPUT_CFG_ABS_INFO',
};

export const virtioInputConfig = struct('virtio_input_config', {
  select: u8(0, 'rw'),
  subsel: u8(1, 'rw'),
  size: u8(2, 'ro', { doc: 'Bytes of u that are valid for this select/subsel' }),
  reserved: reserved(3, 5),
  u: bytes(8, 128, 'ro', { doc: 'union { string; bitmap; abs; ids }' }),
}, gen.virtio_input_config);

export type VirtioInputConfig = ValueOf<typeof virtioInputConfig>;
export const virtioInputConfigLayout = deviceConfigLayout(18, virtioInputConfig, {});

/** struct virtio_input_absinfo (20 bytes). */
export const virtioInputAbsinfo = struct('virtio_input_absinfo', {
  min: u32(0, 'ro'),
  max: u32(4, 'ro'),
  fuzz: u32(8, 'ro'),
  flat: u32(12, 'ro'),
  res: u32(16, 'ro'),
}, gen.virtio_input_absinfo);

/** struct virtio_input_devids (8 bytes). */
export const virtioInputDevids = struct('virtio_input_devids', {
  bustype: u16(0, 'ro'),
  vendor: u16(2, 'ro'),
  product: u16(4, 'ro'),
  version: u16(6, 'ro'),
}, gen.virtio_input_devids);

export type VirtioInputUnion =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'bitmap'; readonly bits: number[] }
  | { readonly kind: 'abs'; readonly abs: ValueOf<typeof virtioInputAbsinfo> }
  | { readonly kind: 'ids'; readonly ids: ValueOf<typeof virtioInputDevids> }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

/** Interpret u according to select (only `size` bytes are valid). */
export function decodeVirtioInputUnion(cfg: Pick<VirtioInputConfig, 'select' | 'size' | 'u'>): VirtioInputUnion {
  const n = Math.min(cfg.size, 128);
  const u = cfg.u.subarray(0, n);
  switch (cfg.select) {
    case VIRTIO_INPUT_CFG_ID_NAME:
    case VIRTIO_INPUT_CFG_ID_SERIAL:
      return { kind: 'string', text: new TextDecoder('utf-8', { fatal: false }).decode(u) };
    case VIRTIO_INPUT_CFG_PROP_BITS:
    case VIRTIO_INPUT_CFG_EV_BITS: {
      const bits: number[] = [];
      for (let i = 0; i < u.length * 8; i++) if ((u[i >> 3] >> (i & 7)) & 1) bits.push(i);
      return { kind: 'bitmap', bits };
    }
    case VIRTIO_INPUT_CFG_ABS_INFO:
      if (n >= virtioInputAbsinfo.size) return { kind: 'abs', abs: virtioInputAbsinfo.decode(cfg.u, 0) };
      break;
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
      if (n >= virtioInputDevids.size) return { kind: 'ids', ids: virtioInputDevids.decode(cfg.u, 0) };
      break;
  }
  return { kind: 'raw', bytes: u.slice() };
}
