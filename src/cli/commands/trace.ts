// `pcicfg trace`: a QEMU trace log explained access by access against the functions of a dump
// (the host's view of every guest MMIO/PIO access, named field by field), then a per-device,
// per-queue summary. The trace is streamed: its size does not change what is held.
import { formatPciAddress } from '../../pci/bus.js';
import { QemuTraceReader, type QemuTraceAccess, type QemuTraceItem } from '../../dump/qemu-trace.js';
import { parseQemuMtree, qemuMtreeRegionSpace, qemuMtreeRegionStart, type QemuMtree } from '../../dump/qemu-mtree.js';
import { ecamTarget, explainConfigAccess, PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_DATA_PORT, PciConfigMechanism1, type PciConfigAccessExplanation, type PciConfigTarget } from '../../pci/config-access.js';
import type { VirtioLookupDevice } from '../../virtio/lookup.js';
import { VirtioAccessExplainer, type VirtioAccessExplanation } from '../../virtio/explain.js';
import { VIRTIO_VMMS, type VirtioVmm, type VmmDoorbell } from '../../virtio/vmm.js';
import type { AccessPart } from '../../layout/access-parts.js';
import { flag, parseCommandArgs, stringValue } from '../args.js';
import type { CommandContext } from '../context.js';
import { decodeDevice } from '../device.js';
import { CliInputError, CliUsageError } from '../errors.js';
import { fileChunks, standardInput } from '../file-chunks.js';
import { hex0x } from '../format.js';
import { INPUT_OPTIONS, inputSpec, readInputs } from '../input.js';
import { readAll } from '../io.js';
import { addr } from '../json-values.js';
import { shown } from '../shown.js';

const OPTIONS = {
  ...INPUT_OPTIONS,
  dump: { type: 'string' },
  mtree: { type: 'string' },
  vmm: { type: 'string' },
  json: { type: 'boolean' },
  all: { type: 'boolean' },
} as const;

/** Warnings printed before the rest are only counted. */
const MAX_WARNINGS = 100;
/** `info mtree -f` of a large machine is some hundred KiB. */
const MTREE_MAX = 16 << 20;

interface DeviceTally {
  accesses: number;
  writes: number;
  structures: Map<string, number>;
  /** Kicks by queue under the VMM's rule. */
  kicks: Map<number, number>;
  /** Doorbell writes that kick no queue under the VMM's rule. */
  noKick: number;
  /** virtio_queue_notify events paired with this device's doorbell writes, by queue. */
  qemuNotified: Map<number, number>;
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
/** `1 line`, `2 lines`. */
const count = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** QEMU's names of the regions of configuration mechanism #1 and of the q35 ECAM window. */
const CONF_INDEX = 'pci-conf-idx';
const CONF_DATA = 'pci-conf-data';
const ECAM = 'pcie-mmcfg-mmio';
/** QEMU's largest ECAM window (PCIE_MMCFG_SIZE_MAX, 256 buses): where the window starts when --mtree does not say. */
const ECAM_WINDOW = 1n << 28n;

/** Where an access landed, in the keys of a JSON line (docs/cli.md, trace --json). */
interface Landing {
  readonly space: 'mem' | 'io' | 'config';
  readonly slot: string;
  readonly bar: number | null;
  readonly offsetInBar: bigint | null;
  readonly structure: string;
  readonly offset: bigint | number;
  readonly struct: string | null;
  readonly parts: readonly AccessPart[];
  readonly entry: number | null;
  readonly text: string;
  readonly queue: number | null;
  readonly specQueues: readonly number[] | null;
  readonly vmm: VmmDoorbell | null;
}

function configLanding(c: PciConfigAccessExplanation): Landing {
  const { slot, offset, struct, parts, text } = c;
  return { space: 'config', slot, bar: null, offsetInBar: null, structure: 'config', offset, struct, parts, entry: null, text, queue: null, specQueues: null, vmm: null };
}

function barLanding(e: VirtioAccessExplanation): Landing {
  const h = e.hit;
  return {
    space: e.space,
    slot: h.slot,
    bar: h.bar,
    offsetInBar: h.offsetInBar,
    structure: h.structure,
    offset: h.offsetInStructure,
    struct: h.struct,
    parts: e.parts,
    entry: h.entry ?? null,
    text: e.text,
    queue: e.queue,
    specQueues: e.specQueues,
    vmm: e.vmm,
  };
}

function lineJson(line: number, a: QemuTraceAccess, w: Landing | null, qemuQueue: number | null): string {
  return JSON.stringify({
    line,
    address: addr(a.addr),
    op: a.op,
    size: a.size,
    value: addr(a.value),
    region: a.name,
    cpu: a.cpu,
    time: a.time,
    space: w?.space ?? null,
    slot: w?.slot ?? null,
    bar: w?.bar ?? null,
    offset_in_bar: w && w.offsetInBar !== null ? addr(w.offsetInBar) : null,
    structure: w?.structure ?? null,
    offset: w ? addr(w.offset) : null,
    struct: w?.struct ?? null,
    field: w?.parts[0]?.field ?? null,
    byte_in_field: w?.parts[0]?.firstByte ?? null,
    fields: w ? w.parts.map((p) => ({ field: p.field, first_byte: p.firstByte, last_byte: p.lastByte, value: addr(p.value), text: p.text })) : [],
    entry: w?.entry ?? null,
    text: w?.text ?? null,
    queue: w?.queue ?? null,
    spec_queues: w?.specQueues ? [...w.specQueues] : null,
    vmm: w?.vmm ? { name: w.vmm.vmm, queue: w.vmm.queue, by_value: w.vmm.byValue, rule: w.vmm.rule } : null,
    qemu_queue: qemuQueue,
  });
}

const accessHead = (line: number, a: QemuTraceAccess) => `${line}: ${a.op} ${a.size} @ ${hex0x(a.addr)} = ${hex0x(a.value)}`;

function configText(line: number, a: QemuTraceAccess, c: PciConfigAccessExplanation): string {
  return `${accessHead(line, a)}  ${c.slot} config + ${hex0x(c.offset)}${c.label ? ' ' + c.label : ''}: ${c.text}`;
}

function accessText(line: number, a: QemuTraceAccess, e: VirtioAccessExplanation | null, qemuQueue: number | null): string {
  const head = accessHead(line, a);
  if (!e) return `${head}  ${a.name === null ? '(no region name)' : shown(a.name)}: no function of the dump`;
  const h = e.hit;
  const where = `${h.slot} BAR${h.bar} + ${hex0x(h.offsetInBar)} ${h.structure}${h.offsetInStructure === h.offsetInBar ? '' : ` + ${hex0x(h.offsetInStructure)}`}`;
  const qemu = qemuQueue === null ? '' : `; QEMU: virtio_queue_notify n ${qemuQueue}`;
  return `${head}  ${where}: ${e.text}${qemu}`;
}

/** The summary after the accesses: the trace's counts, then per function its structures and queues. */
function summaryLines(
  name: string,
  n: { lines: number; accesses: number; outside: number; virtioEvents: number; others: number; warnings: number },
  tallies: ReadonlyMap<string, DeviceTally>,
  all: boolean,
  vmm: string,
): string[] {
  const out = [
    `${name}: ${count(n.lines, 'line')}, ${count(n.accesses, 'access', 'accesses')}: ${n.accesses - n.outside} to functions of the dump, ${n.outside} to other regions` +
      (all ? '' : ' (counted; --all lists them)') +
      `; ${count(n.virtioEvents, 'virtio event')}, ${count(n.others, 'other event')}, ${count(n.warnings, 'malformed line')}`,
  ];
  for (const [slot, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    const structures = [...t.structures].map(([s, k]) => `${s} ${k}`).join(', ');
    out.push(`${slot}: ${count(t.accesses, 'access', 'accesses')} (${count(t.writes, 'write')}, ${count(t.accesses - t.writes, 'read')}): ${structures}`);
    for (const q of [...new Set([...t.kicks.keys(), ...t.qemuNotified.keys()])].sort((a, b) => a - b)) {
      // QEMU's own count only when the trace has its virtio events to count.
      const qemu = n.virtioEvents ? `, ${t.qemuNotified.get(q) ?? 0} virtio_queue_notify from QEMU` : '';
      out.push(`  queue ${q}: ${count(t.kicks.get(q) ?? 0, 'kick')} (${vmm}'s rule)${qemu}`);
    }
    if (t.noKick) out.push(`  ${count(t.noKick, 'doorbell write')} that kick no queue (${vmm}'s rule)`);
  }
  return out;
}

export async function traceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('trace', argv, OPTIONS);
  if (p.positionals.length !== 1) throw new CliUsageError(p.positionals.length ? `expected one TRACE file, got ${p.positionals.length} arguments` : 'TRACE is required', 'trace');
  const dump = stringValue(p, 'dump') ?? null;
  if (dump === null && !flag(p, 'sysfs')) throw new CliUsageError('give the functions with --dump FILE or --sysfs', 'trace');
  const vmmName = stringValue(p, 'vmm') ?? 'qemu';
  if (!(VIRTIO_VMMS as readonly string[]).includes(vmmName)) throw new CliUsageError(`--vmm must be one of ${VIRTIO_VMMS.join(', ')}, got '${shown(vmmName)}'`, 'trace');
  const tracePath = p.positionals[0];
  if (tracePath === '-' && dump === '-') throw new CliUsageError('the trace and the dump cannot both be standard input', 'trace');
  const json = flag(p, 'json');
  const all = flag(p, 'all');
  const spec = inputSpec('trace', p, dump);

  // The dump is small (a machine's functions): held, each decoded once.
  const devices: VirtioLookupDevice[] = [];
  for await (const input of readInputs(spec, ctx)) {
    const dev = decodeDevice(input);
    devices.push({ slot: input.slot ? formatPciAddress(input.slot) : '(no slot)', config: dev.cs, transport: dev.virtio?.transport, probeOptions: { barSizes: input.barSizes ?? undefined } });
  }
  const mtreePath = stringValue(p, 'mtree') ?? null;
  let mtree: QemuMtree | null = null;
  if (mtreePath !== null) {
    const bytes = await readAll(fileChunks(mtreePath), MTREE_MAX);
    if (!bytes) throw new CliInputError(mtreePath, `longer than ${MTREE_MAX >> 20} MiB: not QEMU \`info mtree\` output`);
    mtree = parseQemuMtree(new TextDecoder().decode(bytes), { file: mtreePath });
    if (!mtree.views.some((v) => v.ranges.length)) throw new CliInputError(mtreePath, 'no `info mtree` range lines (START-END (prio N, TYPE): NAME)');
    for (const d of mtree.diagnostics) await ctx.err.line(`pcicfg trace: warning: ${d.message}`);
  }
  const spaceOf = new Map<string, 'io' | 'mem' | undefined>();
  const regionSpace = (name: string | null): 'io' | 'mem' | undefined => {
    if (!mtree || name === null) return undefined;
    if (!spaceOf.has(name)) spaceOf.set(name, qemuMtreeRegionSpace(mtree, name) ?? undefined);
    return spaceOf.get(name);
  };

  const explainer = new VirtioAccessExplainer(devices, { vmm: vmmName as VirtioVmm });
  const bySlot = new Map(devices.map((d) => [d.slot, d]));
  // Configuration accesses: mechanism #1's CONFIG_ADDRESS as last written, the ECAM window's start.
  const mechanism1 = new PciConfigMechanism1();
  const ecamStart = mtree ? qemuMtreeRegionStart(mtree, ECAM) : null;
  const configTarget = (r: QemuTraceAccess): PciConfigTarget | null => {
    if (r.name === CONF_INDEX || (r.name === null && r.addr === BigInt(PCI_CONFIG_ADDRESS_PORT))) {
      if (r.op === 'write') mechanism1.write(r.size, Number(r.value & 0xffffffffn));
      return null;
    }
    if (r.name === CONF_DATA || (r.name === null && r.addr >= BigInt(PCI_CONFIG_DATA_PORT) && r.addr <= BigInt(PCI_CONFIG_DATA_PORT + 3))) return mechanism1.target(Number(r.addr));
    if (r.name === ECAM) return ecamTarget(r.addr - (ecamStart ?? r.addr - (r.addr % ECAM_WINDOW)));
    return null;
  };
  const tallies = new Map<string, DeviceTally>();
  const tally = (slot: string) => {
    let t = tallies.get(slot);
    if (!t) tallies.set(slot, (t = { accesses: 0, writes: 0, structures: new Map(), kicks: new Map(), noKick: 0, qemuNotified: new Map() }));
    return t;
  };
  let lines = 0;
  let accesses = 0;
  let outside = 0;
  let virtioEvents = 0;
  let others = 0;
  let warnings = 0;
  // A doorbell write is held until the next record: QEMU traces virtio_queue_notify right after
  // the write that caused it, and the pair is printed as one line.
  let held: { line: number; a: QemuTraceAccess; e: VirtioAccessExplanation } | null = null;
  let printed = 0;
  const print = async (line: number, a: QemuTraceAccess, e: VirtioAccessExplanation | null, qemuQueue: number | null) => {
    printed++;
    await ctx.out.line(json ? lineJson(line, a, e ? barLanding(e) : null, qemuQueue) : accessText(line, a, e, qemuQueue));
  };
  const release = async (qemuQueue: number | null) => {
    if (!held) return;
    const h = held;
    held = null;
    if (qemuQueue !== null) bump(tally(h.e.hit.slot).qemuNotified, qemuQueue);
    await print(h.line, h.a, h.e, qemuQueue);
  };

  const name = tracePath === '-' ? '<stdin>' : tracePath;
  const source = tracePath === '-' ? standardInput(ctx.io.stdin) : fileChunks(tracePath);
  const reader = new QemuTraceReader({ file: name });
  // The items of a chunk are handled in a plain loop: an async generator per item costs more
  // than parsing the line.
  const handle = async (items: readonly QemuTraceItem[]) => {
    for (const item of items) await handleItem(item);
  };
  const handleItem = async (item: QemuTraceItem) => {
    lines = item.line;
    if ('warning' in item) {
      if (++warnings <= MAX_WARNINGS) await ctx.err.line(`pcicfg trace: warning: ${item.warning.message}`);
      else if (warnings === MAX_WARNINGS + 1) await ctx.err.line(`pcicfg trace: warning: more malformed lines from ${name}:${item.line} on are only counted`);
      return;
    }
    if ('other' in item) {
      if (item.other !== null) others++;
      return;
    }
    const r = item.record;
    if (r.kind !== 'access') {
      virtioEvents++;
      await release(r.kind === 'virtio_queue_notify' && held ? r.queue : null);
      return;
    }
    if (held) await release(null);
    accesses++;
    const target = configTarget(r);
    const fn = target ? bySlot.get(formatPciAddress(target.address)) : undefined;
    const c = fn ? explainConfigAccess([fn], target!, r.size, r.value) : null;
    if (c) {
      const t = tally(c.slot);
      t.accesses++;
      if (r.op === 'write') t.writes++;
      bump(t.structures, 'config');
      printed++;
      await ctx.out.line(json ? lineJson(item.line, r, configLanding(c), null) : configText(item.line, r, c));
      return;
    }
    const e = explainer.explain({ op: r.op, address: r.addr, size: r.size, value: r.value, space: regionSpace(r.name) });
    if (!e) {
      outside++;
      if (all) await print(item.line, r, null, null);
      return;
    }
    const t = tally(e.hit.slot);
    t.accesses++;
    if (r.op === 'write') t.writes++;
    bump(t.structures, e.hit.structure);
    if (e.vmm) {
      if (e.queue === null) t.noKick++;
      else bump(t.kicks, e.queue);
      held = { line: item.line, a: r, e };
      return;
    }
    await print(item.line, r, e, null);
  };
  for await (const chunk of source) await handle(reader.push(chunk));
  await handle(reader.end());
  await release(null);

  if (!json) {
    if (printed) await ctx.out.line('');
    const totals = { lines, accesses, outside, virtioEvents, others, warnings };
    for (const l of summaryLines(shown(name), totals, tallies, all, vmmName)) await ctx.out.line(l);
  }
  return 0;
}
