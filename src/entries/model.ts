// pcicfg/model: the device model: a virtio-pci function with register semantics, presets,
// guest memory, backends and an in-process Bus. Listed in docs/api.md.

export type { ModelBackendHost, VirtioModelBackend } from '../model/backend.js';
export type { ModelBar, ModelBarKind, ProgrammedBar } from '../model/bars.js';
export { type ModelBlkOptions, type ModelBlkRequest, VirtioBlkModelBackend } from '../model/blk.js';
export { ModelBus, type ModelFunction } from '../model/bus.js';
export { ConfigSpaceModel, type ModelAccessWidth, type ModelConfigHook, type ModelPlacedStruct } from '../model/config-space.js';
export { type ModelQueueState, VirtioModelCore, type VirtioModelCoreEvents } from '../model/core.js';
export { checkModelDescription, defaultModelIds, type ModelBarRegion, type ModelCapEntry, type ModelCapKind, type ModelMsix, type ModelNotifyRegion, type ModelPciIds, type ModelQueue, type VirtioModelDescription } from '../model/description.js';
export { type ModelInterrupt, VirtioPciDevice, type VirtioPciDeviceOptions } from '../model/device.js';
export { buildModelConfigImage, type ModelConfigImage } from '../model/image.js';
export { SparseGuestMemory } from '../model/memory.js';
export type { ModelKick } from '../model/notify.js';
export { cloudHypervisorPreset, kvmtoolPreset, type ModelPresetOptions, qemuModernPioNotifyPreset, qemuModernPreset, qemuPagePerVqPreset, qemuPcieEndpointPreset, type QemuPresetOptions, qemuTransitionalPreset, qemuVirtioPreset, VIRTIO_MODEL_PRESETS } from '../model/presets.js';
