// pcicfg/node: the Node-only parts (QEMU through qtest, host sysfs scanning, the CLI).
export * from './index.js';
export * from './dump/node.js';
export * from './qtest/index.js';
