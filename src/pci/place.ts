// Shared bookkeeping of one decode: diagnostics, IMAGE_TRUNCATED reported once, and placing
// structures (value, layout entry for encode, region for annotation).
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { region, type Region } from '../layout/annotate.js';
import type { Struct } from '../layout/struct.js';
import type { CapPart } from './caps/common.js';
import { PCI_DIAGNOSTICS, type PciDiagnosticCode } from './diagnostics.js';
import type { PciPlacedStruct } from './types.js';

export class DecodeState {
  readonly diagnostics: Diagnostic[] = [];
  readonly layout: PciPlacedStruct[] = [];
  readonly regions: Region[] = [];
  private truncatedReported = false;

  constructor(
    readonly bytes: Uint8Array,
    /** Bytes that are known. */
    readonly length: number,
  ) {}

  report(code: PciDiagnosticCode, offset: number | null, message: string): void {
    this.diagnostics.push(diag(PCI_DIAGNOSTICS, code, offset, message));
  }

  /** IMAGE_TRUNCATED, once per image, at the first byte that was needed and not known. */
  truncated(what: string): void {
    if (this.truncatedReported) return;
    this.truncatedReported = true;
    this.report('IMAGE_TRUNCATED', this.length, `${what} runs past the ${this.length} known bytes; fields there are not available`);
  }

  /** Decode one structure as far as `limit` allows and record it. Returns the value and where it stopped. */
  place(struct: Struct<any>, offset: number, size: number, limit: number, label: string): { value: Record<string, unknown>; end: number } {
    const end = Math.max(offset, Math.min(offset + size, limit));
    const { value } = struct.decodePartial(this.bytes, offset, end);
    const v = value as Record<string, unknown>;
    this.layout.push({ struct, offset, end, value: v });
    this.regions.push(region(struct, offset, label, end - offset));
    return { value: v, end };
  }

  /**
   * Place the parts of a capability. The first part's value is `fields`; later parts go into
   * the arrays their `arrayKey` names. Returns the claimed length and whether it was cut short.
   */
  placeParts(parts: readonly CapPart[], pos: number, limit: number, label: string): { fields: Record<string, unknown>; length: number; cut: boolean } {
    let fields: Record<string, unknown> = {};
    let maxEnd = pos;
    let cut = false;
    parts.forEach((p, i) => {
      const size = p.size ?? p.struct.size;
      const { value, end } = this.place(p.struct, p.offset, size, limit, p.arrayKey ? `${label} ${p.arrayKey}` : label);
      if (end < p.offset + size) cut = true;
      maxEnd = Math.max(maxEnd, end);
      if (i === 0) {
        fields = value;
      } else if (p.arrayKey) {
        ((fields[p.arrayKey] ??= []) as unknown[]).push(value);
      } else {
        throw new Error(`${label}: part ${i} (${p.struct.name}) needs an arrayKey`);
      }
    });
    return { fields, length: maxEnd - pos, cut };
  }
}
