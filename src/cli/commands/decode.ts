// `pcicfg decode`: every function of a dump, as text, JSON or an annotated hex dump.
// Functions are decoded and printed one at a time (JSON included), so memory does not grow
// with the number of functions.
import { formatPciAddress } from '../../pci/bus.js';
import { flag, intOption, parseCommandArgs, stringValue } from '../args.js';
import { annotateLines } from '../annotate-text.js';
import type { CommandContext } from '../context.js';
import { decodeDevice, type DecodedDevice } from '../device.js';
import { deviceJson } from '../device-json.js';
import { CliUsageError } from '../errors.js';
import { INPUT_OPTIONS, inputName, inputSpec, readInputs, type DeviceInput, type InputSpec } from '../input.js';
import { deviceText } from '../text.js';
import { DEFAULT_QUEUES_SHOWN } from '../virtio-view.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  json: { type: 'boolean' },
  annotate: { type: 'boolean' },
  queues: { type: 'string' },
} as const;

export type DecodeMode = 'text' | 'json' | 'annotate';

/** Print decoded functions from any source of inputs (also used by `qemu dump --decode`). */
export async function printDevices(
  inputs: AsyncIterable<DeviceInput> | Iterable<DeviceInput>,
  mode: DecodeMode,
  ctx: CommandContext,
  queuesShown = DEFAULT_QUEUES_SHOWN,
): Promise<number> {
  let count = 0;
  if (mode === 'json') await ctx.out.write('{"devices":[');
  for await (const input of inputs) {
    const dev = decodeDevice(input, queuesShown);
    if (mode === 'json') {
      await ctx.out.write((count ? ',\n' : '\n') + JSON.stringify(deviceJson(dev)));
    } else {
      // One write per function (not per line): thousands of functions, tens of lines each.
      const lines = mode === 'text' ? deviceText(dev) : annotateText(dev);
      await ctx.out.write((count ? '\n' : '') + lines.join('\n') + '\n');
    }
    count++;
    // Let a slow reader drain what was written before decoding the next function.
    await ctx.out.flushIfLarge();
  }
  if (mode === 'json') await ctx.out.write(count ? '\n]}\n' : ']}\n');
  return count;
}

function annotateText(dev: DecodedDevice): string[] {
  const slot = dev.input.slot ? formatPciAddress(dev.input.slot) : '(no slot)';
  return [
    `${slot} ${dev.input.description}`.trimEnd(),
    ...annotateLines({ bytes: dev.cs.bytes, known: dev.input.known, length: dev.input.length, regions: dev.cs.regions }),
  ];
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
  const count = await printDevices(readInputs(spec, ctx), json ? 'json' : annotate ? 'annotate' : 'text', ctx, queuesShown);
  if (count === 0 && spec.slotText !== null) {
    await ctx.err.line(`pcicfg decode: no function in ${inputName(spec)} matches -s ${spec.slotText}`);
  }
  return 0;
}
