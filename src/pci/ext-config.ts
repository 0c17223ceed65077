// Whether the bytes from 0x100 are configuration space to the OS: Linux's pci_cfg_space_size
// (drivers/pci/probe.c). Only a PCI Express function, a PCI-X 266/533 function or a host bridge
// may have extended configuration space; and then only when the dword at 0x100 reads as
// something (not 0xffffffff) and the space does not alias the first 256 bytes (the dword at
// every 0x100 boundary equal to the vendor and device ID: pci_ext_cfg_is_aliased). lspci walks
// extended capabilities only behind a PCI Express or PCI-X capability.
import { readU32 } from '../bytes/window.js';
import { PCI_CAP_ID } from './cap-ids.js';
import { PCI_CFG_SPACE_SIZE } from './capabilities.js';
import type { Capability } from './types.js';

const PCI_CLASS_BRIDGE_HOST = 0x0600;
/** PCI-X Status (cap + 4) bits 30 and 31: 266 and 533 MHz capable (PCI-X 2.0). */
const PCI_X_STATUS = 4;
const PCI_X_STATUS_266MHZ = 0x40000000;
const PCI_X_STATUS_533MHZ = 0x80000000;

export type ExtConfigVerdict =
  | { readonly extended: true }
  | { readonly extended: false; readonly reason: 'no-pcie' | 'all-ones' | 'aliased' };

/** Linux's answer for a function whose image has more than 256 known bytes. */
export function extendedConfigVerdict(bytes: Uint8Array, length: number, caps: readonly Capability[], classCode: number | null): ExtConfigVerdict {
  const pcie = caps.some((c) => c.id === PCI_CAP_ID.EXP);
  const pcix = caps.find((c) => c.id === PCI_CAP_ID.PCIX);
  const pcix2 = pcix !== undefined && pcix.pos + PCI_X_STATUS + 4 <= length && (readU32(bytes, pcix.pos + PCI_X_STATUS) & (PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ)) !== 0;
  const host = classCode !== null && classCode >>> 8 === PCI_CLASS_BRIDGE_HOST;
  if (!pcie && !pcix2 && !host) return { extended: false, reason: 'no-pcie' };
  if (length >= PCI_CFG_SPACE_SIZE + 4 && readU32(bytes, PCI_CFG_SPACE_SIZE) === 0xffffffff) {
    return { extended: false, reason: 'all-ones' };
  }
  // Aliased: the dword at every 0x100 boundary up to 0xf00 equal to dword 0.
  if (length >= 0x1000) {
    const id = readU32(bytes, 0);
    let aliased = true;
    for (let pos = PCI_CFG_SPACE_SIZE; pos < 0x1000 && aliased; pos += PCI_CFG_SPACE_SIZE) {
      aliased = readU32(bytes, pos) === id;
    }
    if (aliased) return { extended: false, reason: 'aliased' };
  }
  return { extended: true };
}
