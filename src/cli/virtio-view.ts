// The virtio transport of a decoded function, as the CLI shows it (text and JSON): each
// virtio capability, the structures the probe chose, and where each queue's kick lands.
import type { Diagnostic } from '../bytes/diagnostic.js';
import { pciHeaderType0 } from '../pci/header.js';
import { virtioCapRegisterNames, virtioCfgTypeName, virtioCfgTypeTitle, VIRTIO_PCI_CAP_NOTIFY_CFG, type VirtioCap } from '../virtio/caps.js';
import { legacyDeviceConfigOffset } from '../virtio/legacy.js';
import { notifyAddressForQueue, type NotifyAddress } from '../virtio/notify.js';
import type { VirtioStructureLocation, VirtioTransport } from '../virtio/probe.js';
import type { JsonBinder } from './binder.js';
import type { DecodedDevice } from './device.js';
import { hex0x } from './format.js';
import { addr, addrOrNull } from './json-values.js';

export interface VirtioView {
  readonly transport: VirtioTransport;
  readonly diagnostics: readonly Diagnostic[];
  /** How many queues the text and JSON show (num_queues is not in config space). */
  readonly queuesShown: number;
}

export const DEFAULT_QUEUES_SHOWN = 4;

/** Whether the dump gave the header register `name` (a hole's filler is not a value). */
function headerGiven(dev: DecodedDevice, name: 'subsystem_id' | 'bar0'): boolean {
  const { offset, size } = pciHeaderType0.field(name);
  const k = dev.input.known;
  return dev.input.length >= offset + size && (!k || k.subarray(offset, offset + size).every((x) => x === 1));
}

/**
 * A transitional function's device type comes from its subsystem ID: when the dump did not
 * give those bytes the type is unknown, not the 0xffff that fills a hole.
 */
function identityKnown(dev: DecodedDevice): boolean {
  return !dev.virtio!.transport.identity.transitionalId || headerGiven(dev, 'subsystem_id');
}

/** Whether the capability list runs past the known bytes (a 64-byte `lspci -x` dump). */
function capsCut(t: VirtioTransport): boolean {
  return t.diagnostics.some((d) => d.code === 'VIRTIO_CAPS_NOT_IN_IMAGE');
}

/** Why the list is cut: past the dump's length, or its start is a hole. */
function capsCutWhy(t: VirtioTransport, length: number): string {
  const d = t.diagnostics.find((x) => x.code === 'VIRTIO_CAPS_NOT_IN_IMAGE');
  return d && / is not known/.test(d.message) ? 'is not known: its start is not given by the dump' : `is past the ${length} known bytes`;
}

/**
 * The transport, or null when it cannot be told: a transitional ID whose capability list is
 * not in the dump may have modern capabilities nobody saw, so it is not called legacy; a
 * non-transitional one is not called incomplete for structures the dump does not reach.
 */
export function transportName(t: VirtioTransport): 'modern' | 'modern-incomplete' | 'transitional' | 'legacy' | null {
  if (t.kind === 'legacy-only') return capsCut(t) && !t.caps.length ? null : 'legacy';
  if (t.kind === 'modern-incomplete' && capsCut(t)) return null;
  return t.kind;
}

/** Where queue `q` kicks, with queue_notify_off = q assumed. */
export function queueNotify(t: VirtioTransport, q: number): NotifyAddress | null {
  return notifyAddressForQueue(t, q);
}

function capJson(c: VirtioCap): Record<string, unknown> {
  const o: Record<string, unknown> = {
    pos: c.pos,
    cap_len: c.cap_len,
    cfg_type: c.cfg_type,
    cfg_type_name: c.cfg_type === null ? null : virtioCfgTypeName(c.cfg_type),
    bar: c.bar,
    id: c.id,
    offset: addrOrNull(c.offset),
    length: addrOrNull(c.length),
  };
  if (c.cfg_type === VIRTIO_PCI_CAP_NOTIFY_CFG) o.notify_off_multiplier = c.notify_off_multiplier;
  if (c.vendor_id !== null) o.vendor_id = c.vendor_id;
  if (c.struct === 'virtio_pci_cfg_cap' && c.fields.pci_cfg_data instanceof Uint8Array) {
    o.pci_cfg_data = Array.from(c.fields.pci_cfg_data, (x) => x.toString(16).padStart(2, '0')).join('');
  }
  return o;
}

function locationJson(l: VirtioStructureLocation | null): Record<string, unknown> | null {
  if (!l) return null;
  return { pos: l.cap.pos, bar: l.bar.index, bar_address: addr(l.bar.address), bar_size: addrOrNull(l.bar.size), space: l.bar.space, offset: addr(l.offset), length: addr(l.length), address: addr(l.address) };
}

export function notifyJson(n: NotifyAddress, queue: number): Record<string, unknown> {
  // The legacy QUEUE_NOTIFY register serves every queue: no queue_notify_off, nothing assumed.
  return {
    queue,
    queue_notify_off: n.legacy ? null : n.queueNotifyOff,
    assumed_notify_off: n.legacy ? false : n.assumedNotifyOff,
    space: n.space,
    address: addr(n.address),
    width: n.width,
  };
}

/** `virtio` of a device in `decode --json`. */
export function virtioJson(dev: DecodedDevice, b: JsonBinder): Record<string, unknown> {
  const v = dev.virtio!;
  const t = v.transport;
  const capabilities = t.caps.map((c, i) => {
    const j = capJson(c);
    // The same registers as the capability's vendor view: editing either takes effect.
    const pciCap = dev.cs.capabilities.find((x) => x.pos === c.pos);
    if (pciCap && c.struct !== 'virtio_pci_cap64') {
      const records = [pciCap.fields, ...(pciCap.vendor ? [pciCap.vendor.fields] : [])];
      for (const k of virtioCapRegisterNames()) if (k in j && j[k] !== null) b.alias(`virtio.capabilities[${i}].${k}`, k, records);
    }
    return j;
  });
  const notify = t.notify ? Object.assign(locationJson(t.notify)!, { notify_off_multiplier: t.notify.multiplier, multiplier_source: t.notify.multiplierSource }) : null;
  const queues: Record<string, unknown>[] = [];
  for (let q = 0; q < v.queuesShown; q++) {
    const n = queueNotify(t, q);
    // false: past the notify region, so with queue_notify_off = index the queue likely does not exist.
    if (n) queues.push(Object.assign(notifyJson(n, q), { in_notify_region: t.notify ? n.address - t.notify.address + BigInt(n.width) <= t.notify.length : true }));
  }
  const idKnown = identityKnown(dev);
  return {
    device_type: idKnown ? t.identity.deviceType : null,
    device_type_name: idKnown ? t.identity.typeName : null,
    transport: transportName(t),
    capabilities,
    common: locationJson(t.common),
    notify,
    isr: locationJson(t.isr),
    device: locationJson(t.device),
    pci_cfg: t.pciCfg ? capJson(t.pciCfg) : null,
    shared_memory: t.sharedMemory.map((s) => Object.assign(locationJson(s)!, { id: s.cap.id })),
    vendor_data: t.vendorData.map(capJson),
    legacy: t.legacy
      ? {
          bar: t.legacy.bar ? t.legacy.bar.index : null,
          bar_address: t.legacy.bar ? addr(t.legacy.bar.address) : null,
          msix_enabled: t.legacy.msixEnabled,
          device_config_offset: t.legacy.deviceConfigOffset,
        }
      : null,
    msix: t.msix
      ? {
          pos: t.msix.capPos,
          table_size: t.msix.tableSize,
          enabled: t.msix.enabled,
          table: { bir: t.msix.table.bir, offset: t.msix.table.offset, address: addrOrNull(t.msix.table.address), length: t.msix.table.length },
          pba: { bir: t.msix.pba.bir, offset: t.msix.pba.offset, address: addrOrNull(t.msix.pba.address), length: t.msix.pba.length },
        }
      : null,
    queues,
  };
}

// Text output stays in Latin-1 (no arrows): one character above U+00FF makes V8 hold a whole
// function's output as a two-byte string, twice the memory and a slower write.
const loc = (l: VirtioStructureLocation) =>
  `BAR${l.bar.index} + ${hex0x(l.offset)}, ${hex0x(l.length)} bytes at ${hex0x(l.address)}${l.bar.space === 'io' ? ' (I/O port)' : ''}`;

/** The text block printed after the capabilities, appended to `out` (returned). */
export function virtioLines(dev: DecodedDevice, indent: string, out: string[] = []): string[] {
  const v = dev.virtio!;
  const t = v.transport;
  const id = t.identity;
  const i2 = indent + '\t';
  const cut = capsCut(t);
  const tn = transportName(t);
  const idKnown = identityKnown(dev);
  out.push(
    `${indent}Virtio: ` +
      (idKnown ? `${id.typeName ?? 'unknown'} device (type ${id.deviceType ?? '?'}), ` : 'device type unknown (its subsystem ID is not in the dump), ') +
      (tn ? `${tn} transport` : 'transport unknown') +
      (cut ? ` (the capability list ${capsCutWhy(t, dev.cs.length)})` : ''),
  );
  for (const c of t.caps) {
    const name = c.cfg_type === null ? 'cap (cfg_type unknown)' : `${virtioCfgTypeName(c.cfg_type)} (cfg_type ${c.cfg_type}: ${virtioCfgTypeTitle(c.cfg_type)})`;
    let line = `${i2}[${c.pos.toString(16)}] ${name}`;
    if (c.bar !== null) line += ` bar=${c.bar}`;
    if (c.offset !== null) line += ` offset=${hex0x(c.offset)}`;
    if (c.length !== null) line += ` length=${hex0x(c.length)}`;
    if (c.id !== null && c.id !== 0) line += ` id=${c.id}`;
    if (c.notify_off_multiplier !== null) line += ` notify_off_multiplier=${c.notify_off_multiplier}`;
    if (c.vendor_id !== null) line += ` vendor_id=${hex0x(c.vendor_id, 4)}`;
    if (c.cap_len !== null) line += ` cap_len=${c.cap_len}`;
    out.push(line);
  }
  const chosen: Array<[string, VirtioStructureLocation | null]> = [
    ['common_cfg', t.common],
    ['isr', t.isr],
    ['device_cfg', t.device],
    ['notify', t.notify],
  ];
  if (t.caps.length) out.push(`${i2}Structures the driver uses (first usable capability of each type):`);
  for (const [name, l] of chosen) if (l) out.push(`${i2}\t${name.padEnd(10)} cap [${l.cap.pos.toString(16)}]: ${loc(l)}`);
  for (const s of t.sharedMemory) out.push(`${i2}\tshm id ${s.cap.id} cap [${s.cap.pos.toString(16)}]: ${loc(s)}`);
  if (t.legacy) {
    const b = t.legacy.bar;
    out.push(
      `${i2}Legacy interface: ${b ? `BAR${b.index} at ${hex0x(b.address)}${b.space === 'io' ? ' (I/O ports)' : ''}` : !headerGiven(dev, 'bar0') ? 'BAR0 not in the dump' : dev.cs.headerType === null ? 'BAR0 unknown (header type not given by the dump)' : 'no usable BAR0'}; device config at +${t.legacy.deviceConfigOffset} ` +
        (t.msix === null && cut ? `(MSI-X unknown: not in the dump; +${legacyDeviceConfigOffset(true)} if enabled)` : `(MSI-X ${t.legacy.msixEnabled ? 'enabled' : 'disabled'})`),
    );
  }
  if (t.notify) {
    const n = t.notify;
    out.push(
      `${i2}Queue notify addresses: ${hex0x(n.address)} + queue_notify_off × ${n.multiplier}` +
        (n.multiplier === 0 ? ' (multiplier 0: every queue kicks the same address)' : ''),
    );
    out.push(`${i2}\tqueue_notify_off is in common_cfg (BAR memory), not in config space: queue_notify_off = queue index assumed (what QEMU reports).`);
    out.push(`${i2}\tnum_queues is in common_cfg too, so the count is unknown; the first ${v.queuesShown} queues:`);
    for (let q = 0; q < v.queuesShown; q++) {
      const a = queueNotify(t, q);
      if (!a) continue;
      // With queue_notify_off = index, a queue whose doorbell lies past the notify region most
      // likely does not exist (the device has fewer queues) rather than being misplaced.
      const end = a.address - n.address + BigInt(a.width);
      const outside = end > n.length ? `  (past the ${hex0x(n.length)}-byte notify region: the device likely has fewer than ${q + 1} queues)` : '';
      out.push(`${i2}\tqueue ${q}: ${hex0x(a.address)}${a.space === 'io' ? ' (I/O port)' : ''}${outside}`);
    }
  } else if (t.legacy && t.legacy.bar) {
    const a = queueNotify(t, 0);
    if (a) out.push(`${i2}Queue notify (legacy): write the queue index to ${hex0x(a.address)}${a.space === 'io' ? ' (I/O port)' : ''} for every queue`);
  }
  return out;
}
