// pcicfg/vring: split and packed virtqueues: layouts, element tables, ring views, chain
// walkers and the ring diagnostics. Listed in docs/api.md.

export { vringNeedEvent } from '../vring/event.js';
export { VringFlatMemory, type VringGuestMemory, VringMemoryFault } from '../vring/memory.js';
export { locatePackedVring, type PackedVringLayout, packedVringLayout, packedVringRegions } from '../vring/packed-layout.js';
export { decodePackedEventSuppression, packedAdvance, packedAvailFlags, packedDescIsAvail, packedDescIsUsed, type PackedEventMode, type PackedEventSuppression, packedNeedEvent, packedOffWrap, type PackedPopResult, packedUsedFlags, type PackedVringAddrs, packedVringAddrs, PackedVringDevice, PackedVringDriver, PackedVringView } from '../vring/packed-ring.js';
export { VRING_PACKED_DESC_F_AVAIL, VRING_PACKED_DESC_F_AVAIL_SHIFT, VRING_PACKED_DESC_F_USED, VRING_PACKED_DESC_F_USED_SHIFT, VRING_PACKED_EVENT_F_WRAP_CTR, VRING_PACKED_EVENT_FLAG_DESC, VRING_PACKED_EVENT_FLAG_DISABLE, VRING_PACKED_EVENT_FLAG_ENABLE, type VringPackedDesc, vringPackedDesc, type VringPackedDescEvent, vringPackedDescEvent } from '../vring/packed-structs.js';
export { vringAlignUp, vringCheckQueueSize, vringIsPowerOfTwo } from '../vring/size.js';
export { legacySplitVringLayout, locateSplitVring, specLegacyVringSize, type SplitVringLayout, splitVringLayout, type SplitVringLayoutOptions, type SplitVringPlacement, splitVringRegions, type VringLocation, type VringPart, vringSize } from '../vring/split-layout.js';
export { type SplitVringAddrs, splitVringAddrs, SplitVringDevice, type SplitVringDeviceOptions, SplitVringDriver, type SplitVringOptions, SplitVringView, type VringBufferSpec, type VringPopResult, type VringUsedResult } from '../vring/split-ring.js';
export { VRING_AVAIL_ALIGN_SIZE, VRING_AVAIL_F_NO_INTERRUPT, VRING_DESC_ALIGN_SIZE, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE, VRING_DESC_SIZE, VRING_MAX_QUEUE_SIZE, VRING_USED_ALIGN_SIZE, VRING_USED_F_NO_NOTIFY, type VringAvailElem, vringAvailElem, type VringAvailEvent, vringAvailEvent, type VringAvailHeader, vringAvailHeader, type VringDesc, vringDesc, type VringUsedElem, vringUsedElem, type VringUsedEvent, vringUsedEvent, type VringUsedHeader, vringUsedHeader } from '../vring/split-structs.js';
export { type PackedChainWalk, type PackedWalkOptions, type VringBuffer, type VringChainWalk, type VringWalkOptions, walkPackedChain, walkSplitChain } from '../vring/walk.js';
