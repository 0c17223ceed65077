// A QEMU process driven through its qtest protocol: one line per command, one reply line per
// command ("OK ..." / "FAIL ..." / "ERR ..."), plus asynchronous "IRQ raise|lower N" lines
// that may arrive at any time. Commands are serialised (one outstanding), each has a
// deadline, and the process is always reaped, also when the caller forgets to close it.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { QemuExitedError, QemuNotFoundError, QemuStartError, QemuTimeoutError, QtestCommandError } from './errors.js';
import { QmpClient } from './qmp.js';

export type QemuMachine = 'pc' | 'q35';

export interface QemuOptions {
  /** Machine type. Default `pc`. */
  readonly machine?: QemuMachine;
  /** Extra command-line arguments, typically `-device …` and `-drive …`. */
  readonly args?: readonly string[];
  /** Deadline of each qtest/QMP command in ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Deadline for QEMU to come up and answer its first command. Default 30000. */
  readonly startTimeoutMs?: number;
  /** Binary name (looked up on PATH) or path. Default `qemu-system-x86_64`. */
  readonly qemuBinary?: string;
  /** Guest RAM (`-m`). Default `256M`. */
  readonly memory?: string;
  /** Open a QMP socket (needed for `qmp()`, `hmp()` and a polite `quit`). Default true. */
  readonly qmp?: boolean;
  /**
   * On Linux, start QEMU through `setpriv --pdeathsig KILL` (util-linux) when it is on PATH,
   * so QEMU dies with us even when Node is killed outright. Default true.
   */
  readonly dieWithParent?: boolean;
}

export interface QtestIrqEvent {
  readonly level: 'raise' | 'lower';
  readonly irq: number;
}

const DEFAULT_BINARY = 'qemu-system-x86_64';
const STDERR_KEEP = 64 * 1024;

/** Absolute path of an executable named `binary` (or the path itself), or null. */
export function findQemuBinary(binary: string = DEFAULT_BINARY, pathEnv: string = process.env.PATH ?? ''): string | null {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return executable(binary) ? binary : null;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, binary);
    if (executable(p)) return p;
  }
  return null;
}

// Every live QEMU we started, killed when this process exits however it exits normally.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

type Pending = { command: string; resolve: (reply: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class QemuProcess {
  /** Asynchronous IRQ lines seen so far (after `irq_intercept_in`). */
  readonly irqEvents: QtestIrqEvent[] = [];
  /** Reply lines that arrived with no command waiting (should stay empty). */
  readonly strayLines: string[] = [];
  private buffer = '';
  private pending: Pending | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;
  private stderrText = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  private qmpClient: QmpClient | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly machine: QemuMachine,
    /** The full command line, binary first. */
    readonly argv: readonly string[],
    private readonly timeoutMs: number,
    private readonly tempDir: string,
    readonly qmpPath: string | null,
  ) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-STDERR_KEEP);
    });
    child.stdin!.on('error', () => undefined); // EPIPE after QEMU died; reported through 'exit'
    this.exited = new Promise((resolve) => {
      // 'close' comes after 'exit' once stdout and stderr are drained, so the last words of a
      // failing QEMU are in stderrText when we report them.
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        const why = signal ? `QEMU was killed by ${signal}` : `QEMU exited with code ${code}`;
        this.fail(new QemuExitedError(why, this.stderrText));
        resolve();
      });
    });
  }

  /** Start QEMU with `-qtest stdio` (see docs/qemu.md for the full command line). */
  static async start(options: QemuOptions = {}): Promise<QemuProcess> {
    const requested = options.qemuBinary ?? DEFAULT_BINARY;
    const binary = findQemuBinary(requested);
    if (!binary) throw new QemuNotFoundError(requested);
    const machine = options.machine ?? 'pc';
    const timeoutMs = options.timeoutMs ?? 10_000;
    const tempDir = mkdtempSync(join(tmpdir(), 'pcicfg-qemu-'));
    const qmpPath = options.qmp === false ? null : join(tempDir, 'qmp.sock');
    const args = [
      '-machine', machine,
      '-accel', 'tcg',
      '-S',
      '-qtest', 'stdio',
      '-qtest-log', '/dev/null',
      '-display', 'none',
      '-nodefaults',
      '-m', options.memory ?? '256M',
      ...(qmpPath ? ['-qmp', `unix:${qmpPath},server=on,wait=off`] : []),
      ...(options.args ?? []),
    ];
    // QEMU does not exit when its qtest channel closes, and Node's exit hook does not run when
    // Node is SIGKILLed: the parent-death signal covers that case. setpriv execs QEMU, so the
    // pid we hold is QEMU's.
    const setpriv = options.dieWithParent !== false && process.platform === 'linux' ? findQemuBinary('setpriv') : null;
    const child = setpriv
      ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    track(child);
    const proc = new QemuProcess(child, machine, [binary, ...args], timeoutMs, tempDir, qmpPath);
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' || e.code === 'EACCES' ? new QemuNotFoundError(binary) : new QemuStartError(`cannot start ${binary}: ${e.message}`, '')),
      ),
    );
    spawnError.catch(() => undefined);
    try {
      // QEMU reads the qtest channel only once its main loop runs, i.e. after every device
      // was realized: the first reply means the machine is built.
      const reply = await Promise.race([proc.command('endianness', options.startTimeoutMs ?? 30_000), spawnError]);
      if (reply !== 'little') throw new QemuStartError(`unexpected qtest endianness reply '${reply}'`, proc.stderr);
      if (qmpPath) proc.qmpClient = await Promise.race([QmpClient.connect(qmpPath, timeoutMs), spawnError]);
    } catch (e) {
      await proc.close();
      if (e instanceof QemuExitedError) throw new QemuStartError(`QEMU did not start (${e.message.split('\n')[0]}); command line: ${proc.argv.join(' ')}`, proc.stderr);
      throw e;
    }
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What QEMU wrote to stderr so far (the last 64 KiB). */
  get stderr(): string {
    return this.stderrText;
  }

  get isRunning(): boolean {
    return this.exitInfo === null;
  }

  /**
   * Send one qtest command line and return the text after `OK` (trimmed). FAIL/ERR replies
   * reject with QtestCommandError; a missing reply rejects with QemuTimeoutError and kills QEMU.
   */
  command(line: string, timeoutMs: number = this.timeoutMs): Promise<string> {
    if (/[\r\n]/.test(line) || line.trim() === '') throw new RangeError(`a qtest command is one non-empty line, got ${JSON.stringify(line)}`);
    const run = () =>
      new Promise<string>((resolve, reject) => {
        if (this.broken) return reject(this.broken);
        const timer = setTimeout(() => {
          const e = new QemuTimeoutError(line, timeoutMs);
          this.pending = null;
          this.fail(new QemuExitedError(`QEMU killed after '${line}' timed out`, ''));
          this.child.kill('SIGKILL');
          reject(e);
        }, timeoutMs);
        this.pending = { command: line, resolve, reject, timer };
        this.child.stdin!.write(line + '\n');
      });
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Run a QMP command (the process must have been started with `qmp` on, the default). */
  qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (!this.qmpClient) throw new Error('QEMU was started without QMP (qmp: false)');
    return this.qmpClient.execute(command, args);
  }

  /** Run a human-monitor command such as `info pci` through QMP and return its text. */
  hmp(commandLine: string): Promise<string> {
    if (!this.qmpClient) throw new Error('QEMU was started without QMP (qmp: false)');
    return this.qmpClient.hmp(commandLine);
  }

  /**
   * Stop QEMU: `quit` over QMP when possible, else SIGTERM, and SIGKILL if it lingers; then
   * wait until the process is reaped and remove the temporary directory. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.exitInfo === null && this.child.pid !== undefined) {
        const waitExit = (ms: number) => Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
        let gone = false;
        if (this.qmpClient && !this.broken) {
          this.qmpClient.execute('quit').catch(() => undefined);
          gone = await waitExit(3000);
        }
        if (!gone) {
          this.child.kill('SIGTERM');
          gone = await waitExit(2000);
        }
        if (!gone) {
          this.child.kill('SIGKILL');
          await this.exited;
        }
      }
      this.fail(new QemuExitedError('QEMU was closed', ''));
      this.qmpClient?.close();
      this.child.stdin?.destroy();
      rmSync(this.tempDir, { recursive: true, force: true });
    })();
    return this.closing;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const irq = /^IRQ (raise|lower) (\d+)$/.exec(line);
      if (irq) {
        this.irqEvents.push({ level: irq[1] as 'raise' | 'lower', irq: Number(irq[2]) });
        continue;
      }
      const p = this.pending;
      if (!p) {
        this.strayLines.push(line);
        continue;
      }
      this.pending = null;
      clearTimeout(p.timer);
      if (line === 'OK' || line.startsWith('OK ')) p.resolve(line.slice(2).trim());
      else p.reject(new QtestCommandError(p.command, line));
    }
  }

  private fail(e: Error): void {
    this.broken ??= e;
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(this.broken);
    }
  }
}

/** Start QEMU for qtest; see QemuProcess.start. */
export function startQemu(options: QemuOptions = {}): Promise<QemuProcess> {
  return QemuProcess.start(options);
}
