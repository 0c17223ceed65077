// docs/web-page.png: the page on the bundled virtio-blk example, as `pcicfg view` writes it,
// in Debian's chromium (headless, through playwright-core), a byte of the notify capability
// focused and queue 1 in the notify calculator. `npm run docs:screenshot` builds first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pcicfg-shot-'));
try {
  const html = join(dir, 'example.html');
  execFileSync(process.execPath, [join(ROOT, 'bin/pcicfg.js'), 'view', '-o', html], { stdio: 'inherit' });
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 1400 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await page.route(/^(?!file:)/, (r) => r.abort());
    await page.goto(pathToFileURL(html).href);
    await page.fill('#fn0-queue', '1');
    await page.fill('#fn0-lookup', '0xfe00b004');
    // The byte map, chain and transport of the function, one byte (notify cap's offset) focused.
    await page.focus('#fn0 [data-off="0"]');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    // Focusing scrolled the page, and the field panel is sticky: back to the top for the picture.
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = await page.evaluate(() => document.querySelector('#fn0').getBoundingClientRect().top + window.scrollY);
    const bottom = await page.evaluate(() => document.querySelector('#fn0 .part.decoded').getBoundingClientRect().top + window.scrollY);
    await page.screenshot({ path: join(ROOT, 'docs/web-page.png'), clip: { x: 0, y: top, width: 900, height: bottom - top }, fullPage: true });
  } finally {
    await context.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('wrote docs/web-page.png');
