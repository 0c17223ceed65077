// One function as `decode --json` prints it (the contract in docs/cli.md).
import { formatPciAddress } from '../pci/bus.js';
import type { ConfigSpace } from '../pci/types.js';
import { JsonBinder } from './binder.js';
import { diagnosticJson } from './diagnostics.js';
import type { DecodedDevice } from './device.js';
import { addr, addrOrNull, jsonValue } from './json-values.js';
import { knownParts } from './ranges.js';
import { rawToJson } from './raw.js';
import { virtioJson } from './virtio-view.js';
import { namesJson, subsystemIds, type CliNames } from './names.js';

/** Header JSON: every register by spec name (editable) plus the derived class_code and multi_function. */
function headerJson(cs: ConfigSpace, b: JsonBinder, known: Uint8Array | null): Record<string, unknown> {
  const out = b.editable(cs.header as Record<string, unknown>, 'header') as Record<string, unknown>;
  // A register over bytes the dump did not give is unknown: null, not the 0xff filler.
  const region = cs.regions.find((r) => r.offset === 0 && r.struct.startsWith('pci_'));
  if (known && region) {
    for (const f of region.fields) {
      if (!(f.name in out)) continue;
      for (let i = f.offset; i < f.offset + f.size; i++) if (known[i] !== 1) out[f.name] = null;
    }
  }
  // Derived (not editable): the 24-bit class code and the multi-function bit of header_type.
  out.class_code = cs.classCode;
  out.multi_function = cs.multiFunction;
  if (!('header_type' in out)) out.header_type = cs.headerType;
  return out;
}

export function deviceJson(dev: DecodedDevice, b: JsonBinder = new JsonBinder(false), names: CliNames = null): Record<string, unknown> {
  const { cs, input } = dev;
  const capabilities = cs.capabilities.map((c, i) => {
    const path = `capabilities[${i}]`;
    const o: Record<string, unknown> = { pos: c.pos, id: c.id, name: c.name, next: c.next };
    if (c.vendor) {
      // The vendor's structure is the editable view; the generic header keys it shares are
      // bound to both, and the generic `data` bytes are derived from the vendor's fields.
      b.spread(o, c.fields, path, [c.vendor.fields], new Set(Object.keys(c.fields).filter((k) => !(k in c.vendor!.fields))));
      const v: Record<string, unknown> = { kind: c.vendor.kind, name: c.vendor.name };
      b.spread(v, c.vendor.fields, `${path}.vendor`, [c.fields]);
      o.vendor = v;
    } else b.spread(o, c.fields, path);
    if (Object.keys(c.info).length) o.info = jsonValue(c.info);
    return o;
  });
  const extended = cs.extendedCapabilities.map((c, i) => {
    const o: Record<string, unknown> = { pos: c.pos, id: c.id, version: c.version, name: c.name, next: c.next };
    b.spread(o, c.fields, `extended_capabilities[${i}]`);
    if (Object.keys(c.info).length) o.info = jsonValue(c.info);
    return o;
  });
  const header = headerJson(cs, b, input.known);
  const reg = (n: string) => (typeof header[n] === 'number' ? (header[n] as number) : null);
  // Names only where pci.ids gives some (docs/cli.md).
  const named = namesJson(names, reg, cs.classCode, subsystemIds(names, cs, reg, input.known));
  return {
    slot: input.slot ? formatPciAddress(input.slot) : null,
    description: input.description || null,
    ...(named ? { names: named } : {}),
    length: input.length,
    header,
    bars: cs.bars.map((bar) => ({
      index: bar.index,
      kind: bar.kind,
      prefetchable: bar.prefetchable,
      address: addr(bar.address),
      size: addrOrNull(bar.size),
    })),
    expansion_rom: cs.rom ? { address: addr(cs.rom.address), enabled: cs.rom.enabled } : null,
    capabilities,
    extended_capabilities: extended,
    virtio: dev.virtio ? virtioJson(dev, b) : null,
    diagnostics: dev.diagnostics.map(diagnosticJson),
    // Bytes the dump gave that no structure claims (holes are unknown, not unclaimed).
    unclaimed: knownParts(cs.unclaimed, input.known),
    raw: rawToJson(input.bytes, input.known, input.length),
  };
}

