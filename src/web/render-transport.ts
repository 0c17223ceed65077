// A virtio function's transport: its capabilities, the BAR regions the driver uses, a notify
// calculator (notifyAddress: queue, optional queue_notify_off -> doorbell, with the formula
// filled in from its inputs) and a lookup box (lookupAddress: address -> what it hits; at a
// doorbell the spec's view and the chosen VMM's, as `pcicfg lookup --vmm`).
import { hex } from '../bytes/hex.js';
import { virtioCfgTypeName, virtioCfgTypeTitle } from '../virtio/caps.js';
import { doorbellViews } from '../virtio/doorbell-views.js';
import { lookupAddress, type VirtioAddressHit } from '../virtio/lookup.js';
import { notifyAddress } from '../virtio/notify.js';
import type { VirtioStructureLocation, VirtioTransport } from '../virtio/probe.js';
import { VIRTIO_VMMS, type VirtioVmm } from '../virtio/vmm.js';
import type { FunctionView } from './analyse.js';
import { h } from './dom.js';
import { diagnosticText } from './render-tree.js';

const STRUCTURES = ['common', 'notify', 'isr', 'device'] as const;
const STRUCTURE_NAMES: Record<(typeof STRUCTURES)[number], string> = { common: 'common_cfg', notify: 'notify', isr: 'isr', device: 'device_cfg' };

function regions(t: VirtioTransport): HTMLElement {
  const used = STRUCTURES.map((k) => [k, t[k]] as const).filter((x): x is readonly [(typeof STRUCTURES)[number], VirtioStructureLocation] => x[1] !== null);
  const byBar = new Map<number, Array<readonly [(typeof STRUCTURES)[number], VirtioStructureLocation]>>();
  for (const u of used) byBar.set(u[1].bar.index, [...(byBar.get(u[1].bar.index) ?? []), u]);
  const out = h('div', { class: 'bars' });
  for (const [index, list] of byBar) {
    const bar = list[0][1].bar;
    const span = bar.size ?? list.reduce((m, [, l]) => (l.offset + l.length > m ? l.offset + l.length : m), 0n);
    const strip = h('div', { class: 'strip', 'aria-hidden': 'true' });
    const rows = h('table', { class: 'regions' }, h('tr', {}, h('th', { scope: 'col' }, 'structure'), h('th', { scope: 'col' }, 'BAR offset'), h('th', { scope: 'col' }, 'length'), h('th', { scope: 'col' }, 'address')));
    for (const [k, l] of list) {
      const left = span ? Number((l.offset * 10000n) / span) / 100 : 0;
      const width = span ? Math.max(1, Number((l.length * 10000n) / span) / 100) : 100;
      strip.append(h('span', { class: `seg s-${k}`, style: `left:${left}%;width:${width}%` }, STRUCTURE_NAMES[k]));
      rows.append(h('tr', {}, h('td', {}, `${STRUCTURE_NAMES[k]} (cap [${hex(l.cap.pos, 2).slice(2)}])`), h('td', {}, hex(l.offset)), h('td', {}, hex(l.length)), h('td', {}, hex(l.address))));
    }
    out.append(
      h('h4', {}, `BAR${index} at ${hex(bar.address)} (${bar.space === 'io' ? 'I/O' : 'memory'}${bar.size === null ? ', size unknown' : `, size ${hex(bar.size)}`})`),
      strip,
      rows,
    );
  }
  if (t.legacy) {
    out.append(h('p', {}, `Legacy interface: ${t.legacy.bar ? `BAR${t.legacy.bar.index} at ${hex(t.legacy.bar.address)} (${t.legacy.bar.space === 'io' ? 'I/O ports' : 'memory'})` : 'BAR0 not usable'}; device config at +${t.legacy.deviceConfigOffset}`));
  }
  return out;
}

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLElement {
  return h('label', {}, h('span', {}, label), input);
}

/** A form that answers as its inputs change: Enter submits nothing. */
function form(...children: HTMLElement[]): HTMLElement {
  const f = h('form', { class: 'calc' }, ...children);
  f.addEventListener('submit', (e) => e.preventDefault());
  return f;
}

function notifyCalculator(t: VirtioTransport, id: string): HTMLElement {
  const queue = h('input', { type: 'number', min: 0, max: 65535, value: 0, id: `${id}-queue`, class: 'queue', inputmode: 'numeric' });
  const off = h('input', { type: 'number', min: 0, max: 65535, placeholder: 'queue index', id: `${id}-notify-off`, class: 'notify-off', inputmode: 'numeric' });
  const out = h('output', { class: 'notify-result', for: `${id}-queue ${id}-notify-off`, 'aria-live': 'polite' });
  const update = () => {
    const q = Number(queue.value);
    const o = off.value.trim() === '' ? null : Number(off.value);
    if (!Number.isInteger(q) || q < 0 || q > 0xffff || (o !== null && (!Number.isInteger(o) || o < 0 || o > 0xffff))) {
      out.replaceChildren(h('span', { class: 'err' }, 'queue and queue_notify_off are integers 0..65535'));
      return;
    }
    const n = notifyAddress(t, o ?? q, { assumed: o === null });
    if (!n) {
      out.replaceChildren(h('span', { class: 'err' }, 'no usable notification structure'), ...t.diagnostics.filter((d) => d.severity === 'error').map((d) => h('span', { class: 'diag' }, diagnosticText(d))));
      return;
    }
    const formula = n.legacy
      ? `legacy QUEUE_NOTIFY register: BAR${n.bar} ${hex(n.barAddress)} + 16 (every queue; the value written selects the queue)`
      : `BAR${n.bar} ${hex(n.barAddress)} + cap.offset ${hex(t.notify!.offset)} + queue_notify_off ${n.queueNotifyOff} × notify_off_multiplier ${n.multiplier}`;
    out.replaceChildren(
      h('span', { class: 'addr' }, `queue ${q}: notify at ${hex(n.address)} (${n.space === 'io' ? 'I/O port' : 'memory'}), a ${n.width}-byte write of the queue index`),
      h('span', { class: 'formula' }, `= ${formula}`),
      ...(n.assumedNotifyOff && !n.legacy ? [h('span', { class: 'note' }, "queue_notify_off = queue index assumed: the device's value is in common_cfg, not in config space")] : []),
      ...n.diagnostics.filter((d) => d.code !== 'VIRTIO_NOTIFY_OFF_ASSUMED').map((d) => h('span', { class: 'diag' }, diagnosticText(d))),
    );
  };
  queue.addEventListener('input', update);
  off.addEventListener('input', update);
  update();
  return form(h('h4', {}, 'Notify calculator'), h('div', { class: 'inputs' }, field('queue', queue), field('queue_notify_off (optional)', off)), out);
}

/** The names the VMM selector shows, in VIRTIO_VMMS' order (QEMU first: the default, as for `lookup --vmm`). */
const VMM_LABELS: Record<VirtioVmm, string> = { qemu: 'QEMU', kvmtool: 'kvmtool', 'cloud-hypervisor': 'Cloud Hypervisor', firecracker: 'Firecracker' };

/** Where a hit is, then for a doorbell the spec's view and the VMM's, each labelled, as `pcicfg lookup` prints them. */
function hitLines(h0: VirtioAddressHit, vmm: VirtioVmm): HTMLElement {
  const fieldName = h0.field ? ` ${h0.struct ? h0.struct + '.' : ''}${h0.field}${h0.byteInField ? ` (byte ${h0.byteInField})` : ''}` : '';
  const where = `${h0.slot} BAR${h0.bar} ${hex(h0.barAddress)} + ${hex(h0.offsetInBar)}: ${h0.structure}${h0.capOffset !== null ? ` (cap [${h0.capOffset.toString(16)}])` : ''} + ${hex(h0.offsetInStructure)}${fieldName}`;
  const views = doorbellViews(h0, vmm);
  return h(
    'span',
    { class: 'hit' },
    h('span', {}, where),
    ...(views.spec === null ? [] : [h('span', { class: 'view view-spec' }, views.spec)]),
    ...(views.vmm === null ? [] : [h('span', { class: 'view view-vmm' }, views.vmm)]),
  );
}

function lookupBox(view: FunctionView, t: VirtioTransport, id: string): HTMLElement {
  const addr = h('input', { type: 'text', id: `${id}-lookup`, class: 'lookup-address', placeholder: '0xfe00b004', spellcheck: 'false', autocomplete: 'off' });
  const space = h('select', { class: 'lookup-space' }, h('option', { value: 'mem' }, 'memory'), h('option', { value: 'io' }, 'I/O port'));
  const vmm = h('select', { id: `${id}-vmm`, class: 'lookup-vmm' }, ...VIRTIO_VMMS.map((v) => h('option', { value: v }, VMM_LABELS[v])));
  const out = h('output', { class: 'lookup-result', for: `${id}-lookup`, 'aria-live': 'polite' });
  const update = () => {
    const text = addr.value.trim();
    if (!text) return out.replaceChildren();
    if (!/^(0x[0-9a-f]{1,16}|[0-9]{1,20})$/i.test(text)) return out.replaceChildren(h('span', { class: 'err' }, 'an address: 0x… (hex) or decimal'));
    const a = BigInt(text);
    if (a > 0xffff_ffff_ffff_ffffn) return out.replaceChildren(h('span', { class: 'err' }, 'the address does not fit in 64 bits'));
    const hits = lookupAddress([{ slot: view.slot ?? '(no slot)', config: view.decoded.cs, transport: t, probeOptions: { barSizes: view.barSizes ?? undefined } }], a, space.value as 'mem' | 'io');
    out.replaceChildren(...(hits.length ? hits.map((x) => hitLines(x, vmm.value as VirtioVmm)) : [h('span', {}, `${hex(a)}: no BAR of this function contains it`)]));
  };
  addr.addEventListener('input', update);
  space.addEventListener('change', update);
  vmm.addEventListener('change', update);
  return form(h('h4', {}, 'Lookup'), h('div', { class: 'inputs' }, field('address', addr), field('space', space), field('VMM (what a doorbell write does there)', vmm)), out);
}

export function renderTransport(view: FunctionView, t: VirtioTransport, id: string): HTMLElement {
  const kind = t.kind === 'legacy-only' ? 'legacy' : t.kind;
  const caps = t.caps.map(
    (c) =>
      `[${hex(c.pos, 2).slice(2)}] ${c.cfg_type === null ? '?' : virtioCfgTypeName(c.cfg_type)} (cfg_type ${c.cfg_type ?? '?'}: ${c.cfg_type === null ? 'not in the image' : virtioCfgTypeTitle(c.cfg_type)})` +
      ` bar=${c.bar ?? '?'} offset=${c.offset === null ? '?' : hex(c.offset)} length=${c.length === null ? '?' : hex(c.length)}` +
      (c.notify_off_multiplier !== null && c.notify_off_multiplier !== undefined ? ` notify_off_multiplier=${c.notify_off_multiplier}` : '') +
      ` cap_len=${c.cap_len}`,
  );
  return h(
    'div',
    { class: 'transport' },
    h('p', {}, `${t.identity.typeName ?? 'unknown'} device (type ${t.identity.deviceType ?? '?'}), ${kind} transport`),
    h('pre', {}, caps.join('\n')),
    regions(t),
    notifyCalculator(t, id),
    lookupBox(view, t, id),
  );
}
