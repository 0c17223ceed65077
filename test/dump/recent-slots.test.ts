// DUMP_DUPLICATE_SLOT remembers a bounded window of slots: every repeat within the last 65536
// distinct slots (a whole PCI domain) is reported, and the memory for it does not grow with
// the dump.
import { describe, expect, it } from 'vitest';
import { readDump } from '../../src/dump/index.js';
import { RECENT_SLOTS, RecentSlots } from '../../src/dump/recent-slots.js';
import type { PciAddress } from '../../src/pci/bus.js';

/** The i-th slot: 65536 to a domain. */
const slot = (i: number): PciAddress => ({ domain: Math.floor(i / 65536), bus: (i >> 8) & 0xff, device: (i >> 3) & 31, function: i & 7 });

describe('RecentSlots', () => {
  it('tells a slot seen before from a new one, across domains and up to 24-bit domains', () => {
    const r = new RecentSlots();
    const slots = [slot(0), slot(1), slot(65536), { domain: 0xffffff, bus: 0xff, device: 31, function: 7 }, { domain: 0xfffffe, bus: 0xff, device: 31, function: 7 }];
    for (const s of slots) expect(r.repeats(s)).toBe(false);
    for (const s of slots) expect(r.repeats({ ...s })).toBe(true);
  });

  it('sees every repeat within the last RECENT_SLOTS distinct slots, and forgets the oldest beyond', () => {
    const r = new RecentSlots();
    for (let i = 0; i < RECENT_SLOTS; i++) expect(r.repeats(slot(i))).toBe(false);
    // A whole domain is remembered: each of its slots again is a repeat (and moves nothing).
    for (let i = 0; i < RECENT_SLOTS; i += 97) expect(r.repeats(slot(i))).toBe(true);
    // One more distinct slot forgets the oldest, slot 0, and only it.
    expect(r.repeats(slot(RECENT_SLOTS))).toBe(false);
    expect(r.repeats(slot(1))).toBe(true);
    expect(r.repeats(slot(0))).toBe(false);
  });
});

describe('DUMP_DUPLICATE_SLOT in a large dump', () => {
  const text = (order: number[]) => order.map((i) => `${'0000:' + slot(i).bus.toString(16).padStart(2, '0')}:${slot(i).device.toString(16).padStart(2, '0')}.${i & 7}\n00: 01\n\n`).join('');
  const dup = (order: number[]) =>
    readDump(text(order))
      .functions.map((f, k) => (f.diagnostics.some((d) => d.code === 'DUMP_DUPLICATE_SLOT') ? k : -1))
      .filter((k) => k >= 0);

  it('a repeat of the first slot at the end of a full domain is reported', () => {
    const order = Array.from({ length: RECENT_SLOTS }, (_, i) => i);
    expect(dup([...order, 0])).toEqual([RECENT_SLOTS]);
  });
});
