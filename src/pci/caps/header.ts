// The two-byte header every standard capability starts with; unknown capabilities claim only it.
import { struct, u8 } from '../../layout/struct.js';
import type { CapDecoder } from './common.js';
import * as gen from './header.gen.js';

export const pciCapHeader = struct('pci_cap_header', {
  cap_id: u8(0, 'ro'),
  cap_next: u8(1, 'ro'),
}, gen.pci_cap_header);

export const rawCapDecoder: CapDecoder = {
  layout: (ctx) => [{ struct: pciCapHeader, offset: ctx.pos }],
};
