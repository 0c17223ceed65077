// `pcicfg encode`: bytes back from `decode --json` output. Each device starts from its `raw`
// image; every decoded register whose JSON value differs from what `raw` decodes to is written
// over it (edited fields win over raw). Derived values (names, addresses, sizes, diagnostics)
// cannot be edited: changing one is an error that names the register to edit instead.
import { formatPciAddress, parseSlotFilter, type PciAddress } from '../../pci/bus.js';
import { encodeConfigSpace } from '../../pci/config-space.js';
import { writeBinary, writeLspciFunction } from '../../dump/write.js';
import { intOption, parseCommandArgs, stringValue } from '../args.js';
import type { Binding } from '../binder.js';
import { JsonBinder } from '../binder.js';
import type { CommandContext } from '../context.js';
import { decodeDevice } from '../device.js';
import { deviceJson } from '../device-json.js';
import { CliInputError, CliUsageError } from '../errors.js';
import { readAll } from '../io.js';
import { writeOutput } from '../output-file.js';
import { fileChunks, standardInput } from '../file-chunks.js';
import { JSON_DEPTH_MAX, tooDeep } from '../json-depth.js';
import { findJsonError } from '../json-error.js';
import { shown, shownJson } from '../shown.js';
import { systemMessage } from '../system-message.js';
import { valueLike } from '../json-values.js';
import { rawFromJson } from '../raw.js';
import { runs } from '../ranges.js';

/** Largest JSON `encode` reads: the document is parsed whole (decode --json of 16000 functions is about 200 MB). */
export const ENCODE_INPUT_MAX = 256 << 20;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'F' },
  fill: { type: 'string' },
} as const;

export interface EncodedDevice {
  readonly slot: PciAddress | null;
  readonly description: string;
  readonly bytes: Uint8Array;
  readonly known: Uint8Array;
  readonly length: number;
}

/** Where a problem in the JSON is: `FILE: devices[0].header.command`. */
class JsonProblem extends Error {}

function lineCol(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

/** JSON.parse with `FILE:LINE:COL: message` on malformed text (one line, whatever the engine says). */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = findJsonError(text);
    const pos = at ? at.pos : text.length;
    const { line, col } = lineCol(text, pos);
    const reason = at ? `not valid JSON: ${at.message}` : `not valid JSON: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    throw new CliInputError(`${file}:${line}:${col}`, reason);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loose equality of JSON leaves: 16 and "0x10" are the same number. */
function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const asInt = (v: unknown): bigint | null =>
    typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v) ? BigInt(v) : null;
  const x = asInt(a);
  const y = asInt(b);
  if (x !== null && y !== null) return x === y;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  // Containers (a value where the image has a leaf) are never the same leaf; JSON.stringify of
  // user JSON is not used here, as it recurses (the depth is checked before, but a leaf needs no walk).
  return false;
}

interface Edit {
  path: string;
  binding: Binding;
  json: unknown;
}

/** Compare the user's JSON with the JSON `raw` decodes to; collect the edited registers. */
function diff(user: unknown, gen: unknown, path: string, bindings: ReadonlyMap<string, Binding>, edits: Edit[]): void {
  if (isObj(gen)) {
    if (!isObj(user)) throw new JsonProblem(`${path}: expected an object`);
    for (const k of Object.keys(user)) {
      if (!(k in gen)) throw new JsonProblem(`${path}.${shown(k)}: unknown field (not in what raw decodes to)`);
      diff(user[k], gen[k], `${path}.${k}`, bindings, edits);
    }
    return;
  }
  if (Array.isArray(gen)) {
    if (!Array.isArray(user)) throw new JsonProblem(`${path}: expected an array`);
    if (user.length !== gen.length) throw new JsonProblem(`${path}: has ${user.length} entries, raw decodes to ${gen.length} (entries cannot be added or removed; edit raw)`);
    user.forEach((u, i) => diff(u, gen[i], `${path}[${i}]`, bindings, edits));
    return;
  }
  if (sameLeaf(user, gen)) return;
  const key = path.replace(/^(?:devices\[\d+\]|device)\./, ''); // bindings are keyed without the device's own path
  const binding = bindings.get(key);
  if (!binding) throw new JsonProblem(`${path}: ${shownJson(user)} differs from ${shownJson(gen)}, but it is derived from other fields; edit the register it comes from (or raw)`);
  edits.push({ path, binding, json: user });
}

function applyEdits(edits: Edit[]): void {
  const done = new Map<unknown, Map<string | number, { path: string; value: unknown }>>();
  for (const e of edits) {
    for (const t of e.binding.targets) {
      const like = (t.target as Record<string | number, unknown>)[t.key];
      const r = valueLike(like, e.json);
      if (!r.ok) throw new JsonProblem(`${e.path}: ${r.message}`);
      let m = done.get(t.target);
      if (!m) done.set(t.target, (m = new Map()));
      const prev = m.get(t.key);
      if (prev && !sameLeaf(String(prev.value), String(r.value))) {
        throw new JsonProblem(`${e.path} and ${prev.path} edit the same register differently`);
      }
      m.set(t.key, { path: e.path, value: r.value });
      (t.target as Record<string | number, unknown>)[t.key] = r.value;
    }
  }
}

/** One device of the JSON back to bytes. */
export function encodeDeviceJson(d: unknown, path: string): EncodedDevice {
  if (!isObj(d)) throw new JsonProblem(`${path}: expected an object`);
  if (typeof d.raw !== 'string') throw new JsonProblem(`${path}.raw: missing (the image that decoded fields are written over)`);
  const raw = rawFromJson(d.raw);
  if (!raw) throw new JsonProblem(`${path}.raw: expected hex byte pairs (or -- for unknown bytes), at most 4096 bytes`);
  let slot: PciAddress | null = null;
  if (d.slot !== undefined && d.slot !== null) {
    const f = typeof d.slot === 'string' ? parseSlotFilter(d.slot) : null;
    if (!f || f.bus === null || f.device === null || f.function === null || f.device > 0x1f) throw new JsonProblem(`${path}.slot: expected "dddd:bb:dd.f" (device 00-1f, function 0-7) or null`);
    slot = { domain: f.domain ?? 0, bus: f.bus, device: f.device, function: f.function };
  }
  if (d.description !== undefined && d.description !== null && typeof d.description !== 'string') throw new JsonProblem(`${path}.description: expected a string`);
  // JSON from `decode --force-ext-caps` lists extended capabilities Linux would not walk: walk them too.
  const forceExt = Array.isArray(d.extended_capabilities) && d.extended_capabilities.length > 0;
  const dev = decodeDevice({ slot, description: '', bytes: raw.bytes, known: raw.known, length: raw.length, diagnostics: [], barSizes: null, barSizesFrom: null }, undefined, forceExt);
  const binder = new JsonBinder();
  const gen = deviceJson(dev, binder);
  const edits: Edit[] = [];
  for (const k of Object.keys(d)) {
    // names come from pci.ids, not from the bytes
    if (k === 'raw' || k === 'slot' || k === 'description' || k === 'names') continue;
    if (!(k in gen)) throw new JsonProblem(`${path}.${shown(k)}: unknown field`);
    // `bars` sizes come from elsewhere (info pci, sysfs): not part of the image.
    if (k === 'bars' && Array.isArray(d.bars) && Array.isArray(gen.bars)) {
      d.bars.forEach((b, i) => {
        if (isObj(b) && isObj(gen.bars && (gen.bars as unknown[])[i])) (gen.bars as Record<string, unknown>[])[i].size = b.size;
      });
    }
    if (k === 'virtio' && isObj(d.virtio) && isObj(gen.virtio)) {
      // Notify bounds and BAR sizes depend on sizes the image does not hold: compare only what the image decides.
      alignSizeViews(d.virtio, gen.virtio);
    }
    if (k === 'diagnostics') continue; // depend on BAR sizes and the dump reader; never encoded
    diff(d[k], gen[k], `${path}.${k}`, binder.bindings, edits);
  }
  try {
    applyEdits(edits);
    const bytes = encodeConfigSpace(dev.cs);
    return { slot, description: typeof d.description === 'string' ? d.description : '', bytes, known: raw.known, length: raw.length };
  } catch (e) {
    if (e instanceof JsonProblem) throw e;
    if (e instanceof TypeError || e instanceof RangeError) throw new JsonProblem(`${path}: ${e.message}`);
    throw e;
  }
}

/** BAR sizes inside `virtio` come from info pci / sysfs, not from the image: take the user's. */
function alignSizeViews(user: Record<string, unknown>, gen: Record<string, unknown>): void {
  for (const k of ['common', 'notify', 'isr', 'device']) {
    const u = user[k];
    const g = gen[k];
    if (isObj(u) && isObj(g) && 'bar_size' in u) g.bar_size = u.bar_size;
  }
  if (Array.isArray(user.shared_memory) && Array.isArray(gen.shared_memory)) {
    user.shared_memory.forEach((u, i) => {
      const g = (gen.shared_memory as unknown[])[i];
      if (isObj(u) && isObj(g) && 'bar_size' in u) g.bar_size = u.bar_size;
    });
  }
}

export async function encodeCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommandArgs('encode', argv, OPTIONS);
  if (p.positionals.length !== 1) throw new CliUsageError('expected one FILE.json (or - for standard input)', 'encode');
  const fmt = stringValue(p, 'format') ?? 'lspci';
  if (fmt !== 'lspci' && fmt !== 'binary') throw new CliUsageError(`--format must be lspci or binary, got '${shown(fmt)}'`, 'encode');
  const fillText = stringValue(p, 'fill');
  if (fillText !== undefined && fmt !== 'binary') throw new CliUsageError('--fill applies to --format binary (text formats write unknown bytes as holes)', 'encode');
  const fill = fillText === undefined ? null : intOption('encode', '--fill', fillText, 0, 0xff);
  const file = p.positionals[0];
  const name = file === '-' ? '<stdin>' : file;
  let all: Uint8Array | null;
  try {
    all = await readAll(file === '-' ? standardInput(ctx.io.stdin) : fileChunks(file), ENCODE_INPUT_MAX);
  } catch (e) {
    if (e instanceof CliInputError) throw e;
    throw new CliInputError(name, `cannot read: ${systemMessage(e)}`);
  }
  if (!all) throw new CliInputError(name, `longer than ${ENCODE_INPUT_MAX >> 20} MiB: encode reads the whole JSON document at once (encode fewer devices, e.g. decode -s … --json)`);
  const text = new TextDecoder().decode(all);
  const doc = parseJsonText(text, name);
  const deep = tooDeep(doc);
  if (deep !== null) throw new CliInputError(name, `${shown(deep)}: nested more than ${JSON_DEPTH_MAX} levels deep (no decode --json document is)`);
  const list: unknown[] = isObj(doc) && Array.isArray(doc.devices) ? doc.devices : isObj(doc) && 'raw' in doc ? [doc] : [];
  if (!isObj(doc) || (!Array.isArray(doc.devices) && !('raw' in doc))) {
    throw new CliInputError(name, 'expected {"devices":[…]} as `pcicfg decode --json` prints it (or one device object)');
  }
  const encoded: EncodedDevice[] = [];
  try {
    list.forEach((d, i) => encoded.push(encodeDeviceJson(d, Array.isArray((doc as Record<string, unknown>).devices) ? `devices[${i}]` : 'device')));
  } catch (e) {
    if (e instanceof JsonProblem) throw new CliInputError(name, e.message);
    throw e;
  }
  if (fmt === 'binary' && encoded.length !== 1) {
    throw new CliUsageError(`--format binary writes one image; ${name} holds ${encoded.length} devices`, 'encode');
  }
  const outPath = stringValue(p, 'output');
  const data: string | Uint8Array = fmt === 'binary' ? binaryImage(encoded[0], fill, name) : encoded.map((e) => writeLspciFunction(e)).join('');
  await writeOutput(ctx, outPath, data);
  return 0;
}

/**
 * The raw image of one device. A raw image cannot mark a byte as unknown, so bytes the dump did
 * not give are not made up: without `--fill` they are an error naming the first such range.
 */
function binaryImage(d: EncodedDevice, fill: number | null, name: string): Uint8Array {
  const holes = runs(d.length, (i) => d.known[i] !== 1);
  if (holes.length === 0) return writeBinary(d);
  if (fill === null) {
    const { offset, length } = holes[0];
    const range = length === 1 ? `byte 0x${offset.toString(16)} is unknown (the dump did not give it)` : `bytes 0x${offset.toString(16)}-0x${(offset + length - 1).toString(16)} are unknown (the dump did not give them)`;
    throw new CliInputError(name, `${range}; pass --fill 0xff to write ${length === 1 ? 'it' : 'them'} anyway`);
  }
  const out = writeBinary(d);
  for (const h of holes) out.fill(fill, h.offset, h.offset + h.length);
  return out;
}
