// pcicfg/node: QEMU driven through its qtest protocol (Node-only).
export * from './errors.js';
export * from './qmp.js';
export * from './process.js';
export * from './bus.js';
export * from './dump.js';
