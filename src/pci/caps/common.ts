// What a capability decoder hands the walker: the structures that make up the capability,
// chosen from the registers it could read, plus derived values.
import type { Diagnostic } from '../../bytes/diagnostic.js';
import type { Struct } from '../../layout/struct.js';

export interface CapPart {
  readonly struct: Struct<any>;
  /** Absolute offset of the structure. */
  readonly offset: number;
  /**
   * Where the part's value goes: undefined for the first part (it becomes `fields`), else the
   * name of an array in `fields` that collects the values (e.g. `entries`).
   */
  readonly arrayKey?: string;
  /** Bytes of the structure this instance has, when fewer than the struct's size (PCIe v1). */
  readonly size?: number;
}

export interface CapDecodeContext {
  readonly bytes: Uint8Array;
  /** Absolute offset of the capability. */
  readonly pos: number;
  /** Absolute end of the bytes this capability may use (known length, 256 or 4096). */
  readonly limit: number;
  readonly diagnostics: Diagnostic[];
}

/** `F`: the decoded `fields` (any register may be absent); `I`: what `info` derives from them. */
export interface CapDecoder<F = Record<string, any>, I = object> {
  /** Pick the structures from the registers that are available. */
  layout(ctx: CapDecodeContext): CapPart[];
  /** Values derived from the decoded registers (fields may be partial). */
  info?(fields: F, ctx: CapDecodeContext): I;
}

/** Named bits of a register (`Struct.bits`): numbers for ranges, booleans for single bits. */
export type RegisterBits = Record<string, number | boolean>;

/** Read a register only if it lies wholly before `limit`. */
export function availU8(ctx: CapDecodeContext, rel: number): number | null {
  return ctx.pos + rel + 1 <= ctx.limit ? ctx.bytes[ctx.pos + rel] : null;
}

export function availU16(ctx: CapDecodeContext, rel: number): number | null {
  const o = ctx.pos + rel;
  return o + 2 <= ctx.limit ? ctx.bytes[o] | (ctx.bytes[o + 1] << 8) : null;
}

export function availU32(ctx: CapDecodeContext, rel: number): number | null {
  const o = ctx.pos + rel;
  return o + 4 <= ctx.limit ? (ctx.bytes[o] | (ctx.bytes[o + 1] << 8) | (ctx.bytes[o + 2] << 16) | (ctx.bytes[o + 3] << 24)) >>> 0 : null;
}

/** Named bits of a register value if present (fields of partial decodes may be absent). */
export function bitsOf(s: Struct<any>, name: string, v: unknown): RegisterBits | undefined {
  return typeof v === 'number' ? s.bits(name, v) : undefined;
}
