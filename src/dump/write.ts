// Writers: lspci -xxxx text (exactly as lspci prints it), hexdump -C, xxd, and raw binary.
// Reading what they write gives back the same bytes, length and known map.
import { formatPciAddress, type PciAddress } from '../pci/bus.js';
import type { DumpFunction } from './types.js';

type Image = Pick<DumpFunction, 'bytes' | 'length'> & Partial<Pick<DumpFunction, 'known' | 'slot' | 'description'>>;

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

function isKnown(fn: Image, i: number): boolean {
  return fn.known === undefined || fn.known[i] === 1;
}

export interface LspciWriteOptions {
  /** Slot printed when the function has none. Default 0000:00:00.0. */
  readonly defaultSlot?: PciAddress;
}

/**
 * One function as `lspci -xxxx` prints it: a header line `DDDD:BB:DD.F description`, lines
 * of 16 bytes with a `%02x:` offset (3 digits from 0x100), then a blank line. Only known bytes
 * are written: a row with unknown bytes is split into lines that start at each known run.
 */
export function writeLspciFunction(fn: Image, options: LspciWriteOptions = {}): string {
  const slot = fn.slot ?? options.defaultSlot ?? { domain: 0, bus: 0, device: 0, function: 0 };
  // pciutils needs the space after the slot even when there is no description.
  let out = `${formatPciAddress(slot)} ${(fn.description ?? '').replace(/[\r\n]+/g, ' ')}\n`;
  for (let row = 0; row < fn.length; row += 16) {
    const end = Math.min(row + 16, fn.length);
    let line = '';
    for (let i = row; i < end; i++) {
      if (!isKnown(fn, i)) {
        if (line) out += line + '\n';
        line = '';
        continue;
      }
      if (!line) line = i.toString(16).padStart(2, '0') + ':';
      line += ' ' + HEX[fn.bytes[i]];
    }
    if (line) out += line + '\n';
  }
  return out + '\n';
}

/** Several functions, one after another, as a multi-function lspci -xxxx dump. */
export function writeLspci(fns: Iterable<Image>, options: LspciWriteOptions = {}): string {
  let out = '';
  for (const fn of fns) out += writeLspciFunction(fn, options);
  return out;
}

/** The first `length` bytes; unknown bytes (which a raw image cannot mark) are written as 0xff. */
export function writeBinary(fn: Image): Uint8Array {
  const out = fn.bytes.slice(0, fn.length);
  if (fn.known) for (let i = 0; i < fn.length; i++) if (fn.known[i] !== 1) out[i] = 0xff;
  return out;
}

/** The character code `hexdump -C` and xxd show for a byte in their ASCII column. */
export function shownByte(byte: number): number {
  return byte >= 0x20 && byte < 0x7f ? byte : 0x2e;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(shownByte(b[i]));
  return s;
}

function sameRow(b: Uint8Array, a: number, c: number): boolean {
  for (let i = 0; i < 16; i++) if (b[a + i] !== b[c + i]) return false;
  return true;
}

/** Byte-for-byte what `hexdump -C` prints for the image (unknown bytes as 0xff). */
export function writeHexdumpC(fn: Image): string {
  const b = writeBinary(fn);
  const n = b.length;
  let out = '';
  let squeezing = false;
  for (let row = 0; row < n; row += 16) {
    const end = Math.min(row + 16, n);
    if (row > 0 && end - row === 16 && sameRow(b, row, row - 16)) {
      if (!squeezing) out += '*\n';
      squeezing = true;
      continue;
    }
    squeezing = false;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += row + i < end ? HEX[b[row + i]] + ' ' : '   ';
      if (i === 7) hex += ' ';
    }
    out += `${row.toString(16).padStart(8, '0')}  ${hex} |${ascii(b, row, end)}|\n`;
  }
  if (n > 0) out += n.toString(16).padStart(8, '0') + '\n';
  return out;
}

/** Byte-for-byte what `xxd` prints (`-g group`, default 2 bytes per group; 16 bytes a line). */
export function writeXxd(fn: Image, options: { group?: number } = {}): string {
  const g = options.group ?? 2;
  const b = writeBinary(fn);
  const n = b.length;
  const width = 16 * 2 + Math.ceil(16 / g) - 1;
  let out = '';
  for (let row = 0; row < n; row += 16) {
    const end = Math.min(row + 16, n);
    let hex = '';
    for (let i = row; i < end; i++) {
      if (i > row && (i - row) % g === 0) hex += ' ';
      hex += HEX[b[i]];
    }
    out += `${row.toString(16).padStart(8, '0')}: ${hex.padEnd(width)}  ${ascii(b, row, end)}\n`;
  }
  return out;
}
