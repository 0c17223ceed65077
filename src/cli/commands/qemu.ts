// `pcicfg qemu dump`: start QEMU (no guest code runs), assign BARs as firmware would, read
// every function's config space through qtest, and print it (or decode it). The QEMU client is
// loaded only here, so other commands start without it.
import { hexDigits } from '../../bytes/hex.js';
import { flag, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliInputError, CliUsageError } from '../errors.js';
import type { DeviceInput } from '../input.js';
import { cliNamesOption, NAMES_OPTIONS } from '../pci-ids-file.js';
import { printDevices } from './decode.js';

const OPTIONS = {
  machine: { type: 'string' },
  decode: { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  ...NAMES_OPTIONS,
} as const;

export async function qemuCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const dd = argv.indexOf('--');
  const own = dd < 0 ? argv : argv.slice(0, dd);
  const deviceArgs = dd < 0 ? [] : argv.slice(dd + 1);
  const p = parseCommandArgs('qemu', own, OPTIONS);
  const [sub, ...extra] = p.positionals;
  if (sub !== 'dump') throw new CliUsageError(sub === undefined ? 'expected the subcommand: qemu dump' : `unknown subcommand '${sub}' (expected dump)`, 'qemu');
  if (extra.length) throw new CliUsageError(`unexpected argument '${extra[0]}' (QEMU's arguments go after --)`, 'qemu');
  const machine = stringValue(p, 'machine') ?? 'pc';
  if (machine !== 'pc' && machine !== 'q35') throw new CliUsageError(`--machine must be pc or q35, got '${machine}'`, 'qemu');
  if (deviceArgs.length === 0) throw new CliUsageError('give the device after --, e.g. pcicfg qemu dump -- -device virtio-net-pci', 'qemu');
  if (p.values.numeric && !flag(p, 'decode') && !flag(p, 'json')) throw new CliUsageError('-n and -nn go with --decode or --json (the hex dump has numbers only)', 'qemu');
  const t = stringValue(p, 'timeout');
  const timeoutMs = t === undefined ? undefined : Number(t) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliUsageError(`--timeout must be a positive number of seconds, got '${t}'`, 'qemu');

  const qt = await import('../../qtest/index.js');
  let dump;
  try {
    dump = await qt.qemuDump({ machine, deviceArgs, timeoutMs });
  } catch (e) {
    if (e instanceof qt.QemuError) {
      // One line: our message, then the last thing QEMU said.
      const lines = e.message.split('\n').filter((l) => l.trim());
      throw new CliInputError('qemu', lines.length > 1 ? `${lines[0]}: ${lines[lines.length - 1]}` : lines[0] ?? e.name);
    }
    throw e;
  }
  const json = flag(p, 'json');
  if (!json && !flag(p, 'decode')) {
    await ctx.out.write(qt.formatQemuDump(dump));
    return 0;
  }
  const inputs: DeviceInput[] = dump.functions.map((f) => ({
    slot: f.address,
    description: `${hexDigits(f.classCode >>> 8, 4)}: ${hexDigits(f.vendorId, 4)}:${hexDigits(f.deviceId, 4)}`,
    bytes: f.config,
    known: null,
    length: f.config.length,
    diagnostics: [],
    barSizes: new Map(f.bars.map((b) => [b.index, b.size])),
    barSizesFrom: 'probing the BARs in QEMU',
  }));
  // -n, -nn as decode's; a pci.ids problem is one warning line, after the output.
  const warnings: string[] = [];
  await printDevices(inputs, json ? 'json' : 'text', ctx, undefined, false, cliNamesOption(p.values, warnings));
  for (const w of warnings) await ctx.err.line(w);
  return 0;
}
