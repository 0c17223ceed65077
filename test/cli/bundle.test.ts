// The installed command (bin/pcicfg.js runs the bundle in dist/cli-bundle that `npm run build`
// makes) prints what the sources print: the bundle is built from them and finds the example
// and package.json from its own place.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const BIN = fileURLToPath(new URL('../../bin/pcicfg.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/cli-bundle/main.js', import.meta.url));
const built = existsSync(BUNDLE);
if (!built) console.warn(`skipping the bundled CLI checks: ${BUNDLE} is missing (run npm run build)`);

describe.skipIf(!built)('bin/pcicfg.js (the bundled CLI)', () => {
  const cases: string[][] = [['decode'], ['decode', '--json'], ['notify', '-q', '1', '--json'], ['--version'], ['decode', '/nonexistent/dump.txt']];
  for (const argv of cases) {
    it(`pcicfg ${argv.join(' ')}`, async () => {
      const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
      const want = await runCli(argv);
      expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: want.code, stdout: want.stdout, stderr: want.stderr });
    });
  }
});
