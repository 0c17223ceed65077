// Dump readers and writers (browser-safe). Host sysfs scanning is in node.ts.
export * from './types.js';
export * from './diagnostics.js';
export { readDump, iterateDump, iterateDumpAsync, DumpReader, type ReadDumpOptions, type DumpReadResult } from './read.js';
export { readBinaryDump, looksBinary } from './binary.js';
export { parseLspciHeader, type LspciHeader } from './lspci.js';
export { writeLspci, writeLspciFunction, writeBinary, writeHexdumpC, writeXxd, type LspciWriteOptions } from './write.js';
export {
  formatQemuTraceLine,
  iterateQemuTrace,
  iterateQemuTraceAsync,
  parseQemuTraceLine,
  QEMU_TRACE_MAX_LINE,
  QemuTraceReader,
  type QemuTraceAccess,
  type QemuTraceItem,
  type QemuTraceLine,
  type QemuTraceReadOptions,
  type QemuTraceRecord,
  type QemuTraceVirtioEvent,
} from './qemu-trace.js';
export { parseQemuMtree, qemuMtreeRegionSpace, qemuMtreeRegionStart, type QemuMtree, type QemuMtreeRange, type QemuMtreeView } from './qemu-mtree.js';
export { parseQemuInfoPci, qemuBarSizes, qemuBarAddresses, findQemuPciFunction, type QemuPciBar, type QemuPciBridgeInfo, type QemuPciFunction } from './qemu-info-pci.js';
