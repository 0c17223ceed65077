// Differential test on the host: pcicfg's decoding of /sys/bus/pci/devices/*/config (BAR sizes
// from each `resource` file) against `lspci -vvv` of the same host. Skips, with a printed
// reason, where /sys/bus/pci has no devices (macOS, containers without sysfs) or lspci is
// missing (unless PCICFG_REQUIRE_LSPCI=1).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanSysfs, SYSFS_PCI_DEVICES } from '../../src/dump/node.js';
import { decodeConfigSpace, formatPciAddress } from '../../src/pci/index.js';
import { isVirtioPciId, probeVirtio, virtioVendorCapDecoder } from '../../src/virtio/index.js';
import { lspciGate, parseLspciVerbose, requireLspci, type LspciDevice } from '../support/lspci.js';
import { compareWithLspci } from './compare.js';

const hostDevices = existsSync(SYSFS_PCI_DEVICES) ? readdirSync(SYSFS_PCI_DEVICES).length : 0;
const NO_SYSFS = `${SYSFS_PCI_DEVICES} has no devices on this host: the sysfs-vs-lspci differential test is skipped`;
if (hostDevices === 0) console.warn(NO_SYSFS);
const gate = hostDevices === 0 ? { skip: true } : lspciGate();

/** `512K` → 524288 (lspci's [size=…] suffixes). */
export function parseLspciSize(text: string): bigint {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) throw new Error(`unexpected lspci size ${text}`);
  const shift = { '': 0n, K: 10n, M: 20n, G: 30n, T: 40n }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return BigInt(m[1]) << shift;
}

function lspciHost(): Promise<LspciDevice[]> {
  return new Promise((resolve, reject) => {
    execFile('lspci', ['-D', '-vvv'], { maxBuffer: 1 << 26, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`lspci -D -vvv failed: ${stderr || err.message}`));
      else resolve(parseLspciVerbose(stdout));
    });
  });
}

describe.skipIf(gate.skip)('host: pcicfg on /sys/bus/pci/devices/*/config vs lspci -vvv', () => {
  it('every function agrees on BARs (with sysfs sizes), capabilities, extended capabilities and virtio fields', async () => {
    requireLspci();
    const [fns, listed] = await Promise.all([scanSysfs(), lspciHost()]);
    expect(fns.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const fn of fns) {
      const slot = formatPciAddress(fn.slot!);
      const dev = listed.find((d) => formatPciAddress(d.slot) === slot);
      if (!dev) {
        problems.push(`${slot}: not listed by lspci`);
        continue;
      }
      const cs = decodeConfigSpace(fn.bytes, { length: fn.length, barSizes: fn.barSizes, vendorCaps: [virtioVendorCapDecoder] });
      const vendor = fn.bytes[0] | (fn.bytes[1] << 8);
      const device = fn.bytes[2] | (fn.bytes[3] << 8);
      const t = fn.length >= 4 && isVirtioPciId(vendor, device) ? probeVirtio(cs, { barSizes: fn.barSizes }) : null;
      const { mismatches } = compareWithLspci(cs, t, dev);
      problems.push(...mismatches.map((m) => `${slot}: ${m}`));
      // A live lspci knows the sizes (from the same sysfs resource files).
      for (const r of dev.regions) {
        const b = cs.bars.find((x) => x.index === r.index);
        if (r.size !== null && b) {
          if (b.size !== parseLspciSize(r.size)) problems.push(`${slot}: BAR${b.index} size ${b.size} vs lspci ${r.size}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
