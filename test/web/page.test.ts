// The page in a real browser (Debian's chromium, headless, through playwright-core): real dumps
// pasted, bytes hovered and their tooltips compared with `pcicfg decode --annotate` of the same
// dump, the notify calculator with `pcicfg notify --json`, the input error with the CLI's
// `FILE:LINE:COL`, the keyboard (focus order, visible focus, arrow keys), contrast, phone
// width, and the file `pcicfg view` writes opened from file://. Screenshots go to
// test-output/web/. The CLI and the page are bundled from the sources (page-from-sources.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumGate, launchChromium, type Browser } from './chromium.js';
import { pageFromSources, type PageFromSources } from './page-from-sources.js';
import { exampleBytes } from '../cli/run.js';
import { writeHexdumpC, writeXxd } from '../../src/dump/write.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'test-output/web');
const EXAMPLE = join(ROOT, 'examples/qemu-virtio-blk.lspci');
const EXAMPLE_INFO_PCI = join(ROOT, 'examples/qemu-virtio-blk.info-pci');
/** Real dumps: QEMU's functions (pc and q35, legacy, modern, extended capabilities), a looping capability list, holes. */
const DUMPS = [
  'spec-vectors/qemu/pc/00_03_0-virtio-blk.lspci',
  'spec-vectors/qemu/pc/00_05_0-virtio-blk-legacy.lspci',
  'spec-vectors/qemu/q35/01_00_0-virtio-blk-aer-ats.lspci',
  'spec-vectors/malformed/cap-loop.lspci',
  // Bytes the dump did not give, and a broken extended capability chain.
  'examples/holes.lspci',
  'examples/pciutils-broken-ecaps.lspci',
];

/** Each byte's label in `decode --annotate` output, per function (in dump order). */
function annotateLabels(text: string): Array<Map<number, string>> {
  const fns: Array<Map<number, string>> = [];
  let last = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) fns.push(new Map());
    const m = /^ {2}([0-9a-f]{3})(?:-([0-9a-f]{3}))? +(?:[0-9a-f-]{2} ?)+ {2,}(.*)$/.exec(line);
    if (!m) continue;
    const from = parseInt(m[1], 16);
    const to = m[2] === undefined ? from : parseInt(m[2], 16);
    if (m[3] !== '…') last = m[3];
    for (let i = from; i <= to; i++) fns[fns.length - 1].set(i, last);
  }
  return fns;
}

describe.skipIf(chromiumGate().skip)('the page in chromium', () => {
  let built: PageFromSources;
  let browser: Browser;
  let page: Page;
  let scratch: string;
  const cli = (...args: string[]) => execFileSync(process.execPath, [built.bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'pcicfg-web-'));
    [built, browser] = await Promise.all([pageFromSources(), launchChromium()]);
    page = await browser.context.newPage();
    // Nothing the page does may reach the network, and no error may pass unseen.
    await page.route(/^(?!file:)/, (r) => r.abort());
    page.on('pageerror', (e) => {
      throw e;
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    built?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  async function paste(text: string): Promise<void> {
    await page.goto(pathToFileURL(built.index).href);
    await page.fill('#dump', text);
    await page.waitForSelector('.fn, #dump-error:not([hidden])');
  }

  it('hovering a byte shows what decode --annotate prints for it', async () => {
    // The example's bytes as hexdump -C and xxd print them too (pciutils' own writers' formats).
    const bytes = exampleBytes();
    writeFileSync(join(scratch, 'example.hexdump'), writeHexdumpC({ bytes, length: bytes.length }));
    writeFileSync(join(scratch, 'example.xxd'), writeXxd({ bytes, length: bytes.length }));
    for (const rel of [...DUMPS, join(scratch, 'example.hexdump'), join(scratch, 'example.xxd')]) {
      const file = rel.startsWith('/') ? rel : join(ROOT, rel);
      const want = annotateLabels(cli('decode', file, '--annotate'));
      await paste(readFileSync(file, 'utf8'));
      expect(await page.locator('article.fn').count()).toBe(want.length);
      for (let f = 0; f < want.length; f++) {
        // Every byte, through the mouseover event the grid listens to (one round trip)...
        const got = await page.evaluate((f) => {
          const out: Array<[number, string]> = [];
          const tip = document.querySelector(`#fn${f}-tip`)!;
          for (const b of Array.from(document.querySelectorAll<HTMLElement>(`#fn${f} [data-off]`))) {
            b.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
            out.push([Number(b.dataset.off), tip.querySelector('.tip-label')!.textContent!]);
          }
          return out;
        }, f);
        expect(got.length, rel).toBe(want[f].size);
        for (const [off, label] of got) expect({ rel, off, label }).toEqual({ rel, off, label: want[f].get(off) });
        // ...and a few with the real mouse: the first byte of some runs.
        const starts = [...want[f].keys()].filter((o) => want[f].get(o - 1) !== want[f].get(o));
        for (const off of starts.filter((_, i) => i % 9 === 0)) {
          await page.hover(`#fn${f} [data-off="${off}"]`);
          expect({ rel, off, label: await page.textContent(`#fn${f}-tip .tip-label`) }).toEqual({ rel, off, label: want[f].get(off) });
        }
      }
      await page.screenshot({ path: join(SHOTS, `${rel.replace(scratch, '').replace(/^[/]/, '').replace(/[/.]/g, '_')}.png`), fullPage: true });
    }
  });

  it('reads a binary image opened with the file input, as decode reads the same file', async () => {
    const bin = join(scratch, 'config');
    writeFileSync(bin, exampleBytes());
    const want = annotateLabels(cli('decode', bin, '--annotate'));
    await page.goto(pathToFileURL(built.index).href);
    await page.setInputFiles('#file', bin);
    await page.waitForSelector('article.fn');
    expect(await page.locator('article.fn').count()).toBe(1);
    for (const off of [0, 0x34, 0x70, 0x84, 0xa4]) {
      await page.hover(`#fn0 [data-off="${off}"]`);
      expect(await page.textContent('#fn0-tip .tip-label'), `byte ${off}`).toBe(want[0].get(off));
    }
  });

  it('reads a file dropped on the page', async () => {
    await page.goto(pathToFileURL(built.index).href);
    const text = readFileSync(join(ROOT, 'spec-vectors/qemu/pc/00_03_0-virtio-blk.lspci'), 'utf8');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.lspci', { type: 'text/plain' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await page.waitForSelector('article.fn');
    expect(await page.inputValue('#dump')).toBe(text);
    expect(await page.textContent('#fn0-h')).toBe(text.split('\n')[0].replace(/^00:/, '0000:00:'));
  });

  it('draws a looping capability list as a loop, with its diagnostic', async () => {
    await paste(readFileSync(join(ROOT, 'spec-vectors/malformed/cap-loop.lspci'), 'utf8'));
    const decoded = cli('decode', join(ROOT, 'spec-vectors/malformed/cap-loop.lspci'));
    const loop = /error CAP_LOOP at 0x[0-9a-f]+: .*/.exec(decoded)![0];
    expect(await page.textContent('#fn0 .chain .loop')).toContain(loop);
  });

  it('says who the function is as decode does, and nothing from bytes the dump did not give', async () => {
    for (const rel of ['examples/qemu-virtio-blk.lspci', 'examples/holes.lspci']) {
      const file = join(ROOT, rel);
      const second = cli('decode', file).split('\n')[1].trim();
      await paste(readFileSync(file, 'utf8'));
      // decode's `Vendor 1af4 Device 1001 Rev 00, Class …`: the ids (no Rev where the dump has a hole there).
      expect(await page.textContent('#fn0 .facts li'), rel).toBe(second.split(',')[0]);
      // The header type (and, over holes, the class) as decode says them: unknown, not the filler's.
      const facts = await page.$$eval('#fn0 .facts li', (l) => l.map((e) => e.textContent));
      const [, cls, type] = second.split(', ');
      expect(facts, rel).toContain(type);
      if (rel.includes('holes')) expect(facts, rel).toEqual(expect.arrayContaining(['Class <not given by the dump>', 'header type <not given by the dump>', cls]));
    }
  });

  it('names functions from a pci.ids the user loads, as decode does with that file', async () => {
    const ids = join(ROOT, 'test/fixtures/pci.ids');
    for (const rel of ['spec-vectors/qemu/q35/01_00_0-virtio-blk-aer-ats.lspci', 'spec-vectors/qemu/pc/00_01_0-chipset-8086-7000.lspci']) {
      const file = join(ROOT, rel);
      const text = execFileSync(process.execPath, [built.bin, 'decode', file], { encoding: 'utf8', env: { ...process.env, PCICFG_PCI_IDS: ids } });
      const [first, , subsystem] = text.split('\n');
      await paste(readFileSync(file, 'utf8'));
      await page.setInputFiles('#pci-ids', ids);
      await page.waitForSelector('#pci-ids-status:has-text("Names from pci.ids")');
      expect(await page.textContent('#fn0-h'), rel).toBe(first);
      if (subsystem.startsWith('\tSubsystem: ')) expect(await page.textContent('#fn0 .facts'), rel).toContain(subsystem.trim());
    }
  });

  it('the notify calculator gives the address pcicfg notify --json gives', async () => {
    const cases: Array<{ file: string; info: string | null; queue: number; off: number | null }> = [];
    for (const q of [0, 1, 3, 17]) cases.push({ file: EXAMPLE, info: EXAMPLE_INFO_PCI, queue: q, off: null });
    for (const off of [0, 2, 9]) cases.push({ file: EXAMPLE, info: EXAMPLE_INFO_PCI, queue: 1, off });
    const modern = join(ROOT, 'spec-vectors/qemu/q35/01_00_0-virtio-blk-aer-ats.lspci');
    const legacy = join(ROOT, 'spec-vectors/qemu/pc/00_05_0-virtio-blk-legacy.lspci');
    for (const q of [0, 5]) cases.push({ file: modern, info: null, queue: q, off: null }, { file: legacy, info: null, queue: q, off: null });
    cases.push({ file: modern, info: null, queue: 2, off: 7 });
    let shown = '';
    for (const c of cases) {
      if (shown !== c.file) {
        await paste(readFileSync(c.file, 'utf8'));
        if (c.info) {
          await page.click('summary:has-text("info pci")');
          await page.fill('#info-pci', readFileSync(c.info, 'utf8'));
          await page.waitForTimeout(300);
        }
        shown = c.file;
      }
      const args = ['notify', c.file, '-q', String(c.queue), '--json', ...(c.off === null ? [] : ['--notify-off', String(c.off)]), ...(c.info ? ['--info-pci', c.info] : [])];
      const want = JSON.parse(cli(...args)) as { address: string; bar: number; bar_address: string; queue_notify_off: number | null; notify_off_multiplier: number | null; width: number };
      await page.fill('#fn0-queue', String(c.queue));
      await page.fill('#fn0-notify-off', c.off === null ? '' : String(c.off));
      const got = (await page.textContent('#fn0 .notify-result'))!;
      const where = `${c.file} queue ${c.queue} off ${c.off}`;
      expect(got, where).toContain(`notify at ${want.address} `);
      expect(got, where).toContain(`a ${want.width}-byte write`);
      expect(got, where).toContain(`BAR${want.bar} ${want.bar_address}`);
      if (want.queue_notify_off !== null) expect(got, where).toContain(`queue_notify_off ${want.queue_notify_off} × notify_off_multiplier ${want.notify_off_multiplier}`);
    }
    await page.screenshot({ path: join(SHOTS, 'notify.png'), fullPage: true });
  });

  it('the lookup box names what pcicfg lookup names', async () => {
    await paste(readFileSync(EXAMPLE, 'utf8'));
    for (const a of ['0xfe00b004', '0xfe008014', '0xfe009000']) {
      const want = JSON.parse(cli('lookup', EXAMPLE, a, '--json')) as { structure: string; field: string | null; queues: number[] | null };
      await page.fill('#fn0-lookup', a);
      const got = (await page.textContent('#fn0 .lookup-result .hit'))!;
      expect(got, a).toContain(`: ${want.structure} `);
      if (want.field) expect(got, a).toContain(want.field);
      if (want.queues?.length) expect(got, a).toContain(`queue ${want.queues.join(', ')}`);
    }
  });

  it("the lookup box shows the spec's view and the chosen VMM's of a doorbell write, as lookup --json --vmm", async () => {
    type Want = { queues: number[] | null; vmm: { name: string; queue: number | null; by_value: boolean | null; rule: string | null } };
    // Between the example's doorbells (spec: no queue; QEMU: offset / 4 = queue 0), and +0x2002
    // into a page-per-vq notify region (QEMU: 0x2002 / 4096 = queue 2).
    const cases = [
      { file: EXAMPLE, address: '0xfe00b002' },
      { file: join(ROOT, 'spec-vectors/qemu/pc/00_06_0-virtio-blk-page-per-vq.lspci'), address: '0xc0005002' },
    ];
    const qemuQueues: Array<number | null> = [];
    for (const c of cases) {
      await paste(readFileSync(c.file, 'utf8'));
      await page.fill('#fn0-lookup', c.address);
      // QEMU is chosen before anything is touched, as lookup without --vmm.
      expect(await page.inputValue('#fn0-vmm')).toBe('qemu');
      for (const vmm of ['qemu', 'kvmtool', 'cloud-hypervisor', 'firecracker']) {
        await page.selectOption('#fn0-vmm', vmm);
        const want = JSON.parse(cli('lookup', c.file, c.address, '--json', '--vmm', vmm)) as Want;
        const spec = (await page.textContent('#fn0 .lookup-result .hit .view-spec'))!;
        const seen = (await page.textContent('#fn0 .lookup-result .hit .view-vmm'))!;
        const where = `${c.address} --vmm ${vmm}`;
        expect(spec, where).toMatch(/^spec: /);
        if (want.queues?.length) expect(spec, where).toContain(`kicks queue ${want.queues.join(', ')}`);
        else expect(spec, where).toMatch(/no queue/);
        expect(seen.startsWith(`${want.vmm.name}: `), where).toBe(true);
        expect(seen, where).toContain(want.vmm.by_value ? 'the queue named by the value written' : want.vmm.queue === null ? 'kicks no queue' : `kicks queue ${want.vmm.queue} `);
        expect(seen, where).toContain(`(${want.vmm.rule})`);
        if (vmm === 'qemu') qemuQueues.push(want.vmm.queue);
      }
    }
    expect(qemuQueues).toEqual([0, 2]);
    await page.selectOption('#fn0-vmm', 'qemu');
    await page.screenshot({ path: join(SHOTS, 'lookup-vmm.png'), fullPage: true });
  });

  it('shows an input error as FILE:LINE:COL next to the text, as the CLI does', async () => {
    const bad = '00:04.0 Some device\n00: f4 1a 01 10 07 05 10 00 00 00 00 01 00 00 00 00\n10: 01 c0 zz 00 00 10 bf fe 00 00 00 00 00 00 00 00\n';
    writeFileSync(join(scratch, 'pasted'), bad);
    const r = spawnSync(process.execPath, [built.bin, 'decode', 'pasted', '--strict'], { cwd: scratch, encoding: 'utf8' });
    expect(r.status).toBe(2);
    await paste(bad);
    const shown = (await page.textContent('#dump-error span'))!;
    expect(shown).toMatch(/^pasted:3:\d+: /);
    // The same place and reason (the page reads without --strict: a bad data line is an error either way here).
    expect(r.stderr.trim()).toBe(shown);
    expect(await page.getAttribute('#dump', 'aria-invalid')).toBe('true');
  });

  it('is usable from the keyboard: focus order, visible focus, arrows over the bytes', async () => {
    await paste(readFileSync(EXAMPLE, 'utf8'));
    await page.focus('#dump');
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        if (e.id) return e.id;
        if (e.getAttribute('data-off') !== null) return `byte ${e.getAttribute('data-off')}`;
        return `${e.tagName.toLowerCase()} ${(e.textContent ?? '').trim().slice(0, 24)}`;
      }));
    }
    // The file inputs (dump, pci.ids), the info pci disclosure, then the byte grid as one stop (its first byte), then the chain's links.
    expect(order.slice(0, 5)).toEqual(['file', 'pci-ids', 'summary QEMU info pci (optional:', 'byte 0', 'a [98] MSI-X']);
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    // Back to the grid: arrows move the focus and the tooltip follows.
    await page.focus('#fn0 [data-off="0"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement!.getAttribute('data-off'))).toBe('65');
    const want = annotateLabels(cli('decode', EXAMPLE, '--annotate'))[0].get(65);
    expect(await page.textContent('#fn0-tip .tip-label')).toBe(want);
    await page.screenshot({ path: join(SHOTS, 'keyboard-focus.png') });
  });

  it('text meets WCAG AA contrast (4.5:1) on every colour the page uses', async () => {
    await paste(readFileSync(join(ROOT, 'spec-vectors/qemu/q35/01_00_0-virtio-blk-aer-ats.lspci'), 'utf8'));
    await page.hover('#fn0 [data-off="64"]');
    const worst = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.slice(0, 3).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const bg = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const s = getComputedStyle(e);
          const c = rgb(s.backgroundColor);
          if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
          // A striped (gradient) background: its lighter stripe is checked below by the class.
          if (s.backgroundImage !== 'none') return [228, 228, 228];
        }
        return [255, 255, 255];
      };
      const out: Array<{ what: string; ratio: number }> = [];
      for (const e of Array.from(document.querySelectorAll('body *'))) {
        if (!(e instanceof HTMLElement) || !e.offsetParent || !Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim())) continue;
        const a = lum(rgb(getComputedStyle(e).color));
        const b = lum(bg(e));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        out.push({ what: `${e.tagName}.${e.className}`, ratio: Math.round(ratio * 100) / 100 });
      }
      return out.sort((x, y) => x.ratio - y.ratio).slice(0, 3);
    });
    expect(worst[0].ratio, JSON.stringify(worst)).toBeGreaterThanOrEqual(4.5);
  });

  it('fits a phone (375 px wide) without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      await paste(readFileSync(EXAMPLE, 'utf8'));
      await page.hover('#fn0 [data-off="112"]');
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      expect(widths[0]).toBeLessThanOrEqual(widths[1]);
      await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });

  it('a pcicfg view file names its functions as decode does, with -n and -nn too, offline', async () => {
    const q35 = 'spec-vectors/qemu/q35/00_00_0-chipset-8086-29c0.lspci';
    for (const n of [[], ['-n'], ['-nn']]) {
      for (const file of [EXAMPLE, join(ROOT, q35)]) {
        const out = join(scratch, `names${n.join('')}.html`);
        cli('view', file, ...n, '-o', out);
        const want = cli('decode', file, ...n).split('\n');
        await page.goto(pathToFileURL(out).href);
        await page.waitForSelector('article.fn');
        const where = `${file} ${n.join(' ')}`;
        expect(await page.textContent('#fn0-h'), where).toBe(want[0]);
        const subsystem = want.find((l) => l.startsWith('\tSubsystem: '))!.trim();
        expect(await page.textContent('#fn0 .part.decoded'), where).toContain(subsystem);
      }
    }
    expect(await page.textContent('#pci-ids-status')).toMatch(/^Names from .*pci\.ids \(the entries pcicfg view embedded\)\.$/);
  });

  it('pcicfg view writes one file that opens from file:// and shows the dump, a hostile description as text', async () => {
    const hostile = '</script><script>alert(1)</script><!--';
    const dump = readFileSync(EXAMPLE, 'utf8').replace(/^(\S+) .*$/m, `$1 ${hostile}`);
    const input = join(scratch, 'hostile.lspci');
    writeFileSync(input, dump);
    const out = join(scratch, 'view.html');
    // Without a pci.ids the page heads the function with the dump's description, the hostile text.
    execFileSync(process.execPath, [built.bin, 'view', input, '-o', out, '--info-pci', EXAMPLE_INFO_PCI], { env: { ...process.env, PCICFG_PCI_IDS: '' } });
    const html = readFileSync(out, 'utf8');
    expect(html.includes('<script>alert(1)'), 'the description closed the script element').toBe(false);
    expect(html.match(/<script/g)).toHaveLength(2); // the embedded dump and the inline bundle
    // A copy alone in its own directory: nothing beside it is needed.
    const alone = join(mkdtempSync(join(scratch, 'alone-')), 'pcicfg.html');
    copyFileSync(out, alone);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(alone).href);
    await page.waitForSelector('article.fn');
    expect(await page.textContent('#fn0-h')).toBe(`0000:00:04.0 ${hostile}`);
    expect(dialogs).toEqual([]);
    // The embedded BAR sizes reach the page: the notify structure's BAR has its size.
    expect(await page.textContent('#fn0 .bars')).toContain('BAR4 at 0xfe008000 (memory, size 0x4000)');
    expect(await page.textContent('#fn0 .notify-result')).toContain('notify at 0xfe00b000 ');
    await page.screenshot({ path: join(SHOTS, 'view-file.png'), fullPage: true });
  });
});
