// The initramfs writer (scripts/guest/cpio.mjs) against busybox's cpio: every archive of random
// directories, files (random sizes and name lengths, so every padding case occurs), symlinks
// and character devices lists as written (`cpio -tv`), and extracts to the same bytes
// (`cpio -id`). Skipped with a printed reason without busybox, unless PCICFG_REQUIRE_QEMU=1 (CI
// installs busybox-static for the guest).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newcArchive, type CpioEntry } from '../../scripts/guest/cpio.mjs';
import { BUSYBOX } from '../../scripts/guest/initramfs.mjs';

const REQUIRE = process.env.PCICFG_REQUIRE_QEMU === '1';
let busybox = true;
try {
  statSync(BUSYBOX);
} catch {
  busybox = false;
  if (!REQUIRE) console.warn(`skipping the cpio writer tests: no ${BUSYBOX} (busybox-static; PCICFG_REQUIRE_QEMU=1 makes this a failure)`);
}

const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,40}$/).filter((n) => n !== 'd'); // d: the one directory
const entries = fc.uniqueArray(
  fc.record({
    dir: fc.boolean(),
    leaf: name,
    kind: fc.constantFrom('file', 'symlink', 'char'),
    data: fc.uint8Array({ maxLength: 300 }),
    mode: fc.constantFrom(0o644, 0o755, 0o600),
    target: name,
    major: fc.integer({ min: 1, max: 255 }),
    minor: fc.integer({ min: 0, max: 255 }),
  }),
  { maxLength: 8, selector: (e) => e.leaf },
);

type Generated = typeof entries extends fc.Arbitrary<(infer T)[]> ? T : never;

function toCpio(es: readonly Generated[]): CpioEntry[] {
  const out: CpioEntry[] = [{ type: 'dir', path: 'd' }];
  for (const e of es) {
    const path = (e.dir ? 'd/' : '') + e.leaf;
    if (e.kind === 'file') out.push({ type: 'file', path, data: e.data, mode: e.mode });
    else if (e.kind === 'symlink') out.push({ type: 'symlink', path, target: e.target });
    else out.push({ type: 'char', path, major: e.major, minor: e.minor, mode: e.mode });
  }
  return out;
}

const perms = (m: number) => [6, 3, 0].map((s) => ((m >> s) & 4 ? 'r' : '-') + ((m >> s) & 2 ? 'w' : '-') + ((m >> s) & 1 ? 'x' : '-')).join('');

describe.runIf(busybox || REQUIRE)('newc archive read by busybox cpio', () => {
  it('lists every entry with its type, mode, size and link target', () => {
    fc.assert(
      fc.property(entries, (es) => {
        const list = toCpio(es);
        const text = execFileSync(BUSYBOX, ['cpio', '-tv'], { input: newcArchive(list), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
        const got = text.trim().split('\n').map((l) => l.split(/\s+/));
        const want = list.map((e) => {
          const type = e.type === 'dir' ? 'd' : e.type === 'file' ? '-' : e.type === 'symlink' ? 'l' : 'c';
          const mode = e.type === 'symlink' ? 0o777 : (e.mode ?? 0o755);
          const size = e.type === 'file' ? (e.data as Uint8Array).length : 0;
          return [type + perms(mode), '0/0', String(size), e.path + (e.type === 'symlink' ? ` -> ${e.target}` : '')];
        });
        expect(got.map((f) => [f[0], f[1], f[2], f.slice(5).join(' ')])).toEqual(want);
      }),
      { numRuns: 25 },
    );
  });

  it('extracts files and symlinks to the same bytes', () => {
    fc.assert(
      fc.property(entries, (es) => {
        const list = toCpio(es).filter((e) => e.type !== 'char'); // mknod needs root
        const dir = mkdtempSync(join(tmpdir(), 'pcicfg-cpio-'));
        try {
          execFileSync(BUSYBOX, ['cpio', '-id'], { input: newcArchive(list), cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
          for (const e of list) {
            const p = join(dir, e.path);
            if (e.type === 'file') expect(readFileSync(p)).toEqual(Buffer.from(e.data as Uint8Array));
            if (e.type === 'symlink') expect(readlinkSync(p)).toBe(e.target);
            if (e.type === 'dir') expect(statSync(p).isDirectory()).toBe(true);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  });
});
