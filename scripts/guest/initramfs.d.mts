// Types of initramfs.mjs for the tests.
export interface GuestKernel {
  version: string;
  vmlinuz: string;
  modules: string;
}
export declare const GUEST_MODULES: readonly string[];
export declare const BUSYBOX: string;
export declare function findGuestKernel(boot?: string, lib?: string): GuestKernel | { missing: string };
export declare function guestMissing(): string | null;
export declare function moduleLoadOrder(modulesDep: string, names: readonly string[]): string[];
export declare function buildInitramfs(kernel: GuestKernel): { archive: Uint8Array; modules: string[] };
