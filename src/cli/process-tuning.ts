// Settings for the pcicfg process itself. bin/pcicfg.js applies them before it loads anything
// else (never main(), which tests call in their own process, and never the library); it is
// CommonJS so that this runs before Node's ESM loader starts libuv's thread pool.
//
// A large dump is printed by one thread whose code V8 compiles while it runs. On a two-core
// machine V8's background threads (TurboFan jobs, GC helpers) used as much CPU as the printing
// thread, which spent about a fifth of a 4000-function run waiting for a core
// (/proc/<pid>/task/<tid>/schedstat). docs/benchmarks.md has the measurements.
import { readdirSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * Niceness given to the threads Node started before pcicfg ran. On two cores 10 did as well as
 * 19; lower values gained less. With one core any of them starves the compiler (below).
 */
export const BACKGROUND_NICE = 10;

export interface Tuning {
  /** Whether the V8 flags were set (TurboFan inlining and parallel scavenges off). */
  readonly v8Flags: boolean;
  /** How many threads were given BACKGROUND_NICE. */
  readonly niced: number;
  /** The CPUs the process may run on (os.availableParallelism). */
  readonly cpus: number;
}

/**
 * Tune the running process for the CLI; `PCICFG_TUNE=0` leaves it as Node started it.
 * - TurboFan does not inline. The large decode and text functions then compile in about half
 *   the time and reach optimized code sooner; a 4000-function decode used about 10% less CPU.
 * - Young-generation collections run on the calling thread alone (no parallel scavenge). Their
 *   helper tasks had to wait for a core and the thread that prints waited for them: the pauses of
 *   an 8000-function decode added up to 127-185 ms with helpers and 103-112 ms without (about
 *   120 collections; 190 ms against 210 pinned to one core).
 * - On Linux with at least two CPUs to run on, every thread but the calling one gets
 *   BACKGROUND_NICE. Called first thing, those are Node's own: V8's platform workers (TurboFan
 *   jobs, GC helpers), its delayed-task thread and the inspector's signal thread, so they yield
 *   a core to the thread that prints. Threads started later (the dump parser, libuv's pool)
 *   inherit the caller's priority. With one CPU the compiler would only run when the printing
 *   thread waits, and code stayed unoptimized for longer: pinned to one core, a 4000-function
 *   decode took 1.18 s without the niceness, 1.28 s with 10 and 1.5 s with 19.
 *   A thread whose priority cannot be set keeps it: this is a speed hint, never an error.
 */
export function tuneProcess(env: NodeJS.ProcessEnv = process.env): Tuning {
  const cpus = availableParallelism();
  if (env.PCICFG_TUNE === '0') return { v8Flags: false, niced: 0, cpus };
  setFlagsFromString('--no-turbo-inlining');
  setFlagsFromString('--no-parallel-scavenge');
  let niced = 0;
  if (process.platform === 'linux' && cpus >= 2) {
    let tids: string[] = [];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      // No /proc: nothing to lower.
    }
    for (const t of tids) {
      const tid = Number(t);
      if (!Number.isInteger(tid) || tid === process.pid) continue;
      try {
        setPriority(tid, BACKGROUND_NICE);
        niced++;
      } catch {
        // Gone, or not ours to change.
      }
    }
  }
  return { v8Flags: true, niced, cpus };
}
