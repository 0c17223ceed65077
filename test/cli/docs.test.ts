// Every `console` block of docs/cli.md is real: its `$ pcicfg …` line is run and must print
// what the block shows (stdout, then stderr). A block whose last line is `…` is compared up to
// there; a last line `[exit N]` is the exit status (0 when absent).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/cli.md examples', () => {
  it('has examples for every command', () => {
    const commands = new Set(blocks.map((b) => b.split('\n')[0].split(' ')[2]));
    for (const c of ['decode', 'notify', 'lookup', 'vring', 'encode']) expect(commands, c).toContain(c);
  });

  for (const block of blocks) {
    const [first, ...rest] = block.replace(/\n$/, '').split('\n');
    it(first, async () => {
      expect(first).toMatch(/^\$ pcicfg /);
      const argv = first.slice('$ pcicfg '.length).split(/ +/);
      let expected = rest;
      let code = 0;
      const last = expected[expected.length - 1];
      const exit = last === undefined ? null : /^\[exit (\d)\]$/.exec(last);
      if (exit) {
        code = Number(exit[1]);
        expected = expected.slice(0, -1);
      }
      const excerpt = expected[expected.length - 1] === '…';
      if (excerpt) expected = expected.slice(0, -1);
      const r = await runCli(argv);
      expect(r.code).toBe(code);
      const got = (r.stdout + r.stderr).replace(/\n$/, '').split('\n');
      expect(excerpt ? got.slice(0, expected.length) : got).toEqual(expected);
    });
  }
});
