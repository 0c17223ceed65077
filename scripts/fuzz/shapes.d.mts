// Types of the shaped CLI inputs (shapes.mjs), for the fuzz budget in test/fuzz/.
import type { CliChildRun } from './cli-child.mjs';

export const RSS_LIMIT_KIB: number;

export function runShapes(
  bin: string,
  options?: { scale?: number; log?: (line: string) => void; only?: string | null; pauses?: boolean },
): Promise<Array<{ name: string; problems: string[]; run: CliChildRun }>>;
