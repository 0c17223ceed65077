// Which text format a line announces. Most lines announce nothing (blank lines, prose,
// prompts); the first line that does decides the format of the whole input.
// Lines can be megabytes long (any text file can be given): the checks here take time linear
// in the line and never backtrack over it. An unbounded run of hex digits followed by more
// pattern made V8's regex engine overflow its backtracking stack on a 6 MB line, so runs of
// hex digits are counted by a loop and the patterns after them see a few characters only.
import type { DumpFormat } from './types.js';
import { isHex } from './builder.js';

export type LineVerdict = Exclude<DumpFormat, 'binary'> | 'qemu-info-pci' | null;

const LSPCI_HEADER = /^[ \t]*(?:[0-9a-fA-F]{4,6}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-9a-fA-F](?:$|[ \t])/;
const EARLYDUMP = /^(?:\[[^\]]*\]\s*)?pci [0-9a-fA-F]{4,6}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7] config space:/;
const QEMU_INFO_PCI = /^\s*Bus\s+\d+, device\s+\d+, function \d+:\s*$/;
/** After an offset of 8 or more hex digits: `hexdump -C`'s two blanks and a byte. */
const HEXDUMP_C_AFTER = /^  [0-9a-fA-F]{2}(?: |$)/;
const HEXDUMP_WORDS = /^[0-9a-fA-F]{7,8} +[0-9a-fA-F]{4}(?: |$)/;
/** After an offset of 7 or more hex digits: xxd's colon, blank and a byte. */
const XXD_AFTER = /^: [0-9a-fA-F]{2}/;
const LSPCI_DATA = /^[ \t]*[0-9a-fA-F]{2,6}: [0-9a-fA-F]{2}(?: |$)/;
const XXD_PLAIN = /^[0-9a-fA-F]+$/;

/** How many hex digits `s` starts with. */
export function hexRun(s: string, from = 0): number {
  let i = from;
  while (i < s.length && isHex(s.charCodeAt(i))) i++;
  return i - from;
}

export function classifyLine(line: string): LineVerdict {
  if (LSPCI_HEADER.test(line) || EARLYDUMP.test(line)) return 'lspci';
  if (QEMU_INFO_PCI.test(line)) return 'qemu-info-pci';
  const h = hexRun(line);
  if ((h >= 8 && HEXDUMP_C_AFTER.test(line.slice(h, h + 5))) || HEXDUMP_WORDS.test(line)) return 'hexdump';
  if (h >= 7 && XXD_AFTER.test(line.slice(h, h + 4))) return 'xxd';
  if (LSPCI_DATA.test(line)) return 'lspci';
  const t = line.trim();
  if (t.length % 2 === 0 && XXD_PLAIN.test(t)) return 'xxd';
  return null;
}
