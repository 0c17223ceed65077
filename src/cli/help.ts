// Usage text of every command: what `--help` prints (docs/cli.md says the same at length).

export const COMMANDS = ['decode', 'notify', 'lookup', 'vring', 'encode', 'qemu', 'trace', 'view'] as const;
export type CommandName = (typeof COMMANDS)[number];

const INPUT = `Input (FILE, '-' for standard input, or --sysfs; without any, the bundled example):
  -F, --format F       lspci | hexdump | xxd | binary (default: detected from the content)
  --sysfs              read /sys/bus/pci/devices/*/config of this host (read only)
  --info-pci FILE      BAR addresses and sizes from QEMU's \`info pci\` text
  -s, --slot SLOT      only functions matching [[domain:]bus:]dev.fn, like lspci -s
  --strict             a line that starts like a data line but is not one is an error
                       (default: a DUMP_LINE_IGNORED warning; prose is always skipped)`;

export const HELP: Record<CommandName | 'main', string> = {
  main: `Usage: pcicfg COMMAND [ARGS…]

Decode and encode PCI configuration space byte for byte, with the virtio-over-PCI transport.

Commands:
  decode [FILE|-]        decode config dumps (header, BARs, capabilities, virtio transport)
  notify [FILE|-] --queue Q
                         where a virtqueue's notification (kick) lands
  lookup [FILE|-] ADDRESS
                         what a write at ADDRESS hits (function, BAR, structure, field, queues)
  vring --size N         split or packed virtqueue memory layout
  encode FILE.json       bytes back from \`decode --json\` output
  qemu dump -- ARGS…     start QEMU with a device and dump its config space through qtest
  trace TRACE --dump FILE
                         explain each access of a QEMU trace log (field, value, queue kicked)
  view [FILE|-] [-o OUT] one HTML file: the dump with the page that shows its bytes (docs/web.md)

Options:
  -h, --help             help (also after any command)
  -V, --version          print the version

Exit status: 0 success (diagnostics about the data do not change it), 1 usage error,
2 input that cannot be read or parsed, 3 internal error, 4 output that cannot be written.
Run 'pcicfg COMMAND --help' for the options of a command.`,

  decode: `Usage: pcicfg decode [FILE|-] [-s SLOT] [-n | -nn] [--json] [--annotate] [--format F] [--info-pci FILE] [--queues N] [--force-ext-caps]

Decode every function of a config dump: header, BARs, every capability and extended
capability, then the virtio transport (its capabilities, the probe's diagnostics and each
queue's notify address). Without FILE, decodes the bundled example: a QEMU virtio-blk function.

${INPUT}

Output:
  --json               {"devices":[…]} (docs/cli.md describes every field)
  --annotate           the hex dump with every byte range labelled structure.field
  --queues N           how many queues' notify addresses to list (default 4)
  -n, -nn              vendor, device and class as numbers, or names and numbers, as lspci;
                       names come from the system's pci.ids, or PCICFG_PCI_IDS=FILE
  --force-ext-caps     walk the extended capabilities past 0xff even where Linux gives the
                       function only 256 bytes (no PCI Express capability, or aliased)`,

  notify: `Usage: pcicfg notify [FILE|-] [-s SLOT] --queue Q [--notify-off N] [--json]

The address a driver writes to notify (kick) virtqueue Q:
BAR base + cap.offset + queue_notify_off × notify_off_multiplier.
queue_notify_off is read by the driver from common_cfg, which is not in config space: give it
with --notify-off, otherwise queue_notify_off = Q is assumed (what QEMU reports) and said so.

  -q, --queue Q        queue index (0–65535)
  --notify-off N       the device's queue_notify_off for that queue
  --json               JSON output

${INPUT}`,

  lookup: `Usage: pcicfg lookup [FILE|-] [-s SLOT] ADDRESS [--io] [--vmm VMM] [--json]

What a write at ADDRESS hits: which function, BAR, structure (common_cfg, ISR, device config,
notify, MSI-X table, PBA, …), the field at that offset, and for a doorbell two views, each
labelled: the queue whose doorbell the spec puts there (assuming queue_notify_off = queue
index), and the queue the VMM kicks when a write lands there.

  --io                 ADDRESS is an I/O port, at most 0xffff (default: memory, at most 64 bits)
  --vmm VMM            whose doorbell rule: qemu (default), kvmtool, cloud-hypervisor, firecracker
  --json               JSON output

${INPUT}`,

  vring: `Usage: pcicfg vring --size N [--legacy | --align A] [--packed] [--event-idx] [--json]

Memory layout of a virtqueue of N entries: offsets and sizes of each part from the start of
the ring memory.

  -n, --size N         queue size (split: power of two ≤ 32768; packed: 1–32768)
  --legacy             legacy contiguous layout, used ring aligned to 4096
  --align A            used ring alignment for the contiguous layout (power of two)
  --packed             packed virtqueue (descriptor ring and two event suppression structures)
  --event-idx          VIRTIO_F_EVENT_IDX: count used_event / avail_event
  --json               JSON output`,

  encode: `Usage: pcicfg encode FILE.json [-o OUT] [--format lspci|binary] [--fill BYTE]

The bytes back from \`pcicfg decode --json\` output. Each device is rebuilt from its raw image,
then every decoded register that was edited is written over it (edited fields win over raw).
Editing a derived value (a name, a computed address) is an error: edit its register instead.

  -o, --output OUT     write to OUT (default: standard output)
  -F, --format F       lspci (default: lspci -xxx style text) | binary (one device only)
  --fill BYTE          binary only: write bytes the dump did not give as BYTE (without it,
                       an image with unknown bytes is an error: a raw image cannot mark them)`,

  trace: `Usage: pcicfg trace TRACE (--dump FILE | --sysfs) [--mtree FILE] [--vmm VMM] [--json] [--all]

Explain each access of a QEMU trace log (-trace memory_region_ops_write/_read, the log
backend; TRACE may be '-') to a function of the dump, in its BARs or its configuration space
(through 0xcf8/0xcfc or ECAM): slot, BAR, structure, field, the value read through the field
(device_status = ACKNOWLEDGE|DRIVER), and for a doorbell the queue kicked, by the spec's and
by the VMM's rule. Ends with a summary per device and queue. Accesses to other regions are
counted; --all lists them too.

  --dump FILE          the functions (any dump format; with -s, -F, --info-pci, --strict)
  --sysfs              the functions of this host
  --mtree FILE         QEMU's \`info mtree -f\`: tells I/O port regions from memory ones
  --vmm VMM            whose doorbell rule: qemu (default), kvmtool, cloud-hypervisor, firecracker
  --json               JSON Lines, one access per line, no summary
  --all                list accesses to regions of no function of the dump too`,

  qemu: `Usage: pcicfg qemu dump [--machine pc|q35] [--decode | --json] [-n | -nn] -- DEVICE-ARGS…

Start qemu-system-x86_64 (no guest code runs), plug the device given by DEVICE-ARGS
(e.g. -device virtio-net-pci), assign its BARs as firmware would, and print its configuration
space as lspci -xxxx text (or decoded with --json / --decode).

  --machine M          pc (default) or q35
  --decode             decode the dump instead of printing hex
  --json               decode as JSON
  -n, -nn              with --decode or --json: names as decode -n / -nn (numbers, or both)`,

  view: `Usage: pcicfg view [FILE|-] [-o OUT] [-s SLOT] [-n | -nn] [--format F] [--info-pci FILE]

Write one self-contained HTML file: the dump embedded in the page that shows it (the bytes
coloured by structure, each byte's field on hover or focus, the capability chain, the decoded
registers, a virtio function's BAR regions, notify calculator and address lookup). It opens
from disk in any browser, with no server and nothing fetched. Without FILE, the bundled example.

  -o, --output OUT     write to OUT (default: standard output)
  -n, -nn              the page names functions as decode does, from the system's pci.ids
                       (only the entries they use go in the file); -n: numbers only, no names
                       embedded; -nn: names and numbers

${INPUT}`,
};
