// Boot the Linux guest on every machine of scripts/guest/machines.mjs (QEMU TCG, the Debian cloud
// kernel, busybox-static) and check what it did: the disk write reached the host's image, the
// reproducible files equal the stored record in spec-vectors/linux-guest/, the stored trace kept
// every doorbell of the full one, and pcicfg agrees with the guest (check.ts) on the full trace.
// Skipped with a printed reason when QEMU, the kernel or busybox is missing, unless
// PCICFG_REQUIRE_QEMU=1 (CI), which makes that a failure.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseQemuTraceLine, writeLspci } from '../../src/dump/index.js';
import { parseSysfsResource, parseSysfsSlot } from '../../src/dump/sysfs.node.js';
import { findQemuBinary } from '../../src/qtest/process.js';
import { QmpClient } from '../../src/qtest/qmp.js';
import { bootGuest, DISK_PATTERN, type GuestBoot } from '../../scripts/guest/boot.mjs';
import { buildInitramfs, findGuestKernel, guestMissing } from '../../scripts/guest/initramfs.mjs';
import { GUEST_MACHINES } from '../../scripts/guest/machines.mjs';
import { DETERMINISTIC_FILES, guestFiles, KERNEL_BUILD_FILES, readGuestVector, RECORD_FILE, sameContent, TRACE_FILE } from '../../scripts/guest/record.mjs';
import { checkGuest } from './check.js';

const REQUIRE = process.env.PCICFG_REQUIRE_QEMU === '1';
const QEMU = findQemuBinary();
const missing = QEMU ? guestMissing() : 'qemu-system-x86_64 is not on PATH';
if (missing && !REQUIRE) console.warn(`skipping the Linux guest boots: ${missing} (PCICFG_REQUIRE_QEMU=1 makes this a failure)`);

const DIR = fileURLToPath(new URL('../../spec-vectors/linux-guest/', import.meta.url));
const lib = { writeLspci, parseSysfsSlot, parseSysfsResource, parseQemuTraceLine };
// A boot is one TCG thread; more at once than cores only slows each down.
const PARALLEL = Math.max(1, Math.min(2, availableParallelism()));

describe.runIf(REQUIRE && missing)('Linux guest prerequisites', () => {
  it('qemu-system-x86_64, linux-image-cloud-amd64 and busybox-static are installed (PCICFG_REQUIRE_QEMU=1)', () => {
    expect(missing).toBeNull();
  });
});

describe.skipIf(missing !== null)('Linux guest booted live', () => {
  const boots = new Map<string, GuestBoot | Error>();

  beforeAll(async () => {
    const kernel = findGuestKernel();
    if ('missing' in kernel) throw new Error(kernel.missing);
    const { archive } = buildInitramfs(kernel);
    const queue = [...GUEST_MACHINES];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        const machine = m;
        const boot = await bootGuest({ QmpClient }, { machine, kernel, initramfs: archive, qemu: QEMU!, setpriv: findQemuBinary('setpriv'), timeoutMs: 240_000 }).catch((e: Error) => e);
        boots.set(machine.name, boot);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }, 900_000);

  describe.each(GUEST_MACHINES.map((m) => [m.name] as const))('%s', (name) => {
    it('boots, writes its disk, reproduces the stored record, and pcicfg agrees with every doorbell of the full trace', () => {
      const boot = boots.get(name)!;
      if (boot instanceof Error) throw boot;
      // every module loaded (insmod printed nothing), the guest read back what it wrote, and so does the host
      for (const b of boot.blocks.filter((x) => x.kind === 'insmod')) expect(b.lines.join('\n'), `insmod ${b.name}`).toBe('');
      expect(boot.blocks.find((x) => x.kind === 'disk' && x.name === 'vda')?.lines.at(-1)).toBe('readback ok');
      const pattern = DISK_PATTERN('vda');
      expect(Buffer.from(boot.disk.subarray(512, 512 + pattern.length)).toString('latin1')).toBe(pattern);

      const live = guestFiles(lib, boot, {});
      const stored = readGuestVector(DIR + name);
      // A kernel security update moves the kernel's own lines of /proc/iomem; the PCI view stays.
      const storedKernel = JSON.parse(stored[RECORD_FILE]).kernel;
      const liveKernel = boot.blocks.find((b) => b.kind === 'uname')?.lines[0];
      const files = DETERMINISTIC_FILES.filter((f) => liveKernel === storedKernel || !KERNEL_BUILD_FILES.includes(f));
      if (files.length < DETERMINISTIC_FILES.length) console.warn(`${name}: the stored record is from kernel ${storedKernel}, this one is ${liveKernel}: ${KERNEL_BUILD_FILES.join(' and ')} not compared`);
      for (const f of files) expect(sameContent(f, stored[f], live[f]), `${name}/${f} differs from a fresh boot (npm run guest-vectors)`).toBe(true);

      const full = checkGuest({ ...live, [TRACE_FILE]: boot.trace });
      const kept = checkGuest(live);
      const key = (b: (typeof full.bells)[number]) => `${b.fn.slot} queue ${b.queue} at 0x${b.access.addr.toString(16)}`;
      expect(kept.bells.map(key)).toEqual(full.bells.map(key));
      expect(new Set(full.bells.map(key))).toEqual(new Set(checkGuest(stored).bells.map(key)));
      console.log(`${name}: ${boot.wallSeconds.toFixed(1)} s wall, ${boot.cpuSeconds ?? '?'} s CPU, trace ${boot.trace.length} bytes (${live[TRACE_FILE].length} kept), ${full.bells.length} doorbell writes checked`);
    });
  });
});
