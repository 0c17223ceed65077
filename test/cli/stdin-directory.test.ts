// What only a real process can be given: a directory as standard input (`pcicfg decode - < dir`).
// Node reads it as an empty stream; pcicfg says what it is instead of "the input is empty".
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFromSources, type CliFromSources } from '../support/cli-from-sources.js';

let cli: CliFromSources;
beforeAll(async () => {
  cli = await cliFromSources();
});
afterAll(() => cli?.remove());

describe('a directory as standard input', () => {
  it.each([['decode'], ['encode']])('%s - is an input error naming it', (command) => {
    const fd = openSync(tmpdir(), 'r');
    try {
      const r = spawnSync(process.execPath, [cli.bin, command, '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, '', '<stdin>: cannot read: is a directory\n']);
    } finally {
      closeSync(fd);
    }
  });
});
