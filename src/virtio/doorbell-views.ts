// The two answers for a write at a doorbell, each labelled, as `pcicfg lookup` prints them and
// the page's lookup box shows them: the spec's (which queue's doorbell a driver writes there)
// and a VMM's (what that VMM does with the write, vmmDoorbell). Internal: not exported from
// the package.
import type { VirtioAddressHit } from './lookup.js';
import { vmmDoorbell, type VirtioVmm } from './vmm.js';

export interface DoorbellViews {
  /** `spec: …`; null where the spec's answer is not a queue question (a legacy register other than a doorbell). */
  readonly spec: string | null;
  /** `qemu: …` (the VMM's name first); null for a hit that is not a doorbell. */
  readonly vmm: string | null;
}

/** A notify hit, or the legacy header's queue_notify register. */
export const isDoorbell = (h: VirtioAddressHit): boolean => h.structure === 'notify' || (h.structure === 'legacy' && h.field === 'queue_notify');

function specView(h: VirtioAddressHit): string | null {
  if (h.structure !== 'notify' && h.structure !== 'legacy') return null;
  if (h.multiplierUnknown) return 'spec: which queue: unknown (notify_off_multiplier is not in the image)';
  if (h.allQueues) return 'spec: kicks every queue (the value written selects the queue)';
  if (h.queues && h.queues.length) {
    return (
      `spec: kicks queue${h.queues.length > 1 ? 's' : ''} ${h.queues.join(', ')}` +
      (h.queueNotifyOff !== null && h.queueNotifyOff !== undefined ? ` (queue_notify_off ${h.queueNotifyOff})` : '') +
      (h.assumedNotifyOff ? '; queue_notify_off = queue index assumed' : '')
    );
  }
  return h.structure === 'notify' ? "spec: between doorbells: no queue's doorbell, a driver writes none here" : null;
}

function vmmView(h: VirtioAddressHit, vmm: VirtioVmm): string | null {
  if (!isDoorbell(h)) return null;
  const v = vmmDoorbell(vmm, h);
  if (!v) return `${vmm}: its handling of this register is not described here`;
  if (v.byValue) return `${vmm}: kicks the queue named by the value written (${v.rule})`;
  return `${vmm}: ${v.queue === null ? 'kicks no queue' : `kicks queue ${v.queue}`} (${v.rule})`;
}

/** The spec's view and `vmm`'s view of a write at `hit`. */
export function doorbellViews(hit: VirtioAddressHit, vmm: VirtioVmm): DoorbellViews {
  return { spec: specView(hit), vmm: vmmView(hit, vmm) };
}
