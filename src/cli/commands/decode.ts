// `pcicfg decode`: every function of a dump, as text, JSON or an annotated hex dump.
// Functions are decoded and printed one at a time (JSON included), so memory does not grow
// with the number of functions.
import { flag, intOption, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { shown } from '../shown.js';
import { INPUT_OPTIONS, inputName, inputSpec, readInputs, type DeviceInput, type InputSpec } from '../input.js';
import type { DecodeMode } from '../render.js';
import type { CliNames } from '../names.js';
import { cliNamesOption, NAMES_OPTIONS } from '../pci-ids-file.js';
import { DEFAULT_QUEUES_SHOWN } from '../virtio-view.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  json: { type: 'boolean' },
  annotate: { type: 'boolean' },
  queues: { type: 'string' },
  'force-ext-caps': { type: 'boolean' },
  ...NAMES_OPTIONS,
} as const;

export type { DecodeMode } from '../render.js';

/** Print decoded functions from any source of inputs (also used by `qemu dump --decode`). */
export async function printDevices(
  inputs: AsyncIterable<DeviceInput> | Iterable<DeviceInput>,
  mode: DecodeMode,
  ctx: CommandContext,
  queuesShown = DEFAULT_QUEUES_SHOWN,
  forceExtendedCapabilities = false,
  names: CliNames = null,
): Promise<number> {
  // Asking for the first function before loading the decoders lets the input be opened and
  // its first chunk read while they load.
  const it = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  let count = 0;
  try {
    let next = Promise.resolve(it.next());
    // Its failure (a malformed first line) is awaited below, after the import: not unhandled.
    next.catch(() => undefined);
    const { renderDevice } = await import('../render.js');
    if (mode === 'json') await ctx.out.write('{"devices":[');
    for (let r = await next; !r.done; r = await next) {
      // One write per function (not per line): thousands of functions, tens of lines each.
      const text = renderDevice(r.value, mode, queuesShown, forceExtendedCapabilities, names);
      // The separator apart: prefixing it would make a second copy of the function's text.
      if (mode === 'json') await ctx.out.write(count ? ',\n' : '\n');
      else if (count) await ctx.out.write('\n');
      await ctx.out.write(text);
      count++;
      next = Promise.resolve(it.next());
    }
  } finally {
    // A failure (or a closed output) leaves the reader unfinished: let it close its file or thread.
    await it.return?.();
  }
  if (mode === 'json') await ctx.out.write(count ? '\n]}\n' : ']}\n');
  return count;
}

export async function decodeCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('decode', argv, OPTIONS);
  if (p.positionals.length > 1) throw new CliUsageError(`expected at most one FILE, got ${p.positionals.length}`, 'decode');
  const json = flag(p, 'json');
  const annotate = flag(p, 'annotate');
  if (json && annotate) throw new CliUsageError('--json and --annotate exclude each other', 'decode');
  const q = stringValue(p, 'queues');
  const queuesShown = q === undefined ? DEFAULT_QUEUES_SHOWN : intOption('decode', '--queues', q, 0, 65536);
  const spec: InputSpec = inputSpec('decode', p, p.positionals[0] ?? null);
  // -n, -nn as lspci's; a pci.ids problem is one warning line, after the output.
  const warnings: string[] = [];
  const names = cliNamesOption(p.values, warnings);
  const count = await printDevices(readInputs(spec, ctx), json ? 'json' : annotate ? 'annotate' : 'text', ctx, queuesShown, flag(p, 'force-ext-caps'), names);
  for (const w of warnings) await ctx.err.line(w);
  if (count === 0 && spec.slotText !== null) {
    await ctx.err.line(`pcicfg decode: no function in ${shown(inputName(spec), 1000)} matches -s ${shown(spec.slotText)}`);
  }
  return 0;
}
