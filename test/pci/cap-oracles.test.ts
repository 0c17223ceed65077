// The PCI and PCI Express capabilities the command line prints, as C declarations written
// from the specs' register maps, read by binary-parser and restructure, against the generated
// decoders and encoders (test/support/c-oracle.ts). The headers and MSI-X have their own
// hand-written oracles in oracles.test.ts.
import { describeCOracles } from '../support/c-oracle.js';
import { PCI_CAP_STRUCTS } from './oracles/caps-c.js';

describeCOracles('PCI capabilities against their C declarations', PCI_CAP_STRUCTS);
