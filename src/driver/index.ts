export * from './errors.js';
export * from './guest-memory.js';
export * from './virtio-pci.js';
export * from './blk.js';
