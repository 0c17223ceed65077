// `pcicfg notify`: where a queue's kick lands — BAR base + cap.offset + queue_notify_off ×
// notify_off_multiplier, from the real bytes.
import { formatPciAddress } from '../../pci/bus.js';
import { notifyAddress } from '../../virtio/notify.js';
import { flag, intOption, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { diagnosticJson, diagnosticLine } from '../diagnostics.js';
import { CliInputError, CliUsageError } from '../errors.js';
import { hex0x } from '../format.js';
import { INPUT_OPTIONS, inputName, inputSpec } from '../input.js';
import { addr } from '../json-values.js';
import { pickVirtioDevice } from './pick.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  queue: { type: 'string', short: 'q' },
  'notify-off': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function notifyCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('notify', argv, OPTIONS);
  if (p.positionals.length > 1) throw new CliUsageError(`expected at most one FILE, got ${p.positionals.length}`, 'notify');
  const qText = stringValue(p, 'queue');
  if (qText === undefined) throw new CliUsageError('--queue Q is required', 'notify');
  const queue = intOption('notify', '--queue', qText, 0, 0xffff);
  const offText = stringValue(p, 'notify-off');
  const notifyOff = offText === undefined ? null : intOption('notify', '--notify-off', offText, 0, 0xffff);
  const spec = inputSpec('notify', p, p.positionals[0] ?? null);

  const dev = await pickVirtioDevice(spec, ctx);
  const t = dev.virtio!.transport;
  const assumed = notifyOff === null;
  const n = notifyAddress(t, notifyOff ?? queue, { assumed });
  const slot = dev.input.slot ? formatPciAddress(dev.input.slot) : null;
  if (!n) {
    const lines = dev.virtio!.diagnostics.filter((d) => d.severity === 'error').map(diagnosticLine);
    throw new CliInputError(inputName(spec), `${slot ?? 'the function'} has no usable notification structure${lines.length ? ` (${lines[0]})` : ''}`);
  }
  // The legacy QUEUE_NOTIFY register serves every queue: nothing is assumed there.
  const diagnostics = [...t.diagnostics, ...n.diagnostics]
    .filter((d, i, a) => a.findIndex((x) => x.code === d.code && x.message === d.message) === i)
    .filter((d) => !(n.legacy && d.code === 'VIRTIO_NOTIFY_OFF_ASSUMED'));
  if (flag(p, 'json')) {
    await ctx.out.line(
      JSON.stringify(
        {
          slot,
          queue,
          queue_notify_off: n.legacy ? null : n.queueNotifyOff,
          notify_off_multiplier: n.legacy ? null : n.multiplier,
          bar: n.bar,
          bar_address: addr(n.barAddress),
          cap_offset: n.capOffset,
          space: n.space,
          address: addr(n.address),
          assumed_notify_off: n.legacy ? false : n.assumedNotifyOff,
          width: n.width,
          legacy: n.legacy,
          diagnostics: diagnostics.map(diagnosticJson),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const who = `${slot ?? '(no slot)'} virtio ${t.identity.typeName ?? 'device'}`;
  await ctx.out.line(`${who}, queue ${queue}: notify at ${hex0x(n.address)} (${n.space === 'io' ? 'I/O port' : 'memory'}), a ${n.width}-byte write of the queue index`);
  if (n.legacy) {
    await ctx.out.line(`  = legacy QUEUE_NOTIFY register: BAR${n.bar} ${hex0x(n.barAddress)} + 16 (every queue; the value written selects the queue)`);
    if (notifyOff !== null) await ctx.out.line('  --notify-off does not apply: the legacy interface has no queue_notify_off');
  } else {
    const cap = t.notify!;
    await ctx.out.line(
      `  = BAR${n.bar} ${hex0x(n.barAddress)} + cap.offset ${hex0x(cap.offset)} + queue_notify_off ${n.queueNotifyOff} × notify_off_multiplier ${n.multiplier}` +
        `   (notify cap at ${hex0x(n.capOffset ?? 0, 2)})`,
    );
    if (assumed) {
      await ctx.out.line(`  queue_notify_off = queue index assumed: the device's value is read from common_cfg (not in config space); give it with --notify-off N`);
    }
    if (n.multiplier === 0) await ctx.out.line('  notify_off_multiplier is 0: every queue shares this address');
  }
  for (const d of diagnostics) if (d.code !== 'VIRTIO_NOTIFY_OFF_ASSUMED') await ctx.out.line('  ' + diagnosticLine(d));
  return 0;
}
