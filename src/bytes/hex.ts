// Hex formatting shared by text output, JSON output and diagnostics.

/** `0x` followed by lowercase hex, zero-padded to `digits`. */
export function hex(v: number | bigint, digits = 0): string {
  const s = v.toString(16);
  return '0x' + (s.length < digits ? '0'.repeat(digits - s.length) + s : s);
}

/** Lowercase hex without prefix, zero-padded to `digits`. */
export function hexDigits(v: number | bigint, digits: number): string {
  const s = v.toString(16);
  return s.length < digits ? '0'.repeat(digits - s.length) + s : s;
}

/** Space-separated lowercase byte pairs, as lspci and xxd print them. */
export function hexBytes(b: Uint8Array, start = 0, end = b.length): string {
  let out = '';
  for (let i = start; i < end; i++) {
    if (i > start) out += ' ';
    const v = b[i];
    out += (v < 16 ? '0' : '') + v.toString(16);
  }
  return out;
}

/** Parse `0x…` or plain hex / decimal text into a bigint; null when malformed. */
export function parseBigInt(text: string): bigint | null {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return null;
}
