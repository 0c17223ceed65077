// A guest boot as the files of spec-vectors/linux-guest/<machine>/ (the format is described in
// spec-vectors/linux-guest/README.md), and those files read back. Shared by the generator
// (scripts/guest-vectors.mjs) and the tests (test/guest/), which compare a live boot with them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { odBytes } from './boot.mjs';

export const GUEST_SCHEMA = 'pcicfg-linux-guest/1';
/**
 * Files a new boot reproduces (the trace is a record of one run): exactly, except mtree.txt,
 * whose flat views QEMU numbers in an order that varies from run to run (see sameContent).
 */
export const DETERMINISTIC_FILES = ['config.lspci', 'resource.txt', 'iomem.txt', 'ioports.txt', 'mtree.txt', 'info-pci.txt'];
/** Of those, the ones another kernel build changes (where its code and data sit in RAM). */
export const KERNEL_BUILD_FILES = ['iomem.txt', 'ioports.txt'];

/** `info mtree -f` with its flat views in a fixed order and unnumbered. */
export function normalizeMtree(text) {
  return text
    .split(/^FlatView #\d+\n/m)
    .map((v) => v.trimEnd())
    .filter(Boolean)
    .sort()
    .join('\n\n');
}

/** A trace without QEMU's host pointers (`mr 0x…`), which differ on every run. */
const withoutPointers = (trace) => trace.replace(/ mr 0x[0-9a-f]+ /g, ' mr - ');

/** Whether two versions of a file say the same (so the generator leaves the stored one). */
export function sameContent(file, a, b) {
  if (file === 'mtree.txt') return normalizeMtree(a) === normalizeMtree(b);
  if (file === TRACE_FILE) return withoutPointers(a) === withoutPointers(b);
  return a === b;
}
export const TRACE_FILE = 'trace.log';
export const RECORD_FILE = 'guest.json';

const VIRTIO_VENDOR = 0x1af4;
const IORESOURCE_MEM = 0x200n; // include/linux/ioport.h
const lf = (s) => s.replace(/\r\n/g, '\n');

/** The report blocks of one kind, by name. */
const blocksOf = (blocks, kind) => blocks.filter((b) => b.kind === kind);

/** Memory BARs of the virtio functions, from their `resource` lines: [start, end] pairs. */
function virtioMemoryRanges(lib, blocks) {
  const ranges = [];
  for (const c of blocksOf(blocks, 'config')) {
    const bytes = odBytes(c.lines);
    if ((bytes[0] | (bytes[1] << 8)) !== VIRTIO_VENDOR) continue;
    const res = blocks.find((b) => b.kind === 'resource' && b.name === c.name);
    for (const r of lib.parseSysfsResource((res?.lines ?? []).join('\n'))) {
      if (r.index < 6 && r.flags & IORESOURCE_MEM) ranges.push([r.start, r.end]);
    }
  }
  return ranges;
}

/**
 * The trace lines kept in the vector: accesses to a virtio function's regions (QEMU names them
 * `virtio-pci…`: the modern structures, the legacy I/O BAR) and to the MSI-X table and PBA inside
 * a virtio function's memory BAR. Every doorbell write is among them.
 */
export function filterTrace(lib, trace, blocks) {
  const ranges = virtioMemoryRanges(lib, blocks);
  const kept = [];
  for (const line of trace.split('\n')) {
    const t = lib.parseQemuTraceLine(line);
    if (t.kind !== 'access' || t.name === null) continue;
    if (t.name.startsWith('virtio-pci') || (/^msix-(table|pba)$/.test(t.name) && ranges.some(([s, e]) => t.addr >= s && t.addr <= e))) kept.push(line);
  }
  return kept.length ? kept.join('\n') + '\n' : '';
}

/**
 * The vector's files ({name: text}) for one boot.
 * @param {{ writeLspci: Function, parseSysfsSlot: Function, parseSysfsResource: Function, parseQemuTraceLine: Function }} lib
 */
export function guestFiles(lib, boot, provenance) {
  const { blocks } = boot;
  const functions = blocksOf(blocks, 'config').map((c) => {
    const bytes = odBytes(c.lines);
    const driver = blocks.find((b) => b.kind === 'driver' && b.name === c.name)?.lines[0] ?? 'none';
    return { name: c.name, driver, image: { bytes, length: bytes.length, slot: lib.parseSysfsSlot(c.name), description: `driver ${driver}` } };
  });
  const resource = blocksOf(blocks, 'resource').map((b) => `${b.name}\n${b.lines.filter((l) => l !== '').join('\n')}\n`).join('\n');
  const one = (kind) => blocksOf(blocks, kind).map((b) => b.lines.join('\n') + '\n')[0] ?? '';
  const trace = filterTrace(lib, boot.trace, blocks);
  const record = {
    schema: GUEST_SCHEMA,
    ...provenance,
    kernel: one('uname').trim(),
    modules: blocksOf(blocks, 'insmod').map((b) => b.name),
    functions: functions.map((f) => ({ slot: f.name, length: f.image.length, driver: f.driver })),
    disks: blocksOf(blocks, 'disk').map((b) => ({ name: b.name, readback: b.lines.at(-1) })),
    net: blocksOf(blocks, 'net').map((b) => b.name),
    trace: { file: TRACE_FILE, lines: trace ? trace.split('\n').length - 1 : 0 },
  };
  return {
    'config.lspci': lib.writeLspci(functions.map((f) => f.image)),
    'resource.txt': resource,
    'iomem.txt': one('iomem'),
    'ioports.txt': one('ioports'),
    'mtree.txt': lf(boot.mtree),
    'info-pci.txt': lf(boot.infoPci),
    [TRACE_FILE]: trace,
    [RECORD_FILE]: JSON.stringify(record, null, 2) + '\n',
  };
}

/** `resource.txt` as {slot: the function's sysfs `resource` text} (parse it with parseSysfsResource). */
export function splitResourceText(text) {
  const out = new Map();
  for (const block of text.split(/\n\n+/)) {
    const [slot, ...lines] = block.trim().split('\n');
    if (slot) out.set(slot, lines.join('\n') + '\n');
  }
  return out;
}

/** The files of a stored vector, {name: text} (absent files left out). */
export function readGuestVector(dir) {
  const out = {};
  for (const f of [...DETERMINISTIC_FILES, TRACE_FILE, RECORD_FILE]) if (existsSync(join(dir, f))) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}
