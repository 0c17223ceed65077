// The decoded tree: the facts `pcicfg decode` prints, laid out as sections: identity, BARs,
// the header's registers, each capability's and extended capability's registers (the same
// lines, from the same field tables and display metadata, as the CLI's text), unclaimed bytes
// and the diagnostics.
import { hex, hexDigits } from '../bytes/hex.js';
import type { Diagnostic } from '../bytes/diagnostic.js';
import { regionLines, unknownText } from '../layout/fields-text.js';
import { pciClassDescription } from '../pci/class-codes.js';
import { partialClassText } from '../pci/class-text.js';
import { PCI_CLASS_PROG, PCI_HEADER_TYPE } from '../pci/header-regs.js';
import type { Bar } from '../pci/types.js';
import { headerValue, type FunctionView, type StructureGroup } from './analyse.js';
import { groupClass } from './render-bytes.js';
import { h } from './dom.js';

export function diagnosticText(d: Diagnostic): string {
  return `${d.severity} ${d.code}${d.offset === null ? '' : ` at ${hex(d.offset, 2)}`}: ${d.message}`;
}

function barText(b: Bar): string {
  const size = b.size === null ? 'size unknown' : `size ${hex(b.size)}`;
  if (b.kind === 'io') return `Region ${b.index}: I/O ports at ${hex(b.address)} [${size}]`;
  const width = b.kind === 'mem64' ? '64-bit' : b.kind === 'mem1m' ? 'low-1M' : '32-bit';
  return `Region ${b.index}: Memory at ${hex(b.address)} (${width}, ${b.prefetchable ? 'prefetchable' : 'non-prefetchable'}) [${size}]`;
}

/** The values the decoder derived from a capability's registers (its `info`), as `name=value`. */
function infoText(info: object): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(info)) {
    if (typeof v === 'boolean') out.push(`${k}${v ? '+' : '-'}`);
    else if (typeof v === 'bigint') out.push(`${k}=${hex(v)}`);
    else if (typeof v === 'number' || typeof v === 'string') out.push(`${k}=${v}`);
  }
  return out.join(' ');
}

function section(id: string, title: string, cls: string, ...body: HTMLElement[]): HTMLElement {
  return h('details', { open: true, id, class: 'sec' }, h('summary', {}, h('span', { class: `sw ${cls}`, 'aria-hidden': 'true' }), title), ...body);
}

function groupSection(view: FunctionView, id: string, g: StructureGroup): HTMLElement {
  const cs = view.decoded.cs;
  const lines: string[] = [];
  const regions = cs.regions.filter((r) => view.regionGroup.get(r) === g);
  regions.forEach((r, i) => {
    if (regions.length > 1 || i > 0) lines.push(`${r.label}:`);
    regionLines(cs.bytes, cs.length, r, regions.length > 1 ? '  ' : '', view.fn.known, undefined, lines);
  });
  const cap = g.kind === 'cap' ? cs.capabilities.find((c) => c.pos === g.pos) : g.kind === 'ecap' ? cs.extendedCapabilities.find((c) => c.pos === g.pos) : undefined;
  const info = cap ? infoText(cap.info as object) : '';
  return section(`${id}-${g.key}`, g.title, groupClass(view, g), h('pre', {}, lines.join('\n')), ...(info ? [h('p', { class: 'info' }, info)] : []));
}

export function renderTree(view: FunctionView, id: string): HTMLElement {
  const { cs, diagnostics } = view.decoded;
  const n = (k: string) => headerValue(cs, view.fn.known, k) ?? null;
  const facts: string[] = [];
  if (view.names) {
    facts.push(view.names.title);
    if (view.names.subsystem !== null) facts.push(`Subsystem: ${view.names.subsystem}`);
  }
  const v = n('vendor_id');
  const d = n('device_id');
  if (v !== null && d !== null) facts.push(`Vendor ${hexDigits(v, 4)} Device ${hexDigits(d, 4)}${n('revision_id') !== null ? ` Rev ${hexDigits(n('revision_id')!, 2)}` : ''}`);
  // Unknown class and header type bytes are said to be unknown, as decode's text says (the
  // decoder's classCode is null unless all three class bytes are known).
  if (cs.classCode !== null) facts.push(pciClassDescription(cs.classCode));
  else if (cs.length > PCI_CLASS_PROG) facts.push(`Class ${partialClassText(cs.bytes, cs.length, cs.known)}`);
  if (n('header_type') !== null) facts.push(`header type ${cs.headerType}${cs.multiFunction ? ' (multi-function)' : ''}`);
  else if (cs.length > PCI_HEADER_TYPE) facts.push(`header type ${unknownText(PCI_HEADER_TYPE, cs.length)}`);
  const sv = n('subsystem_vendor_id');
  const sd = n('subsystem_id');
  if (sv !== null && sd !== null && !view.names) facts.push(`Subsystem: ${hexDigits(sv, 4)}:${hexDigits(sd, 4)}`);
  const unknown = view.runs.filter((r) => r.kind === 'unknown').reduce((a, r) => a + r.to - r.from, 0);
  facts.push(`Known bytes: ${view.fn.length - unknown}${unknown ? ` of the first ${view.fn.length}` : ''}`);
  const out = h('div', { class: 'tree' }, h('ul', { class: 'facts' }, ...facts.map((f) => h('li', {}, f))));
  if (cs.bars.length || (cs.rom && cs.rom.raw !== 0)) {
    const bars = cs.bars.map(barText);
    if (cs.rom && cs.rom.raw !== 0) bars.push(`Expansion ROM at ${hex(cs.rom.address)} [${cs.rom.enabled ? 'enabled' : 'disabled'}]`);
    out.append(section(`${id}-bars`, 'BARs', 'gh', h('pre', {}, bars.join('\n'))));
  }
  for (const g of view.groups) out.append(groupSection(view, id, g));
  const unclaimed = view.runs.filter((r) => r.kind === 'unclaimed');
  if (unclaimed.length) {
    const total = unclaimed.reduce((a, r) => a + r.to - r.from, 0);
    const text = unclaimed.map((r) => (r.to - r.from === 1 ? hex(r.from, 2) : `${hex(r.from, 2)}-${hex(r.to - 1, 2)}`)).join(', ');
    out.append(section(`${id}-unclaimed`, `Unclaimed bytes (${total})`, 'dim', h('pre', {}, text)));
  }
  if (diagnostics.length) {
    out.append(
      section(`${id}-diagnostics`, `Diagnostics (${diagnostics.length})`, 'diagsw', h('ul', { class: 'diags' }, ...diagnostics.map((x) => h('li', { class: x.severity }, diagnosticText(x))))),
    );
  }
  return out;
}
