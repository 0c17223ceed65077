// The fuzz engine: builds input number `index` of a run from (seed, index) alone, feeds it
// through the decoders, the virtio probe, notifyAddress, lookupAddress, the encoder and the
// dump readers, and checks what must hold whatever the bytes:
// - nothing throws, except DumpParseError from the dump readers (the one documented error
//   type for data); a DumpParseError carries a FILE:LINE:COL location and a declared code;
// - encodeConfigSpace(decodeConfigSpace(x)) is x, byte for byte;
// - every diagnostic has a declared code, that code's severity, and an offset inside the image;
// - dump text written by the project's writers and not mutated reads back to the same bytes,
//   and reading it in arbitrary chunks gives what reading it whole gives.
// The project's API is passed in (`api`), so the same engine runs on dist/ (npm run fuzz)
// and on src/ (the vitest budget in test/fuzz/).
import { arbitrarySeeds, buildCorpus } from './corpus.mjs';
import { mutateImage, mutateText, randomImage } from './mutate.mjs';
import { Rng } from './rng.mjs';

const NOTIFICATION_DATA = 1n << 38n;
const SEVERITIES = new Set(['error', 'warning', 'info']);

export class FuzzFailure extends Error {
  constructor(check, message) {
    super(`${check}: ${message}`);
    this.check = check;
  }
}

/**
 * Everything the engine needs that does not change between inputs. `extra` may hold the
 * `pcicfg/arbitraries` module and fast-check (`{ arbitraries, fc }`): their generators then
 * add seeds to the corpus.
 */
export function makeContext(api, corpusSeed = 1, extra = {}) {
  const codes = new Map();
  for (const t of [api.PCI_DIAGNOSTICS, api.VIRTIO_DIAGNOSTICS, api.DUMP_DIAGNOSTICS]) {
    for (const [code, spec] of Object.entries(t)) codes.set(code, spec.severity);
  }
  const corpus = buildCorpus(api, new Rng(corpusSeed, 0xc0ffee));
  if (extra.arbitraries && extra.fc) corpus.push(...arbitrarySeeds(api, extra.arbitraries, extra.fc, corpusSeed));
  return { api, codes, corpus, vendorCaps: [api.virtioVendorCapDecoder] };
}

/** What the fuzzer drives: the root entry at `distUrl` (a dist/index.js) with the model's subpath beside it. */
export async function loadApi(distUrl) {
  return { ...(await import(distUrl)), ...(await import(new URL('./entries/model.js', distUrl).href)) };
}

/** The arbitraries subpath next to a dist/index.js and fast-check, when both load; else {}. */
export async function loadExtra(distUrl) {
  try {
    const arbitraries = await import(new URL('./entries/arbitraries.js', distUrl).href);
    const fcModule = await import('fast-check');
    return { arbitraries, fc: fcModule.default ?? fcModule };
  } catch {
    return {};
  }
}

// ---- inputs ----

function seedImage(ctx, rng) {
  return rng.pick(ctx.corpus).bytes.slice();
}

function mutant(ctx, rng) {
  const b = seedImage(ctx, rng);
  const n = rng.count(0.55, 12);
  const done = [];
  for (let i = 0; i < n; i++) done.push(mutateImage(rng, b, ctx.corpus));
  return { b, done };
}

/** An image plus how many of its bytes are real, as decodeConfigSpace is called. */
function withLength(rng, b) {
  const r = rng.int(10);
  if (r < 7 || b.length === 0) return { bytes: b, length: b.length };
  if (r < 9) {
    const n = rng.pick([0, 1, 0x0e, 0x10, 0x34, 0x35, 0x40, 0x41, 0x80, 0xff, 0x100, 0x101, 0x104, rng.int(b.length + 1)]);
    return { bytes: b.subarray(0, Math.min(n, b.length)).slice(), length: Math.min(n, b.length) }; // truncated array
  }
  return { bytes: b, length: rng.int(b.length + 1) }; // fewer bytes known than present
}

/** Input `index` of the run `seed`: a plain object that can be replayed and saved. */
export function makeInput(ctx, seed, index) {
  const rng = new Rng(seed, index);
  const r = rng.int(100);
  if (r < 55) {
    const { b, done } = mutant(ctx, rng);
    return { kind: 'mutant', mutations: done, ...withLength(rng, b), rng };
  }
  if (r < 62) return { kind: 'seed', ...withLength(rng, seedImage(ctx, rng)), rng };
  if (r < 75) return { kind: 'random', ...withLength(rng, randomImage(rng)), rng };
  if (r < 97) return { kind: 'text', ...dumpText(ctx, rng), rng };
  // Bytes handed to the dump reader: binary images (too long ones included) and binary noise.
  const b = rng.chance(0.5) ? rng.bytes(rng.range(0, 5000)) : mutant(ctx, rng).b.subarray(0, rng.pick([64, 256, 4096, rng.range(1, 4096)]));
  return { kind: 'dump-bytes', bytes: b, length: b.length, rng };
}

function dumpText(ctx, rng) {
  const api = ctx.api;
  const format = rng.pick(['lspci', 'lspci', 'lspci', 'hexdump', 'xxd']);
  const count = format === 'lspci' ? rng.range(1, 3) : 1;
  const images = [];
  for (let i = 0; i < count; i++) {
    const b = rng.chance(0.5) ? seedImage(ctx, rng) : mutant(ctx, rng).b;
    const length = rng.pick([b.length, b.length, 64, 256, rng.range(1, b.length)]);
    const known = new Uint8Array(b.length);
    known.fill(1, 0, length);
    if (format === 'lspci' && rng.chance(0.15)) for (let k = 0; k < length - 1; k++) if (rng.chance(0.05)) known[k] = 0;
    const slot = { domain: rng.pick([0, 0, 1, 0xffff, 0x10000]), bus: rng.int(256), device: rng.int(32), function: rng.int(8) };
    images.push({ bytes: b, length, known, slot, description: rng.pick(['', 'Red Hat, Inc. Virtio block device', 'x: y', 'Device 1af4:1042 (rev 01)']) });
  }
  const original =
    format === 'lspci' ? api.writeLspci(images) : format === 'hexdump' ? api.writeHexdumpC({ bytes: images[0].bytes, length: images[0].length }) : api.writeXxd({ bytes: images[0].bytes, length: images[0].length }, { group: rng.pick([1, 2, 4, 8]) });
  const n = rng.chance(0.2) ? 0 : rng.count(0.5, 8);
  let text = original;
  for (let i = 0; i < n; i++) text = mutateText(rng, text);
  return { text, format, images, mutated: n > 0, readAs: rng.chance(0.8) ? 'auto' : format };
}

// ---- checks ----

function checkDiagnostics(ctx, list, limit, where) {
  for (const d of list) {
    const sev = ctx.codes.get(d.code);
    if (sev === undefined) throw new FuzzFailure('undeclared-code', `${where}: diagnostic code ${JSON.stringify(d.code)} is in no diagnostics table (${d.message})`);
    if (d.severity !== sev || !SEVERITIES.has(d.severity)) throw new FuzzFailure('severity', `${where}: ${d.code} has severity ${d.severity}, its table says ${sev}`);
    if (d.offset !== null && (!Number.isInteger(d.offset) || d.offset < 0 || d.offset > 0x1000)) {
      throw new FuzzFailure('diagnostic-offset', `${where}: ${d.code} at offset ${d.offset}, outside the 4096 bytes of configuration space (${d.message})`);
    }
    if (typeof d.message !== 'string' || d.message.length === 0 || d.message.includes('\n')) {
      throw new FuzzFailure('diagnostic-message', `${where}: ${d.code} message is not one non-empty line: ${JSON.stringify(d.message)}`);
    }
  }
}

function equalBytes(a, b) {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function probeOptions(rng) {
  const o = {};
  if (rng.chance(0.4)) o.features = rng.chance(0.5) ? rng.u64() : (1n << 32n) | (rng.chance(0.5) ? NOTIFICATION_DATA : 0n);
  const q = rng.int(6);
  if (q === 1) o.numQueues = rng.pick([0, 1, 2, 3, 16, 64, 1024]);
  else if (q === 2) o.queueNotifyOffs = Array.from({ length: rng.range(0, 8) }, () => (rng.chance(0.5) ? rng.range(0, 16) : rng.range(0, 0xffff)));
  if (rng.chance(0.3)) {
    const m = new Map();
    for (let i = 0; i < 6; i++) if (rng.chance(0.5)) m.set(i, rng.pick([0n, 1n, 4n, 0x100n, 0x1000n, 0x4000n, 0x80000n, 1n << 40n, 3n, rng.u64()]));
    o.barSizes = m;
  }
  if (rng.chance(0.2)) o.msixEnabled = rng.chance(0.5);
  return o;
}

/** Decode, re-encode, probe, notify and look up one image. Throws FuzzFailure or whatever the code under test throws. */
export function checkImage(ctx, bytes, length, rng, where = 'image') {
  const api = ctx.api;
  const opts = { length };
  if (rng.chance(0.8)) opts.vendorCaps = ctx.vendorCaps;
  if (rng.chance(0.2)) opts.barSizes = { 0: 0x1000n, 1: 0x1000n, 2: 4n, 4: 0x4000n, 5: rng.u64() };
  const cs = api.decodeConfigSpace(bytes, opts);
  checkDiagnostics(ctx, cs.diagnostics, bytes.length, `${where} decodeConfigSpace`);
  const enc = api.encodeConfigSpace(cs);
  const diff = equalBytes(enc, bytes);
  if (diff !== -1) {
    throw new FuzzFailure('roundtrip', `${where}: encodeConfigSpace(decodeConfigSpace(x)) differs from x ${diff === -2 ? `in length (${enc.length} vs ${bytes.length})` : `at 0x${diff.toString(16)} (${enc[diff]} vs ${bytes[diff]})`}`);
  }

  const po = probeOptions(rng);
  const t = api.probeVirtio(cs, po);
  checkDiagnostics(ctx, t.diagnostics, bytes.length, `${where} probeVirtio`);
  const addrs = [rng.u64(), 0n, 0xffffffffffffffffn];
  for (const q of [0, 1, rng.range(0, 0xffff), 0xffff]) {
    const n = rng.chance(0.5) ? api.notifyAddress(t, q, rng.chance(0.3) ? { features: NOTIFICATION_DATA } : {}) : api.notifyAddressForQueue(t, q);
    if (n !== null) {
      if (typeof n.address !== 'bigint') throw new FuzzFailure('notify', `${where}: notify address is a ${typeof n.address}`);
      checkDiagnostics(ctx, n.diagnostics, bytes.length, `${where} notifyAddress`);
      addrs.push(n.address, n.address + 1n);
    }
  }
  for (const bar of cs.bars) addrs.push(bar.address, bar.address + BigInt(rng.range(0, 0x4000)));
  for (const c of t.caps) {
    if (c.bar === null || c.offset === null) continue;
    const bar = cs.bars.find((x) => x.index === c.bar);
    if (bar) addrs.push(bar.address + c.offset, bar.address + c.offset + BigInt(rng.range(0, 64)));
  }
  const device = { slot: 'fuzz', config: cs, transport: rng.chance(0.8) ? t : undefined, probeOptions: rng.chance(0.5) ? po : undefined, numQueues: rng.chance(0.3) ? rng.range(0, 8) : undefined };
  for (let i = 0; i < Math.min(addrs.length, 12); i++) {
    const a = addrs[rng.int(addrs.length)];
    if (a < 0n || a > 0xffffffffffffffffn) continue;
    const hits = api.lookupAddress([device], a, rng.chance(0.8) ? 'mem' : 'io');
    if (!Array.isArray(hits)) throw new FuzzFailure('lookup', `${where}: lookupAddress returned ${typeof hits}`);
  }
  return cs;
}

function splitIntoChunks(rng, text) {
  const chunks = [];
  let at = 0;
  while (at < text.length) {
    const n = rng.range(1, rng.chance(0.5) ? 8 : 200);
    chunks.push(text.slice(at, at + n));
    at += n;
  }
  return chunks;
}

function outcome(ctx, f) {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof ctx.api.DumpParseError) return { ok: false, error: e };
    throw e;
  }
}

function checkParseError(ctx, e, where) {
  if (!/^fuzz:\d+:\d+: ./.test(e.message)) throw new FuzzFailure('parse-error', `${where}: DumpParseError message is not FILE:LINE:COL: reason: ${JSON.stringify(e.message)}`);
  if (!(e.line >= 1 && e.column >= 1)) throw new FuzzFailure('parse-error', `${where}: DumpParseError at line ${e.line} column ${e.column}`);
  if (!ctx.codes.has(e.code)) throw new FuzzFailure('parse-error', `${where}: DumpParseError code ${e.code} is in no table`);
}

function checkDumpInput(ctx, input) {
  const api = ctx.api;
  const rng = input.rng;
  const src = input.kind === 'text' ? input.text : input.bytes;
  const opts = { file: 'fuzz', format: input.kind === 'text' ? input.readAs : 'auto' };
  const whole = outcome(ctx, () => api.readDump(src, opts));
  if (!whole.ok) {
    checkParseError(ctx, whole.error, 'readDump');
    if (input.kind === 'text' && !input.mutated) throw new FuzzFailure('writer-reader', `text written by the ${input.format} writer does not read back: ${whole.error.message}`);
  } else {
    for (const fn of whole.value.functions) {
      checkDiagnostics(ctx, fn.diagnostics, fn.bytes.length, 'readDump');
      if (fn.bytes.length !== fn.known.length || fn.length > fn.bytes.length) throw new FuzzFailure('dump-shape', `function of ${fn.bytes.length} bytes, known map of ${fn.known.length}, length ${fn.length}`);
    }
    if (input.kind === 'text' && !input.mutated) {
      const fns = whole.value.functions;
      if (fns.length !== input.images.length) throw new FuzzFailure('writer-reader', `${input.images.length} functions written, ${fns.length} read back`);
      fns.forEach((fn, i) => {
        const im = input.images[i];
        if (fn.length !== im.length) throw new FuzzFailure('writer-reader', `function ${i}: length ${im.length} written, ${fn.length} read back`);
        for (let k = 0; k < im.length; k++) {
          const known = input.format !== 'lspci' || im.known[k] === 1;
          if (known && (fn.bytes[k] !== im.bytes[k] || fn.known[k] !== 1)) throw new FuzzFailure('writer-reader', `function ${i}: byte 0x${k.toString(16)} written ${im.bytes[k]}, read ${fn.bytes[k]} (known ${fn.known[k]})`);
        }
      });
    }
    const fns = whole.value.functions;
    for (let i = 0; i < fns.length; i++) checkImage(ctx, fns[i].bytes, fns[i].length, rng, `dump function ${i}`);
  }
  // Streaming in arbitrary pieces must agree with reading whole.
  if (input.kind === 'text' && rng.chance(0.25)) {
    const chunks = splitIntoChunks(rng, input.text);
    const streamed = outcome(ctx, () => [...api.iterateDump(chunks, opts)]);
    if (whole.ok !== streamed.ok) {
      throw new FuzzFailure('stream', `reading whole ${whole.ok ? 'succeeds' : `fails (${whole.error.message})`}, in ${chunks.length} chunks ${streamed.ok ? 'succeeds' : `fails (${streamed.error.message})`}`);
    }
    if (!whole.ok && (whole.error.line !== streamed.error.line || whole.error.column !== streamed.error.column || whole.error.code !== streamed.error.code)) {
      throw new FuzzFailure('stream', `whole: ${whole.error.message} (${whole.error.code}); chunks: ${streamed.error.message} (${streamed.error.code})`);
    }
    if (whole.ok) {
      const a = whole.value.functions;
      const b = streamed.value;
      if (a.length !== b.length) throw new FuzzFailure('stream', `${a.length} functions read whole, ${b.length} in chunks`);
      for (let i = 0; i < a.length; i++) {
        if (a[i].length !== b[i].length || equalBytes(a[i].bytes, b[i].bytes) !== -1 || equalBytes(a[i].known, b[i].known) !== -1) throw new FuzzFailure('stream', `function ${i} differs between whole and chunked reading`);
      }
    }
  }
}

/**
 * The seeds are well-formed: for each, the probe finds a doorbell for queues 0..3, and looking
 * that address up names the notify structure and the queue. Returns problems as strings.
 */
export function checkCorpus(ctx) {
  const api = ctx.api;
  const problems = [];
  for (const s of ctx.corpus) {
    if (!s.virtio) continue; // generator seeds include invalid and non-virtio images
    const cs = api.decodeConfigSpace(s.bytes, { vendorCaps: ctx.vendorCaps });
    const t = api.probeVirtio(cs, { numQueues: 4 });
    for (let q = 0; q < 4; q++) {
      const n = api.notifyAddressForQueue(t, q);
      if (!n) {
        problems.push(`${s.name}: no doorbell for queue ${q} (${t.diagnostics.map((d) => d.code).join(', ')})`);
        break;
      }
      const hits = api.lookupAddress([{ slot: s.name, config: cs, transport: t, numQueues: 4 }], n.address, n.space);
      if (!hits.some((h) => h.structure === 'notify' && h.queues?.includes(q))) {
        problems.push(`${s.name}: lookup of queue ${q}'s doorbell ${n.space} 0x${n.address.toString(16)} does not name it (${hits.map((h) => h.structure).join(', ') || 'no hit'})`);
      }
    }
  }
  return problems;
}

/** Run one input through every check. Throws on failure. */
export function runInput(ctx, input) {
  if (input.kind === 'text' || input.kind === 'dump-bytes') checkDumpInput(ctx, input);
  else checkImage(ctx, input.bytes, input.length, input.rng, input.kind);
}

/** A description of an input for a failure report (and the bytes or text to save). */
export function describeInput(input) {
  if (input.kind === 'text') return { kind: input.kind, format: input.format, readAs: input.readAs, mutated: input.mutated, data: input.text };
  return { kind: input.kind, length: input.length, size: input.bytes.length, mutations: input.mutations, data: input.bytes };
}

/**
 * Run inputs `from`..`to-1` of run `seed`. `hooks.progress(index)` is called before each input;
 * `hooks.failure(f)` with each failure. Returns statistics with per-input times in ms.
 */
export function runRange(ctx, seed, from, to, hooks = {}) {
  const stats = { count: 0, kinds: {}, failures: 0, maxMs: 0, maxIndex: -1, maxKind: '', totalMs: 0, over: {} };
  const thresholds = [1, 10, 100, 1000];
  for (const t of thresholds) stats.over[t] = 0;
  for (let i = from; i < to; i++) {
    hooks.progress?.(i, stats);
    const t0 = performance.now();
    let input;
    try {
      input = makeInput(ctx, seed, i);
      runInput(ctx, input);
    } catch (e) {
      stats.failures++;
      const f = { seed, index: i, check: e instanceof FuzzFailure ? e.check : 'exception', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error && !(e instanceof FuzzFailure) ? e.stack : undefined, input: input ? describeInput(input) : null };
      hooks.failure?.(f);
      if (hooks.stopAfter !== undefined && stats.failures >= hooks.stopAfter) break;
    }
    const dt = performance.now() - t0;
    stats.count++;
    stats.totalMs += dt;
    const kind = input?.kind ?? 'unknown';
    stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
    for (const t of thresholds) if (dt > t) stats.over[t]++;
    if (dt > stats.maxMs) {
      stats.maxMs = dt;
      stats.maxIndex = i;
      stats.maxKind = kind;
    }
  }
  return stats;
}
