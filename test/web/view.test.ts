// `pcicfg view` as a program (the CLI and the page bundled from the sources): the file it
// writes holds the page and the dump; its failures are the CLI's one line and exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbedded } from '../../src/web/embed.js';
import { pageFromSources, type PageFromSources } from './page-from-sources.js';

const ROOT = join(__dirname, '../..');

describe('pcicfg view', () => {
  let built: PageFromSources;
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [built.bin, ...args], { encoding: 'utf8' });
  const runWith = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [built.bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const embedded = (html: string) => readEmbedded(/<script type="application\/json" id="pcicfg-dump">(.*?)<\/script>/s.exec(html)![1])!;

  beforeAll(async () => {
    built = await pageFromSources();
    dir = mkdtempSync(join(tmpdir(), 'pcicfg-view-'));
  });
  afterAll(() => {
    built?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without FILE embeds the bundled example with its info pci BAR sizes, and the page bundle inline', () => {
    const r = run('view');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const json = /<script type="application\/json" id="pcicfg-dump">(.*?)<\/script>/s.exec(r.stdout)![1];
    const e = readEmbedded(json)!;
    expect(e.name).toBe('examples/qemu-virtio-blk.lspci');
    expect(e.dump.split('\n')[0]).toBe('0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device');
    expect(e.barSizes['0000:00:04.0']).toEqual({ '0': '0x80', '1': '0x1000', '4': '0x4000' });
    const bundle = readFileSync(join(dirname(built.index), 'page.js'), 'utf8');
    expect(r.stdout).toContain(bundle.slice(0, 200));
    // Nothing in the bundle that could end its script element or open a comment inside it.
    expect(bundle).not.toMatch(/<\/script|<!--/i);
  });

  it('embeds the names decode gives: only the pci.ids entries the functions use, which name them as the whole file does', () => {
    // QEMU's pc and q35 machines: Intel's chipset functions (q35's with a named subsystem, QEMU
    // Virtual Machine), virtio functions (subsystems without a name).
    const vectors = ['pc/00_00_0-chipset-8086-1237', 'pc/00_01_0-chipset-8086-7000', 'pc/00_01_1-chipset-8086-7010', 'pc/00_03_0-virtio-blk', 'pc/00_09_0-virtio-net', 'pc/00_0c_0-virtio-scsi', 'q35/00_00_0-chipset-8086-29c0', 'q35/00_1f_0-chipset-8086-2918'];
    const several = join(dir, 'several.lspci');
    // And the example with its subsystem ids set to the device's (1af4:1001): lspci names such a
    // subsystem after the device, with no entry of its own.
    const own = readFileSync(join(ROOT, 'examples/qemu-virtio-blk.lspci'), 'utf8').replace(/^00:04\.0 /, '00:0f.0 ').replace(/^(20: .*) f4 1a 02 00$/m, '$1 f4 1a 01 10');
    expect(own).toContain(' f4 1a 01 10\n');
    writeFileSync(several, [...vectors.map((v) => readFileSync(join(ROOT, `spec-vectors/qemu/${v}.lspci`), 'utf8')), own].map((t) => t.trimEnd()).join('\n\n') + '\n');
    const fixture = process.env.PCICFG_PCI_IDS!;
    const fixtureLines = new Set(readFileSync(fixture, 'utf8').split('\n'));
    for (const [n, style] of [[[], 'names'], [['-nn'], 'both']] as const) {
      const r = run('view', several, ...n);
      expect(r.status).toBe(0);
      const names = embedded(r.stdout).names!;
      expect(names).toMatchObject({ style, source: fixture });
      const lines = names.pciIds.trimEnd().split('\n');
      // An excerpt: lines of the file, a few of them.
      for (const l of lines) expect(fixtureLines.has(l), l).toBe(true);
      expect(lines.length).toBeLessThan(30);
      expect(lines).toContain('1af4  Red Hat, Inc.');
      expect(lines).not.toContain('1002  Advanced Micro Devices, Inc. [AMD/ATI]');
      // decode reading only the excerpt prints what it prints reading the whole file.
      const excerpt = join(dir, 'excerpt.ids');
      writeFileSync(excerpt, names.pciIds);
      const whole = run('decode', several, ...n);
      expect(whole.stdout).toContain('Red Hat, Inc.');
      expect(whole.stdout).toContain('QEMU Virtual Machine');
      expect(whole.stdout).toMatch(/Subsystem: Red Hat, Inc\. Virtio block device( \[1af4:1001\])?\n/);
      expect(runWith({ PCICFG_PCI_IDS: excerpt }, 'decode', several, ...n).stdout).toBe(whole.stdout);
    }
    // -n: numbers, no names; without a pci.ids: nothing (the page shows the dump's descriptions).
    expect(embedded(run('view', several, '-n').stdout).names).toEqual({ style: 'numbers', source: null, pciIds: '' });
    expect(embedded(runWith({ PCICFG_PCI_IDS: '' }, 'view', several).stdout).names).toBeUndefined();
  });

  it('a pci.ids it cannot read is one warning line, the page written without names (exit 0)', () => {
    const r = runWith({ PCICFG_PCI_IDS: join(dir, 'no-such.ids') }, 'view');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^pcicfg: warning: cannot read .*no-such\.ids: .*; no names shown\n$/);
    expect(embedded(r.stdout).names).toBeUndefined();
  });

  it('reports a dump error as decode does (FILE:LINE:COL, exit 2) and an unwritable -o as exit 4', () => {
    const bad = join(dir, 'bad.lspci');
    writeFileSync(bad, '00:04.0 x\n00: f4 1a zz\n');
    const v = run('view', bad, '--strict');
    const d = run('decode', bad, '--strict');
    expect({ status: v.status, stderr: v.stderr }).toEqual({ status: 2, stderr: d.stderr });
    const o = run('view', '-o', join(dir, 'no/such/dir/x.html'));
    expect(o.status).toBe(4);
    expect(o.stderr).toMatch(/no\/such\/dir\/x\.html: cannot write: /);
  });

  it('says how to build the page when its bundle is missing (exit 2)', () => {
    rmSync(join(dirname(built.index), 'page.js'));
    const r = run('view');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/page\.js: cannot read the page's bundle: .* \(npm run build makes it\)\n$/);
    expect(r.stdout).toBe('');
  });
});
