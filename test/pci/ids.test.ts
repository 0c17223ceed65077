// The lazy pci.ids reader against a naive one written here from pciutils' lib/names-parse.c
// (one pass, every line, a plain state machine), with the reader's documented recovery where
// pciutils stops: a malformed line is skipped, and so are the lines nested under it; of two
// entries for one id the first counts. Also: any text never makes it throw, and the installed
// pci.ids gives the same names both ways for every entry.
import { existsSync, readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parsePciIds, type PciIdsProblem, type PciNames } from '../../src/pci/index.js';

interface Naive {
  vendors: Map<number, string>;
  devices: Map<string, string>;
  subsystems: Map<string, string>;
  generic: Map<string, string>;
  classes: Map<number, string>;
  subclasses: Map<string, string>;
  progIfs: Map<string, string>;
}

const k = (...ids: number[]) => ids.join(':');

function naive(text: string): Naive {
  const n: Naive = { vendors: new Map(), devices: new Map(), subsystems: new Map(), generic: new Map(), classes: new Map(), subclasses: new Map(), progIfs: new Map() };
  const put = (m: Map<string | number, string>, key: string | number, name: string) => void (m.has(key) || m.set(key, name));
  const hex = (s: string, n: number) => (s.length >= n && /^[0-9a-fA-F]+$/.test(s.slice(0, n)) ? parseInt(s.slice(0, n), 16) : -1);
  const isWhite = (c: string | undefined) => c === ' ' || c === '\t';
  const rest = (s: string, at: number) => {
    if (!isWhite(s[at])) return undefined;
    const r = s.slice(at).replace(/^[ \t]+/, '');
    return r === '' ? undefined : r;
  };
  let cat: 'none' | 'vendor' | 'gen' | 'class' = 'none';
  let id1 = 0;
  let cur: number | null = null; // the device or subclass nest-2 lines go under
  for (const raw of text.split('\n')) {
    let s = raw.split('\r')[0]!;
    const nul = s.includes('\0');
    if (!nul) {
      if (isWhite(s[s.length - 1])) s = s.slice(0, -1);
      const t = s.replace(/^[ \t]+/, '');
      if (t === '' || t[0] === '#') continue;
    }
    const nest = /^\t*/.exec(s)![0].length;
    const b = s.slice(nest);
    if (nest === 0) {
      cat = 'none';
      if (nul) continue;
      if (b[0] === 'C' && b[1] === ' ') {
        const id = hex(b.slice(2), 2);
        const name = id < 0 ? undefined : rest(b, 4);
        if (name !== undefined) [cat, id1, cur] = ['class', id, 0];
        if (name !== undefined) put(n.classes, id, name);
      } else if (b[0] === 'S' && b[1] === ' ') {
        const id = b.length === 6 ? hex(b.slice(2), 4) : -1;
        if (id >= 0 && n.vendors.has(id)) [cat, id1] = ['gen', id];
      } else if (b[1] === ' ' && b[0]! >= 'A' && b[0]! <= 'Z') {
        // an unknown section: skipped with what is under it
      } else {
        const id = hex(b, 4);
        const name = id < 0 ? undefined : rest(b, 4);
        if (name !== undefined) [cat, id1, cur] = ['vendor', id, null];
        if (name !== undefined) put(n.vendors, id, name);
      }
    } else if (nest === 1) {
      const w = cat === 'class' ? 2 : 4;
      const id = nul ? -1 : hex(b, w);
      const name = id < 0 ? undefined : rest(b, w);
      cur = name === undefined ? null : id;
      if (name === undefined) continue;
      if (cat === 'vendor') put(n.devices, k(id1, id), name);
      if (cat === 'gen') put(n.generic, k(id1, id), name);
      if (cat === 'class') put(n.subclasses, k(id1, id), name);
    } else if (nest === 2 && !nul && cur !== null) {
      if (cat === 'vendor') {
        const sv = hex(b, 4);
        const sd = sv >= 0 && isWhite(b[4]) ? hex(b.slice(5), 4) : -1;
        const name = sd < 0 ? undefined : rest(b, 9);
        if (name !== undefined) put(n.subsystems, k(id1, cur, sv, sd), name);
      } else if (cat === 'class') {
        const p = hex(b, 2);
        const name = p < 0 ? undefined : rest(b, 2);
        if (name !== undefined) put(n.progIfs, k(id1, cur, p), name);
      }
    }
  }
  return n;
}

/** Every lookup the naive parse has an answer for, and the same ids one off, asked of `names`. */
function expectSame(names: PciNames, n: Naive, extra: readonly number[] = []): void {
  const ids = (key: string) => key.split(':').map(Number);
  const ask = new Set<number>([...n.vendors.keys(), ...extra]);
  for (const v of ask) expect(names.vendor(v), `vendor ${v}`).toBe(n.vendors.get(v));
  for (const key of [...n.devices.keys(), ...extra.flatMap((a) => extra.map((b) => k(a, b)))]) {
    const [v, d] = ids(key) as [number, number];
    expect(names.device(v, d), `device ${key}`).toBe(n.devices.get(key));
  }
  for (const key of n.subsystems.keys()) {
    const [v, d, sv, sd] = ids(key) as [number, number, number, number];
    expect(names.subsystem(v, d, sv, sd), `subsystem ${key}`).toBe(n.subsystems.get(key));
    expect(names.subsystem(v, d, sv, sd + 1)).toBe(n.subsystems.get(k(v, d, sv, sd + 1)));
  }
  for (const key of n.generic.keys()) {
    const [sv, sd] = ids(key) as [number, number];
    expect(names.genericSubsystem?.(sv, sd), `generic ${key}`).toBe(n.generic.get(key));
  }
  for (const c of new Set([...n.classes.keys(), ...extra.map((x) => x & 0xff)])) expect(names.baseClass(c), `class ${c}`).toBe(n.classes.get(c));
  for (const key of [...n.subclasses.keys(), ...extra.map((x) => k(x & 0xff, x & 0xff))]) {
    const [c, s] = ids(key) as [number, number];
    expect(names.subclass(c, s), `subclass ${key}`).toBe(n.subclasses.get(key));
  }
  for (const key of [...n.progIfs.keys(), ...extra.map((x) => k(x & 0xff, 0, x & 0xff))]) {
    const [c, s, p] = ids(key) as [number, number, number];
    expect(names.progIf(c, s, p), `prog-if ${key}`).toBe(n.progIfs.get(key));
  }
}

// Lines of a pci.ids, good and bad, with few enough ids that entries meet again (duplicates,
// blocks of one vendor twice, subsystems of a device listed twice).
const ID4 = ['0001', '00aa', '00AA', '1af4', 'ffff'];
const ID2 = ['00', '01', '0a', '0A', 'ff'];
const WS = [' ', '  ', '\t', ' \t'];
const NAME = ['A', 'B c', 'Dé ü', 'x ', 'y  ', 'z\t ', '', ' ', '#x'];
const pick = <T,>(xs: readonly T[]) => fc.constantFrom(...xs);
const lineArb = fc.oneof(
  fc.tuple(pick(ID4), pick(WS), pick(NAME)).map(([a, w, n]) => `${a}${w}${n}`),
  fc.tuple(pick(ID4), pick(WS), pick(NAME)).map(([a, w, n]) => `\t${a}${w}${n}`),
  fc.tuple(pick(ID4), pick(ID4), pick(WS), pick(NAME), pick([' ', '\t', ''])).map(([a, b, w, n, s]) => `\t\t${a}${s}${b}${w}${n}`),
  fc.tuple(pick(ID2), pick(WS), pick(NAME)).map(([a, w, n]) => `C ${a}${w}${n}`),
  fc.tuple(pick(ID2), pick(WS), pick(NAME)).map(([a, w, n]) => `\t${a}${w}${n}`),
  fc.tuple(pick(ID2), pick(WS), pick(NAME)).map(([a, w, n]) => `\t\t${a}${w}${n}`),
  pick(ID4).map((a) => `S ${a}`),
  pick(['X y', 'S 1af4 ', '\t\t\t0001 0002  deep', '# comment', ' # indented comment', '', ' ', '\t', '\t\t', '\r', '1af4\r  cut', '00aa  nul\0', '\t00aa  nul\0', '\t\t0001 0001  nul\0', '#\0']),
  fc.string({ unit: fc.constantFrom('0', 'a', 'A', 'C', 'S', ' ', '\t', '\r', '\0', '#', 'x', 'é') }),
);
const fileArb = fc.tuple(fc.array(lineArb, { maxLength: 40 }), pick(['\n', '\r\n']), fc.boolean()).map(([ls, nl, end]) => ls.join(nl) + (end ? nl : ''));
const EXTRA = [0x0001, 0x00aa, 0x1af4, 0xffff, 0x0a, 0x00, 0x01, 0xff, 0x1234];

describe('parsePciIds', () => {
  it('reads vendors, devices, subsystems, classes, subclasses and prog-ifs as pciutils does', () => {
    const text = [
      '# comment',
      '1af4  Red Hat, Inc.',
      '\t1001  Virtio block device',
      '\t\t1af4 0002  Example subsystem',
      '\t1041  Virtio 1.0 network device ',
      '',
      '8086  Intel Corporation',
      '\t0f23  Atom SATA\t',
      'C 01  Mass storage controller',
      '\t\t05  a prog-if before any subclass (subclass 00, as in pciutils)',
      '\t06  SATA controller',
      '\t\t01  AHCI 1.0',
      'C 0c  Serial bus controller',
    ].join('\n');
    const n = parsePciIds(text);
    expect([n.vendor(0x1af4), n.device(0x1af4, 0x1001), n.subsystem(0x1af4, 0x1001, 0x1af4, 2), n.device(0x1af4, 0x1041)]).toEqual([
      'Red Hat, Inc.',
      'Virtio block device',
      'Example subsystem',
      'Virtio 1.0 network device', // one trailing blank goes, as in pciutils
    ]);
    expect([n.device(0x8086, 0x0f23), n.device(0x8086, 0x1001), n.vendor(0x10de)]).toEqual(['Atom SATA', undefined, undefined]);
    expect([n.baseClass(1), n.subclass(1, 6), n.progIf(1, 6, 1), n.progIf(1, 0, 5), n.subclass(1, 0), n.baseClass(0x0c)]).toEqual([
      'Mass storage controller',
      'SATA controller',
      'AHCI 1.0',
      'a prog-if before any subclass (subclass 00, as in pciutils)',
      undefined,
      'Serial bus controller',
    ]);
  });

  it('skips a malformed line and what is nested under it, and tells the lines it read', () => {
    const problems: PciIdsProblem[] = [];
    const text = ['1af4  Red Hat', '\tzz01  bad device', '\t\t1af4 0001  under the bad device', '\t1001  ok', '10de', '\t0001  under a bad vendor'].join('\n');
    const n = parsePciIds(text, { onProblem: (p) => problems.push(p) });
    expect([n.device(0x1af4, 0x1001), n.subsystem(0x1af4, 0xff01, 0x1af4, 1), n.vendor(0x10de), n.device(0x10de, 1)]).toEqual(['ok', undefined, undefined, undefined]);
    expect(problems).toEqual([{ line: 5, message: 'vendor line is not `vvvv name`' }]);
  });

  it('reads only the lines of the vendors asked for', () => {
    const problems: PciIdsProblem[] = [];
    const n = parsePciIds('1af4  A\n\t1001  B\n8086  C\n\tzzzz  bad\n\t0001  D\n', { onProblem: (p) => problems.push(p) });
    expect(n.device(0x1af4, 0x1001)).toBe('B');
    expect(problems).toEqual([]); // 8086's malformed line was not read
    expect(n.device(0x8086, 1)).toBe('D');
    expect(n.device(0x8086, 0xffff)).toBe(undefined);
  });

  test.prop([fc.string({ maxLength: 300 })], { numRuns: 500 })('never throws on any text', (text) => {
    const n = parsePciIds(text, { onProblem: () => undefined });
    for (const id of EXTRA) {
      n.vendor(id);
      n.device(id, id);
      n.subsystem(id, id, id, id);
      n.genericSubsystem?.(id, id);
      n.baseClass(id & 0xff);
      n.subclass(id & 0xff, id & 0xff);
      n.progIf(id & 0xff, 0, id & 0xff);
    }
  });

  test.prop([fileArb], { numRuns: 1000 })('every lookup gives what a full naive parse gives', (text) => {
    expectSame(parsePciIds(text), naive(text), EXTRA);
  });

  test.prop([fileArb], { numRuns: 300 })('the answers do not depend on the order of the lookups', (text) => {
    const a = parsePciIds(text);
    const b = parsePciIds(text);
    const asks = EXTRA.flatMap((x) => EXTRA.map((y) => [x, y] as const));
    const one = asks.map(([x, y]) => [a.subsystem(x, y, x, y), a.device(x, y), a.vendor(x), a.progIf(x & 0xff, y & 0xff, x & 0xff)]);
    const two = asks
      .reverse()
      .map(([x, y]) => [b.vendor(x), b.progIf(x & 0xff, y & 0xff, x & 0xff), b.device(x, y), b.subsystem(x, y, x, y)])
      .reverse()
      .map(([v, p, d, s]) => [s, d, v, p]);
    expect(two).toEqual(one);
  });

  const SYSTEM = ['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids', '/usr/share/pci.ids'].find((p) => existsSync(p));
  it.skipIf(!SYSTEM)(`the installed pci.ids (${SYSTEM ?? 'none installed: skipped'}): every entry as the naive parse reads it`, () => {
    const text = readFileSync(SYSTEM!, 'utf8');
    const problems: PciIdsProblem[] = [];
    const n = naive(text);
    expect(n.vendors.size).toBeGreaterThan(1000);
    expectSame(parsePciIds(text, { onProblem: (p) => problems.push(p) }), n);
    expect(problems).toEqual([]);
  });
});
