// The JSON value convention of the CLI (docs/cli.md): numbers that always fit in 32 bits are
// JSON numbers; addresses, sizes and 64-bit values are lowercase "0x…" strings; byte arrays
// are plain lowercase hex strings, in memory order ("f41a0110" is f4 1a 01 10).
import { Buffer } from 'node:buffer';
import { hex } from '../bytes/hex.js';
import { shownJson } from './shown.js';

export function bytesToHex(b: Uint8Array, start = 0, end = b.length): string {
  const v = b.subarray(start, end);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}

/** Parse a byte-array hex string (whitespace allowed between bytes); null when malformed. */
export function hexToBytes(text: string): Uint8Array | null {
  const t = text.replace(/\s+/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return null;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const addr = (v: bigint | number): string => hex(v);
export const addrOrNull = (v: bigint | number | null | undefined): string | null => (v === null || v === undefined ? null : hex(v));

/** Convert a decoded value (numbers, bigints, byte arrays, arrays, plain objects) to JSON data. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return hex(v);
    case 'object':
      if (v instanceof Uint8Array) return bytesToHex(v);
      if (Array.isArray(v)) return v.map(jsonValue);
      if (v instanceof Map) {
        const o: Record<string, unknown> = {};
        for (const [k, x] of v) o[String(k)] = jsonValue(x);
        return o;
      }
      {
        // A record of plain values (most `info` objects) is copied whole: growing a new object
        // key by key is slow once it has more than a few properties.
        const r = v as Record<string, unknown>;
        let plain = true;
        for (const k in r) {
          const x = r[k];
          const t = typeof x;
          if (x !== null && t !== 'number' && t !== 'string' && t !== 'boolean') {
            plain = false;
            break;
          }
        }
        if (plain) return Object.assign({}, r);
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(r)) {
          if (x !== undefined && typeof x !== 'function') o[k] = jsonValue(x);
        }
        return o;
      }
    default:
      return String(v);
  }
}

/**
 * Turn a JSON value back into the type of `like` (the value the raw image decodes to), for
 * `encode`. Returns an error message instead of throwing.
 */
export function valueLike(like: unknown, json: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof like === 'number') {
    if (typeof json === 'number' && Number.isInteger(json) && json >= 0) return { ok: true, value: json };
    if (typeof json === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(json.trim())) {
      const b = BigInt(json.trim());
      if (b <= BigInt(Number.MAX_SAFE_INTEGER)) return { ok: true, value: Number(b) };
    }
    return { ok: false, message: `expected a non-negative integer, got ${shownJson(json)}` };
  }
  if (typeof like === 'bigint') {
    if (typeof json === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(json.trim())) return { ok: true, value: BigInt(json.trim()) };
    if (typeof json === 'number' && Number.isSafeInteger(json) && json >= 0) return { ok: true, value: BigInt(json) };
    return { ok: false, message: `expected a "0x…" string, got ${shownJson(json)}` };
  }
  if (like instanceof Uint8Array) {
    const b = typeof json === 'string' ? hexToBytes(json) : null;
    if (!b) return { ok: false, message: `expected a hex byte string, got ${shownJson(json)}` };
    if (b.length !== like.length) return { ok: false, message: `expected ${like.length} bytes, got ${b.length}` };
    return { ok: true, value: b };
  }
  if (typeof like === 'boolean') {
    if (typeof json === 'boolean') return { ok: true, value: json };
    return { ok: false, message: `expected true or false, got ${shownJson(json)}` };
  }
  if (typeof like === 'string') {
    if (typeof json === 'string') return { ok: true, value: json };
    return { ok: false, message: `expected a string, got ${shownJson(json)}` };
  }
  return { ok: false, message: 'this value cannot be edited' };
}
