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

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE = fileURLToPath(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url));
export const EXAMPLE_INFO_PCI = fileURLToPath(new URL('../../examples/qemu-virtio-blk.info-pci', import.meta.url));

/** The 256 bytes of the bundled example (parsed here by hand, not by the reader under test). */
export function exampleBytes(): Uint8Array {
  const out = new Uint8Array(256);
  for (const line of readFileSync(EXAMPLE, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{2}):((?: [0-9a-f]{2}){16})$/.exec(line);
    if (!m) continue;
    m[2].trim().split(' ').forEach((h, i) => (out[parseInt(m[1], 16) + i] = parseInt(h, 16)));
  }
  return out;
}

/** A scratch directory for files the tests write; removed by `cleanup`. */
export function scratch(): { dir: string; file(name: string, data: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pcicfg-cli-'));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
