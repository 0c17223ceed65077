// The qtest client against a fake server (no QEMU needed): reply matching with asynchronous
// IRQ lines and torn writes, serialisation, deadlines, start failures, missing binaries.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import {
  findQemuBinary,
  QemuExitedError,
  QemuNotFoundError,
  QemuProcess,
  QemuStartError,
  QemuTimeoutError,
  QtestBus,
  QtestCommandError,
  startQemu,
} from '../../src/qtest/index.js';

const FAKE = fileURLToPath(new URL('./fixtures/fake-qtest.mjs', import.meta.url));
const started: QemuProcess[] = [];
const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function fake(mode: string, timeoutMs = 5000): Promise<QemuProcess> {
  process.env.FAKE_QTEST = mode;
  try {
    const p = await startQemu({ qemuBinary: FAKE, qmp: false, timeoutMs, startTimeoutMs: timeoutMs });
    started.push(p);
    return p;
  } finally {
    delete process.env.FAKE_QTEST;
  }
}

/** Our child processes (zombies included) still running the fake server. */
const leftovers = () =>
  execFileSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('fake-qtest'));

afterEach(async () => {
  for (const p of started.splice(0)) await p.close();
});

describe('QemuProcess protocol handling (fake qtest server)', () => {
  it('matches replies to commands in order, records IRQ lines, and survives torn writes', async () => {
    const qemu = await fake('normal');
    const bus = new QtestBus(qemu);
    // Fired all at once: the client must still send them one at a time (the fake answers
    // "FAIL overlapping" otherwise) and hand each reply to its own command.
    const ports = Array.from({ length: 60 }, (_, i) => i);
    const got = await Promise.all(ports.map((p) => bus.ioRead(p, 1)));
    expect(got).toEqual(ports);
    const mem = await Promise.all([0x1234n, 0xbeefn].map((a) => bus.memRead(a, 2)));
    expect(mem).toEqual([0x1234, 0xbeef]);
    expect(qemu.irqEvents.length).toBeGreaterThan(10);
    expect(qemu.irqEvents.every((e) => (e.level === 'raise' || e.level === 'lower') && e.irq >= 0 && e.irq < 16)).toBe(true);
    expect(qemu.strayLines).toEqual([]);
  });

  it('turns FAIL replies into QtestCommandError and keeps going', async () => {
    const qemu = await fake('normal');
    await expect(qemu.command('bogus 1 2')).rejects.toThrow(QtestCommandError);
    await expect(qemu.command('bogus')).rejects.toThrow(/Unknown command 'bogus'/);
    expect(await qemu.command('inb 0x7')).toBe('0x0007');
  });

  it('times out a command that gets no reply, kills the process, and refuses further commands', async () => {
    const qemu = await fake('normal', 500);
    const pid = qemu.pid;
    await expect(qemu.command('hang')).rejects.toThrow(QemuTimeoutError);
    await expect(qemu.command('inb 0x1')).rejects.toThrow(QemuExitedError);
    await qemu.close();
    expect(qemu.isRunning).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('fails start with the stderr of a process that exits early', async () => {
    const err = await fake('die').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QemuStartError);
    expect(String((err as Error).message)).toMatch(/no-such-device: not found/);
  });

  it('fails start with a timeout when the server never answers, leaving no process behind', async () => {
    const err = await fake('silent', 400).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QemuTimeoutError);
    expect(leftovers()).toEqual([]);
  });

  it('rejects bad arguments before anything reaches QEMU (whose asserts would abort it)', async () => {
    const qemu = await fake('normal');
    const bus = new QtestBus(qemu);
    const a = { domain: 0, bus: 0, device: 0, function: 0 };
    await expect(bus.ioRead(0x10000, 1)).rejects.toThrow(RangeError);
    await expect(bus.ioWrite(0xfffe, 4, 0)).rejects.toThrow(RangeError);
    await expect(bus.memWrite(0n, 1, 0x100)).rejects.toThrow(RangeError);
    await expect(bus.configRead(a, 0x100, 4)).rejects.toThrow(/256 bytes reachable without ECAM/);
    await expect(bus.configRead(a, 0x2, 4)).rejects.toThrow(/naturally aligned/);
    await expect(bus.configRead({ ...a, domain: 1 }, 0, 4)).rejects.toThrow(RangeError);
    expect(() => qemu.command('inb 1\ninb 2')).toThrow(RangeError);
    expect(await bus.ioRead(3, 1)).toBe(3);
  });
});

describe('finding QEMU', () => {
  it('reports a missing binary with QemuNotFoundError', async () => {
    await expect(startQemu({ qemuBinary: 'qemu-system-pcicfg-does-not-exist' })).rejects.toThrow(QemuNotFoundError);
    await expect(startQemu({ qemuBinary: '/nonexistent/qemu-system-x86_64' })).rejects.toThrow(/not an executable on PATH/);
  });

  it('searches PATH entries in order', () => {
    const dir = fileURLToPath(new URL('./fixtures', import.meta.url));
    expect(findQemuBinary('fake-qtest.mjs', `/nonexistent:${dir}`)).toBe(`${dir}/fake-qtest.mjs`);
    expect(findQemuBinary('fake-qtest.mjs', '/nonexistent')).toBeNull();
  });
});

describe('QEMU dies with its parent', () => {
  it('is killed when the Node process that started it is SIGKILLed (setpriv --pdeathsig)', async () => {
    if (!findQemuBinary('setpriv')) {
      console.warn('skipping the parent-death check: setpriv (util-linux) is not on PATH');
      return;
    }
    // A separate Node process runs the client (transpiled on the fly), starts the fake
    // server, reports its pid, and is then killed without any chance to clean up.
    const dir = mkdtempSync(join(tmpdir(), 'pcicfg-orphan-'));
    let fakePid: number | undefined;
    try {
      for (const name of ['process', 'errors', 'qmp']) {
        const src = readFileSync(fileURLToPath(new URL(`../../src/qtest/${name}.ts`, import.meta.url)), 'utf8');
        const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
        writeFileSync(join(dir, `${name}.js`), js);
      }
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(
        join(dir, 'run.js'),
        `import { startQemu } from './process.js';\n` +
          `const q = await startQemu({ qemuBinary: ${JSON.stringify(FAKE)}, qmp: false });\n` +
          `console.log(q.pid);\nsetInterval(() => undefined, 1 << 30);\n`,
      );
      const runner = spawn(process.execPath, [join(dir, 'run.js')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FAKE_QTEST: 'normal' } });
      fakePid = await new Promise<number>((resolve, reject) => {
        runner.stdout!.setEncoding('utf8');
        runner.stdout!.once('data', (d: string) => resolve(Number(d.trim())));
        runner.once('exit', (c) => reject(new Error(`runner exited with ${c}`)));
      });
      expect(alive(fakePid)).toBe(true);
      runner.kill('SIGKILL');
      for (let i = 0; i < 100 && alive(fakePid); i++) await new Promise((r) => setTimeout(r, 50));
      expect(alive(fakePid)).toBe(false);
    } finally {
      if (fakePid !== undefined && alive(fakePid)) process.kill(fakePid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
