// The expected decoding of a spec vector, as plain JSON. Shared by the generator (which calls it
// with the built library in dist/) and the tests (which call it with the sources in src/), so the
// library is handed in as `lib` and this module imports nothing.
//
// Numbers that are addresses, offsets or sizes are written as lowercase hex strings ("0x40"), so
// the files read like lspci and bigints survive JSON.

const VIRTIO_VENDOR = 0x1af4;

/** `0x` + lowercase hex of a number or bigint; null stays null. */
export function hx(v) {
  if (v === null || v === undefined) return null;
  return '0x' + v.toString(16);
}

/** BigInt from a hex string written by hx (or a number). */
export function big(v) {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/**
 * The options the decoders get for a vector: BAR sizes, features and queue_notify_off values
 * from its `device` section (what QEMU said, or what the builder declared).
 */
export function decodeOptionsFor(device) {
  const d = device ?? {};
  const barSizes = new Map();
  for (const b of d.bars ?? []) if (b.size !== null && b.size !== undefined) barSizes.set(b.index, big(b.size));
  const queues = d.queues ?? [];
  const modern = queues.length > 0 && queues.every((q) => q.queue_notify_off !== undefined && q.queue_notify_off !== null);
  return {
    barSizes: barSizes.size > 0 ? barSizes : undefined,
    features: d.deviceFeatures !== undefined && d.deviceFeatures !== null ? big(d.deviceFeatures) : undefined,
    queueNotifyOffs: modern ? queues.map((q) => q.queue_notify_off) : undefined,
    numQueues: queues.length > 0 ? queues.length : undefined,
  };
}

/**
 * Decode one vector the way the tests do: the whole image, then the virtio transport when the
 * IDs are virtio, then each queue's doorbell. Returns the raw results and their JSON projection.
 */
export function decodeVector(lib, bytes, length, device) {
  const opts = decodeOptionsFor(device);
  const cs = lib.decodeConfigSpace(bytes, { length, barSizes: opts.barSizes, vendorCaps: [lib.virtioVendorCapDecoder] });
  const vendorId = length >= 4 ? bytes[0] | (bytes[1] << 8) : null;
  const deviceId = length >= 4 ? bytes[2] | (bytes[3] << 8) : null;
  let transport = null;
  if (vendorId === VIRTIO_VENDOR && lib.isVirtioPciId(vendorId, deviceId)) {
    transport = lib.probeVirtio(cs, {
      barSizes: opts.barSizes,
      features: opts.features,
      queueNotifyOffs: opts.queueNotifyOffs,
      numQueues: opts.queueNotifyOffs ? undefined : opts.numQueues,
    });
  }
  const doorbells = [];
  if (transport && transport.kind !== null && device?.queues) {
    for (const q of device.queues) {
      const off = q.queue_notify_off ?? q.index;
      const n = lib.notifyAddress(transport, off);
      doorbells.push(
        n === null
          ? { queue: q.index, address: null }
          : { queue: q.index, space: n.space, bar: n.bar, address: hx(n.address), width: n.width, legacy: n.legacy, diagnostics: codes(n.diagnostics) },
      );
    }
  }
  return { cs, transport, json: project(cs, transport, doorbells) };
}

function codes(ds) {
  return ds.map((d) => ({ code: d.code, severity: d.severity, offset: d.offset === null || d.offset === undefined ? null : hx(d.offset) }));
}

function bar(b) {
  return { index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: hx(b.address), size: hx(b.size) };
}

function barRef(b) {
  return b ? { index: b.index, space: b.space, address: hx(b.address), size: hx(b.size) } : null;
}

function loc(l) {
  if (!l) return null;
  const out = { cap: hx(l.cap.pos), bar: barRef(l.bar), offset: hx(l.offset), length: hx(l.length), address: hx(l.address) };
  if ('multiplier' in l) {
    out.multiplier = l.multiplier;
    out.multiplierSource = l.multiplierSource;
  }
  return out;
}

function vcap(c) {
  return {
    pos: hx(c.pos),
    cap_len: c.cap_len,
    cfg_type: c.cfg_type,
    typeName: c.typeName,
    bar: c.bar,
    id: c.id,
    offset: hx(c.offset),
    length: hx(c.length),
    notify_off_multiplier: c.notify_off_multiplier,
    diagnostics: codes(c.diagnostics),
  };
}

function msixRegion(r) {
  return { bir: r.bir, offset: hx(r.offset), address: hx(r.address), length: hx(r.length) };
}

/** The JSON projection: what a reader of the vector should be able to check by eye. */
export function project(cs, t, doorbells = []) {
  const h = cs.header;
  const out = {
    length: cs.length,
    vendor_id: hx(h.vendor_id),
    device_id: hx(h.device_id),
    revision_id: hx(h.revision_id),
    class_code: hx(cs.classCode),
    headerType: cs.headerType,
    multiFunction: cs.multiFunction,
    command: hx(h.command),
    status: hx(h.status),
    bars: cs.bars.map(bar),
    rom: cs.rom ? { offset: hx(cs.rom.offset), address: hx(cs.rom.address), enabled: cs.rom.enabled } : null,
    capabilities: cs.capabilities.map((c) => ({ pos: hx(c.pos), id: hx(c.id), name: c.name, next: hx(c.next), length: c.length, vendor: c.vendor ? c.vendor.name : undefined })),
    extendedCapabilities: cs.extendedCapabilities.map((c) => ({ pos: hx(c.pos), id: hx(c.id), version: c.version, name: c.name, next: hx(c.next), length: c.length })),
    unclaimed: cs.unclaimed.map((u) => ({ offset: hx(u.offset), length: u.length })),
    diagnostics: codes(cs.diagnostics),
    virtio: null,
  };
  if (cs.headerType === 1) {
    out.bridge = {
      primary_bus: h.primary_bus,
      secondary_bus: h.secondary_bus,
      subordinate_bus: h.subordinate_bus,
    };
  }
  if (t) {
    out.virtio = {
      kind: t.kind,
      deviceType: t.identity.deviceType,
      typeName: t.identity.typeName,
      transitionalId: t.identity.transitionalId,
      caps: t.caps.map(vcap),
      common: loc(t.common),
      notify: loc(t.notify),
      isr: loc(t.isr),
      device: loc(t.device),
      pciCfg: t.pciCfg ? hx(t.pciCfg.pos) : null,
      sharedMemory: t.sharedMemory.map((s) => ({ ...loc(s), id: s.cap.id })),
      vendorData: t.vendorData.map((c) => ({ pos: hx(c.pos), vendor_id: hx(c.vendor_id) })),
      legacy: t.legacy ? { bar: barRef(t.legacy.bar), msixEnabled: t.legacy.msixEnabled, deviceConfigOffset: t.legacy.deviceConfigOffset } : null,
      msix: t.msix
        ? { cap: hx(t.msix.capPos), tableSize: t.msix.tableSize, enabled: t.msix.enabled, table: msixRegion(t.msix.table), pba: msixRegion(t.msix.pba) }
        : null,
      notificationData: t.notificationData,
      doorbells,
      diagnostics: codes(t.diagnostics),
    };
  }
  return out;
}

/** Every code a decode produced (config space, probe, doorbells). */
export function allCodes(json) {
  const v = json.virtio;
  return new Set([
    ...json.diagnostics.map((d) => d.code),
    ...(v ? v.diagnostics.map((d) => d.code) : []),
    ...(v ? v.caps.flatMap((c) => c.diagnostics.map((d) => d.code)) : []),
    ...(v ? v.doorbells.flatMap((d) => (d.diagnostics ?? []).map((x) => x.code)) : []),
  ]);
}

/** JSON with two-space indentation and a final newline; undefined members dropped. */
export function stableJson(v) {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? hx(x) : x), 2) + '\n';
}
