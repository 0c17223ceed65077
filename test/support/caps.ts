// Typed access to one decoded capability in a test: the entry at `index` must have `id`, and
// is then that ID's member of the union (its fields and info typed), as `c.id === id` narrows.
import type {
  Capability,
  CapabilityWithId,
  ConfigSpace,
  ConfigSpaceCardbus,
  ConfigSpaceType0,
  ConfigSpaceType1,
  ExtendedCapability,
  ExtendedCapabilityWithId,
} from '../../src/pci/types.js';

export function capAt<Id extends number>(caps: readonly Capability[], index: number, id: Id): CapabilityWithId<Id> {
  const c = caps[index];
  if (c?.id !== id) throw new Error(`capability ${index}: expected ID ${id}, got ${c ? c.id : 'none'}`);
  return c as CapabilityWithId<Id>;
}

export function extCapAt<Id extends number>(caps: readonly ExtendedCapability[], index: number, id: Id): ExtendedCapabilityWithId<Id> {
  const c = caps[index];
  if (c?.id !== id) throw new Error(`extended capability ${index}: expected ID ${id}, got ${c ? c.id : 'none'}`);
  return c as ExtendedCapabilityWithId<Id>;
}

/** The header of a configuration space that must have header layout `layout` (0, 1 or 2), typed as that layout's. */
export function headerOf(cs: ConfigSpace, layout: 0): ConfigSpaceType0['header'];
export function headerOf(cs: ConfigSpace, layout: 1): ConfigSpaceType1['header'];
export function headerOf(cs: ConfigSpace, layout: 2): ConfigSpaceCardbus['header'];
export function headerOf(cs: ConfigSpace, layout: number): ConfigSpace['header'] {
  if (cs.headerType !== layout) throw new Error(`expected header type ${layout}, got ${cs.headerType}`);
  return cs.header;
}
