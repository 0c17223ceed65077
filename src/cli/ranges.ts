// Byte ranges as the CLI reports them: known-byte holes, and unclaimed bytes that the dump
// actually gave (a hole is unknown, not unclaimed).

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Runs of offsets below `length` where `pick(i)` holds. */
export function runs(length: number, pick: (i: number) => boolean): ByteRange[] {
  const out: ByteRange[] = [];
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const k = i < length && pick(i);
    if (k && start < 0) start = i;
    else if (!k && start >= 0) {
      out.push({ offset: start, length: i - start });
      start = -1;
    }
  }
  return out;
}

/** The parts of `ranges` whose bytes are known (`known` null: all are). */
export function knownParts(ranges: readonly ByteRange[], known: Uint8Array | null): ByteRange[] {
  if (!known) return ranges.map((r) => ({ offset: r.offset, length: r.length }));
  const out: ByteRange[] = [];
  for (const r of ranges) for (const p of runs(r.length, (i) => known[r.offset + i] === 1)) out.push({ offset: r.offset + p.offset, length: p.length });
  return out;
}

/** `0x40-0x7f, 0xa4` */
export function rangesText(ranges: readonly ByteRange[]): string {
  const x = (n: number) => '0x' + n.toString(16).padStart(2, '0');
  return ranges.map((u) => (u.length === 1 ? x(u.offset) : `${x(u.offset)}-${x(u.offset + u.length - 1)}`)).join(', ');
}
