// Writes docs/diagnostics.md from the diagnostic tables the layers export (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import * as api from '../dist/index.js';

export function renderDiagnosticsDoc(mod) {
  const tables = Object.entries(mod)
    .filter(([name, v]) => name.endsWith('_DIAGNOSTICS') && v && typeof v === 'object')
    .sort(([a], [b]) => a.localeCompare(b));
  let out = '# Diagnostics\n\n';
  out +=
    'Decoding never throws on data. Every anomaly in the bytes becomes a diagnostic with a stable `code`, a ' +
    '`severity` (`error`: the structure cannot be used as it stands; `warning`: usable, but against the spec or ' +
    'against what drivers accept; `info`: worth knowing), the byte `offset` it is about (null when it is about no ' +
    'single byte) and a one-line `message`. Decoding goes on after every diagnostic.\n\n' +
    'This page is generated from the tables in the source (`npm run docs:diagnostics`); a test checks that it ' +
    'lists every code.\n';
  for (const [name, table] of tables) {
    const layer = name.replace(/_DIAGNOSTICS$/, '').toLowerCase();
    out += `\n## ${layer} (\`${name}\`)\n\n| code | severity | meaning |\n| --- | --- | --- |\n`;
    for (const [code, spec] of Object.entries(table)) {
      out += `| \`${code}\` | ${spec.severity} | ${String(spec.meaning).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |\n`;
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/diagnostics.md', import.meta.url), renderDiagnosticsDoc(api));
  console.log('wrote docs/diagnostics.md');
}
