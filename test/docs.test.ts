import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publicApi as api } from './support/public-api.js';

const tables = Object.entries(api).filter(([name]) => name.endsWith('_DIAGNOSTICS')) as Array<
  [string, Record<string, { severity: string; meaning: string }>]
>;

describe('docs/diagnostics.md', () => {
  const doc = readFileSync(new URL('../docs/diagnostics.md', import.meta.url), 'utf8');

  it('lists every diagnostic code of every layer with its severity', () => {
    expect(tables.length).toBeGreaterThan(0);
    for (const [, table] of tables) {
      for (const [code, spec] of Object.entries(table)) {
        expect(doc, `docs/diagnostics.md misses ${code}`).toMatch(new RegExp(`\\| \`${code}\` \\| ${spec.severity} \\|`));
      }
    }
  });

  it('has no code twice across layers', () => {
    const seen = new Map<string, string>();
    for (const [name, table] of tables) {
      for (const code of Object.keys(table)) {
        expect(seen.get(code), `${code} in ${name} and ${seen.get(code)}`).toBeUndefined();
        seen.set(code, name);
      }
    }
  });
});
