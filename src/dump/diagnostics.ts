// Diagnostic codes of the dump layer. Errors are thrown as DumpParseError (the text cannot be
// read); warnings and infos ride along on each DumpFunction (the text was read, but not all
// of a configuration space is there, or an assumption was made).
import { defineDiagnostics } from '../bytes/diagnostic.js';

export const DUMP_DIAGNOSTICS = defineDiagnostics({
  DUMP_MALFORMED_LINE: {
    severity: 'error',
    meaning: 'A line that starts like a data line (an offset and a colon) is not one: a byte is not two hex digits, or bytes are not separated by single spaces. The error names the line and column of the first bad character.',
  },
  DUMP_OFFSET_RANGE: {
    severity: 'error',
    meaning: 'A byte would land at offset 0x1000 or beyond: configuration space has at most 4096 bytes.',
  },
  DUMP_BAD_SLOT: {
    severity: 'error',
    meaning: 'A device header line has a slot whose function number is not 0–7.',
  },
  DUMP_REPEAT_WITHOUT_LINE: {
    severity: 'error',
    meaning: 'A hexdump/xxd `*` (repeated-line) marker comes before any data line, so there is nothing to repeat.',
  },
  DUMP_UNKNOWN_FORMAT: {
    severity: 'error',
    meaning: 'The input is not recognised as lspci -x text, hexdump, xxd or a binary image.',
  },
  DUMP_LINE_TOO_LONG: {
    severity: 'error',
    meaning: 'A line longer than 8 MiB: no dump format has lines anywhere near that long, and the reader holds a line whole until it ends.',
  },
  DUMP_NOT_A_DUMP: {
    severity: 'error',
    meaning: 'The input is a known text that holds no configuration bytes (QEMU `info pci`, lspci -v without -x).',
  },
  DUMP_EMPTY: {
    severity: 'error',
    meaning: 'The input is empty.',
  },
  DUMP_BINARY_TOO_LONG: {
    severity: 'error',
    meaning: 'A binary image longer than the 4096 bytes of PCI Express configuration space.',
  },
  DUMP_BINARY_TEXT: {
    severity: 'error',
    meaning: 'A text format was asked for but the input holds control bytes (it looks binary), or binary was asked for a string.',
  },
  DUMP_INFO_PCI_MALFORMED: {
    severity: 'error',
    meaning: 'A QEMU `info pci` line that starts like a known line (Bus/BAR/IRQ/PCI device) does not have the expected shape, or a BAR range that ends before it starts (only an unmapped BAR, at 0xffffffffffffffff, wraps).',
  },
  DUMP_LINE_IGNORED: {
    severity: 'warning',
    meaning:
      'A line that starts like a data line (an offset, then a byte: `0x10: 00`, `10 : 00`, `000000010: 00` in lspci text) does not match the format, so it was skipped and its bytes stay unknown; the message gives FILE:LINE. Attached to the function being read, or to the next one. With `--strict` (CLI) or `strict: true` (readDump) it is an error at the line\'s place instead. Prose, prompts and `lspci -v` text are skipped without it.',
  },
  DUMP_NO_DATA: {
    severity: 'warning',
    meaning: 'A function header with no data lines: nothing of its configuration space is known (lspci says "no config access").',
  },
  DUMP_SHORT: {
    severity: 'warning',
    meaning: 'Fewer than 64 bytes are known: not even the standard header is complete.',
  },
  DUMP_HOLES: {
    severity: 'info',
    meaning: 'Bytes below the known length that no line gave; they are unknown (lspci would read them as 0xff).',
  },
  DUMP_DUPLICATE_SLOT: {
    severity: 'warning',
    meaning:
      'The slot is one of the last 65536 distinct slots of the dump (a whole PCI domain), so it appears again; it is kept as a separate function, as lspci does. A repeat after more distinct slots than that goes unnoticed.',
  },
  DUMP_BINARY_LENGTH: {
    severity: 'warning',
    meaning: 'A binary image whose length is not 64, 256 or 4096 bytes (a sysfs config file is one of these).',
  },
  DUMP_REPEAT_UNRESOLVED: {
    severity: 'warning',
    meaning: 'A hexdump/xxd `*` marker is not followed by an offset line, so how far the repetition goes is unknown; those bytes stay unknown.',
  },
  DUMP_END_OFFSET: {
    severity: 'warning',
    meaning: 'The final offset line of a hexdump does not match the bytes the lines gave.',
  },
  DUMP_WORD_ORDER: {
    severity: 'info',
    meaning:
      'Plain `hexdump` (and `hexdump -x`) prints 16-bit words in the byte order of the machine that ran it; they were read as little-endian. `xxd -e` prints little-endian groups, told from `xxd -g N` by the ASCII column; they were read in memory order.',
  },
  TRACE_LINE_MALFORMED: {
    severity: 'warning',
    meaning:
      "A line of a QEMU trace log is not a trace event (`[PID@SECONDS:]name args`), or is an event pcicfg reads (`memory_region_ops_read`/`_write`, `virtio_queue_notify`, `virtio_notify`) whose arguments do not have QEMU's shape; also a range line of `info mtree` text that does not have its shape. The message gives FILE:LINE:COL; the line is skipped and reading goes on.",
  },
  TRACE_LINE_TOO_LONG: {
    severity: 'warning',
    meaning: 'A line of a QEMU trace log longer than 64 KiB (no trace event is anywhere near that long): skipped without being held whole.',
  },
  DUMP_GROUP_ORDER_UNKNOWN: {
    severity: 'info',
    meaning:
      'No line of an `xxd` image has an ASCII column that tells memory order (`xxd`, `-g N`) from the reversed groups of `xxd -e` (only dots, or no column): the groups were read as printed, which is wrong if the text came from `xxd -e`.',
  },
});

export type DumpDiagnosticCode = keyof typeof DUMP_DIAGNOSTICS;
