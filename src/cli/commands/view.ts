// `pcicfg view`: one self-contained HTML file, the page (dist/web/page.js inline) with the
// dump embedded, to open in a browser or attach to a bug report. The functions are read as
// `decode` reads them (so -s, --info-pci, --sysfs and the errors are the same) and embedded as
// lspci text, with the BAR sizes known for each. Unless -n, the names the CLI gives the
// functions (vendor, device, subsystem, class from the system's pci.ids, as `decode -n`/`-nn`)
// go with it as a pci.ids excerpt of just those entries, so the saved page names them offline.
import { readFile } from 'node:fs/promises';
import { formatPciAddress } from '../../pci/bus.js';
import { writeLspciFunction } from '../../dump/write.js';
import { recordingPciNames } from '../../pci/ids-excerpt.js';
import { pageHtml } from '../../web/html.js';
import type { EmbeddedNames } from '../../web/embed.js';
import { parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliInputError, CliUsageError } from '../errors.js';
import { INPUT_OPTIONS, inputName, inputSpec, readInputs } from '../input.js';
import type { CliNames } from '../names.js';
import { cliNamesOption, NAMES_OPTIONS, pciIdsPath } from '../pci-ids-file.js';
import { writeOutput } from '../output-file.js';
import { PAGE_BUNDLE } from '../page-bundle.js';
import { systemMessage } from '../system-message.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  output: { type: 'string', short: 'o' },
  ...NAMES_OPTIONS,
} as const;

async function pageBundle(): Promise<string> {
  try {
    return await readFile(PAGE_BUNDLE, 'utf8');
  } catch (e) {
    throw new CliInputError(PAGE_BUNDLE, `cannot read the page's bundle: ${systemMessage(e)} (npm run build makes it)`);
  }
}

export async function viewCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('view', argv, OPTIONS);
  if (p.positionals.length > 1) throw new CliUsageError(`expected at most one FILE, got ${p.positionals.length}`, 'view');
  const spec = inputSpec('view', p, p.positionals[0] ?? null);
  const script = await pageBundle();
  // -n, -nn as decode's: with names, the lookups decode's text makes are recorded and embedded.
  const warnings: string[] = [];
  const cli = cliNamesOption(p.values, warnings);
  const recorder = cli?.names && cli.style !== 'numbers' ? recordingPciNames(cli.names) : null;
  const names: CliNames = recorder ? { names: recorder.names, style: cli!.style } : null;
  const { renderDevice } = recorder ? await import('../render.js') : { renderDevice: null };
  let dump = '';
  const barSizes: Record<string, Record<string, string>> = {};
  for await (const input of readInputs(spec, ctx)) {
    dump += writeLspciFunction({ slot: input.slot, description: input.description, bytes: input.bytes, length: input.length, known: input.known ?? undefined });
    if (input.slot && input.barSizes) {
      barSizes[formatPciAddress(input.slot)] = Object.fromEntries([...input.barSizes].map(([i, s]) => [String(i), '0x' + s.toString(16)]));
    }
    renderDevice?.(input, 'text', 0, false, names);
  }
  const pciIds = recorder?.excerpt() ?? '';
  // -n: numbers, as decode -n prints them, with or without a pci.ids; else names only when some were found.
  const embeddedNames: EmbeddedNames | null =
    cli?.style === 'numbers' ? { style: 'numbers', source: null, pciIds: '' } : pciIds && cli ? { style: cli.style, source: pciIdsPath(), pciIds } : null;
  // The bundled example by its name in the package, not this machine's path to it.
  const name = spec.file === null && !spec.sysfs ? 'examples/qemu-virtio-blk.lspci' : inputName(spec);
  const html = pageHtml({ script: { inline: script }, embedded: { name, dump, barSizes, ...(embeddedNames ? { names: embeddedNames } : {}) }, title: `pcicfg: ${name}` });
  await writeOutput(ctx, stringValue(p, 'output'), html);
  for (const w of warnings) await ctx.err.line(w);
  return 0;
}
