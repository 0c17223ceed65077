// Plain PCI access of a function: what the device model and the QEMU qtest client implement
// and what the driver consumes. Every method is async so a real QEMU behind a pipe fits.

/** Geographical address of a PCI function. */
export interface PciAddress {
  readonly domain: number;
  readonly bus: number;
  readonly device: number;
  readonly function: number;
}

export type AccessWidth = 1 | 2 | 4;

export interface Bus {
  /** Read `width` bytes of configuration space of `fn` at `offset` (little-endian). */
  configRead(fn: PciAddress, offset: number, width: AccessWidth): Promise<number>;
  configWrite(fn: PciAddress, offset: number, width: AccessWidth, value: number): Promise<void>;
  /** Memory-space read (MMIO or guest RAM). */
  memRead(address: bigint, width: AccessWidth): Promise<number>;
  memWrite(address: bigint, width: AccessWidth, value: number): Promise<void>;
  /** Bulk guest-memory access, used to place and read rings and buffers. */
  memReadBytes(address: bigint, length: number): Promise<Uint8Array>;
  memWriteBytes(address: bigint, data: Uint8Array): Promise<void>;
  /** I/O-port space. */
  ioRead(port: number, width: AccessWidth): Promise<number>;
  ioWrite(port: number, width: AccessWidth, value: number): Promise<void>;
}

/** `0000:00:04.0`: the domain is always shown. */
export function formatPciAddress(a: PciAddress): string {
  const h = (v: number, n: number) => v.toString(16).padStart(n, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.device, 2)}.${a.function.toString(16)}`;
}

/** Parse `[[domain:]bus:]dev.fn`; missing parts are null (a filter, like lspci's -s). */
export function parseSlotFilter(text: string): { domain: number | null; bus: number | null; device: number | null; function: number | null } | null {
  const m = /^(?:(?:([0-9a-fA-F]{1,8}|\*)?:)?([0-9a-fA-F]{1,2}|\*)?:)?([0-9a-fA-F]{1,2}|\*)?(?:\.([0-7]|\*)?)?$/.exec(text.trim());
  if (!m || text.trim() === '') return null;
  const num = (s: string | undefined) => (s === undefined || s === '' || s === '*' ? null : parseInt(s, 16));
  return { domain: num(m[1]), bus: num(m[2]), device: num(m[3]), function: num(m[4]) };
}

export function slotMatches(
  filter: ReturnType<typeof parseSlotFilter> & object,
  a: PciAddress,
): boolean {
  return (
    (filter.domain === null || filter.domain === a.domain) &&
    (filter.bus === null || filter.bus === a.bus) &&
    (filter.device === null || filter.device === a.device) &&
    (filter.function === null || filter.function === a.function)
  );
}
