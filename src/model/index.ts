// The device model: config space with register semantics, virtio-pci functions built from
// descriptions and presets, guest memory, device backends and a Bus over all of it.
export * from './memory.js';
export * from './config-space.js';
export * from './bars.js';
export * from './registers.js';
export * from './description.js';
export * from './image.js';
export * from './core.js';
export * from './common-regs.js';
export * from './notify.js';
export * from './backend.js';
export * from './device.js';
export * from './blk.js';
export * from './presets.js';
export * from './bus.js';
