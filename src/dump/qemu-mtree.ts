// QEMU's `info mtree -f` (and `info mtree`): each flat view's ranges with the region that
// serves them. pcicfg reads it to tell which trace regions are I/O ports (their view's root is
// `io`) and where each region lies in the CPU's address space.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { DUMP_DIAGNOSTICS } from './diagnostics.js';

export interface QemuMtreeRange {
  readonly start: bigint;
  /** Last address (inclusive), as QEMU prints it. */
  readonly end: bigint;
  readonly priority: number;
  /** `ram`, `rom`, `i/o`, `romd`, … */
  readonly type: string;
  readonly name: string;
  /** `@offset`: where in the region the range starts (aliases, split regions); 0 when not printed. */
  readonly offset: bigint;
}

export interface QemuMtreeView {
  /** The address spaces the view serves (`memory`, `I/O`, `cpu-memory-0`, a device's bus master space). */
  readonly addressSpaces: readonly string[];
  /** The root region (`system`, `io`); null when the text gives none. */
  readonly root: string | null;
  readonly ranges: readonly QemuMtreeRange[];
}

export interface QemuMtree {
  readonly views: readonly QemuMtreeView[];
  readonly diagnostics: readonly Diagnostic[];
}

const RANGE = /^\s*([0-9a-f]{1,16})-([0-9a-f]{1,16}) \(prio (-?\d+), ([a-z/]+)\): (.*?)(?: @([0-9a-f]{1,16}))?(?: KVM)?(?: \[disabled\])?\s*$/;
const AS = /^\s*AS "(.*)", root: (.*)$/;
const ROOT = /^\s*Root memory region: (.*)$/;
const ADDRESS_SPACE = /^address-space: (.*)$/;

/** Reads `info mtree -f` text; lines it does not know are skipped, malformed range lines reported. */
export function parseQemuMtree(text: string, options: { readonly file?: string } = {}): QemuMtree {
  const file = options.file ?? '<input>';
  const views: Array<{ addressSpaces: string[]; root: string | null; ranges: QemuMtreeRange[] }> = [];
  const diagnostics: Diagnostic[] = [];
  let cur: (typeof views)[number] | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (/^FlatView #\d+/.test(line) || ADDRESS_SPACE.test(line)) {
      cur = { addressSpaces: [], root: null, ranges: [] };
      views.push(cur);
      const a = ADDRESS_SPACE.exec(line);
      if (a) cur.addressSpaces.push(a[1]);
      continue;
    }
    const as = AS.exec(line);
    if (as && cur) {
      cur.addressSpaces.push(as[1]);
      cur.root = as[2];
      continue;
    }
    const root = ROOT.exec(line);
    if (root && cur) {
      cur.root = root[1];
      continue;
    }
    if (!/^\s*[0-9a-f]+-[0-9a-f]+ /.test(line)) continue;
    const m = RANGE.exec(line);
    if (!m || !cur) {
      diagnostics.push(diag(DUMP_DIAGNOSTICS, 'TRACE_LINE_MALFORMED', null, `${file}:${i + 1}:1: not an \`info mtree\` range line (START-END (prio N, TYPE): NAME); skipped`));
      continue;
    }
    cur.ranges.push({ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), priority: Number(m[3]), type: m[4], name: m[5], offset: m[6] ? BigInt('0x' + m[6]) : 0n });
  }
  return { views, diagnostics };
}

/** Whether `name` is a region of the I/O port space in `mtree` (null: the name is not there). */
export function qemuMtreeRegionSpace(mtree: QemuMtree, name: string): 'io' | 'mem' | null {
  let space: 'io' | 'mem' | null = null;
  for (const v of mtree.views) {
    if (!v.ranges.some((r) => r.name === name)) continue;
    if (v.root === 'io' || v.addressSpaces.includes('I/O')) return 'io';
    space = 'mem';
  }
  return space;
}

/** Where region `name` starts in the memory space (its first range's start less its `@offset`), or null. */
export function qemuMtreeRegionStart(mtree: QemuMtree, name: string): bigint | null {
  for (const v of mtree.views) {
    if (v.root === 'io' || v.addressSpaces.includes('I/O')) continue;
    const r = v.ranges.find((x) => x.name === name);
    if (r) return r.start - r.offset;
  }
  return null;
}
