// An access seen by the host (a trap, a trace line) explained against a set of decoded
// functions: the reverse lookup names the function, BAR, structure and field; the field's table
// reads the value (named bits, a doorbell's queue, an MSI-X entry); a doorbell gets both the
// spec's view (which queue's doorbell a driver writes there) and the VMM's (vmm.ts).
import { accessParts, valueText as num, type AccessPart } from '../layout/access-parts.js';
import { lookupAddress, type VirtioAddressHit, type VirtioLookupDevice } from './lookup.js';
import { virtioNotificationData } from './notify.js';
import { vmmDoorbell, type VirtioVmm, type VmmDoorbell } from './vmm.js';

/** One access as the host saw it. */
export interface VirtioAccess {
  readonly op: 'read' | 'write';
  readonly address: bigint;
  /** Bytes accessed, 1-8. */
  readonly size: number;
  readonly value: bigint;
  /** Memory or I/O port; unset: memory first, then (below 0x10000) an I/O port. */
  readonly space?: 'mem' | 'io';
}

export interface VirtioAccessExplanation {
  readonly access: VirtioAccess;
  /** The structure a driver uses there first (lookupAddress's best hit). */
  readonly hit: VirtioAddressHit;
  readonly space: 'mem' | 'io';
  /** Fields the access covers, in order (empty where no table names the bytes). */
  readonly parts: readonly AccessPart[];
  /** A doorbell write: the queues whose doorbell the spec puts there (null for other accesses). */
  readonly specQueues: readonly number[] | null;
  /** A doorbell write: what the VMM does with it. */
  readonly vmm: VmmDoorbell | null;
  /** A doorbell write: the queue the VMM kicks (vmm.queue), null otherwise or when none. */
  readonly queue: number | null;
  /** One line: the fields with their values, or what the doorbell write does. */
  readonly text: string;
}

export interface ExplainOptions {
  /** Whose doorbell rule gives `queue`. Default `qemu`. */
  readonly vmm?: VirtioVmm;
}

function doorbellText(h: VirtioAddressHit, a: VirtioAccess, vmm: VmmDoorbell | null): string {
  const spec = h.multiplierUnknown
    ? 'spec: which queue is unknown (notify_off_multiplier not in the image)'
    : h.allQueues
      ? `spec: shared doorbell, the value selects the queue${a.op === 'write' ? ` (${num(a.value & 0xffffn)})` : ''}`
      : h.queues?.length
        ? `spec: doorbell of queue ${h.queues.join(', ')}`
        : 'spec: between doorbells, no queue';
  const v = vmm ? `${vmm.vmm}: ${vmm.queue === null ? 'kicks no queue' : `kicks queue ${vmm.queue}`}` : null;
  const head = vmm?.queue !== null && vmm?.queue !== undefined ? `kick queue ${vmm.queue}` : 'no kick';
  // With VIRTIO_F_NOTIFICATION_DATA the driver writes 4 bytes: vqn and where the ring stands.
  let data = '';
  if (a.size === 4 && h.structure === 'notify') {
    const n = virtioNotificationData.bits('value', Number(a.value & 0xffffffffn));
    data = `; as ${virtioNotificationData.name}: ${Object.entries(n).map(([k, v]) => `${k}=${Number(v)}`).join(' ')}`;
  }
  return `${head} [${spec}${v ? '; ' + v : ''}]${data}`;
}

function fieldIn(table: NonNullable<VirtioAddressHit['table']>, at: number) {
  const f = at >= 0 ? table.fieldAt(at) : undefined;
  return f && { field: f, byteInField: at - f.offset };
}

/**
 * Explains accesses against `devices`. Lookups are cached by address (traces hit the same few
 * registers over and over); the cache is bounded.
 */
export class VirtioAccessExplainer {
  private readonly cache = { mem: new Map<bigint, VirtioAddressHit | null>(), io: new Map<bigint, VirtioAddressHit | null>() };
  private readonly vmm: VirtioVmm;

  constructor(
    private readonly devices: readonly VirtioLookupDevice[],
    options: ExplainOptions = {},
  ) {
    this.vmm = options.vmm ?? 'qemu';
  }

  private best(address: bigint, space: 'mem' | 'io'): VirtioAddressHit | null {
    const cache = this.cache[space];
    let h = cache.get(address);
    if (h === undefined) {
      h = lookupAddress(this.devices, address, space)[0] ?? null;
      if (cache.size >= 65536) cache.clear();
      cache.set(address, h);
    }
    return h;
  }

  /** Null when no function of the set holds the address. */
  explain(a: VirtioAccess): VirtioAccessExplanation | null {
    let space: 'mem' | 'io' = a.space ?? 'mem';
    let h = this.best(a.address, space);
    if (!h && a.space === undefined && a.address <= 0xffffn) {
      space = 'io';
      h = this.best(a.address, space);
    }
    if (!h) return null;
    // The MSI-X table and PBA repeat their entry: the offset in the entry names the field.
    const rel = h.table && (h.structure === 'msix_table' || h.structure === 'msix_pba') ? h.offsetInStructure % BigInt(h.table.size) : h.offsetInStructure;
    const table = h.table;
    const parts = table ? accessParts((at) => fieldIn(table, at), Number(rel), a.size, a.value) : [];
    const doorbell = a.op === 'write' && (h.structure === 'notify' || (h.structure === 'legacy' && h.field === 'queue_notify'));
    if (doorbell) {
      const vmm = vmmDoorbell(this.vmm, h, a.value);
      const specQueues = h.allQueues ? [Number(a.value & 0xffffn)] : (h.queues ?? []);
      return { access: a, hit: h, space, parts, specQueues, vmm, queue: vmm?.queue ?? null, text: doorbellText(h, a, vmm) };
    }
    let text = parts.map((p) => p.text).join(', ');
    if (h.structure === 'msix_table') text = `MSI-X vector ${h.entry} ${text}`;
    else if (h.structure === 'msix_pba') text = `pending bits of vectors ${h.entry}-${h.entry! + 8 * a.size - 1} = ${num(a.value)}`;
    else if (!text) text = `${h.structure} + 0x${h.offsetInStructure.toString(16)}`;
    return { access: a, hit: h, space, parts, specQueues: null, vmm: null, queue: null, text };
  }
}

/** One access explained against `devices` (a VirtioAccessExplainer for many). */
export function explainAccess(devices: readonly VirtioLookupDevice[], access: VirtioAccess, options: ExplainOptions = {}): VirtioAccessExplanation | null {
  return new VirtioAccessExplainer(devices, options).explain(access);
}
