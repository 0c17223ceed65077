// Debian's chromium driven headless by playwright-core (no browser download), for the page's
// tests. Gate: without /usr/bin/chromium the tests skip with a printed reason, unless
// PCICFG_REQUIRE_CHROMIUM=1 (CI), where they run and fail.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_MISSING = `${CHROMIUM} is not installed (apt-get install chromium): the page's browser tests are skipped (set PCICFG_REQUIRE_CHROMIUM=1 to fail instead)`;

export function chromiumGate(): { skip: boolean } {
  if (existsSync(CHROMIUM)) return { skip: false };
  if (process.env.PCICFG_REQUIRE_CHROMIUM === '1') return { skip: false };
  console.warn(CHROMIUM_MISSING);
  return { skip: true };
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, nothing fetched from the network. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`PCICFG_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing`);
  const profile = mkdtempSync(join(tmpdir(), 'pcicfg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
