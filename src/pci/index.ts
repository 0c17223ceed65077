export * from './bus.js';
export * from './types.js';
