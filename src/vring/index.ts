// Split and packed virtqueue layouts, element codecs, ring views and chain walkers.
export * from './diagnostics.js';
export * from './split-structs.js';
export * from './packed-structs.js';
export * from './size.js';
export * from './split-layout.js';
export * from './packed-layout.js';
export * from './memory.js';
export * from './event.js';
export * from './walk.js';
export * from './split-ring.js';
export * from './packed-ring.js';
