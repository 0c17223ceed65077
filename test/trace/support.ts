// Test helpers for traces (not a test file): a dump's functions as lookup devices, the JSON
// Lines keys docs/cli.md promises.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readDump } from '../../src/dump/read.js';
import { findQemuPciFunction, parseQemuInfoPci, qemuBarSizes } from '../../src/dump/qemu-info-pci.js';
import { formatPciAddress } from '../../src/pci/bus.js';
import { decodeConfigSpace } from '../../src/pci/config-space.js';
import type { VirtioLookupDevice } from '../../src/virtio/lookup.js';
import { virtioVendorCapDecoder } from '../../src/virtio/vendor-hook.js';

export const EXAMPLE_TRACE_DIR = fileURLToPath(new URL('../../examples/qemu-trace/', import.meta.url));

/** Every function of a dump (text), with BAR sizes from `info pci` text when given. */
export function devicesFromDump(dumpText: string, infoPciText?: string): VirtioLookupDevice[] {
  const info = infoPciText ? parseQemuInfoPci(infoPciText) : null;
  return readDump(dumpText).functions.map((f) => {
    const q = info && f.slot ? findQemuPciFunction(info, f.slot) : undefined;
    const barSizes = q ? qemuBarSizes(q) : undefined;
    return {
      slot: f.slot ? formatPciAddress(f.slot) : '(no slot)',
      config: decodeConfigSpace(f.bytes, { length: f.length, vendorCaps: [virtioVendorCapDecoder], barSizes }),
      probeOptions: { barSizes },
    };
  });
}

export function exampleDevices(): VirtioLookupDevice[] {
  return devicesFromDump(readFileSync(EXAMPLE_TRACE_DIR + 'virtio-blk.lspci', 'utf8'), readFileSync(EXAMPLE_TRACE_DIR + 'info-pci.txt', 'utf8'));
}

/** Keys every `trace --json` line has, with the JSON types docs/cli.md gives them. */
export const TRACE_JSON_KEYS: Record<string, (v: unknown) => boolean> = {
  line: (v) => Number.isInteger(v),
  address: (v) => typeof v === 'string' && /^0x[0-9a-f]+$/.test(v),
  op: (v) => v === 'read' || v === 'write',
  size: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 8,
  value: (v) => typeof v === 'string' && /^0x[0-9a-f]+$/.test(v),
  region: (v) => v === null || typeof v === 'string',
  cpu: (v) => Number.isInteger(v),
  time: (v) => v === null || (typeof v === 'string' && /^\d+\.\d+$/.test(v)),
  space: (v) => v === null || v === 'mem' || v === 'io' || v === 'config',
  slot: (v) => v === null || typeof v === 'string',
  bar: (v) => v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 5),
  offset_in_bar: (v) => v === null || (typeof v === 'string' && /^0x[0-9a-f]+$/.test(v)),
  structure: (v) => v === null || typeof v === 'string',
  offset: (v) => v === null || (typeof v === 'string' && /^0x[0-9a-f]+$/.test(v)),
  struct: (v) => v === null || typeof v === 'string',
  field: (v) => v === null || typeof v === 'string',
  byte_in_field: (v) => v === null || Number.isInteger(v),
  fields: (v) => Array.isArray(v),
  entry: (v) => v === null || Number.isInteger(v),
  text: (v) => v === null || typeof v === 'string',
  queue: (v) => v === null || Number.isInteger(v),
  spec_queues: (v) => v === null || (Array.isArray(v) && v.every((x) => Number.isInteger(x))),
  vmm: (v) => v === null || (typeof v === 'object' && v !== null && 'name' in v && 'queue' in v && 'rule' in v),
  qemu_queue: (v) => v === null || Number.isInteger(v),
};
