// The command line and the page as `npm run build` lays them out (dist/cli-bundle/ beside
// dist/web/page.js and index.html), bundled from src/ into a scratch directory: the tests
// run the sources in front of them, never a dist/ left from an older build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { cliFromSources } from '../support/cli-from-sources.js';
import { pageHtml } from '../../src/web/html.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PageFromSources {
  /** bin/pcicfg.js of the scratch layout. */
  readonly bin: string;
  /** dist/web/index.html of the scratch layout. */
  readonly index: string;
  remove(): void;
}

export async function pageFromSources(): Promise<PageFromSources> {
  const cli = await cliFromSources();
  const web = join(dirname(dirname(cli.bin)), 'dist/web');
  mkdirSync(web, { recursive: true });
  // The same options as rolldown.config.mjs's page entry, from the sources.
  await build({
    input: { page: join(ROOT, 'src/web/main.ts') },
    platform: 'browser',
    logLevel: 'warn',
    output: { dir: web, format: 'iife', entryFileNames: '[name].js', minify: true },
  });
  const index = join(web, 'index.html');
  writeFileSync(index, pageHtml({ script: { src: 'page.js' } }));
  return { bin: cli.bin, index, remove: cli.remove };
}
