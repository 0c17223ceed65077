// Doorbell writes through the device model: the device's BAR write path (address dispatch
// with QEMU's multiplier 4 and page-per-vq's 4096, value dispatch with kvmtool's shared
// doorbell), and the same through ModelBus, which first finds the BAR that decodes the address.

const MEMORY_ENABLE = 0x2;

function program(api, dev, bars) {
  let addr = 0xc0000000n;
  for (const b of dev.description.bars) {
    const o = 0x10 + 4 * b.index;
    if (b.kind === 'io') dev.configWrite(o, 4, 0xc000 | 1);
    else {
      const base = (addr + b.size - 1n) & ~(b.size - 1n);
      dev.configWrite(o, 4, Number(base & 0xffffffffn));
      if (b.kind === 'mem64') dev.configWrite(o + 4, 4, Number(base >> 32n));
      bars[b.index] = base;
      addr = base + b.size;
    }
  }
  dev.configWrite(0x04, 2, MEMORY_ENABLE | 0x1);
}

/** The doorbell cases: each `{ name, write(i) }` performs one doorbell write, queue i % queues. */
export function notifyCases(api) {
  const cases = [];
  const make = (name, preset, queues) => {
    const desc = preset({ queues: Array.from({ length: queues }, () => ({ size: 256 })) });
    const ram = new api.SparseGuestMemory();
    const dev = new api.VirtioPciDevice(desc, { memory: ram });
    const bars = {};
    program(api, dev, bars);
    const n = desc.regions.notify[0];
    const bus = new api.ModelBus(ram);
    bus.attachVirtio({ domain: 0, bus: 0, device: 4, function: 0 }, dev);
    const offs = Array.from({ length: queues }, (_, q) => n.offset + q * n.multiplier);
    const addrs = offs.map((o) => bars[n.bar] + BigInt(o));
    const drain = () => {
      if (dev.kicks.length > 4096) dev.kicks.length = 0;
    };
    cases.push({
      name: `${name}: VirtioPciDevice.barWrite`,
      write: (i) => {
        const q = i % queues;
        dev.barWrite(n.bar, offs[q], 2, q);
        drain();
        return q;
      },
      check: () => dev.kicks.length,
      dev,
    });
    cases.push({
      name: `${name}: ModelBus.memWriteSync`,
      write: (i) => {
        const q = i % queues;
        bus.memWriteSync(addrs[q], 2, q);
        drain();
        return q;
      },
      check: () => dev.kicks.length,
      dev,
    });
  };
  make('qemu-modern (mult 4, 4 queues)', api.qemuModernPreset, 4);
  make('qemu-page-per-vq (mult 4096, 4 queues)', api.qemuPagePerVqPreset, 4);
  make('kvmtool (mult 0, value dispatch, 4 queues)', api.kvmtoolPreset, 4);
  return cases;
}
