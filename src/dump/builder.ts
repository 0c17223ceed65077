// Collects the bytes of one function as lines give them, and turns them into a DumpFunction
// with the diagnostics about what is missing.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { formatPciAddress, type PciAddress } from '../pci/bus.js';
import { DUMP_DIAGNOSTICS } from './diagnostics.js';
import type { DumpFormat, DumpFunction } from './types.js';
import { allocBytes } from '../bytes/slab.js';

export const CONFIG_SPACE_MAX = 4096;
const MAX_HOLE_DIAGNOSTICS = 8;

export class FunctionBuilder {
  bytes = allocBytes(256).fill(0xff);
  known = allocBytes(256);
  length = 0;
  /** True while every byte below `length` is known (no holes to look for at the end). */
  dense = true;
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly format: DumpFormat,
    readonly slot: PciAddress | null,
    readonly description: string,
    readonly file: string | undefined,
    readonly line: number,
  ) {}

  /** Caller guarantees 0 <= offset < 4096. */
  set(offset: number, value: number): void {
    if (offset >= this.bytes.length) this.grow();
    this.bytes[offset] = value;
    this.known[offset] = 1;
    if (offset >= this.length) {
      if (offset > this.length) this.dense = false;
      this.length = offset + 1;
    }
  }

  /** Forget a byte (hexdump word padding past the end offset). */
  unset(offset: number): void {
    if (offset >= this.bytes.length) return;
    this.bytes[offset] = 0xff;
    this.known[offset] = 0;
    this.dense = false;
    if (offset + 1 === this.length) {
      let l = offset;
      while (l > 0 && this.known[l - 1] !== 1) l--;
      this.length = l;
    }
  }

  private grow(): void {
    const b = allocBytes(CONFIG_SPACE_MAX).fill(0xff);
    const k = allocBytes(CONFIG_SPACE_MAX);
    b.set(this.bytes);
    k.set(this.known);
    this.bytes = b;
    this.known = k;
  }

  warn(code: keyof typeof DUMP_DIAGNOSTICS, offset: number | null, message: string): void {
    this.diagnostics.push(diag(DUMP_DIAGNOSTICS, code, offset, message));
  }

  finish(): DumpFunction {
    const name = this.slot ? formatPciAddress(this.slot) : this.file ?? 'the image';
    if (this.length === 0) this.warn('DUMP_NO_DATA', null, `no configuration bytes given for ${name}`);
    else if (this.length < 64) this.warn('DUMP_SHORT', this.length, `only ${this.length} bytes given for ${name}; the standard header has 64`);
    let holes = 0;
    const known = this.known;
    // Typed-array indexOf finds the holes' edges much faster than a loop over every byte.
    for (let i = this.dense ? -1 : known.indexOf(0); i >= 0 && i < this.length; i = known.indexOf(0, i)) {
      let j = known.indexOf(1, i);
      if (j < 0 || j > this.length) j = this.length;
      holes++;
      if (holes <= MAX_HOLE_DIAGNOSTICS) {
        const range = j - i === 1 ? `byte 0x${i.toString(16)} was` : `bytes 0x${i.toString(16)}-0x${(j - 1).toString(16)} were`;
        this.warn('DUMP_HOLES', i, `${range} not given for ${name}; unknown`);
      }
      i = j;
    }
    if (holes > MAX_HOLE_DIAGNOSTICS) {
      this.warn('DUMP_HOLES', null, `${holes - MAX_HOLE_DIAGNOSTICS} more ranges of bytes were not given for ${name}`);
    }
    return {
      slot: this.slot,
      description: this.description,
      bytes: this.bytes,
      length: this.length,
      known: this.known,
      source: this.file === undefined ? { line: this.line } : { file: this.file, line: this.line },
      format: this.format,
      diagnostics: this.diagnostics,
    };
  }
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

export function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Value of each byte as an ASCII hex digit; -1 for every other byte (index with a char code < 256). */
export const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 128; c++) if (isHex(c)) HEX_VALUE[c] = hexVal(c);

/** Describe a character for an error message. */
export function showChar(s: string, i: number): string {
  if (i >= s.length) return 'end of line';
  const c = s[i];
  if (c === ' ') return 'a space';
  if (c === '\t') return 'a tab';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character 0x${code.toString(16).padStart(2, '0')}`;
  return `'${c}'`;
}
