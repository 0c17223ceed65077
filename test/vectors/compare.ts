// pcicfg's decoding of one function against lspci's `-vvv` view of the same bytes: BARs,
// capability positions and names, extended capabilities, virtio capability fields.
//
// Every difference is either a mismatch (a test failure) or excused by one of LSPCI_EXCUSES:
// places where lspci 3.9 is wrong, or says less, and pcicfg is right. docs/lspci.md describes
// each, with the vector that shows it; the tests check that every excuse is still needed.
import type { ConfigSpace } from '../../src/pci/types.js';
import type { VirtioTransport } from '../../src/virtio/probe.js';
import type { LspciDevice } from '../support/lspci.js';

export const LSPCI_EXCUSES = {
  'phantom-upper-half':
    'lspci prints the upper dword of a 64-bit BAR as a Region of its own when it is non-zero (dumps have no sizes to tell it otherwise)',
  'bar64-last-slot': 'a 64-bit BAR in BAR5 has no upper half: lspci prints <unassigned>, pcicfg decodes the low dword (and reports BAR64_LAST_SLOT)',
  'image-under-64-bytes': 'with fewer than 64 bytes lspci ignores the BAR flag bits in the dump (prints a 64-bit prefetchable BAR as 32-bit non-prefetchable)',
  'virtio-cfg-type-unknown': 'lspci 3.9 names only cfg_types 1-4; 5 (PCI cfg access), 8 (shared memory) and 9 (vendor data) print as <unknown>',
  'virtio-vendor-data-fields': 'for cfg_type 9 lspci prints BAR/offset/size from bytes 4-15, which virtio_pci_vndr_data does not have (vendor_id and vendor data)',
  'virtio-cap-short': 'lspci shows a virtio cap with cap_len under 16, or running past the bytes a dump gave, as "Len=xx <?>"; pcicfg decodes the fields that are there and reports VIRTIO_CAP_SHORT / VIRTIO_CAP_TRUNCATED',
  'cap-ptr-in-header': 'lspci follows a capability pointer below 0x40 into the standard header and decodes header bytes as capabilities; pcicfg (like Linux) stops with CAP_PTR_IN_HEADER',
  'extcap-ptr-below-0x100': 'lspci follows an extended capability pointer below 0x100 into conventional space; pcicfg stops with EXTCAP_PTR_INVALID',
} as const;
export type LspciExcuse = keyof typeof LSPCI_EXCUSES;

export interface Comparison {
  /** Differences nothing excuses: each one fails the test. */
  readonly mismatches: string[];
  /** Differences excused, by reason. */
  readonly excused: Map<LspciExcuse, string[]>;
}

const CAP_TEXT: Record<number, RegExp> = {
  0x01: /^Power Management version \d/,
  0x05: /^MSI: /,
  0x09: /^Vendor Specific Information: /,
  0x0d: /^Subsystem: /,
  0x10: /^Express \(v\d\) /,
  0x11: /^MSI-X: /,
  0x12: /^SATA HBA v\d\.\d/,
  0x13: /^PCI Advanced Features/,
};

const ECAP_TEXT: Record<number, RegExp> = {
  0x0001: /^Advanced Error Reporting/,
  0x0003: /^Device Serial Number /,
  0x000d: /^Access Control Services/,
  0x000e: /^Alternative Routing-ID Interpretation/,
  0x000f: /^Address Translation Service \(ATS\)/,
  0x0010: /^Single Root I\/O Virtualization/,
  0x0015: /^Physical Resizable BAR/,
  0x0018: /^Latency Tolerance Reporting/,
};

const VIRTIO_NAMES: Record<number, string> = { 1: 'CommonCfg', 2: 'Notify', 3: 'ISR', 4: 'DeviceCfg' };
const PCI_COMMAND_IO = 0x1;
const PCI_COMMAND_MEMORY = 0x2;

const h = (n: number | bigint) => '0x' + n.toString(16);

export function compareWithLspci(cs: ConfigSpace, t: VirtioTransport | null, dev: LspciDevice): Comparison {
  const mismatches: string[] = [];
  const excused = new Map<LspciExcuse, string[]>();
  const excuse = (why: LspciExcuse, what: string) => excused.set(why, [...(excused.get(why) ?? []), what]);
  const codes = new Set(cs.diagnostics.map((d) => d.code));

  // ---- BARs
  const command = typeof cs.header.command === 'number' ? cs.header.command : 0;
  const seen = new Set<number>();
  // Under 64 bytes lspci cannot read its header from the dump: BAR flags print as 0.
  const flagsUnread = cs.length < 64;
  const flagMismatch = (what: string) => {
    if (flagsUnread) excuse('image-under-64-bytes', `${what} (${cs.length}-byte image)`);
    else mismatches.push(what);
  };
  {
    for (const b of cs.bars) {
      const r = dev.regions.find((x) => x.index === b.index);
      seen.add(b.index);
      const what = `BAR${b.index}`;
      if (b.kind === 'mem64' && b.index === 5 && codes.has('BAR64_LAST_SLOT')) {
        if (r && r.address === null && r.bits64 === true) excuse('bar64-last-slot', `${what}: lspci ${r.addressText}, pcicfg ${h(b.address)}`);
        else mismatches.push(`${what}: 64-bit BAR in BAR5, lspci printed ${r?.line ?? 'nothing'}`);
        continue;
      }
      if (!r) {
        mismatches.push(`${what} (${b.kind} at ${h(b.address)}) not printed by lspci`);
        continue;
      }
      const io = b.kind === 'io';
      if (r.kind !== (io ? 'io' : 'memory')) mismatches.push(`${what}: kind ${b.kind} vs lspci ${r.kind}`);
      const address = r.address ?? 0n;
      // [virtual]: a live lspci took the address from sysfs (SR-IOV VFs read 0 in config space)
      if (address !== b.address && !r.virtual) mismatches.push(`${what}: address ${h(b.address)} vs lspci ${r.addressText}`);
      if (!io) {
        if (r.bits64 === null) {
          if (!(/\(type 3,/.test(r.line) && codes.has('BAR_TYPE_RESERVED'))) mismatches.push(`${what}: lspci flags not understood: ${r.line.trim()}`);
        } else if (r.bits64 !== (b.kind === 'mem64')) flagMismatch(`${what}: ${b.kind} vs lspci ${r.bits64 ? '64' : '32'}-bit`);
        if (r.prefetchable !== null && r.prefetchable !== b.prefetchable) flagMismatch(`${what}: prefetchable ${b.prefetchable} vs lspci ${r.prefetchable}`);
      }
      const enabled = (command & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) !== 0;
      if (r.disabled === enabled) mismatches.push(`${what}: decoding ${enabled ? 'enabled' : 'disabled'} but lspci says ${r.disabled ? '[disabled]' : 'enabled'}`);
    }
    for (const r of dev.regions) {
      if (seen.has(r.index)) continue;
      const lower = cs.bars.find((b) => b.index === r.index - 1 && b.kind === 'mem64');
      if (lower && lower.rawUpper !== 0 && lower.rawUpper !== null) excuse('phantom-upper-half', `Region ${r.index} is the upper half ${h(lower.rawUpper)} of BAR${lower.index}`);
      else mismatches.push(`lspci printed ${r.line.trim()}, pcicfg has no BAR${r.index}`);
    }
  }

  // ---- capabilities
  const lcaps = dev.capabilities;
  let i = 0;
  for (const c of cs.capabilities) {
    const l = lcaps[i++];
    if (!l) {
      mismatches.push(`cap ${h(c.pos)} (${c.name}) not printed by lspci`);
      continue;
    }
    if (l.pos !== c.pos) {
      mismatches.push(`cap #${i}: ${h(c.pos)} vs lspci ${h(l.pos)}`);
      continue;
    }
    const want = CAP_TEXT[c.id];
    if (want && !want.test(l.text)) mismatches.push(`cap ${h(c.pos)}: id ${h(c.id)} (${c.name}) vs lspci "${l.text}"`);
    if (!want && /^<chain/.test(l.text)) mismatches.push(`cap ${h(c.pos)}: lspci "${l.text}"`);
  }
  for (const l of lcaps.slice(i)) {
    if (l.text === '<chain looped>' && codes.has('CAP_LOOP')) continue;
    if (l.text === '<chain broken>' && codes.has('CAP_ID_FF')) continue;
    if (codes.has('CAP_PTR_IN_HEADER')) {
      excuse('cap-ptr-in-header', `lspci followed to [${h(l.pos)}] ${l.text}`);
      continue;
    }
    mismatches.push(`lspci printed cap [${h(l.pos)}] ${l.text}, pcicfg did not`);
  }

  // ---- virtio capabilities
  if (t) {
    for (const v of t.caps) {
      const l = dev.virtio.find((x) => x.pos === v.pos);
      const what = `virtio cap ${h(v.pos)} (cfg_type ${v.cfg_type})`;
      if (!l) {
        const lc = lcaps.find((x) => x.pos === v.pos);
        const short = (v.cap_len !== null && v.cap_len < 16) || v.diagnostics.some((d) => d.code === 'VIRTIO_CAP_TRUNCATED');
        if (short && lc && /^Vendor Specific Information: Len=[0-9a-f]{2} <\?>$/.test(lc.text)) excuse('virtio-cap-short', `${what}: lspci "${lc.text}"`);
        else if (!lc && !cs.capabilities.some((c) => c.pos === v.pos)) continue;
        else mismatches.push(`${what}: lspci printed ${lc ? `"${lc.text}"` : 'nothing'}`);
        continue;
      }
      const name = v.cfg_type !== null ? VIRTIO_NAMES[v.cfg_type] : undefined;
      if (name) {
        if (l.cfgTypeName !== name) mismatches.push(`${what}: lspci says ${l.cfgTypeName}`);
      } else if (l.cfgTypeName === '<unknown>' && (v.cfg_type === 5 || v.cfg_type === 8 || v.cfg_type === 9)) {
        excuse('virtio-cfg-type-unknown', `${what} printed as <unknown>`);
      } else if (l.cfgTypeName !== '<unknown>') mismatches.push(`${what}: lspci says ${l.cfgTypeName}`);
      if (v.cfg_type === 9) {
        if (l.bar !== null) excuse('virtio-vendor-data-fields', `${what}: lspci BAR=${l.bar} offset=${h(l.offset!)} size=${h(l.size!)} from vendor_id and vendor data`);
        continue;
      }
      // lspci reads the 32-bit fields at 4, 8, 12 (the low halves for virtio_pci_cap64)
      if (v.bar !== null && l.bar !== v.bar) mismatches.push(`${what}: bar ${v.bar} vs lspci ${l.bar}`);
      if (v.offset !== null && l.offset !== (v.offset & 0xffffffffn)) mismatches.push(`${what}: offset ${h(v.offset)} vs lspci ${h(l.offset ?? -1n)}`);
      if (v.length !== null && l.size !== (v.length & 0xffffffffn)) mismatches.push(`${what}: length ${h(v.length)} vs lspci ${h(l.size ?? -1n)}`);
      if (v.cfg_type === 2 && l.multiplier !== v.notify_off_multiplier) mismatches.push(`${what}: multiplier ${v.notify_off_multiplier} vs lspci ${l.multiplier}`);
    }
  }

  // ---- extended capabilities
  const lext = dev.extendedCapabilities;
  let j = 0;
  for (const c of cs.extendedCapabilities) {
    const l = lext[j++];
    if (!l) {
      mismatches.push(`ext cap ${h(c.pos)} (${c.name}) not printed by lspci`);
      continue;
    }
    if (l.pos !== c.pos || l.version !== c.version) {
      mismatches.push(`ext cap #${j}: ${h(c.pos)} v${c.version} vs lspci ${h(l.pos)} v${l.version}`);
      continue;
    }
    const want = ECAP_TEXT[c.id];
    if (want && !want.test(l.text)) mismatches.push(`ext cap ${h(c.pos)}: id ${h(c.id)} (${c.name}) vs lspci "${l.text}"`);
  }
  for (const l of lext.slice(j)) {
    if (l.text === '<chain looped>' && codes.has('EXTCAP_LOOP')) continue;
    if (l.pos < 0x100 && codes.has('EXTCAP_PTR_INVALID')) {
      excuse('extcap-ptr-below-0x100', `lspci followed to [${h(l.pos)} v${l.version}] ${l.text}`);
      continue;
    }
    mismatches.push(`lspci printed ext cap [${h(l.pos)} v${l.version}] ${l.text}, pcicfg did not`);
  }
  return { mismatches, excused };
}
