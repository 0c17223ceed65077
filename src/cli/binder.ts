// JSON built from decoded values, remembering which JSON leaf came from which editable
// register: `encode` writes a leaf back only through such a binding, so editing a register in
// the JSON takes effect and editing a derived value (a name, an address) is reported.
import { jsonValue } from './json-values.js';

export interface BindingTarget {
  /** The decoded object (or array) the leaf came from: the very value the encoder writes. */
  readonly target: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** Every place the same register is held (a virtio cap's `bar` is in the vendor view and in `virtio`). */
export interface Binding {
  readonly targets: readonly BindingTarget[];
}

export class JsonBinder {
  readonly bindings = new Map<string, Binding>();

  /** `record` false: only convert (what `decode --json` needs), without building paths or bindings. */
  constructor(private readonly record = true) {}

  /**
   * Convert an editable value (a register record, an array of entry records) to JSON, binding
   * every leaf under `path`.
   */
  editable(value: Record<string, unknown> | unknown[], path: string): Record<string, unknown> | unknown[] {
    if (!this.record) return jsonValue(value) as Record<string, unknown> | unknown[];
    if (Array.isArray(value)) return value.map((v, i) => this.leafOrNested([{ target: value, key: i }], `${path}[${i}]`, v));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function') continue;
      out[k] = this.leafOrNested([{ target: value, key: k }], `${path}.${k}`, v);
    }
    return out;
  }

  /**
   * Spread an editable record's keys into `into`, each bound at `path.key` to `value[key]` and
   * to the same key of every record in `also`. Keys already in `into` and keys in `derived`
   * are shown but not bound.
   */
  spread(into: Record<string, unknown>, value: Record<string, unknown>, path: string, also: Record<string, unknown>[] = [], derived: ReadonlySet<string> = new Set()): void {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || k in into) continue;
      if (!this.record) {
        into[k] = jsonValue(v);
        continue;
      }
      if (derived.has(k)) {
        into[k] = jsonValue(v);
        continue;
      }
      const targets: BindingTarget[] = [{ target: value, key: k }];
      for (const a of also) if (k in a && a !== value) targets.push({ target: a, key: k });
      into[k] = this.leafOrNested(targets, `${path}.${k}`, v);
    }
  }

  /** Bind one JSON leaf at `path` to `key` of each record that has it (views of the same register). */
  alias(path: string, key: string, records: Record<string, unknown>[]): void {
    if (!this.record) return;
    const targets = records.filter((r) => key in r).map((r) => ({ target: r, key }));
    if (targets.length) this.bindings.set(path, { targets });
  }

  private leafOrNested(targets: BindingTarget[], path: string, v: unknown): unknown {
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      return this.editable(v as Record<string, unknown> | unknown[], path);
    }
    this.bindings.set(path, { targets });
    return jsonValue(v);
  }
}
