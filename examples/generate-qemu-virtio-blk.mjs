#!/usr/bin/env node
// Regenerates examples/qemu-virtio-blk.lspci and examples/qemu-virtio-blk.info-pci from a real
// QEMU (see examples/README.md). Standalone on purpose: it speaks the qtest text protocol and
// QMP directly, so it needs only Node, qemu-system-x86_64 and lspci (for the device names).
//
//   node examples/generate-qemu-virtio-blk.mjs
import { spawn, execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pcicfg-example-'));
const qmpPath = join(tmp, 'qmp.sock');

// The function sits at 00:04.0 of an i440FX machine with nothing else plugged in.
const SLOT = { bus: 0, device: 4, function: 0 };
// What firmware would do: program the BARs and enable decoding. The addresses are chosen by this
// script (BAR4 as in the project's running example, 0xfe008000–0xfe00bfff); sizes come from QEMU.
const ASSIGN = { 0: 0xc000n, 1: 0xfebf1000n, 4: 0xfe008000n };

const qemu = spawn(
  'qemu-system-x86_64',
  [
    '-machine', 'pc', '-S', '-nodefaults', '-display', 'none',
    '-qtest', 'stdio', '-qtest-log', '/dev/null', '-qmp', `unix:${qmpPath},server=on,wait=off`,
    '-blockdev', 'driver=null-co,node-name=d0,size=67108864',
    '-device', 'virtio-blk-pci,drive=d0,addr=04.0',
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);

let pending = '';
const waiters = [];
qemu.stdout.setEncoding('utf8');
qemu.stdout.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.startsWith('IRQ')) continue;
    const w = waiters.shift();
    if (w) w(line);
  }
});

function qtest(cmd) {
  return new Promise((resolve, reject) => {
    waiters.push((line) => (line.startsWith('OK') ? resolve(line) : reject(new Error(`${cmd}: ${line}`))));
    qemu.stdin.write(cmd + '\n');
  });
}

const cfgAddr = (off) =>
  '0x' + ((0x80000000 | (SLOT.bus << 16) | (SLOT.device << 11) | (SLOT.function << 8) | (off & 0xfc)) >>> 0).toString(16);

async function cfgRead32(off) {
  await qtest(`outl 0xcf8 ${cfgAddr(off)}`);
  const r = await qtest('inl 0xcfc');
  return Number(BigInt(r.split(' ')[1]));
}

async function cfgWrite32(off, v) {
  await qtest(`outl 0xcf8 ${cfgAddr(off)}`);
  await qtest(`outl 0xcfc 0x${(v >>> 0).toString(16)}`);
}

function qmpInfoPci() {
  return new Promise((resolve, reject) => {
    const sock = createConnection(qmpPath);
    let buf = '';
    let step = 0;
    sock.setEncoding('utf8');
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.QMP && step === 0) {
          step = 1;
          sock.write('{"execute":"qmp_capabilities"}\n');
        } else if ('return' in msg && step === 1) {
          step = 2;
          sock.write('{"execute":"human-monitor-command","arguments":{"command-line":"info pci"}}\n');
        } else if ('return' in msg && step === 2) {
          sock.end();
          resolve(msg.return);
        } else if (msg.error) reject(new Error(msg.error.desc));
      }
    });
  });
}

try {
  // Firmware-style BAR programming: size each BAR (write all ones, read back), then assign.
  for (let i = 0; i < 6; i++) {
    const off = 0x10 + 4 * i;
    const orig = await cfgRead32(off);
    await cfgWrite32(off, 0xffffffff);
    const probe = await cfgRead32(off);
    await cfgWrite32(off, orig);
    if (probe === 0) continue;
    const isIo = (probe & 1) === 1;
    const is64 = !isIo && ((probe >>> 1) & 3) === 2;
    const want = ASSIGN[i];
    if (want === undefined) throw new Error(`BAR${i} is implemented (0x${probe.toString(16)}) but has no address assigned`);
    await cfgWrite32(off, Number(want & 0xffffffffn) | (orig & (isIo ? 0x3 : 0xf)));
    if (is64) {
      await cfgWrite32(off + 4, Number(want >> 32n));
      i++;
    }
  }
  // Command: I/O space, memory space, bus master.
  const cmd = await cfgRead32(0x04);
  await cfgWrite32(0x04, (cmd & 0xffff0000) | (cmd & 0xffff) | 0x7);

  const bytes = new Uint8Array(256);
  for (let off = 0; off < 256; off += 4) {
    const v = await cfgRead32(off);
    bytes[off] = v & 0xff;
    bytes[off + 1] = (v >>> 8) & 0xff;
    bytes[off + 2] = (v >>> 16) & 0xff;
    bytes[off + 3] = (v >>> 24) & 0xff;
  }
  const infoPci = await qmpInfoPci();

  // Let lspci itself print the dump (names from its pci.ids), from a minimal -F file.
  let dump = `00:04.0 x\n`;
  for (let off = 0; off < 256; off += 16) {
    dump += off.toString(16).padStart(2, '0') + ':';
    for (let i = 0; i < 16; i++) dump += ' ' + bytes[off + i].toString(16).padStart(2, '0');
    dump += '\n';
  }
  const raw = join(tmp, 'raw.lspci');
  writeFileSync(raw, dump);
  const text = execFileSync('lspci', ['-F', raw, '-xxxx'], { encoding: 'utf8' });
  writeFileSync(join(here, 'qemu-virtio-blk.lspci'), text);
  writeFileSync(join(here, 'qemu-virtio-blk.info-pci'), infoPci.replace(/\r\n/g, '\n'));
  process.stdout.write(text + '\n' + infoPci);
} finally {
  qemu.stdin.end();
  qemu.kill();
  rmSync(tmp, { recursive: true, force: true });
}
