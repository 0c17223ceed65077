// Every vector in spec-vectors/: the decoding equals the stored expectation, encoding gives the
// bytes back exactly, malformed vectors produce their codes without throwing, hand-built
// vectors decode to what their builder declared, and QEMU vectors agree with what the device
// said over the bus (probed BARs, queue_notify_off/queue_size from common_cfg).
import { describe, expect, it } from 'vitest';
import { writeLspci } from '../../src/dump/index.js';
import { decodeConfigSpace, encodeConfigSpace, formatPciAddress } from '../../src/pci/index.js';
import { isVirtioPciId, notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { allCodes, big, decodeVector, stableJson, type VectorLib } from '../../scripts/vectors/project.mjs';
import { loadVectors, type Vector } from './load.js';
import { headerOf } from '../support/caps.js';

const lib: VectorLib = { decodeConfigSpace, probeVirtio, notifyAddress, isVirtioPciId, virtioVendorCapDecoder };
const vectors = loadVectors();
const group = (g: string) => vectors.filter((v) => v.record.group === g || v.record.group.startsWith(g + '/'));
const decode = (v: Vector) => decodeVector(lib, v.fn.bytes, v.fn.length, v.record.device);

describe('spec-vectors/ folder', () => {
  it('holds every group', () => {
    expect(group('qemu/pc').length).toBeGreaterThanOrEqual(20);
    expect(group('qemu/q35').length).toBeGreaterThanOrEqual(10);
    expect(group('spec').length).toBeGreaterThanOrEqual(10);
    expect(group('malformed').length).toBeGreaterThanOrEqual(30);
  });

  it('covers each virtio device type QEMU offers, modern, transitional and legacy-only, and a type 1 function', () => {
    const virtio = group('qemu').map((v) => v.record.expected.virtio).filter(Boolean);
    expect(new Set(virtio.map((x) => x.typeName))).toEqual(new Set(['blk', 'net', 'scsi', 'rng', 'balloon', 'console', 'gpu', 'input', 'crypto', '9p']));
    expect(new Set(virtio.map((x) => x.kind))).toEqual(new Set(['modern', 'transitional', 'legacy-only']));
    expect(group('qemu').some((v) => v.record.expected.headerType === 1 && v.fn.length === 4096)).toBe(true);
  });
});

describe.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
  it('the .lspci holds the slot and length the record names, and writing it back gives the same text', () => {
    expect(formatPciAddress(v.fn.slot!)).toBe(v.record.image.slot);
    expect(v.fn.length).toBe(v.record.image.length);
    expect(writeLspci([v.fn])).toBe(v.text);
  });

  it('decodes to the expected JSON', () => {
    const { json } = decode(v);
    // through the same serialiser the generator used, so key order and hex spelling count
    expect(JSON.parse(stableJson(json))).toEqual(v.record.expected);
  });

  it('encodes back byte for byte', () => {
    const { cs } = decode(v);
    const out = encodeConfigSpace(cs);
    expect(out.length).toBe(v.fn.bytes.length);
    expect(Buffer.from(out.subarray(0, v.fn.length)).equals(Buffer.from(v.fn.bytes.subarray(0, v.fn.length)))).toBe(true);
  });
});

describe.each(group('malformed').map((v) => [v.id, v] as const))('%s', (_id, v) => {
  it(`produces ${v.record.expectDiagnostics!.join(', ')} and never throws`, () => {
    let result: ReturnType<typeof decode> | undefined;
    expect(() => (result = decode(v))).not.toThrow();
    const codes = allCodes(result!.json);
    expect(v.record.expectDiagnostics!.length).toBeGreaterThan(0);
    for (const c of v.record.expectDiagnostics!) expect([...codes], `${v.id} must produce ${c}`).toContain(c);
    // every doorbell of every possible queue_notify_off is computable without throwing
    if (result!.transport) for (const off of [0, 1, 0xffff]) expect(() => notifyAddress(result!.transport!, off)).not.toThrow();
  });
});

const hexOf = (n: number | bigint) => '0x' + n.toString(16);

describe.each(group('spec').map((v) => [v.id, v] as const))('%s (declared by its builder)', (_id, v) => {
  it('has no error diagnostics and decodes every structure where the builder put it', () => {
    const { cs, transport: t, json } = decode(v);
    const errors = [...cs.diagnostics, ...(t?.diagnostics ?? [])].filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    const d = v.record.declared!;
    const loc = (l: { bar: { index: number }; offset: bigint; length: bigint } | null) => l && { bar: l.bar.index, offset: hexOf(l.offset), length: hexOf(l.length) };
    for (const k of ['common', 'isr', 'device'] as const) if (k in d) expect(loc(t![k]), k).toEqual(d[k]);
    if (d.notify) expect({ ...loc(t!.notify), multiplier: t!.notify!.multiplier }).toEqual(d.notify);
    if (d.pciCfg) expect(hexOf(t!.pciCfg!.pos)).toBe(d.pciCfg);
    if (d.caps) {
      // model presets: walk order and offsets of every capability
      expect(cs.capabilities.map((c) => hexOf(c.pos))).toEqual(d.caps.map((c: { at: string }) => c.at));
      const kinds = cs.capabilities.map((c) => (c.id === 0x11 ? 'msix' : t!.caps.find((x) => x.pos === c.pos)!.typeName));
      expect(kinds).toEqual(d.caps.map((c: { kind: string }) => c.kind));
    }
    if (d.capabilities) expect(cs.capabilities.map((c) => hexOf(c.pos))).toEqual(d.capabilities);
    if (d.extendedCapabilities) expect(cs.extendedCapabilities.map((c) => ({ pos: hexOf(c.pos), id: hexOf(c.id) }))).toEqual(d.extendedCapabilities);
    if (d.bridge) {
      const h = headerOf(cs, 1);
      expect({ primary_bus: h.primary_bus, secondary_bus: h.secondary_bus, subordinate_bus: h.subordinate_bus }).toEqual(d.bridge);
    }
    if (d.sharedMemory) {
      expect(t!.sharedMemory.map((s) => ({ bar: s.bar.index, id: s.cap.id, offset: hexOf(s.offset), length: hexOf(s.length) }))).toEqual(d.sharedMemory);
    }
    if (d.vendorData) expect(t!.vendorData.map((c) => ({ vendor_id: hexOf(c.vendor_id!) }))).toEqual(d.vendorData);
    if (d.kind) expect(t!.kind).toBe(d.kind);
    if ('legacyBar' in d) expect(t!.legacy?.bar?.index ?? null).toBe(d.legacyBar);
    if (d.deviceConfigOffset) expect(t!.legacy!.deviceConfigOffset).toBe(d.deviceConfigOffset);
    if (d.msix) {
      expect(t!.msix).toMatchObject({ tableSize: d.msix.vectors, table: { bir: d.msix.table.bar, offset: Number(d.msix.table.offset) }, pba: { bir: d.msix.pba.bar, offset: Number(d.msix.pba.offset) } });
    }
    if (d.notificationData) {
      expect(t!.notificationData).toBe(true);
      expect(json.virtio.doorbells.every((x: { width: number }) => x.width === d.doorbellWidth)).toBe(true);
    }
  });
});

describe.each(group('qemu').map((v) => [v.id, v] as const))('%s (against what QEMU said)', (_id, v) => {
  it('decodes the BARs QEMU sized, at the addresses they were given', () => {
    const { cs } = decode(v);
    const probed = v.record.device!.bars!;
    expect(cs.bars.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: hexOf(b.address) }))).toEqual(
      probed.map((b) => ({ index: b.index, kind: b.kind, prefetchable: b.prefetchable, address: b.address })),
    );
  });

  it('virtio: no error diagnostics, and each queue rings inside the notify structure (or the legacy register)', () => {
    const { transport: t, json } = decode(v);
    const dev = v.record.device!;
    if (!t) {
      expect(dev.queues).toBeUndefined();
      return;
    }
    expect([...t.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
    expect(dev.queues!.length).toBe(dev.numQueues);
    expect(dev.numQueues).toBeGreaterThan(0);
    for (const q of dev.queues!) {
      expect(q.queue_size).toBeGreaterThan(0);
      const n = notifyAddress(t, q.queue_notify_off ?? q.index)!;
      expect(n.diagnostics).toEqual([]);
      if (t.kind === 'legacy-only') {
        expect(q.queue_notify_off).toBeUndefined();
        expect(n.address).toBe(t.legacy!.bar!.address + 16n);
      } else {
        // QEMU gives every queue its index as queue_notify_off (virtio-pci.c, VIRTIO_PCI_COMMON_Q_NOFF)
        expect(q.queue_notify_off).toBe(q.index);
        expect(n.address - t.notify!.address + 2n <= t.notify!.length).toBe(true);
        expect(n.address).toBe(t.notify!.address + BigInt(q.queue_notify_off!) * BigInt(t.notify!.multiplier));
      }
    }
    expect(json.virtio.doorbells.length).toBe(dev.queues!.length);
    // VERSION_1 is offered exactly when the modern interface exists
    expect((big(dev.deviceFeatures!) >> 32n) & 1n).toBe(t.kind === 'legacy-only' ? 0n : 1n);
  });
});
