// QEMU trace logs (the `log` backend: `-trace memory_region_ops_write -D FILE`), line by line.
// QEMU 7.2 prints `name args` per event, prefixed by `PID@SECONDS.MICROS:` with
// `-msg timestamp=on`; the arguments follow each event's format in QEMU's trace-events files
// (system/trace-events: memory_region_ops_*, hw/virtio/trace-events: virtio_*). Lines are read
// as they come: a trace of millions of lines is never held.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { DUMP_DIAGNOSTICS } from './diagnostics.js';

/** A `memory_region_ops_read` / `memory_region_ops_write` event: one access to an I/O region. */
export interface QemuTraceAccess {
  readonly kind: 'access';
  readonly op: 'read' | 'write';
  /** The vCPU index; -1 for accesses that come from no vCPU (qtest, DMA). */
  readonly cpu: number;
  /** The MemoryRegion pointer as printed (`0x5582…`, `(nil)`). */
  readonly mr: string;
  /** The address as QEMU prints it: absolute in the root of the region's tree (for PCI BARs, the bus address). */
  readonly addr: bigint;
  readonly value: bigint;
  /** Bytes accessed. */
  readonly size: number;
  /** The region's name (`virtio-pci-notify-virtio-blk`); null from QEMU versions that print none. */
  readonly name: string | null;
  readonly pid: number | null;
  /** `SECONDS.MICROS` as printed, or null without `-msg timestamp=on`. */
  readonly time: string | null;
}

/** `virtio_queue_notify` (the device was told queue `queue` has work) or `virtio_notify` (it interrupts the driver). */
export interface QemuTraceVirtioEvent {
  readonly kind: 'virtio_queue_notify' | 'virtio_notify';
  /** The VirtIODevice pointer as printed: names one device across the trace. */
  readonly vdev: string;
  /** The queue index `n` (virtio_queue_notify only). */
  readonly queue: number | null;
  readonly vq: string;
  readonly pid: number | null;
  readonly time: string | null;
}

export type QemuTraceRecord = QemuTraceAccess | QemuTraceVirtioEvent;

/** What one line holds. */
export type QemuTraceLine =
  | QemuTraceRecord
  /** Another event (counted, not read), or a blank line. */
  | { readonly kind: 'other'; readonly event: string | null }
  | { readonly kind: 'malformed'; readonly column: number; readonly message: string };

// `PID@SECONDS.MICROS:` then the event name. Sticky: each matches where the last one ended,
// without slicing the line (a trace has millions of them).
const PREFIX = /(\d+)@(\d+\.\d+):/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ACCESS_ARGS = /cpu (-?\d+) mr (0x[0-9a-f]+|\(nil\)) addr 0x([0-9a-f]+) value 0x([0-9a-f]+) size (\d+)(?: name '(.*)')?$/y;
const QUEUE_NOTIFY_ARGS = /vdev (0x[0-9a-f]+|\(nil\)) n (\d+) vq (0x[0-9a-f]+|\(nil\))$/y;
const NOTIFY_ARGS = /vdev (0x[0-9a-f]+|\(nil\)) vq (0x[0-9a-f]+|\(nil\))$/y;

function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

const SHAPES: Record<string, string> = {
  memory_region_ops_read: "cpu N mr PTR addr 0xHEX value 0xHEX size N [name 'NAME']",
  memory_region_ops_write: "cpu N mr PTR addr 0xHEX value 0xHEX size N [name 'NAME']",
  virtio_queue_notify: 'vdev PTR n N vq PTR',
  virtio_notify: 'vdev PTR vq PTR',
};

/** One line of a QEMU trace log (without its newline). Never throws. */
export function parseQemuTraceLine(line: string): QemuTraceLine {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return { kind: 'other', event: null };
  let at = 0;
  let pid: number | null = null;
  let time: string | null = null;
  const p = stickyAt(PREFIX, text, 0);
  if (p) {
    pid = Number(p[1]);
    time = p[2];
    at = p[0].length;
  }
  const n = stickyAt(NAME, text, at);
  if (!n || (text.length > at + n[0].length && text.charCodeAt(at + n[0].length) !== 32)) {
    return { kind: 'malformed', column: at + 1, message: 'not a trace event ([PID@SECONDS:]name args)' };
  }
  const event = n[0];
  const shape = SHAPES[event];
  if (shape === undefined) return { kind: 'other', event };
  const argsAt = at + event.length + 1;
  const bad = (): QemuTraceLine => ({ kind: 'malformed', column: argsAt + 1, message: `${event}: expected '${shape}'` });
  if (event === 'virtio_queue_notify') {
    const m = stickyAt(QUEUE_NOTIFY_ARGS, text, argsAt);
    if (!m) return bad();
    return { kind: 'virtio_queue_notify', vdev: m[1], queue: Number(m[2]), vq: m[3], pid, time };
  }
  if (event === 'virtio_notify') {
    const m = stickyAt(NOTIFY_ARGS, text, argsAt);
    if (!m) return bad();
    return { kind: 'virtio_notify', vdev: m[1], queue: null, vq: m[2], pid, time };
  }
  const m = stickyAt(ACCESS_ARGS, text, argsAt);
  // A hex number wider than 64 bits or a size that is not 1-8 is no access QEMU makes.
  if (!m || m[3].length > 16 || m[4].length > 16 || m[5].length > 2) return bad();
  const size = Number(m[5]);
  if (size < 1 || size > 8) return bad();
  return {
    kind: 'access',
    op: event === 'memory_region_ops_write' ? 'write' : 'read',
    cpu: Number(m[1]),
    mr: m[2],
    addr: BigInt('0x' + m[3]),
    value: BigInt('0x' + m[4]),
    size,
    name: m[6] ?? null,
    pid,
    time,
  };
}

/** The line QEMU 7.2's log backend prints for `r` (the inverse of parseQemuTraceLine). */
export function formatQemuTraceLine(r: QemuTraceRecord): string {
  const prefix = r.pid !== null && r.time !== null ? `${r.pid}@${r.time}:` : '';
  if (r.kind === 'access') {
    return (
      `${prefix}memory_region_ops_${r.op} cpu ${r.cpu} mr ${r.mr} addr 0x${r.addr.toString(16)} value 0x${r.value.toString(16)} size ${r.size}` +
      (r.name === null ? '' : ` name '${r.name}'`)
    );
  }
  if (r.kind === 'virtio_queue_notify') return `${prefix}virtio_queue_notify vdev ${r.vdev} n ${r.queue} vq ${r.vq}`;
  return `${prefix}virtio_notify vdev ${r.vdev} vq ${r.vq}`;
}

/** A record with the line it came from, or a warning about a line. */
export type QemuTraceItem =
  | { readonly line: number; readonly record: QemuTraceRecord }
  | { readonly line: number; readonly other: string | null }
  | { readonly line: number; readonly warning: Diagnostic };

export interface QemuTraceReadOptions {
  /** Used in warnings (`FILE:LINE:COL: …`). Default `<input>`. */
  readonly file?: string;
}

/** No trace event comes near this; a longer line is skipped without being held. */
export const QEMU_TRACE_MAX_LINE = 64 * 1024;

/**
 * Incremental reader: `push` text or bytes split anywhere, get the items of the lines it
 * completed; `end` after the last chunk. Holds at most one unfinished line.
 */
export class QemuTraceReader {
  private readonly file: string;
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  /** The unfinished line is longer than QEMU_TRACE_MAX_LINE: drop it up to its newline. */
  private skipping = false;
  private lineNo = 0;

  constructor(options: QemuTraceReadOptions = {}) {
    this.file = options.file ?? '<input>';
  }

  push(chunk: string | Uint8Array): QemuTraceItem[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: QemuTraceItem[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (this.skipping) {
        this.skipping = false;
        this.lineNo++;
      } else {
        const line = this.partial.length ? this.partial + text.slice(start, nl) : text.slice(start, nl);
        this.partial = '';
        this.one(line, out);
      }
      start = nl + 1;
    }
    if (start < text.length && !this.skipping) {
      this.partial = this.partial.length ? this.partial + text.slice(start) : text.slice(start);
      if (this.partial.length > QEMU_TRACE_MAX_LINE) {
        this.partial = '';
        this.skipping = true;
        out.push({ line: this.lineNo + 1, warning: diag(DUMP_DIAGNOSTICS, 'TRACE_LINE_TOO_LONG', null, `${this.file}:${this.lineNo + 1}: line longer than ${QEMU_TRACE_MAX_LINE} bytes; skipped`) });
      }
    }
    return out;
  }

  end(): QemuTraceItem[] {
    const rest = this.decoder.decode();
    const out = rest ? this.push(rest) : [];
    if (this.partial.length) this.one(this.partial, out);
    this.partial = '';
    return out;
  }

  private one(line: string, out: QemuTraceItem[]): void {
    const n = ++this.lineNo;
    const r = parseQemuTraceLine(line);
    if (r.kind === 'malformed') {
      out.push({ line: n, warning: diag(DUMP_DIAGNOSTICS, 'TRACE_LINE_MALFORMED', null, `${this.file}:${n}:${r.column}: ${r.message}; line skipped`) });
    } else if (r.kind === 'other') out.push({ line: n, other: r.event });
    else out.push({ line: n, record: r });
  }
}

/** Every item of a trace given as text or chunks. */
export function* iterateQemuTrace(input: string | Iterable<string | Uint8Array>, options: QemuTraceReadOptions = {}): Generator<QemuTraceItem> {
  const reader = new QemuTraceReader(options);
  for (const chunk of typeof input === 'string' ? [input] : input) yield* reader.push(chunk);
  yield* reader.end();
}

/** Every item of a trace read from a stream of chunks (a file, standard input). */
export async function* iterateQemuTraceAsync(input: AsyncIterable<string | Uint8Array>, options: QemuTraceReadOptions = {}): AsyncGenerator<QemuTraceItem> {
  const reader = new QemuTraceReader(options);
  for await (const chunk of input) yield* reader.push(chunk);
  yield* reader.end();
}
