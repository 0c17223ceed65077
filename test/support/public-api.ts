// Every name the package's browser-safe entry points export ('pcicfg', 'pcicfg/pci',
// 'pcicfg/virtio', 'pcicfg/vring', 'pcicfg/model', 'pcicfg/driver'), as one object: for the
// tests that ask "is this constant exported, under which names" of the package as a whole.
import * as root from '../../src/index.js';
import * as driver from '../../src/entries/driver.js';
import * as model from '../../src/entries/model.js';
import * as pci from '../../src/entries/pci.js';
import * as virtio from '../../src/entries/virtio.js';
import * as vring from '../../src/entries/vring.js';

export const publicApi = { ...root, ...pci, ...virtio, ...vring, ...model, ...driver };
