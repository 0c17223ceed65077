// What every command receives: parsed-argument helpers and buffered outputs.
import type { CliIo } from './io.js';
import { Output } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly err: Output;
}

export function makeContext(io: CliIo): CommandContext {
  return { io, out: new Output(io.stdout), err: new Output(io.stderr) };
}

export type Command = (argv: string[], ctx: CommandContext) => Promise<number>;
