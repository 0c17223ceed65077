// `decode --annotate`: the hex dump with every byte range labelled `structure.field`, from
// the regions the decoders placed; bytes no structure claims are marked, never dropped.
import { hexDigits } from '../bytes/hex.js';
import { labelAt, type Region } from './annotate.js';
import type { FieldInfo } from './struct.js';
import { bitsText, fieldText } from './fields-text.js';

export interface AnnotateInput {
  readonly bytes: Uint8Array;
  /** 1 where the byte is known; null when all bytes below `length` are. */
  readonly known: Uint8Array | null;
  readonly length: number;
  readonly regions: readonly Region[];
}

const BYTES_PER_LINE = 16;

function hexRun(b: Uint8Array, from: number, to: number, known: Uint8Array | null): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(known && known[i] !== 1 ? '--' : hexDigits(b[i], 2));
  return parts.join(' ');
}

function offsetText(from: number, to: number): string {
  const a = hexDigits(from, 3);
  return to - from === 1 ? a : `${a}-${hexDigits(to - 1, 3)}`;
}

/**
 * One labelled run of the annotated dump: a field's bytes (`structure.field = value  bits`),
 * or bytes no structure claims, or bytes the dump did not give. `region` is null for the last two.
 */
export interface AnnotatedRun {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  readonly kind: 'field' | 'unclaimed' | 'unknown';
  readonly region: Region | null;
  /** What `decode --annotate` prints beside the bytes. */
  readonly label: string;
}

/** The runs of `[0, length)` in order, each byte in exactly one. */
export function annotateRuns(a: AnnotateInput): AnnotatedRun[] {
  const out: AnnotatedRun[] = [];
  for (let i = 0; i < a.length; ) {
    if (a.known && a.known[i] !== 1) {
      let j = i;
      while (j < a.length && a.known[j] !== 1) j++;
      out.push({ from: i, to: j, kind: 'unknown', region: null, label: '(not given by the dump: unknown)' });
      i = j;
      continue;
    }
    const l = labelAt(a.regions, i);
    if (!l) {
      let j = i + 1;
      while (j < a.length && !labelAt(a.regions, j) && !(a.known && a.known[j] !== 1)) j++;
      out.push({ from: i, to: j, kind: 'unclaimed', region: null, label: '(unclaimed)' });
      i = j;
      continue;
    }
    const f: FieldInfo = l.field;
    const start = l.region.offset + f.offset;
    const end = Math.min(start + f.size, l.region.offset + l.region.length, a.length);
    const value = i === start && end === start + f.size ? fieldText(a.bytes, a.length, l.region.offset, f, a.known) : null;
    const bits = value !== null ? bitsText(a.bytes, l.region.offset, f) : '';
    const label = `${l.region.struct}.${f.name}${value !== null && f.kind !== 'bytes' ? ` = ${value}` : ''}${bits ? `  ${bits}` : ''}`;
    const to = Math.max(end, i + 1);
    out.push({ from: i, to, kind: 'field', region: l.region, label });
    i = to;
  }
  return out;
}

/** Lines of the annotated dump (without the function's heading). */
export function annotateLines(a: AnnotateInput): string[] {
  const lines: string[] = [];
  let lastRegion: Region | null = null;
  for (const run of annotateRuns(a)) {
    if (run.region !== null && run.region !== lastRegion) lines.push(`  ${run.region.label}`);
    // A hole inside a structure does not repeat its heading; unclaimed bytes end it.
    if (run.kind !== 'unknown') lastRegion = run.region;
    // Long runs (unclaimed space, wide reserved fields) are printed 16 bytes per line.
    for (let s = run.from; s < run.to; s += BYTES_PER_LINE) {
      const e = Math.min(run.to, s + BYTES_PER_LINE);
      lines.push(`  ${offsetText(s, e).padEnd(7)}  ${hexRun(a.bytes, s, e, a.known).padEnd(47)}  ${s === run.from ? run.label : '…'}`);
    }
  }
  return lines;
}
