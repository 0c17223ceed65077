// `pcicfg lookup`: the reverse of notify — what a write at ADDRESS hits (the VM-exit view:
// the write traps at an address, the host finds the function, structure, field and queue).
import { formatPciAddress } from '../../pci/bus.js';
import { lookupAddress, type VirtioAddressHit } from '../../virtio/lookup.js';
import { bigintOption, flag, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { decodeDevice } from '../device.js';
import { CliUsageError } from '../errors.js';
import { shown } from '../shown.js';
import { hex0x } from '../format.js';
import { INPUT_OPTIONS, inputName, inputSpec, readInputs } from '../input.js';
import { addr } from '../json-values.js';
import { diagnosticJson } from '../diagnostics.js';
import { vdiag } from '../../virtio/diag.js';
import type { Diagnostic } from '../../bytes/diagnostic.js';
import { doorbellViews, isDoorbell } from '../../virtio/doorbell-views.js';
import { VIRTIO_VMMS, vmmDoorbell, type VirtioVmm } from '../../virtio/vmm.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  io: { type: 'boolean' },
  vmm: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** What the answer for one hit rests on: queue numbers taken from queue_notify_off = index. */
function hitDiagnostics(h: VirtioAddressHit): Diagnostic[] {
  if (!h.assumedNotifyOff || !h.queues?.length) return [];
  return [vdiag('VIRTIO_NOTIFY_OFF_ASSUMED', null, `${h.slot}: queue_notify_off assumed equal to the queue index (read it from common_cfg to be sure)`)];
}

function hitJson(h: VirtioAddressHit, vmm: VirtioVmm): Record<string, unknown> {
  const o: Record<string, unknown> = {
    slot: h.slot,
    space: h.space,
    bar: h.bar,
    bar_address: addr(h.barAddress),
    offset_in_bar: addr(h.offsetInBar),
    structure: h.structure,
    cap_offset: h.capOffset,
    preferred: h.preferred,
    offset: addr(h.offsetInStructure),
    struct: h.struct,
    field: h.field,
    byte_in_field: h.byteInField,
    queues: h.queues ? [...h.queues] : null,
  };
  if (h.queueNotifyOff !== undefined) o.queue_notify_off = h.queueNotifyOff;
  if (h.allQueues !== undefined) o.all_queues = h.allQueues;
  if (h.assumedNotifyOff !== undefined) o.assumed_notify_off = h.assumedNotifyOff;
  if (h.multiplierUnknown) o.multiplier_unknown = true;
  if (h.entry !== undefined) o.entry = h.entry;
  if (h.shmId !== undefined) o.shm_id = h.shmId;
  const v = vmmDoorbell(vmm, h);
  if (v) o.vmm = { name: v.vmm, queue: v.queue, by_value: v.byValue, rule: v.rule };
  else if (isDoorbell(h)) o.vmm = { name: vmm, queue: null, by_value: null, rule: null };
  o.diagnostics = hitDiagnostics(h).map(diagnosticJson);
  return o;
}

function hitText(h: VirtioAddressHit, vmm: VirtioVmm): string[] {
  const out: string[] = [];
  const field = h.field ? ` ${h.struct ? h.struct + '.' : ''}${h.field}${h.byteInField ? ` (byte ${h.byteInField})` : ''}` : '';
  out.push(
    `${h.slot} BAR${h.bar} ${hex0x(h.barAddress)} + ${hex0x(h.offsetInBar)}: ${h.structure}${h.capOffset !== null ? ` (cap [${h.capOffset.toString(16)}])` : ''} + ${hex0x(h.offsetInStructure)}${field}` +
      (h.preferred || h.structure === 'bar'
        ? ''
        : h.structure.startsWith('legacy')
          ? '  [legacy interface: only drivers without VIRTIO_F_VERSION_1 use it]'
          : '  [not the capability a driver uses for this structure]'),
  );
  if (h.entry !== undefined) out.push(`  ${h.structure === 'msix_table' ? 'MSI-X vector' : 'first pending bit'} ${h.entry}`);
  // The spec's view (which doorbell a driver writes here), then the VMM's (what a write here does).
  const views = doorbellViews(h, vmm);
  for (const v of [views.spec, views.vmm]) if (v !== null) out.push('  ' + v);
  return out;
}

export async function lookupCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('lookup', argv, OPTIONS);
  if (p.positionals.length === 0) throw new CliUsageError('ADDRESS is required', 'lookup');
  if (p.positionals.length > 2) throw new CliUsageError(`expected [FILE] ADDRESS, got ${p.positionals.length} arguments`, 'lookup');
  const address = bigintOption('lookup', 'ADDRESS', p.positionals[p.positionals.length - 1]);
  const space = flag(p, 'io') ? 'io' : 'mem';
  if (space === 'io' && address > 0xffffn) throw new CliUsageError(`I/O port ${hex0x(address)} is above 0xffff`, 'lookup');
  if (address > 0xffff_ffff_ffff_ffffn) throw new CliUsageError(`ADDRESS ${shown(hex0x(address))} does not fit in 64 bits`, 'lookup');
  const spec = inputSpec('lookup', p, p.positionals.length === 2 ? p.positionals[0] : null);
  const vmmName = stringValue(p, 'vmm') ?? 'qemu';
  if (!(VIRTIO_VMMS as readonly string[]).includes(vmmName)) throw new CliUsageError(`--vmm must be one of ${VIRTIO_VMMS.join(', ')}, got '${shown(vmmName)}'`, 'lookup');
  const vmm = vmmName as VirtioVmm;

  // One function at a time: a host-sized dump is searched without holding it.
  const hits: VirtioAddressHit[] = [];
  for await (const input of readInputs(spec, ctx)) {
    const dev = decodeDevice(input);
    const slot = input.slot ? formatPciAddress(input.slot) : '(no slot)';
    hits.push(...lookupAddress([{ slot, config: dev.cs, transport: dev.virtio?.transport, probeOptions: { barSizes: input.barSizes ?? undefined } }], address, space));
  }
  // Structures a driver uses first, plain BAR hits last (lookupAddress's order per function).
  const rank = (h: VirtioAddressHit) => (h.structure === 'bar' ? 2 : h.preferred ? 0 : 1);
  hits.sort((a, b) => rank(a) - rank(b));
  if (flag(p, 'json')) {
    const best = hits[0];
    // Top-level diagnostics cover every hit (each hit also carries its own).
    const diagnostics = hits.flatMap(hitDiagnostics).map(diagnosticJson);
    const j = best
      ? { address: addr(address), ...hitJson(best, vmm), hits: hits.map((h) => hitJson(h, vmm)), diagnostics }
      : { address: addr(address), space, slot: null, bar: null, structure: null, offset: null, field: null, queues: null, hits: [], diagnostics };
    if (best) j.space = space;
    await ctx.out.line(JSON.stringify(j, null, 2));
    return 0;
  }
  if (!hits.length) {
    await ctx.out.line(`${hex0x(address)} (${space === 'io' ? 'I/O port' : 'memory'}): no BAR of ${shown(inputName(spec), 1000)} contains it` + (spec.sysfs ? '' : ' (BARs of unknown size only match their virtio structures)'));
    return 0;
  }
  await ctx.out.line(`${hex0x(address)} (${space === 'io' ? 'I/O port' : 'memory'}):`);
  for (const h of hits) for (const l of hitText(h, vmm)) await ctx.out.line('  ' + l);
  return 0;
}
