// The ISR status byte (virtio spec 4.1.4.5). Reading it clears it: decoders never read it
// speculatively, they only interpret a value someone read.
import { bit, bits, struct, u8, type ValueOf } from '../layout/struct.js';
import { bitMask } from '../pci/header-regs.js';
import * as gen from './isr.gen.js';

export const virtioPciIsr = struct('virtio_pci_isr', {
  isr: u8(0, 'ro', {
    bits: [bit('queue_interrupt', 0), bit('device_config_interrupt', 1), bits('reserved', 2, 6)],
    doc: 'Read clears the byte and deasserts INTx',
  }),
}, gen.virtio_pci_isr);

export type VirtioPciIsr = ValueOf<typeof virtioPciIsr>;

// Linux's names for the two bits (virtio_pci.h), from the table.
export const VIRTIO_PCI_ISR_QUEUE = bitMask(virtioPciIsr.field('isr').bits!, 'queue_interrupt');
export const VIRTIO_PCI_ISR_CONFIG = bitMask(virtioPciIsr.field('isr').bits!, 'device_config_interrupt');

export interface IsrBits {
  readonly queue_interrupt: boolean;
  readonly device_config_interrupt: boolean;
  /** Bits 2–7, reserved. */
  readonly reserved: number;
}

export function decodeIsr(value: number): IsrBits {
  return virtioPciIsr.bits('isr', value & 0xff) as unknown as IsrBits;
}

export function encodeIsr(b: IsrBits): number {
  return (b.queue_interrupt ? VIRTIO_PCI_ISR_QUEUE : 0) | (b.device_config_interrupt ? VIRTIO_PCI_ISR_CONFIG : 0) | ((b.reserved & 0x3f) << 2);
}
