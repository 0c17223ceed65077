// pcicfg/node: everything 'pcicfg' exports, plus the Node-only parts: host sysfs scanning and
// QEMU driven through qtest. Listed in docs/api.md.

export * from './index.js';
export { iterateSysfs, parseSysfsResource, parseSysfsSlot, readSysfsFunction, scanSysfs, type ScanSysfsOptions, type SysfsFunction, type SysfsResource } from './dump/sysfs.node.js';
export { Q35_DEFAULT_ECAM_BASE, QtestBus, type QtestSession, startQtestBus } from './qtest/bus.js';
export { dumpQtestFunctions, formatQemuDump, type QemuDump, qemuDump, type QemuDumpFunction, type QemuDumpOptions } from './qtest/dump.js';
export { QemuError, QemuExitedError, QemuNotFoundError, QemuStartError, QemuTimeoutError, QmpCommandError, QtestCommandError } from './qtest/errors.js';
export { findQemuBinary, type QemuMachine, type QemuOptions, QemuProcess, type QtestIrqEvent, startQemu } from './qtest/process.js';
export { QmpClient, type QmpEvent } from './qtest/qmp.js';
