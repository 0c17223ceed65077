// Shared by the model tests: firmware-style BAR assignment through config writes only.
import type { VirtioPciDevice } from '../../src/model/device.js';

/** Size every BAR by writing all-ones, assign addresses from simple bump allocators, enable decoding. */
export function assignBars(dev: VirtioPciDevice, opts: { mem?: bigint; io?: number; command?: number } = {}): Map<number, { base: bigint; size: bigint; io: boolean }> {
  let mem = opts.mem ?? 0xe000_0000n;
  let io = BigInt(opts.io ?? 0xc000);
  const out = new Map<number, { base: bigint; size: bigint; io: boolean }>();
  for (let i = 0; i < 6; i++) {
    const at = 0x10 + 4 * i;
    dev.configWrite(at, 4, 0xffffffff);
    const lo = dev.configRead(at, 4);
    if (lo === 0) continue;
    const isIo = (lo & 1) === 1;
    const is64 = !isIo && ((lo >> 1) & 3) === 2;
    let mask = BigInt(lo) & (isIo ? ~3n : ~0xfn) & 0xffffffffn;
    if (is64) {
      dev.configWrite(at + 4, 4, 0xffffffff);
      mask |= BigInt(dev.configRead(at + 4, 4)) << 32n;
    } else mask |= 0xffffffffn << 32n;
    const size = (~mask + 1n) & ((1n << 64n) - 1n);
    let base: bigint;
    if (isIo) {
      base = (io + size - 1n) & ~(size - 1n);
      io = base + size;
    } else {
      base = (mem + size - 1n) & ~(size - 1n);
      mem = base + size;
    }
    dev.configWrite(at, 4, Number(base & 0xffffffffn));
    if (is64) dev.configWrite(at + 4, 4, Number(base >> 32n));
    out.set(i, { base, size, io: isIo });
    if (is64) i++;
  }
  dev.configWrite(0x04, 2, opts.command ?? 0x7);
  return out;
}

/** The 256 (or 4096) bytes a driver reads through config cycles. */
export function readConfig(dev: VirtioPciDevice): Uint8Array {
  const n = dev.config.size;
  const b = new Uint8Array(n);
  for (let o = 0; o < n; o += 4) {
    const v = dev.configRead(o, 4);
    b[o] = v & 0xff;
    b[o + 1] = (v >>> 8) & 0xff;
    b[o + 2] = (v >>> 16) & 0xff;
    b[o + 3] = (v >>> 24) & 0xff;
  }
  return b;
}
