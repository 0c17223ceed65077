// pcicfg: the browser-safe core. No Node-only APIs are reachable from here.
export * from './bytes/index.js';
export * from './layout/index.js';
export * from './pci/index.js';
export * from './virtio/index.js';
export * from './vring/index.js';
export * from './dump/index.js';
export * from './model/index.js';
export * from './driver/index.js';
