// Every pcicfg command shown in docs/ and README.md is real: each `$ pcicfg …` line (also
// `$ npx pcicfg …` and `$ node bin/pcicfg.js …`) in a fenced block is run, and must print what
// the block shows under it, up to the next `$` line (stdout, then stderr). A line that is only
// `…` (indentation allowed) stands for lines left out: the shown runs must appear in that order,
// the first at the start unless a `…` comes before it, the last at the end unless one follows.
// A last line `[exit N]` is the exit status (0 when absent). `A | B` feeds A's output to B;
// `> FILE` drops the output (nothing is written). A block whose info string has `file=PATH`
// shows that file byte for byte; `excerpt-of=PATH`, lines of it (`…` between them).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from './run.js';
import { findQemuBinary } from '../../src/qtest/index.js';

const hasQemu = () => findQemuBinary() !== null || process.env.PCICFG_REQUIRE_QEMU === '1';

const root = new URL('../../', import.meta.url);
const DOCS = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const PROMPT = /^\$ (?:npx pcicfg|pcicfg|node bin\/pcicfg\.js)(?= |$)/;

interface Fence {
  readonly info: string;
  readonly lines: string[];
}

function fences(text: string): Fence[] {
  return [...text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1]!, lines: m[2]!.replace(/\n$/, '').split('\n') }));
}

interface Example {
  readonly command: string;
  readonly expected: string[];
}

/** The `$ pcicfg` commands of a block with the output shown under each. */
function examples(f: Fence): Example[] {
  const out: Example[] = [];
  let cur: { command: string; expected: string[] } | null = null;
  for (const line of f.lines) {
    if (line.startsWith('$ ')) {
      cur = PROMPT.test(line) ? { command: line, expected: [] } : null;
      if (cur) out.push(cur);
    } else if (cur) cur.expected.push(line);
  }
  for (const e of out) while (e.expected.length && e.expected[e.expected.length - 1] === '') e.expected.pop();
  return out;
}

const isGap = (line: string) => line.trim() === '…';

/** Whether `got` is `shown` with its `…` gaps filled by any (possibly no) lines. */
export function matchesWithGaps(got: readonly string[], shown: readonly string[]): boolean {
  const runs: string[][] = [[]];
  for (const l of shown) if (isGap(l)) runs.push([]); else runs[runs.length - 1]!.push(l);
  const openStart = shown.length > 0 && isGap(shown[0]!);
  const openEnd = shown.length > 0 && isGap(shown[shown.length - 1]!);
  const at = (run: string[], i: number) => run.every((l, k) => got[i + k] === l);
  let pos = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    if (!run.length) continue;
    const anchoredStart = r === 0 && !openStart;
    const last = r === runs.length - 1;
    let found = -1;
    if (anchoredStart) found = at(run, 0) ? 0 : -1;
    else if (last && !openEnd) found = got.length - run.length >= pos && at(run, got.length - run.length) ? got.length - run.length : -1;
    else for (let i = pos; i + run.length <= got.length && found < 0; i++) if (at(run, i)) found = i;
    if (found < 0) return false;
    pos = found + run.length;
  }
  return openEnd || runs.length > 1 || pos === got.length;
}

/** Run `pcicfg A | pcicfg B … [> FILE]`: each stage reads the previous stage's stdout. */
async function runLine(rest: string): Promise<{ code: number; out: string[] }> {
  let text = rest;
  let dropStdout = false;
  const redirect = / > \S+$/.exec(text);
  if (redirect) {
    dropStdout = true;
    text = text.slice(0, redirect.index);
  }
  const stages = text.split(' | ').map((st, i) => (i === 0 ? st : st.replace(/^pcicfg /, '')));
  let stdin: string | Uint8Array = '';
  let stderr = '';
  let r: CliRun = { code: 0, stdout: '', stderr: '', stdoutBytes: new Uint8Array() };
  for (const st of stages) {
    expect(st, 'a plain pcicfg command').not.toMatch(/[|<>;&`$]/);
    r = await runCli(st.trim() === '' ? [] : st.trim().split(/ +/), stdin);
    stderr += r.stderr;
    stdin = r.stdoutBytes;
  }
  const all = (dropStdout ? '' : r.stdout) + stderr;
  return { code: r.code, out: all === '' ? [] : all.replace(/\n$/, '').split('\n') };
}

const perDoc = DOCS.map((doc) => {
  const blocks = fences(readFileSync(new URL(doc, root), 'utf8'));
  return { doc, blocks, examples: blocks.flatMap(examples) };
});

describe('commands shown in the docs', () => {
  it('docs/cli.md has examples for every command', () => {
    const cli = perDoc.find((d) => d.doc === 'docs/cli.md')!;
    const commands = new Set(cli.examples.map((e) => e.command.replace(PROMPT, '').trim().split(' ')[0]));
    for (const c of ['decode', 'notify', 'lookup', 'vring', 'encode']) expect(commands, c).toContain(c);
  });

  it('a console block holds nothing but pcicfg commands and their output', () => {
    for (const { doc, blocks } of perDoc) {
      for (const b of blocks.filter((x) => x.info === 'console')) expect(b.lines[0], `${doc}: ${b.lines[0]}`).toMatch(PROMPT);
    }
  });

  for (const { doc, examples: list } of perDoc) {
    if (!list.length) continue;
    describe(doc, () => {
      for (const { command, expected: shown } of list) {
        const qemu = / qemu dump /.test(command + ' ');
        it.skipIf(qemu && !hasQemu())(command, async () => {
          let expected = shown;
          let code = 0;
          const exit = expected.length ? /^\[exit (\d)\]$/.exec(expected[expected.length - 1]!) : null;
          if (exit) {
            code = Number(exit[1]);
            expected = expected.slice(0, -1);
          }
          const r = await runLine(command.replace(PROMPT, '').trim());
          expect(r.code).toBe(code);
          if (!matchesWithGaps(r.out, expected)) expect(r.out).toEqual(expected);
        }, 60_000);
      }
    });
  }

  it('a block marked file=PATH shows that file as it is; excerpt-of=PATH, lines of it in order', () => {
    let n = 0;
    for (const { doc, blocks } of perDoc) {
      for (const b of blocks) {
        const whole = /(?:^| )file=(\S+)/.exec(b.info);
        const part = /(?:^| )excerpt-of=(\S+)/.exec(b.info);
        if (!whole && !part) continue;
        n++;
        const path = (whole ?? part)![1]!;
        const text = readFileSync(new URL(path, root), 'utf8');
        if (whole) expect(b.lines.join('\n') + '\n', `${doc}: ${path}`).toBe(text);
        else expect(matchesWithGaps(text.replace(/\n$/, '').split('\n'), ['…', ...b.lines.flatMap((l) => [l, '…'])]), `${doc}: excerpt of ${path}`).toBe(true);
      }
    }
    expect(n).toBeGreaterThan(0);
  });

  it('the gap matcher', () => {
    expect(matchesWithGaps(['a', 'b', 'c'], ['a', '…'])).toBe(true);
    expect(matchesWithGaps(['a', 'b', 'c'], ['…', 'c'])).toBe(true);
    expect(matchesWithGaps(['a', 'b', 'c'], ['a', '…', 'c'])).toBe(true);
    expect(matchesWithGaps(['a', 'b', 'c'], ['…', 'b', '…'])).toBe(true);
    expect(matchesWithGaps(['a', 'b', 'c'], ['b', '…'])).toBe(false);
    expect(matchesWithGaps(['a', 'b', 'c'], ['a', 'b'])).toBe(false);
    expect(matchesWithGaps(['a', 'b', 'c'], ['…', 'c', 'b', '…'])).toBe(false);
    expect(matchesWithGaps(['a', 'b'], ['a', 'b'])).toBe(true);
  });
});
