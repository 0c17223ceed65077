// The byte map: 16 bytes a row, each coloured by the structure that holds it. Hovering or
// focusing a byte shows what `decode --annotate` prints for it. One tab stop for the grid; the
// arrow keys move between bytes (a roving tabindex), so a 4 KiB function is not 4096 tab stops.
import { hex, hexDigits } from '../bytes/hex.js';
import type { AnnotatedRun } from '../layout/annotate-text.js';
import type { FunctionView, StructureGroup } from './analyse.js';
import { h } from './dom.js';

/** Colour classes for capabilities, in turn (the header has its own). */
export const PALETTE_SIZE = 8;

export function groupClass(view: FunctionView, g: StructureGroup): string {
  return g.kind === 'header' ? 'gh' : `g${view.groups.filter((x) => x.kind !== 'header').indexOf(g) % PALETTE_SIZE}`;
}

function runClass(view: FunctionView, run: AnnotatedRun): string {
  if (run.kind === 'unknown') return 'unk';
  if (run.kind === 'unclaimed' || !run.region) return 'dim';
  const g = view.regionGroup.get(run.region);
  return g ? groupClass(view, g) : 'dim';
}

export function renderLegend(view: FunctionView): HTMLElement {
  const items = view.groups.map((g) => h('li', {}, h('span', { class: `sw ${groupClass(view, g)}`, 'aria-hidden': 'true' }), g.title));
  items.push(h('li', {}, h('span', { class: 'sw dim', 'aria-hidden': 'true' }), 'unclaimed'));
  if (view.runs.some((r) => r.kind === 'unknown')) items.push(h('li', {}, h('span', { class: 'sw unk', 'aria-hidden': 'true' }), 'not given by the dump'));
  return h('ul', { class: 'legend', 'aria-label': 'Structures' }, ...items);
}

export function renderByteMap(view: FunctionView, id: string): HTMLElement {
  const length = view.fn.length;
  const byteRun = new Int32Array(length);
  view.runs.forEach((r, i) => byteRun.fill(i, r.from, r.to));
  const tip = h('div', { class: 'tip', id: `${id}-tip`, role: 'status', 'aria-live': 'polite' }, 'Hover or focus a byte to see its field.');
  const grid = h('div', { class: 'bytemap', role: 'grid', 'aria-label': 'Configuration space bytes, 16 a row', 'aria-describedby': `${id}-tip` });
  const head = h('div', { class: 'row head', role: 'row' }, h('span', { class: 'off', role: 'columnheader' }, ''));
  for (let c = 0; c < 16; c++) head.append(h('span', { class: 'col', role: 'columnheader' }, hexDigits(c, 1)));
  grid.append(head);
  const known = view.fn.known;
  for (let row = 0; row < length; row += 16) {
    const r = h('div', { class: 'row', role: 'row' }, h('span', { class: 'off', role: 'rowheader' }, hexDigits(row, 3)));
    for (let i = row; i < Math.min(row + 16, length); i++) {
      const run = view.runs[byteRun[i]];
      r.append(
        h(
          'span',
          { class: `b ${runClass(view, run)}`, role: 'gridcell', tabindex: i === 0 ? 0 : -1, 'data-off': i },
          known[i] === 1 ? hexDigits(view.fn.bytes[i], 2) : '--',
        ),
      );
    }
    grid.append(r);
  }
  const show = (el: Element | null) => {
    if (!(el instanceof HTMLElement) || el.dataset.off === undefined) return;
    const off = Number(el.dataset.off);
    const run = view.runs[byteRun[off]];
    tip.replaceChildren(
      h('span', { class: 'tip-where' }, `${hex(off, 3)}${run.region ? `  ${run.region.label}` : ''}`),
      h('span', { class: 'tip-label' }, run.label),
    );
  };
  grid.addEventListener('mouseover', (e) => show(e.target as Element));
  grid.addEventListener('focusin', (e) => show(e.target as Element));
  grid.addEventListener('keydown', (e) => {
    const el = e.target as HTMLElement;
    if (el.dataset.off === undefined) return;
    const off = Number(el.dataset.off);
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16, PageDown: 256, PageUp: -256 };
    let to = e.key in step ? off + step[e.key] : e.key === 'Home' ? off - (off % 16) : e.key === 'End' ? Math.min(off - (off % 16) + 15, length - 1) : null;
    if (to === null) return;
    e.preventDefault();
    to = Math.max(0, Math.min(length - 1, to));
    const next = grid.querySelector<HTMLElement>(`[data-off="${to}"]`);
    if (!next) return;
    el.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  // The field panel above the map, not over it: it never hides a byte, and it stays in view
  // (sticky) while a 4 KiB map scrolls.
  return h('div', { class: 'mapwrap' }, tip, grid);
}
