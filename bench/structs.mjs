// The structures of the decode benchmark, declared three times: by the project's field tables
// (imported from dist/), and here by hand with binary-parser (which generates a parser with
// new Function) and with restructure (which interprets a schema), each straight from the C
// structs of the PCI and virtio specs. Reserved runs are kept as byte arrays (copied) by all
// three, so each decoder produces the same information. restructure has no 64-bit integer
// type: its u64 fields are read as two u32 halves, which is less work than a bigint.
import { Parser } from 'binary-parser';
import * as r from 'restructure';

const bp = () => new Parser().endianness('little');

/** PCI type 0 header (64 bytes). */
const headerBp = bp()
  .uint16('vendor_id').uint16('device_id').uint16('command').uint16('status')
  .uint8('revision_id').uint8('prog_if').uint8('subclass').uint8('base_class')
  .uint8('cache_line_size').uint8('latency_timer').uint8('header_type').uint8('bist')
  .uint32('bar0').uint32('bar1').uint32('bar2').uint32('bar3').uint32('bar4').uint32('bar5')
  .uint32('cardbus_cis').uint16('subsystem_vendor_id').uint16('subsystem_id').uint32('expansion_rom')
  .uint8('capabilities_pointer').buffer('reserved', { length: 7, clone: true })
  .uint8('interrupt_line').uint8('interrupt_pin').uint8('min_gnt').uint8('max_lat');

const headerRs = new r.Struct({
  vendor_id: r.uint16le, device_id: r.uint16le, command: r.uint16le, status: r.uint16le,
  revision_id: r.uint8, prog_if: r.uint8, subclass: r.uint8, base_class: r.uint8,
  cache_line_size: r.uint8, latency_timer: r.uint8, header_type: r.uint8, bist: r.uint8,
  bar0: r.uint32le, bar1: r.uint32le, bar2: r.uint32le, bar3: r.uint32le, bar4: r.uint32le, bar5: r.uint32le,
  cardbus_cis: r.uint32le, subsystem_vendor_id: r.uint16le, subsystem_id: r.uint16le, expansion_rom: r.uint32le,
  capabilities_pointer: r.uint8, reserved: new r.Buffer(7),
  interrupt_line: r.uint8, interrupt_pin: r.uint8, min_gnt: r.uint8, max_lat: r.uint8,
});

/** struct virtio_pci_notify_cap (20 bytes). */
const notifyCapBp = bp()
  .uint8('cap_vndr').uint8('cap_next').uint8('cap_len').uint8('cfg_type').uint8('bar').uint8('id')
  .buffer('padding', { length: 2, clone: true }).uint32('offset').uint32('length').uint32('notify_off_multiplier');

const notifyCapRs = new r.Struct({
  cap_vndr: r.uint8, cap_next: r.uint8, cap_len: r.uint8, cfg_type: r.uint8, bar: r.uint8, id: r.uint8,
  padding: new r.Buffer(2), offset: r.uint32le, length: r.uint32le, notify_off_multiplier: r.uint32le,
});

/** struct virtio_pci_modern_common_cfg (64 bytes, three 64-bit queue addresses). */
const commonCfgBp = bp()
  .uint32('device_feature_select').uint32('device_feature').uint32('driver_feature_select').uint32('driver_feature')
  .uint16('msix_config').uint16('num_queues').uint8('device_status').uint8('config_generation')
  .uint16('queue_select').uint16('queue_size').uint16('queue_msix_vector').uint16('queue_enable').uint16('queue_notify_off')
  .uint64('queue_desc').uint64('queue_driver').uint64('queue_device')
  .uint16('queue_notify_data').uint16('queue_reset').uint16('admin_queue_index').uint16('admin_queue_num');

const commonCfgRs = new r.Struct({
  device_feature_select: r.uint32le, device_feature: r.uint32le, driver_feature_select: r.uint32le, driver_feature: r.uint32le,
  msix_config: r.uint16le, num_queues: r.uint16le, device_status: r.uint8, config_generation: r.uint8,
  queue_select: r.uint16le, queue_size: r.uint16le, queue_msix_vector: r.uint16le, queue_enable: r.uint16le, queue_notify_off: r.uint16le,
  queue_desc_lo: r.uint32le, queue_desc_hi: r.uint32le, queue_driver_lo: r.uint32le, queue_driver_hi: r.uint32le,
  queue_device_lo: r.uint32le, queue_device_hi: r.uint32le,
  queue_notify_data: r.uint16le, queue_reset: r.uint16le, admin_queue_index: r.uint16le, admin_queue_num: r.uint16le,
});

/** A split-ring descriptor table of 256 struct vring_desc (16 bytes each). */
export const DESC_COUNT = 256;
const descBp = bp().uint64('addr').uint32('len').uint16('flags').uint16('next');
const descTableBp = bp().array('desc', { type: descBp, length: DESC_COUNT });
const descRs = new r.Struct({ addr_lo: r.uint32le, addr_hi: r.uint32le, len: r.uint32le, flags: r.uint16le, next: r.uint16le });
const descTableRs = new r.Array(descRs, DESC_COUNT);

/**
 * The benchmark cases: for each structure, its size and a decode function per decoder taking a
 * Uint8Array that holds exactly the structure (the natural call of each library).
 */
export function structCases(api) {
  const descTable = (b) => {
    // The table is decoded one descriptor at a time, as the ring walkers do.
    const out = new Array(DESC_COUNT);
    for (let i = 0; i < DESC_COUNT; i++) out[i] = api.vringDesc.decode(b, 16 * i);
    return out;
  };
  return [
    { name: 'PCI type 0 header', size: 64, ours: (b) => api.pciHeaderType0.decode(b, 0), bp: (b) => headerBp.parse(b), rs: (b) => headerRs.fromBuffer(b) },
    { name: 'virtio_pci_notify_cap', size: 20, ours: (b) => api.virtioPciNotifyCap.decode(b, 0), bp: (b) => notifyCapBp.parse(b), rs: (b) => notifyCapRs.fromBuffer(b) },
    { name: 'virtio_pci_common_cfg (1.3, 64 B)', size: 64, ours: (b) => api.virtioPciModernCommonCfg.decode(b, 0), bp: (b) => commonCfgBp.parse(b), rs: (b) => commonCfgRs.fromBuffer(b) },
    { name: 'vring_desc (one descriptor)', size: 16, ours: (b) => api.vringDesc.decode(b, 0), bp: (b) => descBp.parse(b), rs: (b) => descRs.fromBuffer(b) },
    { name: `vring_desc table (${DESC_COUNT} descriptors)`, size: 16 * DESC_COUNT, ours: descTable, bp: (b) => descTableBp.parse(b).desc, rs: (b) => descTableRs.fromBuffer(b) },
  ];
}

/** Throw unless the three decoders agree on `b` (restructure's u64 halves recombined). */
export function checkAgreement(c, b) {
  const norm = (v) => {
    if (Array.isArray(v)) return v.map(norm);
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith('_hi')) continue;
      if (k.endsWith('_lo')) {
        const base = k.slice(0, -3);
        o[base] = (BigInt(v[`${base}_hi`]) << 32n) | BigInt(x);
      } else o[k] = x instanceof Uint8Array ? [...x].join(',') : x;
    }
    return o;
  };
  const s = (v) => JSON.stringify(norm(v), (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  const a = s(c.ours(b));
  for (const peer of ['bp', 'rs']) {
    const p = s(c[peer](b));
    if (p !== a) throw new Error(`${c.name}: ${peer} disagrees with ours\n ours ${a.slice(0, 300)}\n ${peer} ${p.slice(0, 300)}`);
  }
}
