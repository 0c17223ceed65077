// A raw image, as /sys/bus/pci/devices/*/config gives it (64, 256 or 4096 bytes).
import { CONFIG_SPACE_MAX, FunctionBuilder } from './builder.js';
import { fail } from './parser.js';
import type { DumpFunction } from './types.js';

export function readBinaryDump(data: Uint8Array, file?: string): DumpFunction {
  if (data.length === 0) fail('DUMP_EMPTY', file, 1, 1, 'the input is empty');
  if (data.length > CONFIG_SPACE_MAX) {
    fail('DUMP_BINARY_TOO_LONG', file, 1, CONFIG_SPACE_MAX + 1, `binary image of ${data.length} bytes is longer than the 4096 bytes of configuration space`);
  }
  const b = new FunctionBuilder('binary', null, '', file, 0);
  for (let i = 0; i < data.length; i++) b.set(i, data[i]);
  if (data.length !== 64 && data.length !== 256 && data.length !== CONFIG_SPACE_MAX) {
    b.warn('DUMP_BINARY_LENGTH', null, `binary image of ${data.length} bytes (a config space image has 64, 256 or 4096)`);
  }
  return b.finish();
}

/** True when bytes look like a binary image rather than text: control bytes other than tab/CR/LF/FF. */
export function looksBinary(data: Uint8Array, limit = 4096): boolean {
  const n = Math.min(data.length, limit);
  for (let i = 0; i < n; i++) {
    const c = data[i];
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f) return true;
  }
  return false;
}
