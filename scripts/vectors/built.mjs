// Hand-built vectors: images written with the project's own encoders from the spec's structure
// tables (the header tables, buildVirtioCap, the PCI capability structs, the model presets), and
// malformed images derived from a good one by one mutation each, with the diagnostic code the
// mutation must produce. The generator checks both before writing anything (see check()).
import { allCodes, decodeVector } from './project.mjs';

const SLOT = { domain: 0, bus: 0, device: 4, function: 0 };

// ---------------------------------------------------------------- image helpers

function put32(b, at, v) {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}
function put16(b, at, v) {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

/** A type 0 (or type 1) header written with the header table's encoder. */
function header(lib, b, h) {
  const s = lib.headerStructFor(h.headerType ?? 0);
  s.encode({ ...s.zero(), ...h.fields, header_type: h.headerType ?? 0 }, b, 0);
}

/** BAR registers: address | flag bits, 64-bit BARs in two registers (type 0 layout). */
function bars(b, list) {
  for (const x of list) {
    const at = 0x10 + 4 * x.index;
    const addr = BigInt(x.address);
    if (x.kind === 'io') put32(b, at, Number(addr & 0xfffffffcn) | 1);
    else {
      const flags = (x.kind === 'mem64' ? 4 : 0) | (x.prefetchable ? 8 : 0);
      put32(b, at, Number(addr & 0xfffffff0n) | flags);
      if (x.kind === 'mem64') put32(b, at + 4, Number(addr >> 32n));
    }
  }
}

/** Capabilities at given offsets, chained in list order from the pointer at 0x34. */
function caps(b, list) {
  list.forEach((c, i) => {
    b.set(c.bytes, c.at);
    b[c.at + 1] = i + 1 < list.length ? list[i + 1].at : 0;
  });
  b[0x34] = list.length ? list[0].at : 0;
  put16(b, 0x06, (b[0x06] | (b[0x07] << 8) | (list.length ? 0x10 : 0)) & 0xffff);
}

/** Extended capabilities chained from 0x100: header = id | version << 16 | next << 20. */
function ecaps(b, list) {
  list.forEach((c, i) => {
    b.set(c.bytes, c.at);
    const next = i + 1 < list.length ? list[i + 1].at : 0;
    put32(b, c.at, (c.id | (c.version << 16) | (next << 20)) >>> 0);
  });
}

function encoded(s, fields, size = s.size) {
  const out = new Uint8Array(size);
  s.encode({ ...s.zero(), ...fields }, out, 0);
  return out;
}

// ---------------------------------------------------------------- the base modern device

const BASE_BARS = [
  { index: 1, kind: 'mem32', prefetchable: false, address: 0xfebf0000n, size: 0x1000n },
  { index: 4, kind: 'mem64', prefetchable: true, address: 0xfe000000n, size: 0x4000n },
];
const BASE_QUEUES = [
  { index: 0, queue_size: 256, queue_notify_off: 0 },
  { index: 1, queue_size: 256, queue_notify_off: 1 },
];
const VERSION_1 = 1n << 32n;

/**
 * A modern virtio-blk function built from the spec tables: caps in list order at 0x40 common,
 * 0x50 ISR, 0x60 device, 0x70 notify (multiplier 4), 0x84 pci_cfg, 0x98 MSI-X; structures in
 * BAR4 at 0/0x1000/0x2000/0x3000, MSI-X table and PBA in BAR1.
 */
function baseModern(lib, size = 256) {
  const b = new Uint8Array(size);
  header(lib, b, {
    fields: { vendor_id: 0x1af4, device_id: 0x1042, command: 0x0006, revision_id: 1, base_class: 0x01, subclass: 0x00, subsystem_vendor_id: 0x1af4, subsystem_id: 0x0040, interrupt_pin: 1 },
  });
  bars(b, BASE_BARS);
  const vc = (init) => lib.buildVirtioCap(init);
  caps(b, [
    { at: 0x40, bytes: vc({ cfg_type: 1, bar: 4, offset: 0x0000, length: 0x1000 }) },
    { at: 0x50, bytes: vc({ cfg_type: 3, bar: 4, offset: 0x1000, length: 0x1000 }) },
    { at: 0x60, bytes: vc({ cfg_type: 4, bar: 4, offset: 0x2000, length: 0x1000 }) },
    { at: 0x70, bytes: vc({ cfg_type: 2, bar: 4, offset: 0x3000, length: 0x1000, notify_off_multiplier: 4 }) },
    { at: 0x84, bytes: vc({ cfg_type: 5 }) },
    { at: 0x98, bytes: encoded(lib.pciMsixCap, { cap_id: 0x11, message_control: 2, table: 1, pba: 0x800 | 1 }) },
  ]);
  return b;
}

const baseDevice = (extra = {}) => ({ bars: BASE_BARS.map(barJson), deviceFeatures: '0x' + VERSION_1.toString(16), queues: BASE_QUEUES, ...extra });
function barJson(x) {
  return { index: x.index, kind: x.kind, prefetchable: x.prefetchable, address: '0x' + BigInt(x.address).toString(16), size: '0x' + BigInt(x.size).toString(16) };
}

// ---------------------------------------------------------------- spec vectors

function presetVectors(lib) {
  const presets = [
    ['qemu-modern-preset', 'qemuModernPreset', {}],
    ['qemu-page-per-vq-preset', 'qemuPagePerVqPreset', {}],
    ['qemu-pio-notify-preset', 'qemuModernPioNotifyPreset', {}],
    ['qemu-transitional-preset', 'qemuTransitionalPreset', {}],
    ['cloud-hypervisor-preset', 'cloudHypervisorPreset', {}],
    ['kvmtool-preset', 'kvmtoolPreset', {}],
  ];
  const out = [];
  for (const [name, fn, opts] of presets) {
    const d = lib[fn]({ ...opts, queues: [{ size: 256 }, { size: 128 }] });
    const img = lib.buildModelConfigImage(d);
    const b = img.bytes.slice();
    // Assign addresses as firmware would (largest first, naturally aligned), so the
    // probe can compute addresses; the preset leaves them 0.
    let mem = 0xe0000000n;
    let io = 0xc000n;
    const placed = [];
    for (const bar of [...d.bars].sort((x, y) => (y.size > x.size ? 1 : y.size < x.size ? -1 : x.index - y.index))) {
      let address;
      if (bar.kind === 'io') {
        address = (io + bar.size - 1n) & ~(bar.size - 1n);
        io = address + bar.size;
      } else {
        address = (mem + bar.size - 1n) & ~(bar.size - 1n);
        mem = address + bar.size;
      }
      placed.push({ index: bar.index, kind: bar.kind, prefetchable: !!bar.prefetchable, address, size: bar.size });
    }
    placed.sort((x, y) => x.index - y.index);
    bars(b, placed);
    put16(b, 0x04, 0x0007);
    const declared = {
      caps: img.caps.map((c) => ({ kind: c.kind, at: '0x' + c.at.toString(16) })),
      common: region(d.regions.common),
      isr: region(d.regions.isr),
      device: d.regions.device ? region(d.regions.device) : null,
      // the probe uses the first notify cap in walk order (QEMU prepends the PIO one)
      notify: (() => {
        const first = d.regions.notify[img.caps.find((c) => c.kind === 'notify')?.notify ?? 0];
        return { ...region(first), multiplier: first.multiplier };
      })(),
      legacyBar: d.legacy ? d.legacy.bar : null,
      msix: d.msix ? { vectors: d.msix.vectors, table: { bar: d.msix.table.bar, offset: '0x' + d.msix.table.offset.toString(16) }, pba: { bar: d.msix.pba.bar, offset: '0x' + d.msix.pba.offset.toString(16) } } : null,
    };
    out.push({
      group: 'spec',
      name,
      bytes: b,
      length: b.length,
      slot: SLOT,
      meta: {
        description: `${d.name ?? fn}: the model preset ${fn}() (two queues of 256 and 128) as buildModelConfigImage writes it, BARs assigned`,
        provenance: { source: 'built', builder: `buildModelConfigImage(${fn}({ queues: [{ size: 256 }, { size: 128 }] }))`, layoutSources: 'docs/model.md (QEMU hw/virtio/virtio-pci.c, cloud-hypervisor pci_device.rs, kvmtool virtio/pci-modern.c)' },
        declared,
      },
      device: {
        bars: placed.map(barJson),
        deviceFeatures: '0x' + d.features.toString(16),
        queues: d.queues.map((q, i) => ({ index: i, queue_size: q.size, queue_notify_off: q.notifyOff ?? i })),
      },
    });
  }
  return out;
}

function region(r) {
  return { bar: r.bar, offset: '0x' + BigInt(r.offset).toString(16), length: '0x' + BigInt(r.length).toString(16) };
}

function specVectors(lib) {
  const out = [...presetVectors(lib)];
  const vc = (init) => lib.buildVirtioCap(init);

  // Every cfg_type of virtio 1.2+ (4.1.4): virtio-fs (type 26) with a DAX window in a 64-bit
  // BAR through virtio_pci_cap64 (cfg_type 8) and a vendor-data capability (cfg_type 9).
  {
    const b = new Uint8Array(256);
    header(lib, b, { fields: { vendor_id: 0x1af4, device_id: 0x105a, command: 0x0006, revision_id: 1, base_class: 0x01, subclass: 0x80, subsystem_vendor_id: 0x1af4, subsystem_id: 0x0040 } });
    const barList = [
      { index: 0, kind: 'mem64', prefetchable: false, address: 0xfe000000n, size: 0x4000n },
      { index: 2, kind: 'mem64', prefetchable: true, address: 0x800000000n, size: 0x200000000n },
    ];
    bars(b, barList);
    caps(b, [
      { at: 0x40, bytes: vc({ cfg_type: 1, bar: 0, offset: 0x0000, length: 0x40 }) },
      { at: 0x50, bytes: vc({ cfg_type: 2, bar: 0, offset: 0x1000, length: 0x1000, notify_off_multiplier: 8 }) },
      { at: 0x64, bytes: vc({ cfg_type: 3, bar: 0, offset: 0x2000, length: 0x4 }) },
      { at: 0x74, bytes: vc({ cfg_type: 4, bar: 0, offset: 0x3000, length: 0x30 }) },
      { at: 0x84, bytes: vc({ cfg_type: 8, bar: 2, id: 0, offset: 0n, length: 0x200000000n }) },
      { at: 0x9c, bytes: vc({ cfg_type: 9, vendor_id: 0x1b36, extra: new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]) }) },
      { at: 0xac, bytes: vc({ cfg_type: 5 }) },
    ]);
    out.push({
      group: 'spec',
      name: 'virtio-all-cfg-types',
      bytes: b,
      length: 256,
      slot: SLOT,
      meta: {
        description: 'virtio-fs (0x105a) with one capability of every cfg_type 1–5, 8 (virtio_pci_cap64: 8 GiB DAX window, id 0, BAR2 64-bit) and 9 (vendor data, vendor_id 0x1b36, 10 bytes of data, cap_len 16)',
        provenance: { source: 'built', builder: 'buildVirtioCap per capability, header table encoder', spec: 'virtio 1.3 §4.1.4 (struct virtio_pci_cap, virtio_pci_notify_cap, virtio_pci_cap64, virtio_pci_vndr_data, virtio_pci_cfg_cap)' },
        declared: {
          common: { bar: 0, offset: '0x0', length: '0x40' },
          notify: { bar: 0, offset: '0x1000', length: '0x1000', multiplier: 8 },
          isr: { bar: 0, offset: '0x2000', length: '0x4' },
          device: { bar: 0, offset: '0x3000', length: '0x30' },
          sharedMemory: [{ bar: 2, id: 0, offset: '0x0', length: '0x200000000' }],
          vendorData: [{ vendor_id: '0x1b36' }],
          pciCfg: '0xac',
        },
      },
      device: { bars: barList.map(barJson), deviceFeatures: '0x' + VERSION_1.toString(16), queues: [0, 1, 2].map((i) => ({ index: i, queue_size: 128, queue_notify_off: i })) },
    });
  }

  // A PCI Express endpoint in 4 KiB: PM, PCIe v2 endpoint, MSI-X and the virtio caps; AER and
  // ATS in extended space (what QEMU's aer=on,ats=on gives, built here from the tables).
  {
    const b = baseModern(lib, 4096);
    const list = [
      { at: 0x40, bytes: b.slice(0x40, 0x50) },
      { at: 0x50, bytes: b.slice(0x50, 0x60) },
      { at: 0x60, bytes: b.slice(0x60, 0x70) },
      { at: 0x70, bytes: b.slice(0x70, 0x84) },
      { at: 0x84, bytes: b.slice(0x84, 0x98) },
      { at: 0x98, bytes: b.slice(0x98, 0xa4) },
      { at: 0xa4, bytes: encoded(lib.pciPmCap, { cap_id: 0x01, pmc: 0x0003 }) },
      { at: 0xac, bytes: encoded(lib.pciExpCap, { cap_id: 0x10, flags: 0x0002, devcap: 0x10008000, lnkcap: 0x00000011, lnksta: 0x0011 }, lib.pciExpCapSize(0x0002)) },
    ];
    b.fill(0, 0x40, 0x100);
    caps(b, list);
    ecaps(b, [
      { at: 0x100, id: 0x0001, version: 2, bytes: encoded(lib.pciAerCap, { uncor_sever: 0x00062030, cap_ctrl: 0x000000a0 }) },
      { at: 0x148, id: 0x000f, version: 1, bytes: encoded(lib.pciAtsCap, { ats_cap: 0x0020 }) },
    ]);
    out.push({
      group: 'spec',
      name: 'pcie-endpoint-pm-aer-ats',
      bytes: b,
      length: 4096,
      slot: { domain: 0, bus: 1, device: 0, function: 0 },
      meta: {
        description: 'modern virtio-blk as a PCI Express endpoint: PM (0xa4), PCIe v2 endpoint (0xac), AER v2 at 0x100, ATS at 0x148',
        provenance: { source: 'built', builder: 'pciPmCap, pciExpCap, pciAerCap, pciAtsCap encoders + buildVirtioCap', spec: 'PCIe Base 6.0 §7.5.2 (PM), §7.5.3 (PCIe cap), §7.8.4 (AER), §10.5.1 (ATS)' },
        declared: { capabilities: ['0x40', '0x50', '0x60', '0x70', '0x84', '0x98', '0xa4', '0xac'], extendedCapabilities: [{ pos: '0x100', id: '0x1' }, { pos: '0x148', id: '0xf' }] },
      },
      device: baseDevice(),
    });
  }

  // A PCI-PCI bridge (type 1): bus numbers, windows, a PCIe root port capability.
  {
    const b = new Uint8Array(256);
    header(lib, b, {
      headerType: 1,
      fields: {
        vendor_id: 0x1b36, device_id: 0x000c, command: 0x0007, base_class: 0x06, subclass: 0x04, primary_bus: 0, secondary_bus: 1, subordinate_bus: 1,
        io_base: 0xc1, io_limit: 0xc1, memory_base: 0xfe80, memory_limit: 0xfe80, prefetchable_memory_base: 0xe001, prefetchable_memory_limit: 0xe001, interrupt_pin: 1,
      },
    });
    bars(b, [{ index: 0, kind: 'mem32', prefetchable: false, address: 0xfea00000n, size: 0x1000n }]);
    caps(b, [
      { at: 0x40, bytes: encoded(lib.pciExpCap, { cap_id: 0x10, flags: 0x0142, devcap: 0x00008000, lnkcap: 0x00000011, sltcap: 0x00000060, lnksta: 0x0011 }, lib.pciExpCapSize(0x0142)) },
      { at: 0x80, bytes: encoded(lib.pciMsixCap, { cap_id: 0x11, message_control: 0, table: 0, pba: 0x800 }) },
    ]);
    out.push({
      group: 'spec',
      name: 'type1-root-port',
      bytes: b,
      length: 256,
      slot: { domain: 0, bus: 0, device: 2, function: 0 },
      meta: {
        description: 'type 1 header of a PCI Express root port: buses 0/1/1, I/O window 0xc000, memory window 0xfe800000, prefetchable 0xe0000000; PCIe v2 root port with slot (0x40), MSI-X (0x80)',
        provenance: { source: 'built', builder: 'pciHeaderType1 and pciExpCap encoders', spec: 'PCI-to-PCI Bridge Architecture 1.2 §3.2; PCIe Base 6.0 §7.5.1.3, §7.5.3' },
        declared: { capabilities: ['0x40', '0x80'], bridge: { primary_bus: 0, secondary_bus: 1, subordinate_bus: 1 } },
      },
      device: { bars: [barJson({ index: 0, kind: 'mem32', prefetchable: false, address: 0xfea00000n, size: 0x1000n })] },
    });
  }

  // Legacy-only (virtio 0.9.5 / spec 4.1.4.10): transitional ID, revision 0, I/O BAR0 only.
  {
    const b = new Uint8Array(256);
    header(lib, b, { fields: { vendor_id: 0x1af4, device_id: 0x1000, command: 0x0005, revision_id: 0, base_class: 0x02, subclass: 0x00, subsystem_vendor_id: 0x1af4, subsystem_id: 0x0001, interrupt_pin: 1 } });
    const barList = [{ index: 0, kind: 'io', prefetchable: false, address: 0xc040n, size: 0x20n }];
    bars(b, barList);
    out.push({
      group: 'spec',
      name: 'legacy-only-net',
      bytes: b,
      length: 256,
      slot: SLOT,
      meta: {
        description: 'legacy-only virtio-net: device ID 0x1000, subsystem ID 1, revision 0, no capabilities, legacy registers in I/O BAR0 (32 bytes)',
        provenance: { source: 'built', builder: 'header table encoder', spec: 'virtio 1.3 §4.1.2.1 (transitional IDs), §4.1.4.10 (legacy interface)' },
        declared: { kind: 'legacy-only', legacyBar: 0, deviceConfigOffset: 20 },
      },
      device: { bars: barList.map(barJson), deviceFeatures: '0x0', queues: [{ index: 0, queue_size: 256 }, { index: 1, queue_size: 256 }] },
    });
  }

  // VIRTIO_F_NOTIFICATION_DATA (bit 38): 4-byte doorbells.
  {
    const b = baseModern(lib);
    out.push({
      group: 'spec',
      name: 'notification-data',
      bytes: b,
      length: 256,
      slot: SLOT,
      meta: {
        description: 'the base modern device offering VIRTIO_F_NOTIFICATION_DATA: doorbells are 4 bytes wide',
        provenance: { source: 'built', builder: 'buildVirtioCap per capability, header table encoder', spec: 'virtio 1.3 §4.1.4.4, §4.1.5.2' },
        declared: { notificationData: true, doorbellWidth: 4 },
      },
      device: baseDevice({ deviceFeatures: '0x' + (VERSION_1 | (1n << 38n)).toString(16) }),
    });
  }

  // The base device itself: every structure where the spec puts it.
  out.push({
    group: 'spec',
    name: 'modern-base',
    bytes: baseModern(lib),
    length: 256,
    slot: SLOT,
    meta: {
      description: 'the base of the malformed group: modern virtio-blk, caps at 0x40 common, 0x50 ISR, 0x60 device, 0x70 notify (multiplier 4), 0x84 pci_cfg, 0x98 MSI-X; BAR4 64-bit at 0xfe000000, BAR1 at 0xfebf0000',
      provenance: { source: 'built', builder: 'buildVirtioCap per capability, pciMsixCap and header table encoders', spec: 'virtio 1.3 §4.1.4' },
      declared: {
        common: { bar: 4, offset: '0x0', length: '0x1000' },
        isr: { bar: 4, offset: '0x1000', length: '0x1000' },
        device: { bar: 4, offset: '0x2000', length: '0x1000' },
        notify: { bar: 4, offset: '0x3000', length: '0x1000', multiplier: 4 },
        pciCfg: '0x84',
      },
    },
    device: baseDevice(),
  });
  return out;
}

// ---------------------------------------------------------------- malformed vectors

/** Each: name, what was done to the base, the codes it must produce, the mutation. */
const MALFORMED = [
  ['cap-loop', 'notify cap_next (0x71) points back to the ISR cap at 0x50', ['CAP_LOOP'], (b) => { b[0x71] = 0x50; }],
  ['cap-ptr-in-header', 'capabilities pointer (0x34) = 0x20, inside the standard header', ['CAP_PTR_IN_HEADER', 'VIRTIO_MISSING_COMMON_CFG'], (b) => { b[0x34] = 0x20; }],
  ['cap-next-in-header', 'ISR cap_next (0x51) = 0x10, inside the standard header', ['CAP_PTR_IN_HEADER', 'VIRTIO_MISSING_NOTIFY_CFG'], (b) => { b[0x51] = 0x10; }],
  ['cap-ptr-unaligned', 'capabilities pointer = 0x42: low bits reserved, masked to 0x40', ['CAP_PTR_UNALIGNED'], (b) => { b[0x34] = 0x42; }],
  ['cap-ptr-past-dump', 'a dump of 0x80 bytes: pci_cfg cap at 0x84 and MSI-X at 0x98 are not in it', ['CAP_PTR_OUT_OF_RANGE', 'VIRTIO_CAPS_NOT_IN_IMAGE'], null, { length: 0x80 }],
  ['cap-truncated', 'a dump of 0x78 bytes ends inside the notify cap at 0x70', ['VIRTIO_CAP_TRUNCATED'], null, { length: 0x78 }],
  ['cap-id-ff', 'ISR cap ID = 0xff (what a failed read returns)', ['CAP_ID_FF'], (b) => { b[0x50] = 0xff; }],
  ['caps-without-status-bit', 'Status bit 4 cleared, capabilities pointer still 0x40', ['CAPS_WITHOUT_STATUS_BIT', 'VIRTIO_MISSING_COMMON_CFG'], (b) => { b[0x06] &= ~0x10; }],
  ['common-cap-len-short', 'common cap_len = 12 (< 16 of virtio_pci_cap)', ['VIRTIO_CAP_SHORT'], (b) => { b[0x42] = 12; }],
  ['notify-cap-len-16', 'notify cap_len = 16: notify_off_multiplier lies past cap_len (read at cap+16 anyway, as Linux)', ['VIRTIO_NOTIFY_MULTIPLIER_PAST_CAP_LEN'], (b) => { b[0x72] = 16; }],
  ['vendor-cap-len-2', 'ISR cap_len = 2, shorter than the vendor capability header', ['VENDOR_CAP_LEN_INVALID'], (b) => { b[0x52] = 2; }],
  ['bar-6', 'common cap bar = 6 (reserved)', ['VIRTIO_CAP_BAR_RESERVED', 'VIRTIO_MISSING_COMMON_CFG'], (b) => { b[0x44] = 6; }],
  ['bar-7', 'ISR cap bar = 7 (reserved)', ['VIRTIO_CAP_BAR_RESERVED', 'VIRTIO_MISSING_ISR_CFG'], (b) => { b[0x54] = 7; }],
  ['bar-unimplemented', 'device cap bar = 2, an empty BAR register', ['VIRTIO_CAP_BAR_UNIMPLEMENTED'], (b) => { b[0x64] = 2; }],
  ['bar-upper-half', 'common cap bar = 5, the upper half of 64-bit BAR4', ['VIRTIO_CAP_BAR_UPPER_HALF'], (b) => { b[0x44] = 5; }],
  ['bar64-in-slot-5', 'BAR5 holds a 64-bit memory BAR (no register left for its upper half)', ['BAR64_LAST_SLOT'], (b) => { put32(b, 0x20, 0); put32(b, 0x24, 0xfe00000c); }],
  ['bar-type-reserved', 'BAR1 memory type 3 (reserved)', ['BAR_TYPE_RESERVED'], (b) => { put32(b, 0x14, 0xfebf0006); }],
  ['common-offset-unaligned', 'common cap offset = 0x2 (must be 4-aligned)', ['VIRTIO_CAP_OFFSET_MISALIGNED'], (b) => { put32(b, 0x48, 0x2); }],
  ['notify-offset-unaligned', 'notify cap offset = 0x3001 (must be 2-aligned)', ['VIRTIO_CAP_OFFSET_MISALIGNED'], (b) => { put32(b, 0x78, 0x3001); }],
  ['notify-bound-overflow', 'notify length = 4: queue 1 (queue_notify_off 1, multiplier 4) rings at 4..6, outside', ['VIRTIO_NOTIFY_OFF_OUT_OF_RANGE'], (b) => { put32(b, 0x7c, 4); }],
  ['notify-outside-bar', 'notify offset 0x3000 + length 0x2000 > BAR4 size 0x4000', ['VIRTIO_CAP_REGION_OUTSIDE_BAR'], (b) => { put32(b, 0x7c, 0x2000); }],
  ['region-wrap', 'device cap offset 0xffffff00 + length 0x1000 wraps 32 bits', ['VIRTIO_CAP_REGION_WRAP'], (b) => { put32(b, 0x68, 0xffffff00); }],
  ['common-length-short', 'common cap length = 0x10 (< 56)', ['VIRTIO_CAP_LENGTH_SHORT'], (b) => { put32(b, 0x4c, 0x10); }],
  ['notify-multiplier-odd', 'notify_off_multiplier = 1', ['VIRTIO_NOTIFY_MULTIPLIER_ODD'], (b) => { put32(b, 0x80, 1); }],
  ['cfg-type-reserved', 'ISR cap cfg_type = 0x0a (reserved)', ['VIRTIO_CAP_CFG_TYPE_RESERVED', 'VIRTIO_MISSING_ISR_CFG'], (b) => { b[0x53] = 0x0a; }],
  ['notify-duplicate-type', 'notify cap cfg_type = 4: a second device cap, no notify cap', ['VIRTIO_CAP_DUPLICATE_IGNORED', 'VIRTIO_MISSING_NOTIFY_CFG'], (b) => { b[0x73] = 4; }],
  ['header-type-unknown', 'header type = 0x05', ['HEADER_TYPE_UNKNOWN'], (b) => { b[0x0e] = 0x05; }],
  ['image-too-short', 'a dump of 0x30 bytes', ['IMAGE_TOO_SHORT'], null, { length: 0x30 }],
  ['bar-unassigned', 'BAR4 address 0 (not assigned yet)', ['VIRTIO_BAR_UNASSIGNED'], (b) => { put32(b, 0x20, 0x0c); put32(b, 0x24, 0); }],
  ['transitional-revision', 'transitional ID 0x1001 (subsystem 2) with revision 1', ['VIRTIO_TRANSITIONAL_REVISION'], (b) => { put16(b, 0x02, 0x1001); put16(b, 0x2e, 0x0002); }],
  ['modern-subsystem-id', 'modern ID 0x1042 with subsystem ID 0x0002 (< 0x40)', ['VIRTIO_MODERN_SUBSYSTEM_ID'], (b) => { put16(b, 0x2e, 0x0002); }],
  ['legacy-bar-not-io', 'legacy-only ID 0x1001 without caps, BAR0 a memory BAR', ['VIRTIO_LEGACY_BAR_NOT_IO'], (b) => { put16(b, 0x02, 0x1001); b[0x08] = 0; put16(b, 0x2e, 2); b[0x06] &= ~0x10; b[0x34] = 0; put32(b, 0x10, 0xfeb00000); }],
  ['common-short-for-features', 'common length 0x38 (the 1.0 layout) while the device offers RING_RESET (bit 40, needs 60 bytes)', ['VIRTIO_COMMON_CFG_SHORT_FOR_FEATURES'], (b) => { put32(b, 0x4c, 0x38); }, { features: VERSION_1 | (1n << 40n) }],
  ['shm-cap-len-16', 'a shared-memory cap (cfg_type 8) with cap_len 16 in place of the pci_cfg cap', ['VIRTIO_SHM_CAP_LEN'], (b) => { b[0x87] = 8; b[0x86] = 16; }],
  ['vendor-data-vendor-id', 'the pci_cfg cap turned into vendor data (cfg_type 9, cap_len 16) carrying vendor_id 0x1af4', ['VIRTIO_VENDOR_DATA_VENDOR_ID'], (b) => { b[0x87] = 9; b[0x86] = 16; put16(b, 0x88, 0x1af4); }],
  ['vendor-data-len', 'vendor data (cfg_type 9) with cap_len 18, not a multiple of 4', ['VIRTIO_VENDOR_DATA_LEN'], (b) => { b[0x87] = 9; b[0x86] = 18; put16(b, 0x88, 0x1b36); }],
];

/** Malformed extended-capability lists, on the 4 KiB PCIe endpoint. */
const MALFORMED_EXT = [
  ['extcap-loop', 'ATS next (0x148) points back to AER at 0x100', ['EXTCAP_LOOP'], (b) => { b[0x14a] = (b[0x14a] & 0x0f) | 0x00; b[0x14b] = 0x10; }],
  ['extcap-next-below-0x100', 'AER next = 0x080, below extended space', ['EXTCAP_PTR_INVALID'], (b) => { b[0x102] = (b[0x102] & 0x0f); b[0x103] = 0x08; }],
  ['extcap-truncated', 'a dump of 0x110 bytes ends inside the AER capability', ['EXTCAP_TRUNCATED'], null, { length: 0x110 }],
];

function malformedVectors(lib, spec) {
  const base = spec.find((v) => v.name === 'modern-base');
  const pcie = spec.find((v) => v.name === 'pcie-endpoint-pm-aer-ats');
  const out = [];
  for (const [list, from] of [[MALFORMED, base], [MALFORMED_EXT, pcie]]) {
    for (const [name, what, codes, mutate, opts = {}] of list) {
      const b = from.bytes.slice();
      if (mutate) mutate(b);
      const length = opts.length ?? b.length;
      const device = opts.features ? { ...from.device, deviceFeatures: '0x' + opts.features.toString(16) } : from.device;
      out.push({
        group: 'malformed',
        name,
        bytes: b.slice(0, length <= 256 ? 256 : 4096),
        length,
        slot: from.slot,
        meta: {
          description: what,
          provenance: { source: 'built', base: `spec/${from.name}`, mutation: what },
          expectDiagnostics: codes,
        },
        device,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- checks

function check(lib, v) {
  const { json } = decodeVector(lib, v.bytes, v.length, v.device);
  const codes = allCodes(json);
  if (v.group === 'malformed') {
    const missing = v.meta.expectDiagnostics.filter((c) => !codes.has(c));
    if (missing.length) throw new Error(`malformed/${v.name}: expected ${missing.join(', ')}, got ${[...codes].join(', ') || 'nothing'}`);
  } else {
    const errors = [...json.diagnostics, ...(json.virtio?.diagnostics ?? [])].filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`spec/${v.name}: unexpected errors ${errors.map((d) => d.code).join(', ')}`);
  }
}

/** Every hand-built vector, checked. */
export function builtVectors(lib) {
  const spec = specVectors(lib);
  const all = [...spec, ...malformedVectors(lib, spec)];
  for (const v of all) check(lib, v);
  return all;
}
