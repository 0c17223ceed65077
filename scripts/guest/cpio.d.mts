// Types of cpio.mjs for the tests.
export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'char'; path: string; major: number; minor: number; mode?: number };
export declare function newcArchive(entries: readonly CpioEntry[]): Uint8Array;
