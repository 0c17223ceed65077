// Every diagnostic the PCI layer can emit. docs/diagnostics.md is generated from this table.
import { defineDiagnostics } from '../bytes/diagnostic.js';

export const PCI_DIAGNOSTICS = defineDiagnostics({
  IMAGE_TOO_SHORT: {
    severity: 'error',
    meaning: 'Fewer than the 64 bytes of the standard header are known; header fields past the known length are absent.',
  },
  IMAGE_TRUNCATED: {
    severity: 'warning',
    meaning:
      'A structure runs past the known length of the image (for example a 64-byte `lspci -x` dump whose capability pointer points further); the fields there are not available and are left out, never decoded from filler bytes. Reported once per image.',
  },
  HEADER_TYPE_UNKNOWN: {
    severity: 'error',
    meaning: 'Header type bits 0-6 are not 0 (normal), 1 (PCI-PCI bridge) or 2 (CardBus); only the common 16 bytes are decoded.',
  },
  HEADER_TYPE_NOT_KNOWN: {
    severity: 'warning',
    meaning:
      'Byte 0x0e (header type) is not known (a hole in a dump), so the header layout is unknown: only the common 16 bytes are decoded, with no BARs, expansion ROM or capability list, and no multi-function bit. The library decodes a layout the caller names (`assumeHeaderType`).',
  },
  BAR64_LAST_SLOT: {
    severity: 'error',
    meaning:
      'A 64-bit memory BAR sits in the last BAR register (5 for type 0, 1 for type 1), so it has no upper half; it is decoded from its low 32 bits only (pciutils: "Invalid 64-bit address seen").',
  },
  BAR_TYPE_RESERVED: {
    severity: 'warning',
    meaning: 'A memory BAR has the reserved type 3 in bits 1-2 (lspci prints "type 3"); it is decoded as a 32-bit BAR.',
  },
  BAR_SIZE_UNUSED: {
    severity: 'info',
    meaning: 'A BAR size was supplied for a BAR register that holds no BAR (unused, or the upper half of a 64-bit BAR); it is ignored.',
  },
  MSIX_BIR_RESERVED: {
    severity: 'error',
    meaning: 'The Table BIR or PBA BIR of an MSI-X capability is 6 or 7, which the PCI spec reserves; the table or PBA is in no BAR.',
  },
  MSIX_BIR_NO_BAR: {
    severity: 'error',
    meaning:
      'The Table BIR or PBA BIR of an MSI-X capability names a BAR register that holds no BAR: one that reads 0 (not implemented, or a 32-bit memory BAR left unassigned), the upper half of a 64-bit BAR, or BIR 2-5 of a bridge, which has two BARs. Linux cannot map the table there.',
  },
  MSIX_BIR_IO: {
    severity: 'error',
    meaning: 'The Table BIR or PBA BIR of an MSI-X capability names an I/O BAR; the PCI spec maps the MSI-X table and PBA into memory space only.',
  },
  MSIX_OUTSIDE_BAR: {
    severity: 'error',
    meaning: 'The MSI-X table (16 bytes per entry) or PBA (one bit per entry, in 8-byte units) runs past the end of its BAR; only reported when the BAR size is known.',
  },
  MSIX_TABLE_PBA_OVERLAP: {
    severity: 'error',
    meaning: 'The MSI-X table and PBA are in the same BAR and their byte ranges overlap, which the PCI spec forbids (they may share a 4 KiB page, not bytes).',
  },
  CAPS_WITHOUT_STATUS_BIT: {
    severity: 'warning',
    meaning:
      'The capabilities pointer is non-zero but Status bit 4 (capabilities list) is clear. Like Linux and lspci the list is not walked; the pointer is reported.',
  },
  CAP_PTR_UNALIGNED: {
    severity: 'info',
    meaning: 'A capability pointer has its low two bits set; they are reserved and masked off (as Linux and lspci do) before following it.',
  },
  CAP_PTR_IN_HEADER: {
    severity: 'error',
    meaning: 'A capability pointer points below 0x40, into the standard header; it is reported and not followed (Linux stops there too, lspci would follow it).',
  },
  CAP_PTR_OUT_OF_RANGE: {
    severity: 'error',
    meaning: 'A capability pointer points past the known bytes of the image (a truncated dump); the walk stops there.',
  },
  CAP_LOOP: {
    severity: 'error',
    meaning: 'A capability pointer leads back to a capability already visited; the walk stops (lspci: "<chain looped>").',
  },
  CAP_ID_FF: {
    severity: 'error',
    meaning: 'A capability has ID 0xff, which is what a failed read returns; the walk stops (lspci: "<chain broken>").',
  },
  CAP_TRUNCATED: {
    severity: 'warning',
    meaning:
      'A capability body runs past the known length of the image or past the end of the 256-byte conventional space; it is decoded as far as it goes.',
  },
  VENDOR_CAP_LEN_INVALID: {
    severity: 'warning',
    meaning: 'A vendor-specific capability (ID 0x09) has a length byte below 3, smaller than its own header; only the header is claimed.',
  },
  PCIE_CAP_VERSION_UNKNOWN: {
    severity: 'info',
    meaning: 'The PCI Express capability version is neither 1 nor 2; it is decoded as version 2 when at least 60 bytes fit, else as version 1.',
  },
  EXTCAP_PTR_INVALID: {
    severity: 'error',
    meaning: 'An extended capability next pointer is non-zero but below 0x100, in conventional space (the 12-bit field cannot point past 0xffc); the walk stops.',
  },
  EXT_CFG_NOT_CONFIG_SPACE: {
    severity: 'warning',
    meaning:
      'The image has bytes past 0xff, but Linux gives this function 256 bytes of config space (pci_cfg_space_size: no PCI Express capability, or 0x100 reads all ones, or the space aliases the first 256 bytes); the extended capabilities there are not walked unless asked (forceExtendedCapabilities).',
  },
  EXTCAP_LOOP: {
    severity: 'error',
    meaning: 'An extended capability next pointer leads back to one already visited; the walk stops.',
  },
  EXTCAP_TRUNCATED: {
    severity: 'warning',
    meaning:
      'An extended capability runs past the known length of the image or past 4096 bytes (or its header is not known); it is decoded as far as it goes.',
  },
  EXTCAP_LEN_INVALID: {
    severity: 'warning',
    meaning: 'A VSEC or DVSEC length is smaller than its own headers; only the headers are claimed.',
  },
  REBAR_COUNT_INVALID: {
    severity: 'warning',
    meaning: 'The Resizable BAR capability announces 0 or more than 6 resizable BARs; at most 6 entries that fit are decoded.',
  },
});

export type PciDiagnosticCode = keyof typeof PCI_DIAGNOSTICS;
