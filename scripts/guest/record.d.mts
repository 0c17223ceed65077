// Types of record.mjs for the tests.
import type { GuestBlock, GuestBoot } from './boot.mjs';
import type { parseQemuTraceLine, writeLspci } from '../../src/dump/index.js';
import type { parseSysfsResource, parseSysfsSlot } from '../../src/dump/sysfs.node.js';

export declare const GUEST_SCHEMA: 'pcicfg-linux-guest/1';
export declare const DETERMINISTIC_FILES: readonly string[];
export declare const KERNEL_BUILD_FILES: readonly string[];
export declare const TRACE_FILE: 'trace.log';
export declare const RECORD_FILE: 'guest.json';

/** The parts of the library record.mjs calls (src/ in tests, dist/ in the generator). */
export interface GuestLib {
  writeLspci: typeof writeLspci;
  parseSysfsSlot: typeof parseSysfsSlot;
  parseSysfsResource: typeof parseSysfsResource;
  parseQemuTraceLine: typeof parseQemuTraceLine;
}

export declare function normalizeMtree(text: string): string;
export declare function sameContent(file: string, a: string, b: string): boolean;
export declare function filterTrace(lib: GuestLib, trace: string, blocks: readonly GuestBlock[]): string;
export declare function guestFiles(lib: GuestLib, boot: GuestBoot, provenance: Record<string, unknown>): Record<string, string>;
export declare function splitResourceText(text: string): Map<string, string>;
export declare function readGuestVector(dir: string): Record<string, string>;
