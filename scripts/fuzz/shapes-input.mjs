// Large and oddly shaped inputs for the CLI, written as a stream of chunks so that making
// them costs no more memory than reading them should (the fuzzer's --shapes mode and the
// CLI's memory tests use them).

/** The 64 bytes of a virtio-blk type 0 header (lspci -x shows the first 64 bytes only). */
const HEADER = [
  0xf4, 0x1a, 0x01, 0x10, 0x07, 0x05, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
  0x81, 0xc0, 0x00, 0x00, 0x00, 0x10, 0xbf, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x0c, 0x00, 0x00, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x02, 0x00,
  0x00, 0x00, 0xb8, 0xfe, 0x98, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x00, 0x00,
];

const hex2 = (v) => v.toString(16).padStart(2, '0');

/** The data lines of the header, as lspci -x prints them. */
const DATA = [0, 16, 32, 48].map((o) => `${hex2(o)}: ${HEADER.slice(o, o + 16).map(hex2).join(' ')}\n`).join('');

/**
 * The slot of function `i`: every one distinct, 65536 to a domain (bus, device and function
 * count up), so no two functions of a dump share a slot however many there are.
 */
export function tinySlot(i) {
  const d = Math.floor(i / 65536);
  return `${d.toString(16).padStart(4, '0')}:${hex2((i >> 8) & 0xff)}:${hex2((i >> 3) & 31)}.${i & 7}`;
}

/** One function of `lspci -x` text: a header line and 64 bytes. */
export function tinyFunction(i) {
  return `${tinySlot(i)} SCSI storage controller: Red Hat, Inc. Virtio block device\n${DATA}\n`;
}

/** hexdump -C of the 64-byte header (an image per function: its offsets start again at 0). */
const HEXDUMP_C =
  [0, 16, 32, 48].map((o) => `${o.toString(16).padStart(8, '0')}  ${HEADER.slice(o, o + 8).map(hex2).join(' ')}  ${HEADER.slice(o + 8, o + 16).map(hex2).join(' ')}  |................|\n`).join('') + '00000040\n';

/** `n` concatenated hexdump -C images of 64 bytes, in chunks of about `chunkBytes`. */
export function* tinyHexdumpImages(n, chunkBytes = 1 << 16) {
  const per = Math.max(1, Math.floor(chunkBytes / HEXDUMP_C.length));
  for (let i = 0; i < n; i += per) yield HEXDUMP_C.repeat(Math.min(per, n - i));
}

/**
 * `lspci -x` text of `n` header-only functions with distinct slots, in chunks of about
 * `chunkBytes` (strings): the shape whose memory used to grow with the dump.
 */
export function* tinyFunctionsDump(n, chunkBytes = 1 << 16) {
  let parts = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const f = tinyFunction(i);
    parts.push(f);
    size += f.length;
    if (size >= chunkBytes) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}
