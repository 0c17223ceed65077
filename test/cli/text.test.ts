// The human output of `decode`, read with an lspci -vvv user's eye: values that are encoded
// (address bits, N-1 counts) print as what they mean, and nothing is said twice.
import { describe, expect, it } from 'vitest';
import { writeLspciFunction } from '../../src/dump/index.js';
import { image } from '../pci/fixtures.js';
import { exampleBytes, runCli } from './run.js';

const slot = { domain: 0, bus: 0, device: 4, function: 0 };
const decodeText = async (bytes: Uint8Array, length = 256) => {
  const r = await runCli(['decode', '-'], writeLspciFunction({ bytes, length, slot, description: 'x' }));
  expect(r.code).toBe(0);
  return r.stdout;
};

describe('decode text', () => {
  it('MSI-X: table and PBA offsets are byte offsets; table_size says it is N-1; no second line repeating them', async () => {
    const t = await decodeText(exampleBytes());
    const block = t.slice(t.indexOf('Capabilities: [98] MSI-X'), t.indexOf('Capabilities: [84]'));
    expect(block).toMatch(/message_control +0x0001 +table_size=1 \(N-1: 2 entries\) function_mask- enable-/);
    expect(block).toMatch(/table +0x00000001 +bir=1 offset=0x0\n/);
    expect(block).toMatch(/pba +0x00000801 +bir=1 offset=0x800\n/);
    expect(block).not.toContain('offset=0x100');
    expect(block).not.toMatch(/table_size=2\b/);
    expect(block.trimEnd().split('\n')).toHaveLength(4);
  });

  it('MSI-X offsets in --annotate are byte offsets too', async () => {
    const r = await runCli(['decode', '--annotate']);
    expect(r.stdout).toMatch(/pci_msix_cap\.pba = 0x00000801  bir=1 offset=0x800/);
  });

  it('a bridge shows its bus numbers and windows like lspci, window registers as addresses', async () => {
    const b = image(256, [
      [0x00, [0x86, 0x80, 0x10, 0x9d, 0x07, 0x00, 0x10, 0x00, 0xf1, 0x00, 0x04, 0x06, 0x00, 0x00, 0x81, 0x00]],
      [0x18, [0x00, 0x02, 0x03, 0x00, 0x11, 0x21, 0x00, 0x20]],
      [0x20, [0x10, 0xf1, 0x10, 0xf1, 0x01, 0x00, 0xf1, 0xff, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]],
      [0x30, [0x00, 0x00, 0x00, 0x00]],
    ]);
    const t = await decodeText(b);
    expect(t).toContain('\tBus: primary=00, secondary=02, subordinate=03, sec-latency=0\n');
    // Checked against lspci -F of the same image (pciutils 3.9).
    expect(t).toContain('\tI/O behind bridge: 00001000-00002fff [size=8K] [32-bit]\n');
    expect(t).toContain('\tMemory behind bridge: f1100000-f11fffff [size=1M] [32-bit]\n');
    expect(t).toContain('\tPrefetchable memory behind bridge: 0000000100000000-00000001ffffffff [size=4G] [64-bit]\n');
    expect(t).toMatch(/io_base +0x11 +io_type=1 address=0x1000\n/);
    expect(t).toMatch(/memory_limit +0xf110 +address=0xf11fffff\n/);
    expect(t).toMatch(/secondary_status +0x2000 .*devsel=fast/);
  });

  it('an empty bridge window says None', async () => {
    const b = image(256, [
      [0x00, [0x86, 0x80, 0x10, 0x9d, 0x07, 0x00, 0x10, 0x00, 0xf1, 0x00, 0x04, 0x06, 0x00, 0x00, 0x01, 0x00]],
      [0x18, [0x00, 0x01, 0x01, 0x00, 0xf0, 0x00, 0x00, 0x00]],
      [0x20, [0xf0, 0xff, 0x00, 0x00, 0xf1, 0xff, 0x01, 0x00]],
    ]);
    const t = await decodeText(b);
    expect(t).toContain('\tI/O behind bridge: None\n');
    expect(t).toContain('\tMemory behind bridge: None\n');
    expect(t).toContain('\tPrefetchable memory behind bridge: None\n');
  });

  it('Status DEVSEL timing by name', async () => {
    const t = await decodeText(exampleBytes());
    expect(t).toMatch(/\tStatus: .*devsel=fast/);
  });

  it('an unnamed class is printed once as "Class xxxxxx"', async () => {
    const b = exampleBytes();
    b.set([0x43, 0x53, 0x49], 9);
    const t = await decodeText(b);
    expect(t).toContain(', Class 495343, header type');
    expect(t).not.toContain('Class Class');
  });

  it('a non-transitional virtio device is modern with common, notify and ISR, modern-incomplete without notify, unknown past 64 bytes', async () => {
    const modern = exampleBytes().slice();
    modern[0x02] = 0x42; // device ID 0x1042: the same blk device, non-transitional
    modern[0x08] = 1; // revision 1, as QEMU gives a modern device
    const noNotify = modern.slice();
    // Unlink the notify capability (virtio cfg_type 2) from the list.
    for (let link = 0x34; noNotify[link]; link = noNotify[link]! + 1) {
      const at = noNotify[link]!;
      if (noNotify[at] === 0x09 && noNotify[at + 3] === 2) {
        noNotify[link] = noNotify[at + 1]!;
        break;
      }
    }
    const json = async (bytes: Uint8Array, length = 256) =>
      JSON.parse((await runCli(['decode', '-', '--json'], writeLspciFunction({ bytes, length, slot }))).stdout).devices[0].virtio;
    expect(await decodeText(modern)).toContain('Virtio: blk device (type 2), modern transport\n');
    expect((await json(modern)).transport).toBe('modern');
    const t = await decodeText(noNotify);
    expect(t).toContain('Virtio: blk device (type 2), modern-incomplete transport\n');
    expect(t).not.toContain('notify     cap');
    const j = await json(noNotify);
    expect([j.transport, j.notify]).toEqual(['modern-incomplete', null]);
    expect(await decodeText(modern, 64)).toContain('Virtio: blk device (type 2), transport unknown (the capability list is past the 64 known bytes)');
    expect((await json(modern, 64)).transport).toBeNull();
  });

  it('an lspci -x dump of a transitional virtio device does not call it legacy: its capabilities are not in the dump', async () => {
    const t = await decodeText(exampleBytes(), 64);
    expect(t).toContain('\tCapabilities: [98] not in the dump (only 64 bytes known)\n');
    expect(t).toContain('Virtio: blk device (type 2), transport unknown (the capability list is past the 64 known bytes)');
    expect(t).toContain('MSI-X unknown');
    const j = JSON.parse((await runCli(['decode', '-', '--json'], writeLspciFunction({ bytes: exampleBytes(), length: 64, slot }))).stdout);
    expect(j.devices[0].virtio.transport).toBeNull();
  });

  it('derived capability values print in decimal unless they are addresses, and not when the registers show them', async () => {
    // MSI (0x05) at 0x40: 64-bit, 8 vectors capable.
    const b = exampleBytes();
    b[0x34] = 0x40;
    b.set([0x05, 0x00, 0x86, 0x00, 0x00, 0x10, 0xe0, 0xfe, 0, 0, 0, 0, 0x21, 0x40], 0x40);
    const t = await decodeText(b);
    expect(t).toMatch(/\tCapabilities: \[40\] MSI\n/);
    expect(t).toContain('\t\tvectors_capable=8 vectors_enabled=1 address=0xfee01000');
  });

  it('queues whose doorbell (with queue_notify_off = index) lies past the notify region are marked, not reported as errors', async () => {
    const b = exampleBytes();
    b.set([0x08, 0x00, 0x00, 0x00], 0x7c); // notify length 8: room for queues 0 and 1 at multiplier 4
    const t = await decodeText(b);
    expect(t).toMatch(/queue 1: 0x[0-9a-f]+\n/);
    expect(t).toMatch(/queue 2: 0x[0-9a-f]+ {2}\(past the 0x8-byte notify region: the device likely has fewer than 3 queues\)/);
    expect(t).not.toContain('VIRTIO_NOTIFY_OFF_OUT_OF_RANGE');
    const j = JSON.parse((await runCli(['decode', '-', '--json'], writeLspciFunction({ bytes: b, length: 256, slot }))).stdout).devices[0];
    expect(j.virtio.queues.map((q: { in_notify_region: boolean }) => q.in_notify_region)).toEqual([true, true, false, false]);
    // Asked about queue 2 explicitly, notify does report the bound.
    const n = JSON.parse((await runCli(['notify', '-', '-q', '2', '--json'], writeLspciFunction({ bytes: b, length: 256, slot }))).stdout);
    expect(n.diagnostics.map((d: { code: string }) => d.code)).toContain('VIRTIO_NOTIFY_OFF_OUT_OF_RANGE');
  });

  it('the expansion ROM register shows its base address in place', async () => {
    const b = exampleBytes();
    b.set([0x01, 0x00, 0xb4, 0xfe], 0x30); // ROM at 0xfeb40000, enabled
    const r = await runCli(['decode', '-', '--annotate'], writeLspciFunction({ bytes: b, length: 256, slot }));
    expect(r.stdout).toMatch(/pci_header_type0\.expansion_rom = 0xfeb40001 {2}enable\+ address=0xfeb40000\n/);
    expect(await decodeText(b)).toContain('\tExpansion ROM at feb40000 [enabled]\n');
  });

  it("a virtio capability's fields are printed once, under Virtio, unless some of its bytes are missing", async () => {
    const t = await decodeText(exampleBytes());
    const list = t.slice(t.indexOf('\tCapabilities: [84]'), t.indexOf('\tVirtio:'));
    expect(list.trimEnd().split('\n')).toEqual([
      '\tCapabilities: [84] Vendor Specific: virtio pci_cfg (fields under Virtio below)',
      '\t\tpci_cfg_data  00 00 00 00',
      '\tCapabilities: [70] Vendor Specific: virtio notify (fields under Virtio below)',
      '\tCapabilities: [60] Vendor Specific: virtio device (fields under Virtio below)',
      '\tCapabilities: [50] Vendor Specific: virtio isr (fields under Virtio below)',
      '\tCapabilities: [40] Vendor Specific: virtio common (fields under Virtio below)',
    ]);
    expect(t).toContain('\t\t[70] notify (cfg_type 2: Notifications) bar=4 offset=0x3000 length=0x1000 notify_off_multiplier=4 cap_len=20\n');
    // The dump leaves out 0x78-0x7b (the notify cap's offset): its register list is back, the
    // missing field marked.
    const known = new Uint8Array(256).fill(1).fill(0, 0x78, 0x7c);
    const r = await runCli(['decode', '-'], writeLspciFunction({ bytes: exampleBytes(), length: 256, known, slot, description: 'x' }));
    const cap = r.stdout.slice(r.stdout.indexOf('Capabilities: [70]'), r.stdout.indexOf('Capabilities: [60]'));
    expect(cap).toMatch(/^Capabilities: \[70\] Vendor Specific: virtio notify\n/);
    expect(cap).toMatch(/\t\tbar +0x04\n/);
    expect(cap).toMatch(/\t\tnotify_off_multiplier  0x00000004\n/);
    expect(cap).toMatch(/\t\toffset +<not given by the dump>\n/);
  });

  it('a byte field longer than 64 bytes shows its first 64 and its length; --annotate has every byte', async () => {
    // A vendor-specific capability (not virtio) with 93 data bytes 0x00, 0x01, …
    const b = image(256, [
      [0x00, [0x86, 0x80, 0x34, 0x12, 0x00, 0x00, 0x10, 0x00]],
      [0x34, [0x40]],
      [0x40, [0x09, 0x00, 0x60, ...Array.from({ length: 0x5d }, (_, i) => i)]],
    ]);
    const t = await decodeText(b);
    const first = Array.from({ length: 64 }, (_, i) => i.toString(16).padStart(2, '0')).join(' ');
    expect(t).toContain(`\t\tdata      ${first} ... (93 bytes; --annotate shows every byte)\n`);
    const a = (await runCli(['decode', '-', '--annotate'], writeLspciFunction({ bytes: b, length: 256, slot }))).stdout;
    expect(a).toContain('  093-09f  50 51 52 53 54 55 56 57 58 59 5a 5b 5c           …\n');
  });
});
