// Types of boot.mjs for the tests.
import type { GuestMachine } from './machines.mjs';

export interface GuestBlock {
  kind: string;
  name: string;
  lines: string[];
}

export interface GuestBoot {
  commandLine: string[];
  blocks: GuestBlock[];
  console: string;
  trace: string;
  mtree: string;
  infoPci: string;
  disk: Uint8Array;
  wallSeconds: number;
  cpuSeconds: number | null;
}

export declare const MARK: string;
export declare const TRACE_EVENTS: readonly string[];
export declare function DISK_PATTERN(disk: string): string;
export declare function guestArgs(m: GuestMachine, kernel: { vmlinuz: string }, dir: string, append?: string): string[];
export declare function parseReport(text: string): GuestBlock[];
export declare function odBytes(lines: readonly string[]): Uint8Array;
export declare function bootGuest(
  lib: { QmpClient: { connect(path: string, timeoutMs: number): Promise<{ hmp(c: string): Promise<string>; close(): void }> } },
  o: { machine: GuestMachine; kernel: { vmlinuz: string }; initramfs: Uint8Array; qemu: string; timeoutMs?: number; setpriv?: string | null },
): Promise<GuestBoot>;
