// The test guest's initramfs, from Debian packages only: busybox-static, the virtio modules of
// linux-image-cloud-amd64 (with what modules.dep says they need, in load order) and init.sh.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newcArchive } from './cpio.mjs';

/** The modules the guest loads (by name); their dependencies come from modules.dep. */
export const GUEST_MODULES = ['virtio_pci', 'virtio_blk', 'virtio_net'];

export const BUSYBOX = '/bin/busybox';
const INIT = new URL('./init.sh', import.meta.url);

/** Compare Debian kernel versions like 6.1.0-57-cloud-amd64 numerically, part by part. */
function compareVersions(a, b) {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d) return d;
  }
  return 0;
}

/**
 * The newest installed cloud kernel whose modules are there, or why there is none.
 * @returns {{ version: string, vmlinuz: string, modules: string } | { missing: string }}
 */
export function findGuestKernel(boot = '/boot', lib = '/lib/modules') {
  const versions = existsSync(boot)
    ? readdirSync(boot).filter((n) => /^vmlinuz-.*-cloud-amd64$/.test(n)).map((n) => n.slice('vmlinuz-'.length)).sort(compareVersions)
    : [];
  for (const version of versions.reverse()) {
    const modules = join(lib, version);
    if (existsSync(join(modules, 'modules.dep'))) return { version, vmlinuz: join(boot, `vmlinuz-${version}`), modules };
  }
  return { missing: `no ${boot}/vmlinuz-*-cloud-amd64 with ${lib}/VERSION/modules.dep (apt-get install linux-image-cloud-amd64)` };
}

/** Why the guest cannot be built here, or null when everything it needs is installed. */
export function guestMissing() {
  const k = findGuestKernel();
  if ('missing' in k) return k.missing;
  if (!existsSync(BUSYBOX)) return `no ${BUSYBOX} (apt-get install busybox-static)`;
  return null;
}

/**
 * Module files (relative to the modules directory) to load for `names`, dependencies first.
 * modules.dep lines are `path.ko: dep.ko dep.ko`.
 */
export function moduleLoadOrder(modulesDep, names) {
  const deps = new Map();
  const byName = new Map();
  for (const line of modulesDep.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    deps.set(m[1], m[2].split(/\s+/).filter(Boolean));
    byName.set(m[1].replace(/^.*\//, '').replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_'), m[1]);
  }
  const order = [];
  const visit = (path) => {
    if (order.includes(path)) return;
    for (const d of deps.get(path) ?? []) visit(d);
    order.push(path);
  };
  for (const name of names) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (!path) throw new Error(`module ${name} is not in modules.dep`);
    visit(path);
  }
  const compressed = order.filter((p) => !p.endsWith('.ko'));
  if (compressed.length) throw new Error(`compressed modules (busybox insmod cannot load them): ${compressed.join(', ')}`);
  return order;
}

/**
 * The initramfs (uncompressed newc cpio) and the modules it loads.
 * @param {{ version: string, modules: string }} kernel
 */
export function buildInitramfs(kernel) {
  const order = moduleLoadOrder(readFileSync(join(kernel.modules, 'modules.dep'), 'utf8'), GUEST_MODULES);
  const entries = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    { type: 'dir', path: 'dev' },
    { type: 'char', path: 'dev/console', major: 5, minor: 1 },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/guest-modules', data: order.join('\n') + '\n' },
    { type: 'file', path: 'init', data: readFileSync(INIT), mode: 0o755 },
    { type: 'dir', path: 'lib' },
    { type: 'dir', path: 'lib/modules' },
  ];
  const dirs = new Set();
  for (const p of order) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = 'lib/modules/' + parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        entries.push({ type: 'dir', path: d });
      }
    }
    entries.push({ type: 'file', path: `lib/modules/${p}`, data: readFileSync(join(kernel.modules, p)) });
  }
  return { archive: newcArchive(entries), modules: order };
}
