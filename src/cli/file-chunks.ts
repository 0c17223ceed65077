// A file read in chunks, for the readers that take a stream of bytes (dumps, info pci, JSON).
import { fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CliInputError } from './errors.js';
import type { CliReadable } from './io.js';
import { systemMessage } from './system-message.js';

/** The file's bytes, chunk by chunk; a chunk is valid until the next one is asked for. */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new CliInputError(path, `cannot read: ${systemMessage(e)}`);
  }
  // Two buffers, used in turn: the next chunk is read into one while the reader parses the
  // other (it copies what it keeps before asking for more). Fresh buffers for each chunk cost a
  // page fault for every 4 KiB read.
  const bufs = [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];
  let which = 0;
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    pending = handle.read(bufs[0], 0, READ_CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) break;
      const chunk = bufs[which];
      which ^= 1;
      pending = handle.read(bufs[which], 0, READ_CHUNK, null);
      yield chunk.subarray(0, bytesRead);
    }
  } catch (e) {
    throw new CliInputError(path, `cannot read: ${systemMessage(e)}`);
  } finally {
    // A consumer that stops early (no more -s matches wanted) leaves a read in flight.
    if (pending) await pending.catch(() => undefined);
    await handle.close();
  }
}

const READ_CHUNK = 1 << 20;

/**
 * Standard input as a stream of chunks. A directory given as standard input (`< dir`) reads
 * as an empty stream in Node; it is said as what it is.
 */
export function standardInput(stdin: CliReadable): CliReadable {
  if (stdin === process.stdin) {
    let dir = false;
    try {
      dir = fstatSync(0).isDirectory();
    } catch {
      // No descriptor 0 to look at: the stream says what there is.
    }
    if (dir) throw new CliInputError('<stdin>', 'cannot read: is a directory');
  }
  return stdin;
}
