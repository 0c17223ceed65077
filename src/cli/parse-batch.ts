// Functions packed for the trip from the parse worker to the main thread: one buffer holds
// a table of numbers, then every function's bytes, then the known-byte masks of the functions
// that have holes. The buffer is transferred, and the unpacked functions' arrays are views of
// it, so no byte is copied on the way.
import type { MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../bytes/diagnostic.js';
import { isFullyKnown, type DumpFormat, type DumpFunction } from '../dump/types.js';

export interface ParseWorkerData {
  readonly path: string;
  /** The name for messages and `source.file`. */
  readonly name: string;
  readonly format: 'auto' | DumpFormat;
  /** Int32Array[1] over it: batches the main thread has taken. */
  readonly credit: SharedArrayBuffer;
  /** Batches that may wait unread. */
  readonly window: number;
  /** Where the main thread hands batch buffers back for reuse (decode only), or null. */
  readonly returns: MessagePort | null;
}

export interface Batch {
  readonly buffer: ArrayBuffer;
  readonly count: number;
  readonly format: DumpFormat;
  readonly file: string | undefined;
  readonly descriptions: readonly string[];
  /** Only the functions that have diagnostics: [index in the batch, diagnostics]. */
  readonly diagnostics: ReadonlyArray<readonly [number, readonly Diagnostic[]]>;
}

export type WorkerMessage =
  | { kind: 'batch'; batch: Batch }
  | { kind: 'done' }
  | { kind: 'io-error'; message: string }
  | { kind: 'parse-error'; message: string; code: string; file: string; line: number; column: number; reason: string }
  | { kind: 'crash'; message: string };

/** Numbers per function: domain (-1: no slot), bus, device, function, length, bytes length, line, has a mask. */
const INTS = 8;

/** A function as unpacked: `known` is null when every byte below `length` is known. */
export type UnpackedFunction = Omit<DumpFunction, 'known'> & { readonly known: Uint8Array | null };

/**
 * `take(size)` gives the buffer to fill, of at least `size` bytes (a larger one is fine: the
 * table says where everything is).
 */
export function encodeBatch(fns: readonly DumpFunction[], take: (size: number) => ArrayBuffer = (size) => new ArrayBuffer(size)): Batch {
  const n = fns.length;
  const head = n * INTS * 4;
  let size = head;
  const masked: boolean[] = [];
  for (const f of fns) {
    const m = !isFullyKnown(f);
    masked.push(m);
    size += f.bytes.length * (m ? 2 : 1);
  }
  const buffer = take(size);
  const ints = new Int32Array(buffer, 0, n * INTS);
  const data = new Uint8Array(buffer);
  let at = head;
  const descriptions: string[] = [];
  const diagnostics: Array<readonly [number, readonly Diagnostic[]]> = [];
  for (let i = 0; i < n; i++) {
    const f = fns[i];
    const k = i * INTS;
    ints[k] = f.slot ? f.slot.domain : -1;
    ints[k + 1] = f.slot ? f.slot.bus : 0;
    ints[k + 2] = f.slot ? f.slot.device : 0;
    ints[k + 3] = f.slot ? f.slot.function : 0;
    ints[k + 4] = f.length;
    ints[k + 5] = f.bytes.length;
    ints[k + 6] = f.source.line;
    ints[k + 7] = masked[i] ? 1 : 0;
    data.set(f.bytes, at);
    at += f.bytes.length;
    descriptions.push(f.description);
    if (f.diagnostics.length) diagnostics.push([i, f.diagnostics]);
  }
  for (let i = 0; i < n; i++) {
    if (!masked[i]) continue;
    data.set(fns[i].known, at);
    at += fns[i].known.length;
  }
  return { buffer, count: n, format: fns[0]?.format ?? 'lspci', file: fns[0]?.source.file, descriptions, diagnostics };
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

export function decodeBatch(b: Batch): UnpackedFunction[] {
  const n = b.count;
  const ints = new Int32Array(b.buffer, 0, n * INTS);
  let at = n * INTS * 4;
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = ints[i * INTS + 5];
    bytes.push(new Uint8Array(b.buffer, at, len));
    at += len;
  }
  const diags = new Map(b.diagnostics);
  const out: UnpackedFunction[] = [];
  for (let i = 0; i < n; i++) {
    const k = i * INTS;
    let known: Uint8Array | null = null;
    if (ints[k + 7] === 1) {
      known = new Uint8Array(b.buffer, at, bytes[i].length);
      at += bytes[i].length;
    }
    out.push({
      slot: ints[k] < 0 ? null : { domain: ints[k], bus: ints[k + 1], device: ints[k + 2], function: ints[k + 3] },
      description: b.descriptions[i],
      bytes: bytes[i],
      length: ints[k + 4],
      known,
      source: b.file === undefined ? { line: ints[k + 6] } : { file: b.file, line: ints[k + 6] },
      format: b.format,
      diagnostics: diags.get(i) ?? NO_DIAGNOSTICS,
    });
  }
  return out;
}
