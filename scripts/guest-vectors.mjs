// `npm run guest-vectors`: boot the test guest on each machine of scripts/guest/machines.mjs and
// write spec-vectors/linux-guest/<machine>/ (see the README there).
//
//   node scripts/guest-vectors.mjs [MACHINE…]   only these machines (default: all)
//   node scripts/guest-vectors.mjs --check      write nothing; exit 1 when a reproducible file
//                                               (every file but trace.log and guest.json) would change
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as node from '../dist/node.js';
import { bootGuest } from './guest/boot.mjs';
import { BUSYBOX, buildInitramfs, findGuestKernel, guestMissing } from './guest/initramfs.mjs';
import { GUEST_MACHINES } from './guest/machines.mjs';
import { DETERMINISTIC_FILES, guestFiles, sameContent } from './guest/record.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'spec-vectors', 'linux-guest');
const args = process.argv.slice(2);
const CHECK = args.includes('--check');
const names = args.filter((a) => !a.startsWith('--'));
const log = (s) => process.stderr.write(s + '\n');

/** The Debian package version of `pkg` (dpkg-query), or null off Debian. */
function packageVersion(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

async function main() {
  const missing = guestMissing();
  if (missing) throw new Error(missing);
  const qemu = node.findQemuBinary();
  if (!qemu) throw new Error('qemu-system-x86_64 is not on PATH');
  const unknown = names.filter((n) => !GUEST_MACHINES.some((m) => m.name === n));
  if (unknown.length) throw new Error(`unknown machine ${unknown.join(', ')}; known: ${GUEST_MACHINES.map((m) => m.name).join(', ')}`);
  const kernel = findGuestKernel();
  const { archive } = buildInitramfs(kernel);
  const qemuVersion = execFileSync(qemu, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  const busybox = execFileSync(BUSYBOX, [], { encoding: 'utf8' }).split('\n')[0].trim();
  const machines = GUEST_MACHINES.filter((m) => !names.length || names.includes(m.name));
  let differ = 0;
  // One at a time: each boot is a single-threaded TCG guest, and timing noise is what we measure.
  for (const m of machines) {
    const boot = await bootGuest(node, { machine: m, kernel, initramfs: archive, qemu, setpriv: node.findQemuBinary('setpriv') });
    log(`${m.name}: ${boot.wallSeconds.toFixed(1)} s wall, ${boot.cpuSeconds ?? '?'} s CPU, trace ${boot.trace.length} bytes`);
    const provenance = {
      machine: m.name,
      description: m.description,
      provenance: {
        source: 'linux guest',
        generator: 'scripts/guest-vectors.mjs (npm run guest-vectors)',
        qemu: qemuVersion,
        kernelPackage: `linux-image-${kernel.version} ${packageVersion(`linux-image-${kernel.version}`) ?? '(version unknown)'}`,
        busybox: `busybox-static ${packageVersion('busybox-static') ?? '(version unknown)'}: ${busybox}`,
        // $TMP: the run's temporary directory (initramfs, disk image, serial and trace files)
        commandLine: boot.commandLine.map((a, i) => (i === 0 ? 'qemu-system-x86_64' : / /.test(a) ? `'${a}'` : a)).join(' '),
        read: 'the guest (root) reads /sys/bus/pci/devices/*/config and resource, /proc/iomem and /proc/ioports; QEMU prints info mtree -f and info pci over QMP',
      },
    };
    const files = guestFiles(node, boot, provenance);
    const dir = join(ROOT, m.name);
    for (const [f, text] of Object.entries(files)) {
      const p = join(dir, f);
      const same = existsSync(p) && sameContent(f, readFileSync(p, 'utf8'), text);
      if (!same && DETERMINISTIC_FILES.includes(f)) {
        differ++;
        log(`${CHECK ? 'would change' : 'changed'}: ${m.name}/${f}`);
      }
      if (!CHECK && !same) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(p, text);
      }
    }
  }
  log(`${machines.length} machines, ${differ} reproducible files differ`);
  if (CHECK && differ) process.exitCode = 1;
}

main().catch((e) => {
  log(e.stack ?? String(e));
  process.exit(1);
});
