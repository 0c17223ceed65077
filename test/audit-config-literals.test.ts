// Config-space offsets and masks come from the structure tables (src/pci/header.ts and the
// capability tables: `pciHeaderType0.field('capabilities_pointer').offset`), never as numbers
// written again in the code that reads or writes config space. This audit reads the modules
// that do (driver, model, probe, lookup, enumeration, the CLI, the web page and the text renderers) and fails
// on a header offset or mask spelled as a literal. Each exception below says why it stays.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
const SCOPE = ['driver', 'model', 'virtio/probe.ts', 'virtio/lookup.ts', 'pci/enumerate.ts', 'pci/class-text.ts', 'cli', 'web', 'layout/fields-text.ts', 'layout/annotate-text.ts'];

/** file: the literal text a line may keep, and why. */
const ALLOW: Record<string, { text: string; why: string }[]> = {
  'model/bars.ts': [{ text: 'at + 4, 4', why: 'the upper half of a 64-bit BAR is the next BAR register, 4 bytes on' }],
  'model/device.ts': [{ text: 'at + 4, 4', why: 'the upper half of a 64-bit BAR is the next BAR register, 4 bytes on' }],
  'model/description.ts': [
    { text: 'MODEL_DEFAULT_COMMAND_WRITABLE = 0x0507', why: "QEMU's writable Command bits as measured on a virtio-pci function: a fact about QEMU, not a layout" },
  ],
};

const HEX = String.raw`0x[0-9a-fA-F]+`;
const RULES: { name: string; re: RegExp }[] = [
  // A named copy of a header register's offset or a mask of one of its bits.
  { name: 'header register constant', re: new RegExp(String.raw`\bconst\s+\w*(COMMAND|STATUS|BAR\d|CAP_PTR|CAP_LIST|HEADER_TYPE|ROM|_BUS|IO_BASE|IO_LIMIT|MEM_BASE|MEM_LIMIT|PREF_|REVISION|INTERRUPT)\w*\s*=\s*${HEX}\b`) },
  // A literal offset handed to a config-space accessor.
  { name: 'literal offset to configRead/configWrite', re: new RegExp(String.raw`\bconfig(Read|Write)\([^,()]+,\s*[^,()]*\b${HEX}\b`) },
  { name: 'literal offset to peek/poke/setMasks', re: new RegExp(String.raw`\b(peek|poke|setMasks)\(\s*${HEX}\b`) },
  { name: 'literal index into config bytes', re: new RegExp(String.raw`\b(\w*bytes|known|k)\[\s*${HEX}\s*\]`) },
  { name: 'literal offset to readU8/16/32 of config bytes', re: new RegExp(String.raw`\breadU(8|16|32)\(\s*[\w.]*bytes,\s*${HEX}\b`) },
  { name: 'literal offset of a config-space diagnostic', re: new RegExp(String.raw`\bvdiag\('\w+',\s*${HEX}\b`) },
  { name: 'literal compared with the known length of config space', re: new RegExp(String.raw`(\.length\s*[<>]=?\s*${HEX}\b|\b${HEX}\s*[<>]=?\s*\w+\.length)`) },
  // A literal offset into a capability (or register) found at run time.
  { name: 'literal offset from a capability', re: new RegExp(String.raw`\b(peek|poke|setMasks)\(\s*[\w.]*(CapAt|\bat)!?\s*\+\s*(${HEX}|\d+)\b`) },
  { name: 'literal status bit', re: new RegExp(String.raw`\bstatus:\s*[^,]*\?\s*${HEX}\b`) },
];

function files(rel: string): string[] {
  const p = join(SRC, rel);
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(rel, n))).filter((f) => f.endsWith('.ts') && !f.endsWith('.gen.ts'));
}

/** Hits as "file:line rule: text", comments left out. */
function audit(): string[] {
  const hits: string[] = [];
  for (const f of SCOPE.flatMap(files)) {
    const rel = relative(SRC, f);
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*)/.test(code)) return;
      for (const r of RULES) {
        if (!r.re.test(code)) continue;
        if (ALLOW[rel]?.some((a) => code.includes(a.text))) continue;
        hits.push(`${rel}:${i + 1} ${r.name}: ${code.trim()}`);
      }
    });
  }
  return hits;
}

describe('config-space offsets and masks come from the tables', () => {
  it('no literal header offset or mask in the driver, model, probe, lookup or enumeration', () => {
    expect(audit()).toEqual([]);
  });

  it('every allow-list entry still matches something and says why', () => {
    for (const [rel, entries] of Object.entries(ALLOW)) {
      const text = readFileSync(join(SRC, rel), 'utf8');
      for (const a of entries) {
        expect(text.includes(a.text), `${rel}: ${a.text}`).toBe(true);
        expect(a.why.length, `${rel}: ${a.text}`).toBeGreaterThan(10);
      }
    }
  });
});
