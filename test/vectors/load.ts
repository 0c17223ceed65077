// The spec-vectors/ folder as the tests see it: every NAME.json with its NAME.lspci, read back
// with the project's dump reader. Adding a vector pair to the folder adds it to every test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDump } from '../../src/dump/index.js';
import type { DumpFunction } from '../../src/dump/types.js';
import type { VectorDevice } from '../../scripts/vectors/project.mjs';

export const VECTORS_DIR = fileURLToPath(new URL('../../spec-vectors/', import.meta.url));

export interface VectorRecord {
  schema: string;
  group: string;
  name: string;
  description: string;
  provenance: Record<string, unknown>;
  image: { file: string; slot: string; length: number };
  device?: VectorDevice;
  declared?: Record<string, any>;
  expectDiagnostics?: string[];
  expected: any;
}

export interface Vector {
  /** Path below spec-vectors/ without extension, e.g. `qemu/pc/00_03_0-virtio-blk`. */
  readonly id: string;
  readonly record: VectorRecord;
  /** The .lspci text as stored. */
  readonly text: string;
  /** The one function the .lspci holds, as readDump gives it. */
  readonly fn: DumpFunction;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every vector, sorted by id. Throws on a vector file that cannot be read (a broken folder). */
export function loadVectors(): Vector[] {
  const out: Vector[] = [];
  for (const p of walk(VECTORS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const record = JSON.parse(readFileSync(p, 'utf8')) as VectorRecord;
    if (record.schema !== 'pcicfg-spec-vector/1') continue; // e.g. qemu/SKIPPED.json
    const text = readFileSync(join(p, '..', record.image.file), 'utf8');
    const { functions } = readDump(text, { file: record.image.file });
    if (functions.length !== 1) throw new Error(`${p}: ${functions.length} functions in ${record.image.file}, want 1`);
    out.push({ id: relative(VECTORS_DIR, p).replace(/\\/g, '/').replace(/\.json$/, ''), record, text, fn: functions[0] });
  }
  return out;
}
