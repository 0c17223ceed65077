// `pcicfg vring`: where the parts of a virtqueue sit in memory.
import type { Diagnostic } from '../../bytes/diagnostic.js';
import { legacySplitVringLayout, splitVringLayout, type VringPart } from '../../vring/split-layout.js';
import { packedVringLayout } from '../../vring/packed-layout.js';
import { flag, intOption, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { hex0x } from '../format.js';
import { diagnosticJson, diagnosticLine } from '../diagnostics.js';

const OPTIONS = {
  size: { type: 'string', short: 'n' },
  legacy: { type: 'boolean' },
  align: { type: 'string' },
  packed: { type: 'boolean' },
  'event-idx': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const part = (p: { offset: number; size: number }) => ({ offset: p.offset, size: p.size });

export async function vringCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('vring', argv, OPTIONS);
  if (p.positionals.length) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, 'vring');
  const sizeText = stringValue(p, 'size');
  if (sizeText === undefined) throw new CliUsageError('--size N is required', 'vring');
  // queue_size is a 16-bit register; values the spec forbids within it are diagnostics.
  const size = intOption('vring', '--size', sizeText, 1, 0xffff);
  const packed = flag(p, 'packed');
  const legacy = flag(p, 'legacy');
  const alignText = stringValue(p, 'align');
  if (legacy && alignText !== undefined) throw new CliUsageError('--legacy and --align exclude each other (--legacy is --align 4096)', 'vring');
  if (packed && (legacy || alignText !== undefined)) throw new CliUsageError('--legacy and --align apply to split rings only', 'vring');
  const eventIdx = flag(p, 'event-idx');

  let json: Record<string, unknown>;
  let rows: Array<[string, VringPart | { offset: number; size: number }]>;
  let diagnostics: readonly Diagnostic[];
  let total: number;
  if (packed) {
    const l = packedVringLayout(size);
    json = { kind: 'packed', size, desc: part(l.desc), driver_event: part(l.driverEvent), device_event: part(l.deviceEvent), total: l.total };
    rows = [
      ['descriptor ring', l.desc],
      ['driver event suppression', l.driverEvent],
      ['device event suppression', l.deviceEvent],
    ];
    diagnostics = l.diagnostics;
    total = l.total;
  } else {
    const align = alignText === undefined ? undefined : intOption('vring', '--align', alignText, 1, 0x40000000);
    const l = legacy ? legacySplitVringLayout(size, { eventIdx }) : splitVringLayout(size, { eventIdx, align });
    json = {
      kind: 'split',
      size,
      align: l.align,
      event_idx: eventIdx,
      desc: part(l.desc),
      avail: part(l.avail),
      used: part(l.used),
      total: l.total,
    };
    rows = [
      ['descriptor table', l.desc],
      ['available ring (driver area)', l.avail],
      ['used ring (device area)', l.used],
    ];
    diagnostics = l.diagnostics;
    total = l.total;
  }
  json.diagnostics = diagnostics.map(diagnosticJson);

  if (flag(p, 'json')) {
    await ctx.out.line(JSON.stringify(json, null, 2));
    return 0;
  }
  const kind = packed ? 'packed' : legacy ? 'split, legacy contiguous layout' : 'split';
  await ctx.out.line(`Virtqueue of ${size} entries (${kind}${!packed ? `, used ring aligned to ${json.align}` : ''}${eventIdx && !packed ? ', VIRTIO_F_EVENT_IDX' : ''})`);
  const w = rows.reduce((m, [n]) => Math.max(m, n.length), 0);
  for (const [name, r] of rows) {
    await ctx.out.line(`  ${name.padEnd(w)}  offset ${hex0x(r.offset).padStart(8)}  size ${String(r.size).padStart(7)} bytes`);
  }
  await ctx.out.line(`  ${'total'.padEnd(w)}  ${String(total).padStart(29)} bytes`);
  for (const d of diagnostics) await ctx.out.line('  ' + diagnosticLine(d));
  return 0;
}
