// pcicfg/arbitraries: fast-check generators of valid and deliberately invalid PCI and virtio
// images, rings and device descriptions, each carrying the facts it was built from, plus
// model-based commands that drive a virtio device over any Bus. Needs fast-check (a peer
// dependency of this subpath only).
export { barRegisters, placeCapChain, type ArbBar, type ArbBarKind, type ChainPlan } from './place.js';
export * from './virtio-transport.js';
export * from './dump.js';
export * from './model.js';
export * from './config-image.js';
export * from './vring.js';
export * from './common-cfg.js';
export * from './noise-image.js';
export * from './bar-registers.js';
export * from './hierarchy.js';
export * from './identity.js';
export * from './virtio-commands.js';
