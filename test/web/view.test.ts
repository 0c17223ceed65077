// `pcicfg view` as a program (the CLI and the page bundled from the sources): the file it
// writes holds the page and the dump; its failures are the CLI's one line and exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbedded } from '../../src/web/embed.js';
import { pageFromSources, type PageFromSources } from './page-from-sources.js';

describe('pcicfg view', () => {
  let built: PageFromSources;
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [built.bin, ...args], { encoding: 'utf8' });

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
