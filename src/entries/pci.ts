// pcicfg/pci: the PCI layer's parts underneath decodeConfigSpace, for callers that walk or
// decode pieces themselves: capability walkers and decoders, BAR decoding, register bit tables,
// header helpers, pci_regs.h offsets, the MSI-X placement. Listed in docs/api.md.

export { type BarDecodeOptions, decodeBarRegisters, decodeExpansionRom } from '../pci/bars.js';
export { parseSlotFilter, slotMatches } from '../pci/bus.js';
export { type CapWalkOptions, PCI_CAP_WALK_LIMIT, PCI_CFG_SPACE_SIZE, PCI_STD_HEADER_SIZEOF, pciCapDecoderFor, walkCapabilities } from '../pci/capabilities.js';
export type { CapDecodeContext as PciCapDecodeContext, CapDecoder as PciCapDecoder, CapPart as PciCapPart } from '../pci/caps/common.js';
export { msiCapDecoder, msiStructFor, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_BITS, PCI_MSI_FLAGS_MASKBIT } from '../pci/caps/msi.js';
export { msixCapDecoder, msixInfo, msixRegisters, PCI_MSIX_FLAGS_ENABLE, PCI_MSIX_FLAGS_MASKALL } from '../pci/caps/msix.js';
export { PCI_EXP_TYPE_NAMES, pcieCapDecoder, pciExpCapSize, pciExpTypeName } from '../pci/caps/pcie.js';
export { pmCapDecoder } from '../pci/caps/pm.js';
export { pciVendorCapStruct, vendorCapDecoder } from '../pci/caps/vendor.js';
export { PCI_CLASS_NAMES, pciClassDescription, pciClassName, type PciClassName } from '../pci/class-codes.js';
export { acsEgressVectorBytes, acsExtCapDecoder, PCI_ACS_CAP_BITS } from '../pci/ecaps/acs.js';
export { aerExtCapDecoder, PCI_ERR_COR_BITS, PCI_ERR_UNC_BITS } from '../pci/ecaps/aer.js';
export { ariExtCapDecoder } from '../pci/ecaps/ari.js';
export { atsExtCapDecoder } from '../pci/ecaps/ats.js';
export { PCI_EXT_CAP_HEADER_BITS } from '../pci/ecaps/common.js';
export { dsnExtCapDecoder, formatPciSerialNumber } from '../pci/ecaps/dsn.js';
export { l1ssExtCapDecoder } from '../pci/ecaps/l1ss.js';
export { ltrExtCapDecoder } from '../pci/ecaps/ltr.js';
export { rebarExtCapDecoder } from '../pci/ecaps/rebar.js';
export { sriovExtCapDecoder } from '../pci/ecaps/sriov.js';
export { dvsecExtCapDecoder, vsecExtCapDecoder } from '../pci/ecaps/vsec.js';
export { PCI_CFG_SPACE_EXP_SIZE, PCI_EXT_CAP_START, pciExtCapDecoderFor, walkExtendedCapabilities } from '../pci/ext-capabilities.js';
export { type ExtConfigVerdict, extendedConfigVerdict } from '../pci/ext-config.js';
export { PCI_HEADER_TYPE_MASK, PCI_HEADER_TYPE_MFD, PCI_STATUS_CAP_LIST } from '../pci/header-regs.js';
export { barCountFor, capPointerOffsetFor, headerStructFor, PCI_BIST_BITS, PCI_BRIDGE_CONTROL_BITS, PCI_CB_BRIDGE_CONTROL_BITS, PCI_COMMAND_BITS, PCI_HEADER_TYPE_BITS, PCI_ROM_BITS, PCI_SEC_STATUS_BITS, PCI_STATUS_BITS, romOffsetFor } from '../pci/header.js';
export { type MsixLayout, msixLayout, type MsixPlacement } from '../pci/msix-check.js';
