// `npm run vectors`: regenerate spec-vectors/ (see spec-vectors/README.md).
//
//   node scripts/vectors.mjs            write every group (QEMU ones need qemu-system-x86_64)
//   node scripts/vectors.mjs --no-qemu  write only the hand-built groups (spec/, malformed/)
//   node scripts/vectors.mjs --check    write nothing; exit 1 when a file would change
//
// Each vector is NAME.lspci (one function as `lspci -xxxx` prints it, written by writeLspci)
// and NAME.json (provenance, what the device or the builder says, the expected decoding).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import * as node from '../dist/node.js';
import { decodeVector, stableJson } from './vectors/project.mjs';
import { qemuDeviceNames, qemuVersion, runMachine } from './vectors/qemu.mjs';
import { builtVectors } from './vectors/built.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'spec-vectors');
const argv = new Set(process.argv.slice(2));
const CHECK = argv.has('--check');
const NO_QEMU = argv.has('--no-qemu');
const log = (s) => process.stderr.write(s + '\n');

/** Files of a group, as {relative path: text}. */
const outputs = new Map();

function addVector(group, file, fn, meta, device) {
  const lspci = lib.writeLspci([{ bytes: fn.bytes, length: fn.length, slot: fn.slot, description: fn.title }]);
  // The test reads the .lspci back; decode what it will see, not the builder's buffer.
  const read = lib.readDump(lspci).functions[0];
  const { json } = decodeVector(lib, read.bytes, read.length, device);
  const record = { schema: 'pcicfg-spec-vector/1', group, name: file.split('/').pop(), ...meta, image: { file: file.split('/').pop() + '.lspci', slot: lib.formatPciAddress(fn.slot), length: fn.length } };
  if (device) record.device = device;
  record.expected = json;
  outputs.set(`${file}.lspci`, lspci);
  outputs.set(`${file}.json`, stableJson(record));
}

async function qemuGroups() {
  const binary = node.findQemuBinary();
  if (!binary) throw new Error('qemu-system-x86_64 is not on PATH (use --no-qemu to write only the hand-built groups)');
  const version = qemuVersion(binary);
  const available = qemuDeviceNames(binary);
  const skippedAll = [];
  for (const machine of ['pc', 'q35']) {
    const { records, skipped } = await runMachine(lib, node, machine, available, log);
    skippedAll.push(...skipped.map((s) => ({ machine, ...s })));
    for (const r of records) {
      const device = { bars: r.bars, rom: r.rom };
      if (r.bridge) device.bridge = r.bridge;
      if (r.facts) {
        device.factsSource = r.facts.source;
        device.deviceFeatures = r.facts.deviceFeatures;
        device.numQueues = r.facts.numQueues;
        device.queues = r.facts.queues;
      }
      addVector(
        `qemu/${machine}`,
        `qemu/${machine}/${r.file}`,
        { bytes: r.config, length: r.config.length, slot: r.address, title: r.file },
        {
          description: r.about,
          provenance: {
            source: 'qemu',
            qemu: version,
            machine,
            commandLine: `qemu-system-x86_64 -machine ${machine} -accel tcg -S -qtest stdio -display none -nodefaults -m 256M (+ every device of the ${machine} matrix)`,
            deviceArgs: r.deviceArgs,
            read: r.config.length === 4096 ? 'ECAM (MMCONFIG), 4096 bytes' : 'CF8/CFC, 256 bytes',
            assigned: 'BARs sized and assigned by enumeratePci (src/driver/enumerate.ts), decoding enabled',
          },
        },
        device,
      );
    }
  }
  outputs.set('qemu/SKIPPED.json', stableJson({ qemu: version, skipped: skippedAll }));
}

function builtGroups() {
  for (const v of builtVectors(lib)) {
    addVector(v.group, `${v.group}/${v.name}`, { bytes: v.bytes, length: v.length, slot: v.slot, title: v.name }, v.meta, v.device);
  }
}

function listGenerated(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listGenerated(p));
    else if (/\.(lspci|json)$/.test(e.name)) out.push(relative(ROOT, p));
  }
  return out;
}

async function main() {
  if (!NO_QEMU) await qemuGroups();
  builtGroups();
  const groups = NO_QEMU ? ['spec', 'malformed'] : ['qemu', 'spec', 'malformed'];
  const existing = groups.flatMap((g) => listGenerated(join(ROOT, g)));
  const stale = existing.filter((f) => !outputs.has(f));
  const changed = [...outputs].filter(([f, text]) => !existsSync(join(ROOT, f)) || readFileSync(join(ROOT, f), 'utf8') !== text).map(([f]) => f);
  if (CHECK) {
    for (const f of changed) log(`would change: ${f}`);
    for (const f of stale) log(`would remove: ${f}`);
    log(`${outputs.size} files generated, ${changed.length} differ, ${stale.length} stale`);
    process.exitCode = changed.length || stale.length ? 1 : 0;
    return;
  }
  for (const f of stale) rmSync(join(ROOT, f));
  for (const [f, text] of outputs) {
    mkdirSync(dirname(join(ROOT, f)), { recursive: true });
    writeFileSync(join(ROOT, f), text);
  }
  log(`${outputs.size} files written (${changed.length} changed, ${stale.length} removed) in ${relative(process.cwd(), ROOT) || '.'}`);
}

main().catch((e) => {
  log(e.stack ?? String(e));
  process.exit(1);
});
