// Which text format a line announces. Most lines announce nothing (blank lines, prose,
// prompts); the first line that does decides the format of the whole input.
import type { DumpFormat } from './types.js';

export type LineVerdict = Exclude<DumpFormat, 'binary'> | 'qemu-info-pci' | null;

const LSPCI_HEADER = /^[ \t]*(?:[0-9a-fA-F]{4,6}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9a-fA-F](?:$|[ \t])/;
const EARLYDUMP = /^(?:\[[^\]]*\]\s*)?pci [0-9a-fA-F]{4,6}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7] config space:/;
const QEMU_INFO_PCI = /^\s*Bus\s+\d+, device\s+\d+, function \d+:\s*$/;
const HEXDUMP_C = /^[0-9a-fA-F]{8,}  [0-9a-fA-F]{2}(?: |$)/;
const HEXDUMP_WORDS = /^[0-9a-fA-F]{7,8} +[0-9a-fA-F]{4}(?: |$)/;
const XXD = /^[0-9a-fA-F]{7,}: [0-9a-fA-F]{2}/;
const LSPCI_DATA = /^[ \t]*[0-9a-fA-F]{2,6}: [0-9a-fA-F]{2}(?: |$)/;
const XXD_PLAIN = /^(?:[0-9a-fA-F]{2})+$/;

export function classifyLine(line: string): LineVerdict {
  if (LSPCI_HEADER.test(line) || EARLYDUMP.test(line)) return 'lspci';
  if (QEMU_INFO_PCI.test(line)) return 'qemu-info-pci';
  if (HEXDUMP_C.test(line) || HEXDUMP_WORDS.test(line)) return 'hexdump';
  if (XXD.test(line)) return 'xxd';
  if (LSPCI_DATA.test(line)) return 'lspci';
  if (XXD_PLAIN.test(line.trim()) && line.trim().length % 2 === 0) return 'xxd';
  return null;
}
