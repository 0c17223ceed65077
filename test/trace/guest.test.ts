// `pcicfg trace` on a real Linux guest's trace (spec-vectors/linux-guest/*: QEMU's log of every
// access the kernel made to its virtio devices, with the guest's own config bytes). The kernel
// kicks with iowrite16(vq->index, vq->priv) (vp_notify; the legacy path writes the index to
// VIRTIO_PCI_QUEUE_NOTIFY), so the value of every doorbell write is the queue the kernel meant:
// the explanation must name that queue, by the spec's rule and by QEMU's, and every access must
// land in a function of the guest's dump, inside the range QEMU's `info mtree -f` gives its region.
// Iterates over the machines present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iterateQemuTrace } from '../../src/dump/qemu-trace.js';
import { parseQemuMtree, qemuMtreeRegionSpace } from '../../src/dump/qemu-mtree.js';
import { VirtioAccessExplainer } from '../../src/virtio/explain.js';
import { runCli } from '../cli/run.js';
import { devicesFromDump, TRACE_JSON_KEYS } from './support.js';

const ROOT = new URL('../../spec-vectors/linux-guest/', import.meta.url);
const MACHINES = existsSync(ROOT) ? readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
const file = (m: string, f: string) => new URL(`${m}/${f}`, ROOT).pathname;

describe('traces of a Linux guest', () => {
  it('are present (spec-vectors/linux-guest)', () => {
    expect(MACHINES.length).toBeGreaterThan(0);
  });

  let total = 0;
  for (const m of MACHINES) {
    it(`${m}: every access is in a function of the guest's dump; every doorbell write kicks the queue whose index the kernel wrote`, () => {
      const devices = devicesFromDump(readFileSync(file(m, 'config.lspci'), 'utf8'), readFileSync(file(m, 'info-pci.txt'), 'utf8'));
      const mtree = parseQemuMtree(readFileSync(file(m, 'mtree.txt'), 'utf8'));
      const explainer = new VirtioAccessExplainer(devices);
      const kicks = new Map<string, Set<number>>();
      let doorbells = 0;
      for (const item of iterateQemuTrace(readFileSync(file(m, 'trace.log'), 'utf8'), { file: m })) {
        expect('warning' in item ? item.warning.message : null).toBeNull();
        if (!('record' in item) || item.record.kind !== 'access') continue;
        const r = item.record;
        // The trace's addr is the region's absolute address: inside the range `info mtree -f`
        // gives the region of that name (on x86 the bus address is the CPU's).
        const inMtree = mtree.views.some((v) => v.ranges.some((x) => x.name === r.name && r.addr >= x.start && r.addr + BigInt(r.size) - 1n <= x.end));
        expect(inMtree, `${m}:${item.line} ${r.name} 0x${r.addr.toString(16)}`).toBe(true);
        const e = explainer.explain({ op: r.op, address: r.addr, size: r.size, value: r.value, space: qemuMtreeRegionSpace(mtree, r.name ?? '') ?? undefined });
        expect(e, `${m}:${item.line} ${r.name}`).not.toBeNull();
        if (!e?.vmm) continue;
        doorbells++;
        const q = Number(r.value);
        expect([e.queue, e.specQueues], `${m}:${item.line}: ${e.text}`).toEqual([q, [q]]);
        if (!kicks.has(e.hit.slot)) kicks.set(e.hit.slot, new Set());
        kicks.get(e.hit.slot)!.add(q);
      }
      // virtio-blk kicks its one queue; virtio-net its receive, transmit and control queues.
      expect([...kicks.values()].map((qs) => [...qs].sort())).toEqual([[0], [0, 1, 2]]);
      total += doorbells;
    });
  }

  it('pcicfg trace --json reads them with the documented keys, nothing left unexplained', async () => {
    for (const m of MACHINES) {
      const r = await runCli(['trace', file(m, 'trace.log'), '--dump', file(m, 'config.lspci'), '--info-pci', file(m, 'info-pci.txt'), '--mtree', file(m, 'mtree.txt'), '--json', '--all']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      for (const l of r.stdout.trimEnd().split('\n')) {
        const j = JSON.parse(l) as Record<string, unknown>;
        for (const [k, ok] of Object.entries(TRACE_JSON_KEYS)) expect(ok(j[k]), `${m} ${k} = ${JSON.stringify(j[k])}`).toBe(true);
        expect(j.slot, `${m}:${j.line}`).not.toBeNull();
      }
    }
    console.log(`linux guest traces: ${total} doorbell writes checked against the queue index the kernel wrote`);
  });
});
