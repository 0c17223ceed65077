// The stored Linux guest records (spec-vectors/linux-guest/): pcicfg agrees with the guest's
// kernel and with QEMU on every machine. Needs no QEMU: live.test.ts boots the guest again.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GUEST_MACHINES } from '../../scripts/guest/machines.mjs';
import { GUEST_SCHEMA, readGuestVector } from '../../scripts/guest/record.mjs';
import { runCli } from '../cli/run.js';
import { checkGuest } from './check.js';
import { doorbellWrites, guestFunctions } from './guest.js';

const DIR = fileURLToPath(new URL('../../spec-vectors/linux-guest/', import.meta.url));
const stored = (name: string) => readGuestVector(DIR + name);

describe('spec-vectors/linux-guest', () => {
  it('has a record of every machine, with its provenance', () => {
    for (const m of GUEST_MACHINES) {
      expect(existsSync(DIR + m.name), m.name).toBe(true);
      const files = stored(m.name);
      const r = JSON.parse(files['guest.json']);
      expect(r.schema).toBe(GUEST_SCHEMA);
      expect(r.machine).toBe(m.name);
      expect(r.provenance.qemu).toMatch(/^QEMU emulator version /);
      expect(r.provenance.kernelPackage).toContain(r.kernel);
      expect(r.provenance.commandLine).toContain(`-machine ${m.machine} `);
      for (const d of m.devices) expect(r.provenance.commandLine).toContain(`-device ${d}`);
      expect(r.modules.map((p: string) => p.replace(/^.*\//, ''))).toEqual(expect.arrayContaining(['virtio.ko', 'virtio_ring.ko', 'virtio_pci.ko', 'virtio_blk.ko', 'virtio_net.ko']));
      expect(r.disks).toEqual([{ name: 'vda', readback: 'readback ok' }]);
      expect(r.net).toEqual(['eth0']);
      expect(r.functions.map((f: { slot: string }) => f.slot)).toEqual(guestFunctions(files).map((f) => f.slot));
    }
  });
});

describe.each(GUEST_MACHINES.map((m) => [m.name, m] as const))('linux-guest/%s', (name) => {
  const files = stored(name);

  it("decodes without errors, its BARs are the guest's resources, and every doorbell is pcicfg's", () => {
    const { fns, bells, bars } = checkGuest(files);
    expect(bars).toBeGreaterThanOrEqual(4);
    // the guest kicked both devices: the disk's request queue, the net's rx, tx and control queues
    const kicked = (type: number) => new Set(bells.filter((b) => b.fn.transport!.identity.deviceType === type).map((b) => b.queue));
    expect([...kicked(2)]).toEqual([0]);
    expect([...kicked(1)].sort()).toEqual([0, 1, 2]);
    const virtio = fns.filter((f) => f.transport);
    expect(virtio.length).toBe(2);
    if (name === 'pc-legacy') expect(virtio.map((f) => f.transport!.kind)).toEqual(['legacy-only', 'legacy-only']);
    else expect(bells.every((b) => !b.legacy)).toBe(true);
    if (name === 'q35-root-ports') {
      expect(virtio.map((f) => [f.transport!.kind, f.length])).toEqual([['modern', 4096], ['modern', 4096]]);
      expect(fns.filter((f) => (f.bytes[0x0e] & 0x7f) === 1).map((f) => f.length)).toEqual([4096, 4096]);
    }
    if (name === 'pc-page-per-vq') expect(virtio.map((f) => f.transport!.notify!.multiplier)).toEqual([4096, 4096]);
  });
  it("pcicfg notify and lookup, run on the guest's dump, give every doorbell the guest rang", async () => {
    const dump = DIR + name + '/config.lspci';
    const info = ['--info-pci', DIR + name + '/info-pci.txt'];
    const fns = guestFunctions(files);
    const seen = new Set<string>();
    for (const b of doorbellWrites(files, fns)) {
      const address = '0x' + b.access.addr.toString(16);
      const key = `${b.fn.slot} ${b.queue} ${address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const off = b.queueNotifyOff === null ? [] : ['--notify-off', String(b.queueNotifyOff)];
      const n = await runCli(['notify', dump, '-s', b.fn.slot, '--queue', String(b.queue), ...off, ...info, '--json']);
      expect(n.code, n.stderr).toBe(0);
      expect(JSON.parse(n.stdout)).toMatchObject({ slot: b.fn.slot, queue: b.queue, address, space: b.space, width: b.access.size, legacy: b.legacy });
      const l = await runCli(['lookup', dump, ...info, address, ...(b.space === 'io' ? ['--io'] : []), '--json']);
      expect(l.code, l.stderr).toBe(0);
      const hit = JSON.parse(l.stdout);
      expect({ slot: hit.slot, structure: hit.structure }, key).toEqual({ slot: b.fn.slot, structure: b.legacy ? 'legacy' : 'notify' });
      if (b.legacy) expect({ field: hit.field, all_queues: hit.all_queues }, key).toEqual({ field: 'queue_notify', all_queues: true });
      else expect(hit.queues, key).toEqual([b.queue]);
    }
    expect(seen.size).toBeGreaterThanOrEqual(name === 'pc-legacy' ? 2 : 4);
  });
});
