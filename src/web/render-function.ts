// One function of the dump: its heading, then the byte map, the capability chains, the virtio
// transport (for a virtio function) and the decoded tree.
import type { FunctionView } from './analyse.js';
import { h } from './dom.js';
import { renderByteMap, renderLegend } from './render-bytes.js';
import { renderChains } from './render-chain.js';
import { renderTransport } from './render-transport.js';
import { renderTree } from './render-tree.js';

export function renderFunction(view: FunctionView, index: number): HTMLElement {
  const id = `fn${index}`;
  // With a pci.ids, lspci's names; else the dump's own description (as decode without one).
  const title = `${view.slot ?? '(no slot)'} ${view.names?.title ?? view.description}`.trimEnd();
  const t = view.decoded.transport;
  const part = (key: string, heading: string, ...body: HTMLElement[]) =>
    h('section', { class: `part ${key}`, 'aria-labelledby': `${id}-${key}-h` }, h('h3', { id: `${id}-${key}-h` }, heading), ...body);
  return h(
    'article',
    { class: 'fn', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title),
    part('bytes', 'Bytes', renderLegend(view), renderByteMap(view, id)),
    part('chain', 'Capability chain', renderChains(view, id)),
    t ? part('virtio', 'Virtio transport', renderTransport(view, t, id)) : null,
    part('decoded', 'Decoded', renderTree(view, id)),
  );
}
