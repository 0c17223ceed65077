export * from './bus.js';
export * from './types.js';
export * from './header.js';
