// The slots a dump showed last, for DUMP_DUPLICATE_SLOT: a bounded window, so that a dump of
// millions of functions does not keep every slot it ever saw.
import type { PciAddress } from '../pci/bus.js';

/**
 * Distinct slots remembered: every function address of a PCI domain (256 buses × 32 devices
 * × 8 functions), so a repeat within any dump of up to that many functions is always seen.
 */
export const RECENT_SLOTS = 65536;

export class RecentSlots {
  private readonly seen = new Set<number>();
  /** The remembered slots in the order they came, as a ring: the oldest is forgotten first. */
  private readonly order: number[] = [];
  private oldest = 0;

  /** Whether `slot` is among the last RECENT_SLOTS distinct slots; then remembers it. */
  repeats(slot: PciAddress): boolean {
    // Domains have up to 24 bits: the key stays an exact integer.
    const key = slot.domain * 65536 + ((slot.bus << 8) | (slot.device << 3) | slot.function);
    if (this.seen.has(key)) return true;
    if (this.order.length < RECENT_SLOTS) this.order.push(key);
    else {
      this.seen.delete(this.order[this.oldest]);
      this.order[this.oldest] = key;
      this.oldest = (this.oldest + 1) % RECENT_SLOTS;
    }
    this.seen.add(key);
    return false;
  }
}
