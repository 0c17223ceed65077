// The capability chains drawn as links: the capabilities pointer (or 0x100), each capability
// in walk order with its next pointer, then how the walk ended: the end of the list, or the
// loop or broken pointer the decoder reported, with its diagnostic.
import { hex } from '../bytes/hex.js';
import type { Diagnostic } from '../bytes/diagnostic.js';
import type { FunctionView } from './analyse.js';
import { groupClass } from './render-bytes.js';
import { diagnosticText } from './render-tree.js';
import { h } from './dom.js';

const CHAIN = /^CAP_(PTR_|LOOP|ID_FF)|^CAPS_WITHOUT_STATUS_BIT$/;
const EXT_CHAIN = /^EXTCAP_(PTR_|LOOP)/;

function ending(ds: readonly Diagnostic[], next: number | null): HTMLElement {
  if (ds.length) {
    const loop = ds.some((d) => /LOOP/.test(d.code));
    return h(
      'li',
      { class: `link ${loop ? 'loop' : 'broken'}` },
      h('span', { class: 'arrow', 'aria-hidden': 'true' }, loop ? '↻' : '✗'),
      h('span', {}, loop ? 'chain loops' : 'chain broken'),
      ...ds.map((d) => h('span', { class: 'diag' }, diagnosticText(d))),
    );
  }
  return h('li', { class: 'link end' }, h('span', { class: 'arrow', 'aria-hidden': 'true' }, '■'), next === null ? 'end' : `end (next ${hex(next, 2)})`);
}

export function renderChains(view: FunctionView, id: string): HTMLElement {
  const cs = view.decoded.cs;
  const ds = view.decoded.diagnostics;
  const ptr = (cs.header as Record<string, unknown>).capabilities_pointer;
  const out = h('div', { class: 'chains' });
  const std = h('ol', { class: 'chain', 'aria-label': 'Capability list' });
  std.append(h('li', { class: 'link start' }, `capabilities_pointer [34] = ${typeof ptr === 'number' ? hex(ptr, 2) : 'unknown'}`));
  const groups = new Map(view.groups.map((g) => [g.key, g]));
  for (const c of cs.capabilities) {
    const g = groups.get(`cap-${c.pos.toString(16).padStart(2, '0')}`)!;
    std.append(
      h(
        'li',
        { class: 'link' },
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
        h('a', { href: `#${id}-${g.key}`, class: `node ${groupClass(view, g)}` }, g.title),
        h('span', { class: 'next' }, `next ${hex(c.next, 2)}`),
      ),
    );
  }
  std.append(ending(ds.filter((d) => CHAIN.test(d.code)), null));
  out.append(h('h4', {}, 'Capabilities'), std);
  const ext = ds.filter((d) => EXT_CHAIN.test(d.code));
  if (cs.extendedCapabilities.length || ext.length) {
    const e = h('ol', { class: 'chain', 'aria-label': 'Extended capability list' }, h('li', { class: 'link start' }, 'extended capabilities [100]'));
    for (const c of cs.extendedCapabilities) {
      const g = groups.get(`ecap-${c.pos.toString(16).padStart(3, '0')}`)!;
      e.append(
        h(
          'li',
          { class: 'link' },
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
          h('a', { href: `#${id}-${g.key}`, class: `node ${groupClass(view, g)}` }, g.title),
          h('span', { class: 'next' }, `next ${hex(c.next, 3)}`),
        ),
      );
    }
    e.append(ending(ext, null));
    out.append(h('h4', {}, 'Extended capabilities'), e);
  }
  return out;
}
