// The capability chains drawn as links: the capabilities pointer (or 0x100), each capability
// in walk order with its next pointer, then how the walk ended: the end of the list, or the
// loop or broken pointer the decoder reported, with its diagnostic.
import { hex } from '../bytes/hex.js';
import type { Diagnostic } from '../bytes/diagnostic.js';
import { headerValue, type FunctionView } from './analyse.js';
import { groupClass } from './render-bytes.js';
import { diagnosticText } from './render-tree.js';
import { h } from './dom.js';

const CHAIN = /^CAP_(PTR_|LOOP|ID_FF)|^CAPS_WITHOUT_STATUS_BIT$/;
const EXT_CHAIN = /^EXTCAP_(PTR_|LOOP)/;

function ending(ds: readonly Diagnostic[]): HTMLElement {
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
  return h('li', { class: 'link end' }, h('span', { class: 'arrow', 'aria-hidden': 'true' }, '■'), 'end');
}

/** One list: where it starts, each structure in walk order as a link to its registers, how the walk ended. */
function chain(view: FunctionView, id: string, label: string, start: string, kind: 'cap' | 'ecap', list: ReadonlyArray<{ pos: number; next: number }>, ds: readonly Diagnostic[]): HTMLElement {
  const ol = h('ol', { class: 'chain', 'aria-label': label }, h('li', { class: 'link start' }, start));
  for (const c of list) {
    const g = view.groups.find((x) => x.kind === kind && x.pos === c.pos)!;
    ol.append(
      h(
        'li',
        { class: 'link' },
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
        h('a', { href: `#${id}-${g.key}`, class: `node ${groupClass(view, g)}` }, g.title),
        h('span', { class: 'next' }, `next ${hex(c.next, kind === 'cap' ? 2 : 3)}`),
      ),
    );
  }
  ol.append(ending(ds));
  return ol;
}

export function renderChains(view: FunctionView, id: string): HTMLElement {
  const cs = view.decoded.cs;
  const ds = view.decoded.diagnostics;
  const ptr = headerValue(cs, view.fn.known, 'capabilities_pointer');
  const out = h(
    'div',
    { class: 'chains' },
    h('h4', {}, 'Capabilities'),
    chain(view, id, 'Capability list', `capabilities_pointer [34] = ${ptr === undefined ? 'unknown' : hex(ptr, 2)}`, 'cap', cs.capabilities, ds.filter((d) => CHAIN.test(d.code))),
  );
  const ext = ds.filter((d) => EXT_CHAIN.test(d.code));
  if (cs.extendedCapabilities.length || ext.length) {
    out.append(h('h4', {}, 'Extended capabilities'), chain(view, id, 'Extended capability list', 'extended capabilities [100]', 'ecap', cs.extendedCapabilities, ext));
  }
  return out;
}
