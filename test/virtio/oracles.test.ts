// The virtio structures (transport capabilities, common configuration 1.0/1.2/1.3, split and
// packed ring pieces) as the spec declares them in C, read by binary-parser and restructure,
// against the generated decoders and encoders (test/support/c-oracle.ts).
import { describeCOracles } from '../support/c-oracle.js';
import { C_STRUCTS, RENAMED } from './oracles/c-structs.js';

describeCOracles('virtio structures against their C declarations', C_STRUCTS, RENAMED);
