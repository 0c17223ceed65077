// The command line as `npm run build` lays it out (bin/pcicfg.js next to dist/cli-bundle/,
// package.json and examples/), bundled straight from src/ with rolldown into a scratch
// directory: tests that run it as a child process test the sources in front of them, never a
// dist/ left over from an older build. Bundling takes a fraction of a second.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliFromSources {
  /** Path of the copied bin/pcicfg.js, which runs the bundle next to it. */
  readonly bin: string;
  remove(): void;
}

export async function cliFromSources(): Promise<CliFromSources> {
  const dir = mkdtempSync(join(tmpdir(), 'pcicfg-cli-src-'));
  await build({
    input: { main: join(ROOT, 'src/cli/main.ts') },
    platform: 'node',
    logLevel: 'warn',
    output: { dir: join(dir, 'dist/cli-bundle'), format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  });
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/pcicfg.js'), join(dir, 'bin/pcicfg.js'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  return { bin: join(dir, 'bin/pcicfg.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * In a test file: the CLI bundled from the sources before its tests and removed after them;
 * `bin` is PCICFG_TEST_BIN instead when set (another build: a copy with a planted bug).
 */
export function cliBinForTests(): { readonly bin: string } {
  const state = { bin: process.env.PCICFG_TEST_BIN ?? '' };
  let cli: CliFromSources | null = null;
  beforeAll(async () => {
    if (state.bin) return;
    cli = await cliFromSources();
    state.bin = cli.bin;
  });
  afterAll(() => cli?.remove());
  return state;
}
