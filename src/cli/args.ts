// Argument parsing on node:util parseArgs, with every failure turned into a usage error (exit 1).
import { parseArgs } from 'node:util';
import { CliUsageError } from './errors.js';
import { shown } from './shown.js';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type OptionSpecs = Record<string, OptionSpec>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, argv: string[], options: OptionSpecs): Parsed {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    // parseArgs messages mention "To specify a positional argument starting with a '-'…"; keep line one.
    const msg = e instanceof Error ? e.message.split('\n')[0].replace(/\. To specify.*$/, '') : String(e);
    throw new CliUsageError(msg, command);
  }
}

/** An integer option: decimal or 0x-hex, within [min, max]. */
export function intOption(command: string, name: string, text: string, min: number, max: number): number {
  const v = bigintOption(command, name, text);
  if (v < BigInt(min) || v > BigInt(max)) {
    throw new CliUsageError(`${name} must be between ${min} and ${max}, got ${text}`, command);
  }
  return Number(v);
}

/** An unsigned integer (address, size): decimal or 0x-hex, any width. */
export function bigintOption(command: string, name: string, text: string): bigint {
  const t = text.trim();
  // No option takes more than 64 bits: 100 digits are plenty, and BigInt of an argument of
  // 100 000 digits is not worked out for nothing.
  if (t.length > 100 && (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t))) throw new CliUsageError(`${name} has too many digits (${t.length})`, command);
  if (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t)) return BigInt(t);
  throw new CliUsageError(`${name} must be a number (decimal or 0x-hex), got '${shown(text)}'`, command);
}

export function stringValue(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}
