// Reading a large dump FILE on a second thread (parse-worker.ts) while this one decodes and
// prints: on a two-core machine the reading and parsing, about a sixth of `decode`'s time on
// a multi-thousand-function dump, then costs no wall time. Small files are read here: a
// thread takes about 40 ms to start.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';
import { DumpReader } from '../dump/read.js';
import { DumpParseError, type DumpFormat, type DumpFunction } from '../dump/types.js';
import type { DumpDiagnosticCode } from '../dump/diagnostics.js';
import { decodeBatch, type ParseWorkerData, type UnpackedFunction, type WorkerMessage } from './parse-batch.js';
import { CliInputError } from './errors.js';

/** Files from this size on are parsed on the worker thread (PCICFG_PARSE_THREAD=0 or 1 forces the choice). */
export const PARSE_THREAD_MIN_BYTES = 4 << 20;
/** Batches the worker may have sent and the main thread not yet taken. */
const WINDOW = 4;
/**
 * The start of the file that this thread parses itself while the worker starts (40-60 ms on a
 * slow host, which this thread used to spend waiting), and at most how many of its functions
 * it takes from there.
 */
const HEAD_BYTES = 128 << 10;
const HEAD_FUNCTIONS = 16;

/**
 * The first complete functions of the file, parsed here, as the worker's reader will give them:
 * the same reader on the same first bytes. Nothing when the file cannot be read (the worker
 * reports that) or is not a regular file (a pipe's bytes, read here, would be the worker's no
 * more); when a line is malformed, the functions before it (the worker reports it).
 */
function headFunctions(path: string, name: string, format: 'auto' | DumpFormat): DumpFunction[] {
  let fd: number;
  try {
    // Not even opened otherwise: opening and closing a pipe's reading end can end its writer.
    if (!statSync(path).isFile()) return [];
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return new DumpReader({ file: name, format }).push(buf.subarray(0, n)).slice(0, HEAD_FUNCTIONS);
  } catch {
    return [];
  } finally {
    closeSync(fd);
  }
}

/**
 * The worker's young generation, in MiB. What it allocates dies within a chunk; with V8's
 * default, which lets the young generation grow over a long run, peak RSS at 16000 functions
 * was 6-9 MiB higher.
 */
const YOUNG_MB = 4;

/** The worker's script next to this module (the bundle's or tsc's output); null when running from sources. */
function workerScript(): URL | null {
  const url = new URL('./parse-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(url) ? url : null;
}

/** Whether `path` should be parsed on the worker thread. */
export function useParseThread(path: string): URL | null {
  const forced = process.env.PCICFG_PARSE_THREAD;
  if (forced === '0') return null;
  const script = workerScript();
  if (script === null) return null;
  if (forced === '1') return script;
  try {
    const st = statSync(path);
    return st.isFile() && st.size >= PARSE_THREAD_MIN_BYTES ? script : null;
  } catch {
    return null; // the reader on this thread reports the error
  }
}

/**
 * The functions of the dump at `path`, parsed on a worker thread, in order. With `transient`,
 * the consumer promises to be done with a function (its bytes included) when it asks for the
 * next one: each batch's buffer then goes back to the worker for reuse, and the views into it
 * become empty.
 */
export async function* threadFunctions(script: URL, path: string, name: string, format: 'auto' | DumpFormat, transient = false): AsyncGenerator<UnpackedFunction> {
  const credit = new SharedArrayBuffer(4);
  const taken = new Int32Array(credit);
  const channel = transient ? new MessageChannel() : null;
  const data: ParseWorkerData = { path, name, format, credit, window: WINDOW, returns: channel?.port2 ?? null };
  const worker = new Worker(script, { workerData: data, transferList: channel ? [channel.port2] : [], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e: Error) => {
    failure = e;
    notify();
  });
  worker.on('exit', () => notify());
  try {
    // The worker parses the file from its start too; what was given from here is skipped.
    let skip = 0;
    for (const f of headFunctions(path, name, format)) {
      skip++;
      yield f;
    }
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        if (queue.length === 0 && !failure && worker.threadId < 0) throw new Error('the parse thread ended without an answer');
      }
      const m = queue.shift()!;
      switch (m.kind) {
        case 'batch':
          Atomics.add(taken, 0, 1);
          Atomics.notify(taken, 0);
          for (const f of decodeBatch(m.batch)) {
            if (skip > 0) skip--;
            else yield f;
          }
          channel?.port1.postMessage(m.batch.buffer, [m.batch.buffer]);
          break;
        case 'done':
          return;
        case 'io-error':
          throw new CliInputError(path, `cannot read: ${m.message}`);
        case 'parse-error':
          throw new DumpParseError(m.code as DumpDiagnosticCode, m.file, m.line, m.column, m.reason);
        case 'crash':
          throw new Error(`parse thread: ${m.message}`);
      }
    }
  } finally {
    channel?.port1.close();
    await worker.terminate();
  }
}
