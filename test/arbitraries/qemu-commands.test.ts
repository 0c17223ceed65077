// The model-based commands against a real QEMU virtio-blk-pci through the qtest Bus: the
// same commands that run against the device model must hold for QEMU. One QEMU start; a few
// dozen command sequences (each begins with a device reset).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findQemuBinary, startQtestBus, type QtestSession } from '../../src/qtest/index.js';
import { arbVirtioCommands, openVirtioTarget, runVirtioModel, type VirtioTarget } from '../../src/arbitraries/index.js';

const QEMU = findQemuBinary();
const REQUIRE_QEMU = process.env.PCICFG_REQUIRE_QEMU === '1';
if (!QEMU && !REQUIRE_QEMU) console.warn('skipping the model-based commands against QEMU: qemu-system-x86_64 is not on PATH (PCICFG_REQUIRE_QEMU=1 makes this a failure)');

describe.skipIf(!QEMU && !REQUIRE_QEMU)('model-based commands against QEMU', () => {
  const work = mkdtempSync(join(tmpdir(), 'pcicfg-arb-qemu-'));
  let s: QtestSession | undefined;
  let target: VirtioTarget;

  beforeAll(async () => {
    const disk = join(work, 'disk.img');
    writeFileSync(disk, new Uint8Array(1 << 20));
    s = await startQtestBus({ args: ['-device', 'virtio-blk-pci,drive=d0,num-queues=2,packed=on', '-drive', `if=none,id=d0,file=${disk},format=raw`] });
    target = await openVirtioTarget(s.bus, { pause: () => new Promise((r) => setTimeout(r, 1)), maxPolls: 2000 });
  }, 60_000);

  afterAll(async () => {
    await s?.qemu.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('QEMU follows the simple model (init, negotiation, queues, blk requests, used ring, resets mid-flight)', async () => {
    const ran: string[] = [];
    await fc.assert(
      fc.asyncProperty(arbVirtioCommands({ queues: 2, maxCommands: 25 }), async (cmds) => {
        await runVirtioModel(target, cmds);
        ran.push(String(cmds));
      }),
      { numRuns: 150 },
    );
    // The runs did reach QEMU's request processing, not only its registers.
    expect(ran.some((r) => /blk write.*poll used/.test(r))).toBe(true);
    expect(ran.some((r) => /blk read.*poll used/.test(r))).toBe(true);
    expect(ran.some((r) => /blk flush.*poll used/.test(r))).toBe(true);
    expect(ran.some((r) => /RING_PACKED[^,]*\).*poll used/.test(r))).toBe(true);
  }, 300_000);
});
