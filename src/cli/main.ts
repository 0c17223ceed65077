// `pcicfg`: the command line. Every failure ends as one line on stderr and an exit code;
// never a stack trace.
import { readFileSync } from 'node:fs';
import { CliInputError, CliOutputError, CliUsageError, EXIT, whereText } from './errors.js';
import { shown } from './shown.js';
import { OutputClosed, isPipeError, type CliIo } from './io.js';
import { makeContext, type Command } from './context.js';
import { COMMANDS, HELP, type CommandName } from './help.js';

export { EXIT } from './errors.js';
export type { CliIo } from './io.js';

// Commands are loaded on demand: `pcicfg vring` never loads the dump readers, and only
// `pcicfg qemu` loads the QEMU client.
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  decode: async () => (await import('./commands/decode.js')).decodeCommand,
  notify: async () => (await import('./commands/notify.js')).notifyCommand,
  lookup: async () => (await import('./commands/lookup.js')).lookupCommand,
  vring: async () => (await import('./commands/vring.js')).vringCommand,
  encode: async () => (await import('./commands/encode.js')).encodeCommand,
  qemu: async () => (await import('./commands/qemu.js')).qemuCommand,
  view: async () => (await import('./commands/view.js')).viewCommand,
  trace: async () => (await import('./commands/trace.js')).traceCommand,
};

export function pcicfgVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], io?: Partial<CliIo>): Promise<number> {
  const full: CliIo = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    stdin: io?.stdin ?? process.stdin,
  };
  const ctx = makeContext(full);
  let command: string | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && rest[0] && (COMMANDS as readonly string[]).includes(rest[0])) {
        await ctx.out.line(HELP[rest[0] as CommandName]);
      } else await ctx.out.line(HELP.main);
      await ctx.out.flush();
      if (first !== undefined) return EXIT.ok;
      // No command at all is a usage error: the usage on stdout, and like every failure, one line on stderr.
      await ctx.err.line("pcicfg: no command given (see 'pcicfg --help')");
      await ctx.err.flush();
      return EXIT.usage;
    }
    if (first === '--version' || first === '-V') {
      await ctx.out.line(pcicfgVersion());
      await ctx.out.flush();
      return EXIT.ok;
    }
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new CliUsageError(
        first.startsWith('-') ? `unknown option '${shown(first)}' (a command comes first)` : `unknown command '${shown(first)}'`,
      );
    }
    command = first;
    if (rest.includes('--help') || rest.includes('-h')) {
      // Before `--` only: after it come QEMU's own arguments.
      const dd = rest.indexOf('--');
      const h = Math.max(rest.indexOf('--help'), rest.indexOf('-h'));
      if (dd < 0 || h < dd) {
        await ctx.out.line(HELP[first as CommandName]);
        await ctx.out.flush();
        return EXIT.ok;
      }
    }
    const run = await LOADERS[first as CommandName]();
    const code = await run(rest, ctx);
    await ctx.out.flush();
    await ctx.err.flush();
    return code;
  } catch (e) {
    return report(e, command, ctx);
  }
}

/** Longest error line: a message quotes few values, each cut to SHOWN_MAX characters. */
const ERROR_LINE_MAX = 2000;

async function report(e: unknown, command: string | undefined, ctx: ReturnType<typeof makeContext>): Promise<number> {
  if (e instanceof OutputClosed || isPipeError(e)) return EXIT.ok;
  // Whatever was printed before the failure stays printed, then the one error line.
  try {
    await ctx.out.flush();
  } catch {
    // Output already gone; the error line still goes to stderr.
  }
  let line: string;
  let code: number;
  if (e instanceof CliUsageError) {
    const cmd = e.command ?? command;
    line = `pcicfg${cmd ? ' ' + cmd : ''}: ${e.message} (see 'pcicfg${cmd ? ' ' + cmd : ''} --help')`;
    code = EXIT.usage;
  } else if (e instanceof CliInputError) {
    line = e.line();
    code = EXIT.input;
  } else if (e instanceof CliOutputError) {
    line = e.where === null ? `pcicfg${command ? ' ' + command : ''}: ${e.message}` : `${whereText(e.where)}: ${e.message}`;
    code = EXIT.output;
  } else {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    line = `pcicfg: internal error: ${msg.split('\n')[0]} (please report this)`;
    code = EXIT.internal;
  }
  try {
    // One line, whatever a message carries: control characters (from a file name, a dump, an
    // argument) as visible escapes. Messages cut each long value they quote; this is the last guard.
    await ctx.err.line(shown(line, ERROR_LINE_MAX));
    await ctx.err.flush();
  } catch {
    // stderr closed too: nothing left to tell.
  }
  return code;
}
