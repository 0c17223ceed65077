// The dump reader on a second thread, for `decode` of a large FILE (see parse-thread.ts): it
// reads and parses the text while the main thread decodes and prints what it already sent.
// Functions go over in batches: their bytes (and known masks where bytes are missing) in one
// transferred buffer, the rest in a few small arrays, so neither side copies per function.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DumpReader } from '../dump/read.js';
import { DumpParseError, type DumpFunction } from '../dump/types.js';
import { encodeBatch, type ParseWorkerData, type WorkerMessage } from './parse-batch.js';
import { systemMessage } from './system-message.js';

const READ_CHUNK = 1 << 20;
const FIRST_READ = 1 << 16;
/** New batch buffers are a multiple of this, so that a returned one fits most later batches. */
const BUFFER_STEP = 1 << 19;

function run(data: ParseWorkerData): void {
  const port = parentPort!;
  const credit = new Int32Array(data.credit);
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let sent = 0;
  // Buffers the main thread gave back (decode hands each back once it has printed the batch):
  // reusing them keeps the process from piling up dead batches until a full collection, and
  // spares this thread the page faults of fresh memory.
  const free: ArrayBuffer[] = [];
  const take = (size: number): ArrayBuffer => {
    if (data.returns) for (let m; (m = receiveMessageOnPort(data.returns)); ) free.push(m.message as ArrayBuffer);
    const i = free.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return free.splice(i, 1)[0];
    return new ArrayBuffer(Math.ceil(size / BUFFER_STEP) * BUFFER_STEP);
  };
  const send = (fns: DumpFunction[]) => {
    if (fns.length === 0) return;
    // At most `window` batches wait on the main thread: memory stays bounded whatever the dump.
    while (sent - Atomics.load(credit, 0) >= data.window) Atomics.wait(credit, 0, Atomics.load(credit, 0), 1000);
    const batch = encodeBatch(fns, take);
    post({ kind: 'batch', batch }, [batch.buffer]);
    sent++;
  };
  let fd: number;
  try {
    fd = openSync(data.path, 'r');
  } catch (e) {
    post({ kind: 'io-error', message: systemMessage(e) });
    return;
  }
  try {
    const reader = new DumpReader({ file: data.name, format: data.format });
    const buf = Buffer.allocUnsafeSlow(READ_CHUNK);
    // The first reads are small so the main thread gets its first functions early; later ones
    // read a whole chunk.
    let want = FIRST_READ;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, want, null);
        want = Math.min(READ_CHUNK, want * 4);
      } catch (e) {
        post({ kind: 'io-error', message: systemMessage(e) });
        return;
      }
      if (n === 0) break;
      send(reader.push(buf.subarray(0, n)));
    }
    send(reader.end());
    post({ kind: 'done' });
  } catch (e) {
    if (e instanceof DumpParseError) post({ kind: 'parse-error', message: e.message, code: e.code, file: e.file, line: e.line, column: e.column, reason: e.reason });
    else post({ kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  } finally {
    closeSync(fd);
  }
}

run(workerData as ParseWorkerData);
