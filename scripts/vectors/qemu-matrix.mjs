// The QEMU matrix: which devices go on which machine, at fixed addresses so every run assigns
// the same slots, bus numbers and BAR addresses. One QEMU start per machine.
//
// Each entry: `name` (file name part), `args` (QEMU arguments of the device, backends first),
// `slot` (device number on bus 0, where the device or its root port sits), `about` (one line).

/** Devices of this QEMU that a `-device help` listing must show for an entry to be generated. */
export function needsOf(entry) {
  return entry.needs ?? [];
}

const NULL_DISK = (id) => ['-blockdev', `driver=null-co,node-name=${id},size=1048576,read-zeroes=on`];

export const PC_DEVICES = [
  { slot: 0x03, name: 'virtio-blk', about: 'virtio-blk-pci with defaults: transitional (legacy I/O BAR0, modern BAR4)', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d3'), '-device', 'virtio-blk-pci,drive=d3,addr=03.0'] },
  { slot: 0x04, name: 'virtio-blk-modern', about: 'virtio-blk-pci,disable-legacy=on: modern only (device ID 0x1042)', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d4'), '-device', 'virtio-blk-pci,drive=d4,disable-legacy=on,addr=04.0'] },
  { slot: 0x05, name: 'virtio-blk-legacy', about: 'virtio-blk-pci,disable-modern=on: legacy only, no virtio capabilities', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d5'), '-device', 'virtio-blk-pci,drive=d5,disable-modern=on,addr=05.0'] },
  { slot: 0x06, name: 'virtio-blk-page-per-vq', about: 'virtio-blk-pci,page-per-vq=on: notify multiplier 4096', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d6'), '-device', 'virtio-blk-pci,drive=d6,page-per-vq=on,addr=06.0'] },
  { slot: 0x07, name: 'virtio-blk-pio-notify', about: 'virtio-blk-pci,modern-pio-notify=on: second notify cap on I/O BAR2', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d7'), '-device', 'virtio-blk-pci,drive=d7,modern-pio-notify=on,addr=07.0'] },
  { slot: 0x08, name: 'virtio-blk-num-queues-4', about: 'virtio-blk-pci,num-queues=4', needs: ['virtio-blk-pci'], args: [...NULL_DISK('d8'), '-device', 'virtio-blk-pci,drive=d8,num-queues=4,addr=08.0'] },
  { slot: 0x09, name: 'virtio-net', about: 'virtio-net-pci with defaults (no backend)', needs: ['virtio-net-pci'], args: ['-device', 'virtio-net-pci,mac=52:54:00:00:00:09,addr=09.0'] },
  { slot: 0x0a, name: 'virtio-net-mq', about: 'virtio-net-pci,mq=on,vectors=10 (one queue pair: an unprivileged backend has no multiqueue)', needs: ['virtio-net-pci'], args: ['-device', 'virtio-net-pci,mac=52:54:00:00:00:0a,mq=on,vectors=10,addr=0a.0'] },
  { slot: 0x0b, name: 'virtio-net-legacy', about: 'virtio-net-pci,disable-modern=on', needs: ['virtio-net-pci'], args: ['-device', 'virtio-net-pci,mac=52:54:00:00:00:0b,disable-modern=on,addr=0b.0'] },
  { slot: 0x0c, name: 'virtio-scsi', about: 'virtio-scsi-pci with defaults', needs: ['virtio-scsi-pci'], args: ['-device', 'virtio-scsi-pci,addr=0c.0'] },
  { slot: 0x0d, name: 'virtio-scsi-num-queues-4', about: 'virtio-scsi-pci,num_queues=4', needs: ['virtio-scsi-pci'], args: ['-device', 'virtio-scsi-pci,num_queues=4,addr=0d.0'] },
  { slot: 0x0e, name: 'virtio-rng', about: 'virtio-rng-pci with defaults', needs: ['virtio-rng-pci'], args: ['-device', 'virtio-rng-pci,addr=0e.0'] },
  { slot: 0x0f, name: 'virtio-rng-modern', about: 'virtio-rng-pci-non-transitional', needs: ['virtio-rng-pci-non-transitional'], args: ['-device', 'virtio-rng-pci-non-transitional,addr=0f.0'] },
  { slot: 0x10, name: 'virtio-balloon', about: 'virtio-balloon-pci with defaults', needs: ['virtio-balloon-pci'], args: ['-device', 'virtio-balloon-pci,addr=10.0'] },
  { slot: 0x11, name: 'virtio-serial', about: 'virtio-serial-pci with defaults', needs: ['virtio-serial-pci'], args: ['-device', 'virtio-serial-pci,addr=11.0'] },
  { slot: 0x12, name: 'virtio-gpu', about: 'virtio-gpu-pci with defaults', needs: ['virtio-gpu-pci'], args: ['-device', 'virtio-gpu-pci,addr=12.0'] },
  { slot: 0x13, name: 'virtio-keyboard', about: 'virtio-keyboard-pci (virtio-input, modern only)', needs: ['virtio-keyboard-pci'], args: ['-device', 'virtio-keyboard-pci,addr=13.0'] },
  { slot: 0x14, name: 'virtio-tablet', about: 'virtio-tablet-pci (virtio-input, modern only)', needs: ['virtio-tablet-pci'], args: ['-device', 'virtio-tablet-pci,addr=14.0'] },
  { slot: 0x15, name: 'virtio-crypto', about: 'virtio-crypto-pci on the builtin cryptodev backend (modern only)', needs: ['virtio-crypto-pci'], args: ['-object', 'cryptodev-backend-builtin,id=cry0', '-device', 'virtio-crypto-pci,cryptodev=cry0,addr=15.0'] },
  { slot: 0x16, name: 'virtio-9p', about: 'virtio-9p-pci on a read-only local fsdev (mount_tag vectors)', needs: ['virtio-9p-pci'], args: ['-fsdev', 'local,id=fs0,path=/,security_model=none,readonly=on', '-device', 'virtio-9p-pci,fsdev=fs0,mount_tag=vectors,addr=16.0'] },
  { slot: 0x17, name: 'virtio-serial-legacy', about: 'virtio-serial-pci,disable-modern=on', needs: ['virtio-serial-pci'], args: ['-device', 'virtio-serial-pci,disable-modern=on,addr=17.0'] },
];

/** Root port `n` at slot 0x02+n on bus 0 (chassis n+1), with `device` behind it. */
function rp(n, name, about, needs, backend, device) {
  const slot = 0x02 + n;
  const id = `rp${n}`;
  const s = slot.toString(16).padStart(2, '0');
  return {
    slot,
    name,
    about,
    needs: ['pcie-root-port', ...needs],
    behindRootPort: true,
    args: [...backend, '-device', `pcie-root-port,id=${id},chassis=${n + 1},slot=${n + 1},addr=${s}.0`, '-device', `${device},bus=${id}`],
  };
}

export const Q35_DEVICES = [
  rp(0, 'virtio-blk-aer-ats', 'virtio-blk-pci,aer=on,ats=on behind a pcie-root-port: PCIe, PM, AER, ATS', ['virtio-blk-pci'], NULL_DISK('q0'), 'virtio-blk-pci,drive=q0,aer=on,ats=on'),
  rp(1, 'virtio-net', 'virtio-net-pci behind a pcie-root-port (modern only by default on PCIe)', ['virtio-net-pci'], [], 'virtio-net-pci,mac=52:54:00:00:01:01'),
  rp(2, 'virtio-blk-transitional', 'virtio-blk-pci,disable-legacy=off behind a pcie-root-port (I/O BAR0 through the port)', ['virtio-blk-pci'], NULL_DISK('q2'), 'virtio-blk-pci,drive=q2,disable-legacy=off'),
  rp(3, 'virtio-scsi-num-queues-4', 'virtio-scsi-pci,num_queues=4 behind a pcie-root-port', ['virtio-scsi-pci'], [], 'virtio-scsi-pci,num_queues=4'),
  rp(4, 'virtio-rng-page-per-vq', 'virtio-rng-pci,page-per-vq=on behind a pcie-root-port', ['virtio-rng-pci'], [], 'virtio-rng-pci,page-per-vq=on'),
  rp(5, 'virtio-gpu', 'virtio-gpu-pci behind a pcie-root-port', ['virtio-gpu-pci'], [], 'virtio-gpu-pci'),
  rp(6, 'virtio-blk-pio-notify', 'virtio-blk-pci,modern-pio-notify=on behind a pcie-root-port', ['virtio-blk-pci'], NULL_DISK('q6'), 'virtio-blk-pci,drive=q6,modern-pio-notify=on'),
  rp(7, 'virtio-net-mq', 'virtio-net-pci,mq=on,vectors=10 behind a pcie-root-port', ['virtio-net-pci'], [], 'virtio-net-pci,mac=52:54:00:00:01:07,mq=on,vectors=10'),
  rp(8, 'virtio-balloon', 'virtio-balloon-pci behind a pcie-root-port', ['virtio-balloon-pci'], [], 'virtio-balloon-pci'),
  rp(9, 'virtio-serial', 'virtio-serial-pci behind a pcie-root-port', ['virtio-serial-pci'], [], 'virtio-serial-pci'),
  rp(10, 'virtio-keyboard', 'virtio-keyboard-pci behind a pcie-root-port', ['virtio-keyboard-pci'], [], 'virtio-keyboard-pci'),
  rp(11, 'virtio-crypto', 'virtio-crypto-pci behind a pcie-root-port', ['virtio-crypto-pci'], ['-object', 'cryptodev-backend-builtin,id=cry1'], 'virtio-crypto-pci,cryptodev=cry1'),
  rp(12, 'virtio-9p', 'virtio-9p-pci behind a pcie-root-port', ['virtio-9p-pci'], ['-fsdev', 'local,id=fs1,path=/,security_model=none,readonly=on'], 'virtio-9p-pci,fsdev=fs1,mount_tag=vectors'),
  {
    slot: 0x10,
    name: 'virtio-blk-root-bus',
    about: 'virtio-blk-pci directly on pcie.0 (no root port): conventional, transitional, 256 bytes',
    needs: ['virtio-blk-pci'],
    args: [...NULL_DISK('q16'), '-device', 'virtio-blk-pci,drive=q16,addr=10.0'],
  },
];
