export * from './struct.js';
export * from './annotate.js';
export * from './access-parts.js';
