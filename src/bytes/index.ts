export * from './window.js';
export * from './hex.js';
export * from './diagnostic.js';
