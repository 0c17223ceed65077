// The `raw` field of a device in JSON: the image as the dump gave it, byte for byte, with
// bytes the dump did not give written as `--` (unknown is neither 0xff nor 0).
import { Buffer } from 'node:buffer';

export function rawToJson(bytes: Uint8Array, known: Uint8Array | null, length: number): string {
  // Node's hex encoder, then '--' over the holes: a string per byte joined was most of the
  // time of `decode --json` on a 4096-byte function.
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('hex');
  if (!known) return hex;
  const k = known.subarray(0, length);
  let hole = k.indexOf(0);
  let out = '';
  let at = 0;
  while (hole >= 0) {
    let end = k.indexOf(1, hole);
    if (end < 0) end = length;
    out += hex.slice(2 * at, 2 * hole) + '--'.repeat(end - hole);
    at = end;
    hole = k.indexOf(0, end);
  }
  return at === 0 ? hex : out + hex.slice(2 * at);
}

/**
 * Parse `raw` back: bytes (unknown ones 0xff, as the dump readers fill them) in a 256- or
 * 4096-byte image, the known mask and the length. Null when malformed.
 */
export function rawFromJson(text: string): { bytes: Uint8Array; known: Uint8Array; length: number } | null {
  const t = text.replace(/\s+/g, '');
  // The length first: the pattern is not run over megabytes.
  if (t.length % 2 !== 0 || t.length > 2 * 4096 || !/^([0-9a-fA-F]{2}|--)*$/.test(t)) return null;
  const length = t.length / 2;
  const size = length > 256 ? 4096 : 256;
  const bytes = new Uint8Array(size).fill(0xff);
  const known = new Uint8Array(size);
  for (let i = 0; i < length; i++) {
    const pair = t.slice(2 * i, 2 * i + 2);
    if (pair === '--') continue;
    bytes[i] = parseInt(pair, 16);
    known[i] = 1;
  }
  return { bytes, known, length };
}
