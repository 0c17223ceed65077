// `-o OUT` of the commands that write a file (encode, view): the whole output to OUT, or to
// standard output without one; a file that cannot be written is exit 4 naming it.
import { open } from 'node:fs/promises';
import type { CommandContext } from './context.js';
import { outputError } from './errors.js';

export async function writeOutput(ctx: CommandContext, outPath: string | undefined, data: string | Uint8Array): Promise<void> {
  if (outPath === undefined) {
    if (typeof data === 'string') await ctx.out.write(data);
    else await ctx.out.bytes(data);
    return;
  }
  let handle;
  try {
    handle = await open(outPath, 'w');
    await handle.writeFile(data);
  } catch (e) {
    throw outputError(e, outPath);
  } finally {
    await handle?.close();
  }
}
