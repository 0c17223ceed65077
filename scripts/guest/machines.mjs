// The machines the test guest boots (spec-vectors/linux-guest/<name>/). Every virtio device has
// ioeventfd=off: with an ioeventfd QEMU 7.2 takes a notify write before its traced dispatch
// path, so the doorbell would never reach the trace. virtio-net gets romfile= (no iPXE ROM to
// load: ipxe-qemu is only a recommendation of qemu-system-x86) and no backend: QEMU drops what
// a NIC without a peer sends and completes it at once. (A hub port with no other port never
// takes a packet, so the guest's transmit ring stalled and its virtio_net xmit path could spin.)

const blk = (extra = '') => `virtio-blk-pci,drive=disk0,ioeventfd=off${extra}`;
const net = (extra = '') => `virtio-net-pci,ioeventfd=off,romfile=,mac=52:54:00:12:34:56${extra}`;
/** The disk at 00:04.0 and the NIC at 00:05.0, both with `extra` properties. */
const onBus0 = (extra = '') => [blk(`,addr=0x4${extra}`), net(`,addr=0x5${extra}`)];

/**
 * @typedef {{ name: string, machine: 'pc' | 'q35', description: string, devices: string[] }} GuestMachine
 * `devices` are -device arguments; `disk0` and `net0` are defined by the runner.
 */

/** @type {GuestMachine[]} */
export const GUEST_MACHINES = [
  {
    name: 'pc',
    machine: 'pc',
    description: 'i440FX: transitional virtio-blk and virtio-net on bus 0, driven through the modern interface (256-byte config space)',
    devices: onBus0(),
  },
  {
    name: 'q35',
    machine: 'q35',
    description: 'Q35 with the devices directly on pcie.0: conventional, transitional, modern interface (256-byte config space)',
    devices: onBus0(),
  },
  {
    name: 'q35-root-ports',
    machine: 'q35',
    description: 'Q35 with each device behind its own pcie-root-port: PCI Express, modern only, 4096-byte config space',
    devices: [
      'pcie-root-port,id=rp1,chassis=1,slot=1,addr=0x4',
      'pcie-root-port,id=rp2,chassis=2,slot=2,addr=0x5',
      blk(',bus=rp1'),
      net(',bus=rp2'),
    ],
  },
  {
    name: 'pc-legacy',
    machine: 'pc',
    description: 'i440FX with disable-modern=on: legacy-only devices that virtio_pci drives through the I/O port BAR0 (notify at +16)',
    devices: onBus0(',disable-modern=on'),
  },
  {
    name: 'pc-page-per-vq',
    machine: 'pc',
    description: 'i440FX with page-per-vq=on: notify_off_multiplier 4096, one page per queue',
    devices: onBus0(',page-per-vq=on'),
  },
];
