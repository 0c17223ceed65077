// pcicfg/driver: a minimal virtio-pci driver and virtio-blk requests over any Bus. Listed in
// docs/api.md.

export { virtioBlkComplete, type VirtioBlkPending, virtioBlkRead, type VirtioBlkRequest, virtioBlkRequest, type VirtioBlkResult, virtioBlkSubmit, virtioBlkWrite, virtioBlkWriteZeroes } from '../driver/blk.js';
export { VirtioDriverError, type VirtioDriverErrorCode } from '../driver/errors.js';
export { BusMirrorMemory, GuestRamAllocator } from '../driver/guest-memory.js';
export { findVirtioFunctions, type OpenVirtioOptions, openVirtioPci, readConfigImage, type VirtioDriverOptions, type VirtioDriverPath, type VirtioDriverQueue, type VirtioDriverStep, VirtioPciDriver, type VirtioSubmitted } from '../driver/virtio-pci.js';
