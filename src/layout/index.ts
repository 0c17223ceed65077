export * from './struct.js';
export * from './annotate.js';
