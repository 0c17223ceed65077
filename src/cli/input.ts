// Where functions come from: a file, standard input, the bundled example, or this host's
// sysfs. Functions are yielded one at a time as the reader completes them, so a dump of
// millions of functions is never held whole.
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../bytes/diagnostic.js';
import { parseSlotFilter, slotMatches, type PciAddress } from '../pci/bus.js';
import { DumpParseError, isFullyKnown, type DumpFormat, type DumpFunction } from '../dump/types.js';
import { iterateDumpAsync } from '../dump/read.js';
import { findQemuPciFunction, parseQemuInfoPci, qemuBarSizes, type QemuPciFunction } from '../dump/qemu-info-pci.js';
import { flag, stringValue, type OptionSpecs, type Parsed } from './args.js';
import type { CommandContext } from './context.js';
import { CliInputError, CliUsageError } from './errors.js';
import { shown } from './shown.js';
import { systemMessage } from './system-message.js';
import { readAll, type Output } from './io.js';
import { fileChunks, standardInput } from './file-chunks.js';

/** The options every command that reads functions accepts. */
export const INPUT_OPTIONS = {
  slot: { type: 'string', short: 's' },
  format: { type: 'string', short: 'F' },
  sysfs: { type: 'boolean' },
  'info-pci': { type: 'string' },
  strict: { type: 'boolean' },
} as const satisfies OptionSpecs;

export const EXAMPLE_DUMP = fileURLToPath(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url));
export const EXAMPLE_INFO_PCI = fileURLToPath(new URL('../../examples/qemu-virtio-blk.info-pci', import.meta.url));

const FORMATS: readonly DumpFormat[] = ['lspci', 'hexdump', 'xxd', 'binary'];

/** A function to decode: what a dump gave, plus BAR information from elsewhere. */
export interface DeviceInput {
  readonly slot: PciAddress | null;
  readonly description: string;
  readonly bytes: Uint8Array;
  /** 1 where the byte is known; null when every byte below `length` is. */
  readonly known: Uint8Array | null;
  readonly length: number;
  readonly diagnostics: readonly Diagnostic[];
  /** BAR sizes by index, from `info pci` or sysfs, when known. */
  readonly barSizes: ReadonlyMap<number, bigint> | null;
  /** Where the BAR sizes came from (for the text output). */
  readonly barSizesFrom: string | null;
}

export interface InputSpec {
  readonly command: string;
  /** FILE, '-', or null for the bundled example. */
  readonly file: string | null;
  readonly sysfs: boolean;
  readonly format: DumpFormat | null;
  readonly slot: ReturnType<typeof parseSlotFilter>;
  readonly slotText: string | null;
  readonly infoPci: string | null;
  /** A line that looks like data but is not is an error (DUMP_LINE_IGNORED), not a warning. */
  readonly strict: boolean;
}

export function inputSpec(command: string, p: Parsed, file: string | null): InputSpec {
  const slotText = stringValue(p, 'slot') ?? null;
  const slot = slotText === null ? null : parseSlotFilter(slotText);
  if (slotText !== null && !slot) throw new CliUsageError(`-s: '${shown(slotText)}' is not [[domain:]bus:]dev.fn`, command);
  if (slot && slot.device !== null && slot.device > 0x1f) throw new CliUsageError(`-s: device ${slot.device.toString(16)} in '${shown(slotText!)}' is not 00-1f`, command);
  const fmt = stringValue(p, 'format') ?? null;
  if (fmt !== null && !(FORMATS as readonly string[]).includes(fmt)) {
    throw new CliUsageError(`--format must be one of ${FORMATS.join(', ')}, got '${fmt}'`, command);
  }
  const sysfs = flag(p, 'sysfs');
  if (sysfs && file !== null) throw new CliUsageError('give either FILE or --sysfs, not both', command);
  if (sysfs && fmt !== null) throw new CliUsageError('--format does not apply to --sysfs', command);
  return { command, file, sysfs, format: fmt as DumpFormat | null, slot, slotText, infoPci: stringValue(p, 'info-pci') ?? null, strict: flag(p, 'strict') };
}

/** Name used in messages for the input. */
export function inputName(spec: InputSpec): string {
  return spec.sysfs ? '/sys/bus/pci/devices' : spec.file === null ? EXAMPLE_DUMP : spec.file === '-' ? '<stdin>' : spec.file;
}


/**
 * The chunks of `source`. When the next one is not there at once (the producer pauses, the
 * disk is slow), what was printed so far is flushed first: the functions already complete are
 * shown while the input waits, and a large dump read without pause is still written in large
 * chunks.
 */
export async function* flushWhileWaiting<T>(source: AsyncIterable<T>, out: Output): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const next = it.next();
      next.catch(() => undefined); // awaited below, unless the flush fails first: never unhandled
      // A chunk the source already holds comes within microtasks, before setImmediate's turn.
      const first = await Promise.race([next, new Promise<typeof WAITING>((resolve) => setImmediate(resolve, WAITING))]);
      if (first === WAITING) await out.flush();
      const r = first === WAITING ? await next : first;
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // Stopped early (a failure, no more -s matches wanted): let the source close its file.
    if (!done) await it.return?.();
  }
}

const WAITING = Symbol('waiting');

/** A function as read; `known` null when every byte below `length` is known. */
type RawFunction = Omit<DumpFunction, 'known'> & { readonly known: Uint8Array | null; readonly barSizes?: Map<number, bigint> };

async function* rawFunctions(spec: InputSpec, ctx: CommandContext): AsyncGenerator<RawFunction> {
  if (spec.sysfs) {
    const { iterateSysfs, SYSFS_PCI_DEVICES } = await import('../dump/node.js');
    const filter = spec.slot ? (a: PciAddress) => slotMatches(spec.slot!, a) : undefined;
    const it = iterateSysfs({ filter });
    for (;;) {
      let r: IteratorResult<RawFunction>;
      try {
        r = await it.next();
      } catch (e) {
        if (e instanceof DumpParseError) throw new CliInputError(null, e.message);
        const path = (e as { path?: string })?.path ?? SYSFS_PCI_DEVICES;
        throw new CliInputError(path, `cannot read: ${systemMessage(e)}`);
      }
      if (r.done) return;
      yield r.value;
    }
  }
  const path = spec.file === null ? EXAMPLE_DUMP : spec.file;
  const name = inputName(spec);
  const format = spec.format ?? 'auto';
  try {
    yield* iterateDumpAsync(flushWhileWaiting(path === '-' ? standardInput(ctx.io.stdin) : fileChunks(path), ctx.out), { file: name, format, strict: spec.strict });
  } catch (e) {
    if (e instanceof DumpParseError) throw new CliInputError(null, e.message);
    throw e;
  }
}

/** QEMU `info pci` prints a few hundred bytes per function: a file larger than this is not its output. */
export const INFO_PCI_MAX = 16 << 20;

async function loadInfoPci(path: string): Promise<QemuPciFunction[]> {
  const all = await readAll(fileChunks(path), INFO_PCI_MAX);
  if (!all) throw new CliInputError(path, `longer than ${INFO_PCI_MAX >> 20} MiB: not QEMU \`info pci\` output`);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(all);
  try {
    return parseQemuInfoPci(text, { file: path });
  } catch (e) {
    if (e instanceof DumpParseError) throw new CliInputError(null, e.message);
    throw e;
  }
}

/** The functions of the input that match -s, one at a time, with `info pci` BARs attached. */
export async function* readInputs(spec: InputSpec, ctx: CommandContext): AsyncGenerator<DeviceInput> {
  const infoPath = spec.infoPci ?? (spec.file === null && !spec.sysfs ? EXAMPLE_INFO_PCI : null);
  const info = infoPath === null ? null : await loadInfoPci(infoPath);
  for await (const fn of rawFunctions(spec, ctx)) {
    if (spec.slot && !(fn.slot ? slotMatches(spec.slot, fn.slot) : isMatchAll(spec.slot))) continue;
    // One literal, no spread: Node 20 takes about a microsecond per property added after one.
    const sizes = barSizesOf(fn, info, infoPath);
    yield {
      slot: fn.slot,
      description: fn.description,
      bytes: fn.bytes,
      known: fn.known === null || isFullyKnown(fn as DumpFunction) ? null : fn.known,
      length: fn.length,
      diagnostics: fn.diagnostics,
      barSizes: sizes.barSizes,
      barSizesFrom: sizes.barSizesFrom,
    };
  }
}

function barSizesOf(fn: RawFunction, info: QemuPciFunction[] | null, infoPath: string | null): { barSizes: ReadonlyMap<number, bigint> | null; barSizesFrom: string | null } {
  if (info && fn.slot) {
    const q = findQemuPciFunction(info, fn.slot);
    if (q) return { barSizes: qemuBarSizes(q), barSizesFrom: infoPath === EXAMPLE_INFO_PCI ? "the bundled example's QEMU info pci (examples/qemu-virtio-blk.info-pci)" : infoPath };
  }
  if (fn.barSizes && fn.barSizes.size) return { barSizes: fn.barSizes, barSizesFrom: 'sysfs resource' };
  return { barSizes: null, barSizesFrom: null };
}

function isMatchAll(f: NonNullable<ReturnType<typeof parseSlotFilter>>): boolean {
  return f.domain === null && f.bus === null && f.device === null && f.function === null;
}
