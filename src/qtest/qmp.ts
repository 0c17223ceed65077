// A small QMP client over a unix socket: greeting, capability negotiation, one command at a
// time. Events are recorded, never mistaken for replies.
import { createConnection, type Socket } from 'node:net';
import { QemuExitedError, QemuTimeoutError, QmpCommandError } from './errors.js';

export interface QmpEvent {
  readonly event: string;
  readonly data?: unknown;
  readonly timestamp?: { seconds: number; microseconds: number };
}

type Waiter = { command: string; resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | null };

export class QmpClient {
  readonly events: QmpEvent[] = [];
  private buffer = '';
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new QemuExitedError(`QMP connection error: ${e.message}`, '')));
    socket.on('close', () => this.fail(new QemuExitedError('QMP connection closed', '')));
  }

  /** Connect, read the greeting and enter command mode. */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path);
      const t = setTimeout(() => {
        s.destroy();
        reject(new QemuTimeoutError(`connect ${path}`, timeoutMs));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(t);
        reject(new QemuExitedError(`cannot connect to QMP socket ${path}: ${e.message}`, ''));
      });
    });
    const client = new QmpClient(socket, timeoutMs);
    const greeting = await client.next('(greeting)');
    if (!('QMP' in greeting)) throw new QemuExitedError(`unexpected QMP greeting ${JSON.stringify(greeting)}`, '');
    await client.execute('qmp_capabilities');
    return client;
  }

  /** Run a QMP command and return its `return` value. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const run = async () => {
      if (this.closedError) throw this.closedError;
      const reply = this.next(command);
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
      const r = await reply;
      if ('error' in r) {
        const e = r.error as { class?: string; desc?: string };
        throw new QmpCommandError(command, e.class ?? 'Error', e.desc ?? JSON.stringify(e));
      }
      return r.return;
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Run a human monitor command (e.g. `info pci`) and return its text. */
  async hmp(commandLine: string): Promise<string> {
    return String(await this.execute('human-monitor-command', { 'command-line': commandLine }));
  }

  close(): void {
    this.socket.destroy();
  }

  private next(command: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new QemuTimeoutError(`QMP ${command}`, this.timeoutMs));
      }, this.timeoutMs);
      this.waiter = { command, resolve, reject, timer };
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // QMP speaks JSON only; a torn line cannot be a reply we wait for
      }
      if ('event' in msg) {
        this.events.push(msg as unknown as QmpEvent);
        continue;
      }
      const w = this.waiter;
      if (!w) continue;
      this.waiter = null;
      if (w.timer) clearTimeout(w.timer);
      w.resolve(msg);
    }
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    const w = this.waiter;
    this.waiter = null;
    if (w) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(e);
    }
  }
}
