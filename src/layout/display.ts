// What a bit range means to a reader, declared beside the bit in its table: the CLI text, the
// bridge window summary and the derived values of the JSON (MSI-X sizes and offsets, the ROM
// address) read it from there rather than keeping rules of their own. It changes nothing that
// is decoded or encoded (and so no generated codec).

/** How a bit range reads, where its raw value would mislead. */
export interface BitDisplay {
  /** The range holds the address bits from `shift` up: shown as the byte address, value << shift. */
  readonly shift?: number;
  /** A window's limit: the address bits below `shift` read as ones (limit 0x1 of a 4 KiB-granular window is 0x1fff). */
  readonly limit?: true;
  /** Shown under this name rather than the bit's (`address_low`: the low half of a 64-bit address). */
  readonly label?: string;
  /** The value encodes N-1; the unit of N (`entries`). */
  readonly minusOne?: string;
  /** The name of each value, by value. */
  readonly names?: readonly string[];
}

/**
 * The byte address a `shift` range's value `x` stands for (the limit's low bits set). Bit ranges
 * are inside 32-bit registers, so the address is below 2^32: a number, exact.
 */
export function displayedAddress(d: BitDisplay, x: number): number {
  const scale = 2 ** (d.shift ?? 0);
  return x * scale + (d.limit ? scale - 1 : 0);
}

/** The count an N-1 range's value `x` stands for (x itself when the range is not N-1). */
export function displayedCount(d: BitDisplay | undefined, x: number): number {
  return d?.minusOne ? x + 1 : x;
}
