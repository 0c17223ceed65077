// The checks made of a Linux guest's record, stored (vectors.test.ts) or live (live.test.ts):
// pcicfg must agree with what the guest's kernel and QEMU did.
import { expect } from 'vitest';
import { lookupAddress, notifyAddress, type VirtioLookupDevice } from '../../src/virtio/index.js';
import { doorbellWrites, guestFunctions, legacyQueuesSelected, resourceBar, type Doorbell, type GuestFunction } from './guest.js';

/**
 * BARs Linux fills with the fixed ISA addresses of an IDE controller in compatibility mode
 * (drivers/pci/probe.c, pci_setup_device: class IDE, programming interface bit 0 clear for the
 * primary channel's BARs 0-1, bit 2 for the secondary's 2-3): not in the BAR registers.
 */
function legacyIdeBars(config: Uint8Array): Set<number> {
  const ide = config[0x0b] === 0x01 && config[0x0a] === 0x01;
  const progIf = config[0x09];
  return new Set([...(ide && !(progIf & 1) ? [0, 1] : []), ...(ide && !(progIf & 4) ? [2, 3] : [])]);
}

/** The functions decode without error diagnostics (and virtio ones probe without errors). */
export function expectCleanDecode(fns: readonly GuestFunction[]): void {
  for (const f of fns) {
    const errors = [...f.cs.diagnostics, ...(f.transport?.diagnostics ?? [])].filter((d) => d.severity === 'error');
    expect(errors, f.slot).toEqual([]);
  }
}

/**
 * Each BAR pcicfg decodes from the guest's config bytes is the BAR the guest's kernel lists in
 * `resource` (address, I/O or 32/64-bit memory, prefetchable), with the size QEMU's `info pci`
 * gives; and every BAR the kernel lists is decoded. Returns the number of BARs compared.
 */
export function expectBarsMatchResources(fns: readonly GuestFunction[]): number {
  let n = 0;
  for (const f of fns) {
    const legacy = legacyIdeBars(f.bytes);
    const fromKernel = f.resources.filter((r) => r.index < 6 && r.end !== 0n && !legacy.has(r.index)).map(resourceBar);
    const fromPcicfg = f.cs.bars.map((b) => ({ index: b.index, kind: b.kind === 'mem1m' ? 'mem32' : b.kind, prefetchable: b.prefetchable, address: b.address, size: b.size }));
    expect(fromPcicfg, f.slot).toEqual(fromKernel);
    n += fromKernel.length;
  }
  return n;
}

/**
 * Every doorbell the guest rang is the address pcicfg's notifyAddress gives for that queue's
 * queue_notify_off (as the guest read it from common_cfg; the legacy register for a legacy-only
 * device), with the width written, and lookupAddress of it names the function and the queue.
 */
export function expectDoorbellsMatch(files: Record<string, string>, fns: readonly GuestFunction[]): Doorbell[] {
  const bells = doorbellWrites(files, fns);
  const devices: VirtioLookupDevice[] = fns
    .filter((f) => f.transport)
    .map((f) => {
      const offs = bells.filter((b) => b.fn === f && b.queueNotifyOff !== null);
      const queueNotifyOffs: number[] = [];
      for (const b of offs) queueNotifyOffs[b.queue] = b.queueNotifyOff!;
      const legacy = f.transport!.kind === 'legacy-only';
      return {
        slot: f.slot,
        config: f.cs,
        probeOptions: { barSizes: f.qemuSizes },
        ...(legacy ? { numQueues: Math.max(-1, ...legacyQueuesSelected(files, f)) + 1 } : { queueNotifyOffs: [...queueNotifyOffs].map((o, i) => o ?? i) }),
      };
    });
  for (const b of bells) {
    const where = `trace line ${b.line}: ${b.fn.slot} queue ${b.queue}`;
    const t = b.fn.transport;
    expect(t, where).not.toBeNull();
    expect(t!.kind === 'legacy-only', where).toBe(b.legacy);
    if (!b.legacy) expect(b.queueNotifyOff, `${where}: the guest read queue_notify_off`).not.toBeNull();
    const n = notifyAddress(t!, b.queueNotifyOff ?? 0);
    expect(n, where).not.toBeNull();
    expect({ space: n!.space, address: n!.address, width: n!.width }, where).toEqual({ space: b.space, address: b.access.addr, width: b.access.size });
    const hits = lookupAddress(devices, b.access.addr, b.space);
    expect(hits.length, where).toBeGreaterThan(0);
    const h = hits[0];
    expect({ slot: h.slot, structure: h.structure }, where).toEqual({ slot: b.fn.slot, structure: b.legacy ? 'legacy' : 'notify' });
    if (b.legacy) expect(h.field, where).toBe('queue_notify');
    // a legacy register serves every queue; a modern doorbell (multiplier >= width) exactly one
    if (b.legacy) expect(h.queues, where).toContain(b.queue);
    else expect(h.queues, where).toEqual([b.queue]);
  }
  return bells;
}

/** All three checks; the doorbells found. */
export function checkGuest(files: Record<string, string>): { fns: GuestFunction[]; bells: Doorbell[]; bars: number } {
  const fns = guestFunctions(files);
  expectCleanDecode(fns);
  const bars = expectBarsMatchResources(fns);
  const bells = expectDoorbellsMatch(files, fns);
  return { fns, bells, bars };
}
