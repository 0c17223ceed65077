// Node-only parts of the dump layer (re-exported from src/node.ts).
export * from './sysfs.node.js';
