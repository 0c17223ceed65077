// Boot the test guest under QEMU (TCG) and collect what it reports. The guest's console is on
// ttyS0 (a file), its report on ttyS1 (QEMU's stdio); QEMU's trace of every MMIO/PIO write goes
// to a log file (-D). When the guest says it is done, `info mtree -f` and `info pci` are read over
// QMP while it still runs, then the guest is told to power off. Bounded: past the deadline QEMU
// is killed and the error carries the tail of both serial ports.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MARK = '@@pcicfg-guest';
/** What the guest writes into its disk at byte 512 (init.sh). */
export const DISK_PATTERN = (disk) => `pcicfg guest wrote this to ${disk}\n`;
const DISK_BYTES = 1 << 20;
const TAIL = 3000;

/** Trace events recorded (QEMU's trace-events names). */
export const TRACE_EVENTS = ['memory_region_ops_write', 'memory_region_ops_read'];

/** The QEMU command line (after the binary) for machine `m`; paths inside `dir`. */
export function guestArgs(m, kernel, dir, append = '') {
  return [
    '-machine', m.machine,
    '-accel', 'tcg',
    '-m', '256M',
    '-nodefaults',
    '-display', 'none',
    '-no-reboot',
    '-kernel', kernel.vmlinuz,
    '-initrd', join(dir, 'initramfs.cpio'),
    '-append', `console=ttyS0 panic=-1 no_timer_check nokaslr${append}`,
    '-serial', `file:${join(dir, 'console.log')}`,
    '-serial', 'stdio',
    '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
    ...TRACE_EVENTS.flatMap((e) => ['-trace', e]),
    '-D', join(dir, 'trace.log'),
    '-drive', `file=${join(dir, 'disk.img')},format=raw,if=none,id=disk0`,
    ...m.devices.flatMap((d) => ['-device', d]),
  ];
}

/** Parse the guest's report: `BEGIN KIND NAME` … `END KIND NAME` blocks, in order. */
export function parseReport(text) {
  const blocks = [];
  let open = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith(MARK + ' ')) {
      const [word, kind, ...rest] = line.slice(MARK.length + 1).split(' ');
      const name = rest.join(' ');
      if (word === 'BEGIN') open = { kind, name, lines: [] };
      else if (word === 'END' && open && open.kind === kind && open.name === name) {
        blocks.push(open);
        open = null;
      }
    } else if (open) open.lines.push(line);
  }
  return blocks;
}

/** Bytes of a block of `od -An -v -tx1` lines. */
export function odBytes(lines) {
  const hex = lines.join(' ').trim();
  return hex ? Uint8Array.from(hex.split(/\s+/), (h) => parseInt(h, 16)) : new Uint8Array(0);
}

/** utime + stime of a live process in seconds (Linux /proc), or null. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15, in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

const tail = (s) => (s.length > TAIL ? '…' + s.slice(-TAIL) : s);

/**
 * Boot machine `m` once.
 * @param {{ QmpClient: { connect(path: string, timeoutMs: number): Promise<{ hmp(c: string): Promise<string>, close(): void }> } }} lib
 * @param {{ machine: import('./machines.mjs').GuestMachine, kernel: { vmlinuz: string }, initramfs: Uint8Array, qemu: string, timeoutMs?: number, setpriv?: string | null }} o
 */
export async function bootGuest(lib, o) {
  const dir = mkdtempSync(join(tmpdir(), 'pcicfg-guest-'));
  try {
    writeFileSync(join(dir, 'initramfs.cpio'), o.initramfs);
    writeFileSync(join(dir, 'disk.img'), Buffer.alloc(DISK_BYTES));
    const args = guestArgs(o.machine, o.kernel, dir);
    const started = performance.now();
    // setpriv --pdeathsig: QEMU dies with us even if Node is killed outright.
    const child = o.setpriv ? spawn(o.setpriv, ['--pdeathsig', 'KILL', '--', o.qemu, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn(o.qemu, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    let report = '';
    let stderr = '';
    let cpu = null;
    let mtree = null;
    let infoPci = null;
    let failure = null;
    const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    const spawnError = new Promise((resolve) => child.once('error', (e) => resolve(e)));
    const why = () => `\n--- console (ttyS0) tail ---\n${tail(existsSync(join(dir, 'console.log')) ? readFileSync(join(dir, 'console.log'), 'latin1') : '')}\n--- report (ttyS1) tail ---\n${tail(report)}\n--- QEMU stderr ---\n${tail(stderr)}`;
    const done = new Promise((resolve) => {
      child.stdout.setEncoding('latin1');
      child.stdout.on('data', (c) => {
        report += c;
        if (report.includes(`${MARK} END done guest`)) resolve();
      });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => (stderr += c));
    const timeoutMs = o.timeoutMs ?? 180_000;
    const timers = [];
    const after = (ms) => new Promise((resolve) => timers.push(setTimeout(resolve, ms, 'timeout')));
    const first = await Promise.race([done.then(() => 'done'), exited.then(() => 'exited'), spawnError.then((e) => e), after(timeoutMs)]);
    if (first === 'done') {
      cpu = cpuSeconds(child.pid);
      try {
        const qmp = await lib.QmpClient.connect(join(dir, 'qmp.sock'), 30_000);
        mtree = await qmp.hmp('info mtree -f');
        infoPci = await qmp.hmp('info pci');
        qmp.close();
      } catch (e) {
        failure = `reading the memory map over QMP failed: ${e.message}`;
      }
      child.stdin.write('poweroff\n');
      const end = await Promise.race([exited, after(60_000)]);
      if (end === 'timeout') failure ??= 'the guest did not power off within 60 s';
      else if (end.code !== 0) failure ??= `QEMU exited with ${end.signal ?? end.code} after the guest powered off`;
    } else if (first === 'exited') failure = 'QEMU exited before the guest reported';
    else if (first === 'timeout') failure = `no report from the guest within ${timeoutMs / 1000} s`;
    else failure = `cannot start ${o.qemu}: ${first.message}`;
    const wallSeconds = (performance.now() - started) / 1000;
    for (const t of timers) clearTimeout(t);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (failure) throw new Error(`guest ${o.machine.name}: ${failure}${why()}`);
    const disk = readFileSync(join(dir, 'disk.img'));
    return {
      commandLine: [o.qemu, ...args].map((a) => a.split(dir).join('$TMP')),
      blocks: parseReport(report),
      console: readFileSync(join(dir, 'console.log'), 'latin1'),
      trace: readFileSync(join(dir, 'trace.log'), 'utf8'),
      mtree,
      infoPci,
      disk,
      wallSeconds,
      cpuSeconds: cpu,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
