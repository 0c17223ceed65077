// Output with back-pressure: a multi-thousand-function dump is printed function by function,
// so what is waiting in memory never grows with the input.
import { concatBytes } from '../bytes/window.js';
import { outputError } from './errors.js';

/** What `main` writes to: process.stdout/stderr, or a capture object in tests. */
export interface CliWritable {
  write(chunk: string | Uint8Array): boolean | void;
  /** Bytes the stream still holds (Node's writables); 0 right after a write it finished at once. */
  readonly writableLength?: number;
  once?(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
}

export type CliReadable = AsyncIterable<Uint8Array | string>;

export interface CliIo {
  readonly stdout: CliWritable;
  readonly stderr: CliWritable;
  readonly stdin: CliReadable;
}

/** Raised when the reader of our output went away (`pcicfg decode | head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosed';
  }
}

const FLUSH_AT = 1 << 16;
/** Bytes of a chunk: text is encoded straight into it while it has room for the worst case (3 bytes a UTF-16 unit). */
const CHUNK = 1 << 18;

/**
 * Buffers writes into chunks of about 64 KiB and waits for 'drain' when the stream is full.
 * Text is encoded into the chunk as it comes (no long string is built and flattened). A chunk
 * goes to the stream as it is; it is filled again only when the stream says it wrote it at
 * once (writableLength 0: files, and terminals and pipes on Linux), else the next is a fresh
 * Buffer. A fresh 256 KiB Buffer per flush cost page faults and memory until the next
 * collection.
 */
export class Output {
  private chunk: Buffer | null = null;
  private used = 0;
  private closed = false;

  constructor(private readonly sink: CliWritable) {}

  /** Append text; returns a promise only when a flush had to wait. */
  async write(text: string): Promise<void> {
    if (text.length * 3 > CHUNK - this.used) {
      await this.flush();
      if (text.length * 3 > CHUNK) return this.push(text); // longer than a chunk can surely hold
    }
    this.chunk ??= Buffer.allocUnsafeSlow(CHUNK);
    this.used += this.chunk.write(text, this.used, 'utf8');
    if (this.used >= FLUSH_AT) await this.flush();
  }

  async line(text = ''): Promise<void> {
    await this.write(text);
    await this.write('\n');
  }

  async bytes(data: Uint8Array): Promise<void> {
    await this.flush();
    await this.push(data);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const whole = this.chunk!;
    const chunk = whole.subarray(0, this.used);
    this.chunk = null;
    this.used = 0;
    await this.push(chunk);
    // Reused only if no write started a new chunk meanwhile (the reader flushes while the
    // input waits, and a command may be writing then).
    if (this.sink.writableLength === 0 && this.chunk === null) this.chunk = whole;
  }

  private async push(chunk: string | Uint8Array): Promise<void> {
    if (this.closed) throw new OutputClosed();
    let ok: boolean | void;
    try {
      ok = this.sink.write(chunk);
    } catch (e) {
      if (isPipeError(e)) {
        this.closed = true;
        throw new OutputClosed();
      }
      throw outputError(e); // ENOSPC, EIO, EBADF…: exit 4, one line
    }
    if (ok === false && this.sink.once) {
      const sink = this.sink;
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          sink.removeListener?.('error', onError);
          resolve();
        };
        const onError = (e: unknown) => {
          sink.removeListener?.('drain', onDrain);
          if (isPipeError(e)) {
            this.closed = true;
            reject(new OutputClosed());
          } else reject(outputError(e));
        };
        sink.once!('drain', onDrain);
        sink.once!('error', onError);
      });
    }
  }
}

export function isPipeError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && ((e as { code?: string }).code === 'EPIPE' || (e as { code?: string }).code === 'ERR_STREAM_DESTROYED');
}

/**
 * Read a whole stream into bytes, or null as soon as it holds more than `max` bytes (the rest
 * is not read, so /dev/zero or a runaway producer cannot fill memory).
 */
export async function readAll(stream: CliReadable, max = Infinity): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const enc = new TextEncoder();
  for await (const c of stream) {
    // A copy of bytes: file readers reuse their buffers.
    const b = typeof c === 'string' ? enc.encode(c) : new Uint8Array(c);
    total += b.length;
    if (total > max) return null;
    parts.push(b);
  }
  return concatBytes(parts, total);
}
