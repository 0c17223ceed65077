// Types of the fuzz engine (engine.mjs), for the vitest budget in test/fuzz/.

/** The parts of the pcicfg API the engine calls (dist/index.js or src/index.ts). */
export type FuzzApi = Record<string, any>;

export interface FuzzContext {
  readonly api: FuzzApi;
  readonly codes: ReadonlyMap<string, string>;
  readonly corpus: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array; readonly virtio?: boolean }>;
}

export interface FuzzInput {
  readonly kind: 'mutant' | 'seed' | 'random' | 'text' | 'dump-bytes';
  readonly bytes?: Uint8Array;
  readonly length?: number;
  readonly text?: string;
  readonly mutations?: readonly string[];
}

export interface FuzzFailureReport {
  readonly seed: number;
  readonly index: number;
  readonly check: string;
  readonly message: string;
  readonly stack?: string;
  readonly input: Record<string, unknown> | null;
}

export interface FuzzStats {
  count: number;
  kinds: Record<string, number>;
  failures: number;
  maxMs: number;
  maxIndex: number;
  maxKind: string;
  totalMs: number;
  over: Record<string, number>;
}

export class FuzzFailure extends Error {
  readonly check: string;
  constructor(check: string, message: string);
}

export function loadApi(distUrl: string): Promise<FuzzApi>;
export function makeContext(api: FuzzApi, corpusSeed?: number, extra?: { arbitraries?: FuzzApi; fc?: FuzzApi }): FuzzContext;
export function loadExtra(distUrl: string): Promise<{ arbitraries?: FuzzApi; fc?: FuzzApi }>;
export function checkCorpus(ctx: FuzzContext): string[];
export function makeInput(ctx: FuzzContext, seed: number, index: number): FuzzInput;
export function runInput(ctx: FuzzContext, input: FuzzInput): void;
export function checkImage(ctx: FuzzContext, bytes: Uint8Array, length: number, rng: unknown, where?: string): unknown;
export function describeInput(input: FuzzInput): Record<string, unknown>;
export function runRange(
  ctx: FuzzContext,
  seed: number,
  from: number,
  to: number,
  hooks?: { progress?: (index: number, stats: FuzzStats) => void; failure?: (f: FuzzFailureReport) => void; stopAfter?: number },
): FuzzStats;
