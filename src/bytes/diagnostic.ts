// Decoding never throws on data: every anomaly becomes a Diagnostic with a stable code.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable, documented identifier (see docs/diagnostics.md), e.g. `CAP_LOOP`. */
  readonly code: string;
  readonly severity: Severity;
  /** Byte offset in the image the diagnostic is about (null when it is about no byte). */
  readonly offset: number | null;
  /** One line, no trailing period. */
  readonly message: string;
}

export interface DiagnosticSpec {
  readonly severity: Severity;
  /** What the code means, as docs/diagnostics.md explains it. */
  readonly meaning: string;
}

/**
 * A layer's table of diagnostic codes. Declaring them in one table per layer keeps codes
 * stable and lets a test check that docs/diagnostics.md lists every one.
 */
export type DiagnosticTable<K extends string> = { readonly [P in K]: DiagnosticSpec };

export function defineDiagnostics<K extends string>(table: DiagnosticTable<K>): DiagnosticTable<K> {
  return table;
}

/** Build a diagnostic from a layer's table, so severity always follows the code. */
export function diag<K extends string>(
  table: DiagnosticTable<K>,
  code: K,
  offset: number | null,
  message: string,
): Diagnostic {
  return { code, severity: table[code].severity, offset, message };
}
