// Queue-size and alignment checks shared by the split and packed layouts. Bad sizes are data
// (queue_size is a device register), so they become diagnostics, never exceptions.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { VRING_DIAGNOSTICS } from './diagnostics.js';
import { VRING_MAX_QUEUE_SIZE } from './split-structs.js';

/** True for 1, 2, 4, ... (any positive power of two a JS number holds exactly). */
export function vringIsPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Round `x` up to a multiple of `align` (any positive integer alignment). */
export function vringAlignUp(x: number, align: number): number {
  return Math.ceil(x / align) * align;
}

/**
 * Check a queue size. Returns the size the layout is computed for (the given size when it
 * fits 16 bits, else 0) and the diagnostics. Split rings need a power of two; packed rings
 * take any size 1..32768.
 */
export function vringCheckQueueSize(n: number, kind: 'split' | 'packed'): { size: number; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_SIZE_INVALID', null, `queue size ${String(n)} is not an integer in 0..65535`));
    return { size: 0, diagnostics };
  }
  if (n === 0) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_SIZE_ZERO', null, 'queue size is 0'));
    return { size: 0, diagnostics };
  }
  if (n > VRING_MAX_QUEUE_SIZE) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_SIZE_TOO_LARGE', null, `queue size ${n} is above ${VRING_MAX_QUEUE_SIZE}`));
  }
  if (kind === 'split' && !vringIsPowerOfTwo(n)) {
    diagnostics.push(diag(VRING_DIAGNOSTICS, 'VRING_SIZE_NOT_POWER_OF_TWO', null, `split queue size ${n} is not a power of two`));
  }
  return { size: n, diagnostics };
}
