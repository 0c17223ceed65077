// Types of the CLI child runner (cli-child.mjs), for the tests in test/cli/.
export const CAN_MEASURE_RSS: boolean;

export interface CliChildRun {
  code: number | null;
  signal: string | null;
  stderr: string;
  stdoutBytes: number;
  /** The child's peak RSS in KiB, null where it cannot be read. */
  peakKiB: number | null;
  wallMs: number;
  firstOutputMs: number | null;
  timedOut: boolean;
}

export function runCliChild(
  bin: string,
  args: string[],
  options?: {
    stdin?: Iterable<string | Uint8Array | number> | AsyncIterable<string | Uint8Array | number> | null;
    nodeArgs?: string[];
    timeoutMs?: number;
    onStdout?: (chunk: Buffer) => void;
  },
): Promise<CliChildRun>;

export function brokenPromises(r: CliChildRun): string[];
