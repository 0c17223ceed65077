// Run `main` in-process with captured output (test helper, not a test file).
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

export async function runCli(argv: string[], stdin: string | Uint8Array = ''): Promise<CliRun> {
  const out: Uint8Array[] = [];
  const err: string[] = [];
  const enc = new TextEncoder();
  const code = await main(argv, {
    stdout: { write: (c: string | Uint8Array) => void out.push(typeof c === 'string' ? enc.encode(c) : c) },
    stderr: { write: (c: string | Uint8Array) => void err.push(typeof c === 'string' ? c : new TextDecoder().decode(c)) },
    stdin: (async function* () {
      yield typeof stdin === 'string' ? enc.encode(stdin) : stdin;
    })(),
  });
  const total = out.reduce((n, b) => n + b.length, 0);
  const stdoutBytes = new Uint8Array(total);
  let at = 0;
  for (const b of out) {
    stdoutBytes.set(b, at);
    at += b.length;
  }
  return { code, stdout: new TextDecoder().decode(stdoutBytes), stderr: err.join(''), stdoutBytes };
}
