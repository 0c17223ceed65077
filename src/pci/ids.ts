// Names of PCI vendors, devices, subsystems and classes, and a reader of pciutils' pci.ids
// list (the format of pciutils lib/names-parse.c). The reader is lazy: it indexes the
// top-level lines once, at the first lookup, and parses a vendor's or a class's lines only
// when one of its ids is asked for, so a dump with a few devices never parses all 40 000 lines.

/**
 * Where names come from: pci.ids (`parsePciIds`) or a table of one's own. Each lookup returns
 * the name, or undefined when it has none; ids are the numbers in config space.
 */
export interface PciNames {
  vendor(vendorId: number): string | undefined;
  device(vendorId: number, deviceId: number): string | undefined;
  /** The subsystem as listed under its device (pci.ids' `\t\tsvid sdid name` lines). */
  subsystem(vendorId: number, deviceId: number, subsystemVendorId: number, subsystemId: number): string | undefined;
  /** A subsystem named for every device (pci.ids' `S` blocks, rarely used). */
  genericSubsystem?(subsystemVendorId: number, subsystemId: number): string | undefined;
  /** Base class (the class code's top byte). */
  baseClass(baseClass: number): string | undefined;
  subclass(baseClass: number, subclass: number): string | undefined;
  progIf(baseClass: number, subclass: number, progIf: number): string | undefined;
}

/** A line of pci.ids that is not in its format; the reader skips it (pciutils stops there). */
export interface PciIdsProblem {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export interface PciIdsOptions {
  /** Called for each malformed line the lookups come across (only lines they read). */
  readonly onProblem?: (problem: PciIdsProblem) => void;
}

// One line of pci.ids, as pciutils reads it. `nest` is the number of leading tabs; null: a
// blank or comment line.
interface Line {
  readonly nest: number;
  /** The line after its tabs, cut at the first CR and without one trailing blank. */
  readonly body: string;
}

const TAB = 9;
const white = (c: string | undefined) => c === ' ' || c === '\t';

/** `n` hex digits at `at` (either case, as pciutils), or -1. */
function hexAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The line starting at `start` and ending before `end` (its newline); null when blank or a comment. */
function readLine(text: string, start: number, end: number): Line | null | 'nul' {
  let s = text.slice(start, end);
  const cr = s.indexOf('\r');
  if (cr >= 0) s = s.slice(0, cr);
  // pciutils reads C strings: a NUL ends its line early and it reports "Line too long".
  if (s.includes('\0')) return 'nul';
  if (white(s[s.length - 1])) s = s.slice(0, -1);
  let i = 0;
  while (white(s[i])) i++;
  if (i === s.length || s[i] === '#') return null;
  let nest = 0;
  while (s.charCodeAt(nest) === TAB) nest++;
  return { nest, body: s.slice(nest) };
}

/** The name after an id and its blank (`p` is where the blank is); undefined if none. */
function nameAfter(body: string, p: number): string | undefined {
  if (!white(body[p])) return undefined;
  let i = p + 1;
  while (white(body[i])) i++;
  return i < body.length ? body.slice(i) : undefined;
}

/** `hhhh name` (n = 4) or `hh name` (n = 2) at the start of `body`. */
function idLine(body: string, n: number): { id: number; name: string } | undefined {
  const id = hexAt(body, 0, n);
  const name = id < 0 ? undefined : nameAfter(body, n);
  return name === undefined ? undefined : { id, name };
}

/** `ssss dddd name`: a subsystem line under a device. */
function subsystemLine(body: string): { sv: number; sd: number; name: string } | undefined {
  const sv = hexAt(body, 0, 4);
  const sd = white(body[4]) ? hexAt(body, 5, 4) : -1;
  const name = sv < 0 || sd < 0 ? undefined : nameAfter(body, 9);
  return name === undefined ? undefined : { sv, sd, name };
}

type Top =
  | { readonly kind: 'vendor' | 'class'; readonly id: number; readonly name: string }
  | { readonly kind: 'generic'; readonly id: number }
  | { readonly kind: 'unknown' | 'bad'; readonly message?: string };

/** A top-level line: a vendor, `C xx name`, `S vvvv`, another `X ` section, or malformed. */
function topLine(body: string): Top {
  if (body[1] === ' ' && body[0] === 'C') {
    const e = idLine(body.slice(2), 2);
    return e ? { kind: 'class', ...e } : { kind: 'bad', message: 'class line is not `C xx name`' };
  }
  if (body[1] === ' ' && body[0] === 'S') {
    const id = body.length === 6 ? hexAt(body, 2, 4) : -1;
    return id >= 0 ? { kind: 'generic', id } : { kind: 'bad', message: 'subsystem block line is not `S vvvv`' };
  }
  if (body[1] === ' ' && body[0]! >= 'A' && body[0]! <= 'Z') return { kind: 'unknown' };
  const e = idLine(body, 4);
  return e ? { kind: 'vendor', ...e } : { kind: 'bad', message: 'vendor line is not `vvvv name`' };
}

/** Pairs of text offsets [start, end): the lines nested under an entry (each occurrence of its id). */
type Ranges = number[];

/**
 * The lines at one depth of a stretch of the text: `entries`, the start of every line there
 * that is not blank or a comment (each ends the lines nested under the one before it), and in
 * `ids` beside each, the id of `width` hex digits it starts with (followed by a blank), or -1:
 * candidates, checked when asked for. Flat arrays: a vendor such as Intel has 4000 devices.
 */
interface Level {
  readonly entries: number[];
  readonly ids: number[];
}

/** The entries of a level whose id is `id`, in order. */
function withId(level: Level, id: number): number[] {
  const out: number[] = [];
  for (let i = level.ids.indexOf(id); i >= 0; i = level.ids.indexOf(id, i + 1)) out.push(level.entries[i]!);
  return out;
}

// Lines starting with exactly 0 or 1 tab: found by the regular expression engine, so the many
// more deeply nested lines (subsystems) are skipped without a step of JavaScript each.
const LINE_AT = [/\n(?!\t)/g, /\n\t(?!\t)/g] as const;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** A key of two 16-bit ids. */
const pair = (a: number, b: number) => a * 0x10000 + b;

/** The first offset in sorted `list` above `at`, or `none`. */
function nextAbove(list: readonly number[], at: number, none: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo]! : none;
}

interface Entry {
  name: string | undefined;
  /** The lines under each valid occurrence of the entry. */
  readonly ranges: Ranges;
}

class PciIdsNames implements PciNames {
  private top: { level: Level; generic: Map<number, number[]> } | null = null;
  private classLines: Map<number, number[]> | null = null;
  private readonly vendors = new Map<number, Entry>();
  private readonly vendorLevels = new Map<number, Level[]>();
  private readonly devices = new Map<number, Entry>();
  private readonly subsystems = new Map<number, Map<number, string>>();
  private readonly classes = new Map<number, Entry>();
  private readonly classLevels = new Map<number, Level[]>();
  private readonly subclasses = new Map<number, Entry>();
  private readonly progIfs = new Map<number, Map<number, string>>();
  private readonly generics = new Map<number, Map<number, string>>();

  constructor(
    private readonly text: string,
    private readonly onProblem: ((p: PciIdsProblem) => void) | undefined,
  ) {}

  private problem(offset: number, message: string): void {
    if (!this.onProblem) return;
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) line++;
    this.onProblem({ line, message });
  }

  /** The offset of the newline ending the line at `at`, or the text's length. */
  private lineEnd(at: number): number {
    const e = this.text.indexOf('\n', at);
    return e < 0 ? this.text.length : e;
  }

  private line(at: number): Line | null | 'nul' {
    return readLine(this.text, at, this.lineEnd(at));
  }

  /** The lines with `nest` leading tabs in [from, to), `from` being a line start. */
  private level(from: number, to: number, nest: 0 | 1, width: number): Level {
    const t = this.text;
    const entries: number[] = [];
    const ids: number[] = [];
    const re = LINE_AT[nest];
    const tabs = t.charCodeAt(from) === TAB ? (t.charCodeAt(from + 1) === TAB ? 2 : 1) : 0;
    re.lastIndex = from;
    for (let s = tabs === nest && from < to && from < t.length ? from : -1; ; ) {
      if (s >= 0) {
        const p = s + nest;
        const id = isHex(t.charCodeAt(p)) ? hexAt(t, p, width) : -1;
        if (id >= 0 && white(t[p + width])) {
          entries.push(s);
          ids.push(id);
        } else if (this.line(s) !== null) {
          entries.push(s);
          ids.push(-1);
        }
      }
      const m = re.exec(t);
      if (m === null || m.index + 1 >= to || m.index + 1 >= t.length) break;
      s = m.index + 1;
    }
    return { entries, ids };
  }

  private index() {
    if (this.top) return this.top;
    const t = this.text;
    const level = this.level(0, t.length + 1, 0, 4);
    const generic = new Map<number, number[]>();
    for (const at of withId(level, -1)) {
      const l = this.line(at);
      const e = l === null ? { kind: 'unknown' as const } : l === 'nul' ? { kind: 'bad' as const, message: 'NUL byte in line' } : topLine(l.body);
      // `C ` lines are classIndex()'s, which reports the malformed ones.
      if (e.kind === 'bad' && !t.startsWith('C ', at)) this.problem(at, e.message ?? '');
      else if (e.kind === 'generic') {
        const list = generic.get(e.id);
        if (list) list.push(at);
        else generic.set(e.id, [at]);
      }
    }
    return (this.top = { level, generic });
  }

  /**
   * The class lines by id, found by their `C ` alone: class names (every function's, with -n
   * too) need no index of the vendors.
   */
  private classIndex(): Map<number, number[]> {
    if (this.classLines) return this.classLines;
    const t = this.text;
    const out = new Map<number, number[]>();
    const re = /\nC /g;
    for (let at = t.startsWith('C ') ? 0 : -1; ; ) {
      if (at >= 0) {
        const l = this.line(at);
        const e = l === null || l === 'nul' ? undefined : topLine(l.body);
        if (e?.kind === 'class') {
          const list = out.get(e.id);
          if (list) list.push(at);
          else out.set(e.id, [at]);
        } else this.problem(at, l === 'nul' ? 'NUL byte in line' : e?.kind === 'bad' ? (e.message ?? '') : 'class line is not `C xx name`');
      }
      const m = re.exec(t);
      if (!m) break;
      at = m.index + 1;
    }
    return (this.classLines = out);
  }

  /** The start of the first top-level line after the one at `at` that is not blank or a comment (or past the end). */
  private nextTop(at: number): number {
    const t = this.text;
    const re = LINE_AT[0];
    re.lastIndex = this.lineEnd(at);
    for (let m = re.exec(t); m !== null && m.index + 1 < t.length; m = re.exec(t)) if (this.line(m.index + 1) !== null) return m.index + 1;
    return t.length + 1;
  }

  /** The range of lines nested under the entry at `at`, whose level's entries are `entries`. */
  private under(at: number, entries: readonly number[], end: number): [number, number] {
    return [this.lineEnd(at) + 1, nextAbove(entries, at, end)];
  }

  /** A vendor's or class's entry: the first valid line of those with its id, and what is under each valid one. */
  private topEntry(kind: 'vendor' | 'class', id: number): Entry | undefined {
    const cache = kind === 'vendor' ? this.vendors : this.classes;
    let e = cache.get(id);
    if (e) return e;
    const lines = kind === 'vendor' ? withId(this.index().level, id) : (this.classIndex().get(id) ?? []);
    if (!lines.length) return undefined;
    e = { name: undefined, ranges: [] };
    for (const at of lines) {
      const l = this.line(at);
      const t = l === null || l === 'nul' ? undefined : topLine(l.body);
      if (!t || t.kind !== kind) {
        this.problem(at, l === 'nul' ? 'NUL byte in line' : t?.kind === 'bad' ? (t.message ?? '') : 'not a vendor line');
        continue;
      }
      e.name ??= t.name;
      e.ranges.push(this.lineEnd(at) + 1, kind === 'vendor' ? nextAbove(this.index().level.entries, at, this.text.length + 1) : this.nextTop(at));
    }
    cache.set(id, e);
    return e;
  }

  /** The nest-1 levels under a vendor's or class's lines. */
  private levels(kind: 'vendor' | 'class', id: number): Level[] {
    const cache = kind === 'vendor' ? this.vendorLevels : this.classLevels;
    let ls = cache.get(id);
    if (ls) return ls;
    const r = this.topEntry(kind, id)?.ranges ?? [];
    ls = [];
    for (let i = 0; i < r.length; i += 2) ls.push(this.level(r[i]!, r[i + 1]!, 1, kind === 'vendor' ? 4 : 2));
    cache.set(id, ls);
    return ls;
  }

  /**
   * A device's or subclass's entry. `orphans`: the class section files nest-2 lines that come
   * before any subclass under subclass 00, as pciutils does (under a vendor they are errors).
   */
  private nestedEntry(kind: 'vendor' | 'class', id: number, sub: number): Entry | undefined {
    const cache = kind === 'vendor' ? this.devices : this.subclasses;
    const key = pair(id, sub);
    let e = cache.get(key);
    if (e) return e;
    const width = kind === 'vendor' ? 4 : 2;
    const top = this.topEntry(kind, id);
    if (!top) return undefined;
    const levels = this.levels(kind, id);
    e = { name: undefined, ranges: [] };
    levels.forEach((level, i) => {
      const end = top.ranges[2 * i + 1]!;
      if (kind === 'class' && sub === 0) e!.ranges.push(top.ranges[2 * i]!, level.entries[0] ?? end);
      for (const at of withId(level, sub)) {
        const l = this.line(at);
        const n = l === null || l === 'nul' ? undefined : idLine(l.body, width);
        if (!n) {
          this.problem(at, l === 'nul' ? 'NUL byte in line' : `entry is not \`${width === 4 ? 'dddd' : 'xx'} name\``);
          continue;
        }
        e!.name ??= n.name;
        e!.ranges.push(...this.under(at, level.entries, end));
      }
    });
    cache.set(key, e);
    return e;
  }

  /**
   * A nest-2 name: a subsystem under a device (key: both ids) or a prog-if under a subclass;
   * the lines under the entry are parsed at the first ask.
   */
  private leaf(kind: 'vendor' | 'class', id: number, sub: number, key: number): string | undefined {
    const cache = kind === 'vendor' ? this.subsystems : this.progIfs;
    let m = cache.get(pair(id, sub));
    if (!m) {
      const ranges = this.nestedEntry(kind, id, sub)?.ranges;
      if (!ranges) return undefined;
      cache.set(pair(id, sub), (m = this.leaves(ranges, kind)));
    }
    return m.get(key);
  }

  /** The nest-2 lines of ranges by key; nest 3 and deeper are malformed. */
  private leaves(ranges: Ranges, kind: 'vendor' | 'class'): Map<number, string> {
    const out = new Map<number, string>();
    const t = this.text;
    for (let r = 0; r < ranges.length; r += 2) {
      const stop = Math.min(ranges[r + 1]!, t.length);
      for (let at = ranges[r]!; at < stop; ) {
        const end = this.lineEnd(at);
        const l = readLine(t, at, end);
        if (l !== null) {
          const e = l === 'nul' || l.nest !== 2 ? undefined : kind === 'vendor' ? subsystemLine(l.body) : idLine(l.body, 2);
          if (!e) this.problem(at, l === 'nul' ? 'NUL byte in line' : l.nest > 2 ? 'line nested more than two deep' : `entry is not \`${kind === 'vendor' ? 'ssss dddd name' : 'xx name'}\``);
          else {
            const key = 'sv' in e ? pair(e.sv, e.sd) : e.id;
            if (!out.has(key)) out.set(key, e.name);
          }
        }
        at = end + 1;
      }
    }
    return out;
  }

  vendor(v: number): string | undefined {
    return this.topEntry('vendor', v)?.name;
  }

  device(v: number, d: number): string | undefined {
    return this.nestedEntry('vendor', v, d)?.name;
  }

  subsystem(v: number, d: number, sv: number, sd: number): string | undefined {
    return this.leaf('vendor', v, d, pair(sv, sd));
  }

  genericSubsystem(sv: number, sd: number): string | undefined {
    let m = this.generics.get(sv);
    if (!m) {
      m = new Map();
      const lines = this.index().generic.get(sv) ?? [];
      // pciutils takes an `S vvvv` block only after a line naming vendor vvvv.
      const first = this.topEntry('vendor', sv)?.ranges[0];
      for (const at of lines) {
        if (first === undefined || first > at) {
          this.problem(at, 'subsystem block of a vendor not listed before it');
          continue;
        }
        const [from, to] = this.under(at, this.index().level.entries, this.text.length + 1);
        const level = this.level(from, to, 1, 4);
        level.entries.forEach((a, i) => {
          const l = this.line(a);
          const n = level.ids[i]! < 0 || l === null || l === 'nul' ? undefined : idLine(l.body, 4);
          if (n && !m!.has(n.id)) m!.set(n.id, n.name);
        });
      }
      this.generics.set(sv, m);
    }
    return m.get(sd);
  }

  baseClass(c: number): string | undefined {
    return this.topEntry('class', c)?.name;
  }

  subclass(c: number, s: number): string | undefined {
    return this.nestedEntry('class', c, s)?.name;
  }

  progIf(c: number, s: number, p: number): string | undefined {
    return this.leaf('class', c, s, p);
  }
}

/**
 * Names from the text of a pci.ids file. Nothing is parsed here: the first lookup indexes
 * the top-level lines, and each vendor's or class's lines are parsed when first asked for.
 * Never throws on the text: a malformed line is skipped (and passed to `onProblem` when a
 * lookup reads it); of two entries for the same id, the first counts.
 */
export function parsePciIds(text: string, options: PciIdsOptions = {}): PciNames {
  return new PciIdsNames(text, options.onProblem);
}
