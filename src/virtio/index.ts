// The virtio-over-PCI transport layer: capabilities, identification, common/ISR/device
// configuration, the legacy layout, the driver-side probe, notify addresses and reverse lookup.
export * from './diagnostics.js';
export * from './caps.js';
export * from './ids.js';
export * from './features.js';
export * from './common-cfg.js';
export * from './isr.js';
export * from './legacy.js';
export * from './devices/index.js';
export * from './vendor-hook.js';
export * from './probe.js';
export * from './notify.js';
export * from './lookup.js';
export * from './vmm.js';
export * from './explain.js';
