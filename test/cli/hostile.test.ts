// Hostile input and a hostile environment (issue 16): every case ends in one line on stderr
// and its documented exit code (1 usage, 2 input, 4 output), never 3 ("internal error").
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeLspciFunction } from '../../src/dump/index.js';
import { exampleBytes, runCli, scratch } from './run.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const blk = exampleBytes();
const at4 = { domain: 0, bus: 0, device: 4, function: 0 };

/** One line on stderr, the exit code expected. */
function oneLine(r: { code: number; stderr: string }, code: number): string {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const line = r.stderr.slice(0, -1);
  expect(line).not.toContain('\n');
  expect(line).not.toMatch(/internal error/);
  return line;
}

async function decodeJson(text: string): Promise<Record<string, unknown>> {
  return JSON.parse((await runCli(['decode', '-', '--json'], text)).stdout).devices[0];
}

describe('megabyte lines (#1)', () => {
  it('a 6 MB line of hex digits is an input error at its place, not a RangeError', async () => {
    const f = tmp.file('zeros.txt', '0'.repeat(6_000_000) + '\n');
    const line = oneLine(await runCli(['decode', f]), 2);
    expect(line).toBe(`${f}:1:8193: byte at offset 0x1000 is beyond the 4096 bytes of configuration space`);
  });
});

describe('deeply nested JSON for encode (#2)', () => {
  const device = async () => JSON.stringify(await decodeJson(writeLspciFunction({ bytes: blk, length: 256, slot: at4 })));
  it.each([
    ['arrays', 5000, (n: number) => '['.repeat(n) + ']'.repeat(n)],
    ['objects', 5000, (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)],
    ['arrays', 200_000, (n: number) => '['.repeat(n) + ']'.repeat(n)],
  ])('a register edited to %s nested %i deep', async (_kind, n, value) => {
    const text = (await device()).replace('"command":7', `"command":${value(n)}`);
    const line = oneLine(await runCli(['encode', '-'], text), 2);
    expect(line).toMatch(/^<stdin>: header\.command[[\]0.a]+…: nested more than 64 levels deep/);
  });

  it('a single device object (not under devices) is edited like one in the list', async () => {
    const text = (await device()).replace('"command":7', '"command":"0x5"');
    const r = await runCli(['encode', '-'], text);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\n00: f4 1a 01 10 05 00 10 00');
  });

  it('under an unknown key and at the top', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    oneLine(await runCli(['encode', '-'], `{"devices":[{"raw":"00","x":${deep}}]}`), 2);
    oneLine(await runCli(['encode', '-'], `{"devices":${deep}}`), 2);
    oneLine(await runCli(['encode', '-'], deep), 2);
  });

  it('malformed JSON nested 100000 deep is located where it goes wrong', async () => {
    const n = 100_000;
    const r = await runCli(['encode', '-'], '['.repeat(n) + ']'.repeat(n - 1) + '}');
    expect(oneLine(r, 2)).toBe(`<stdin>:1:${2 * n}: not valid JSON: expected ',' or ']', found '}'`);
  });
});

describe('output that cannot be written (#5)', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

  /** Run with a stdout that fails like /dev/full: thrown by write, or as an 'error' event after write returned false. */
  async function full(argv: string[], how: 'throw' | 'event', stdin = ''): Promise<{ code: number; stderr: string }> {
    const err: string[] = [];
    const listeners: Record<string, (e: unknown) => void> = {};
    const code = await main(argv, {
      stdout: {
        write: () => {
          if (how === 'throw') throw enospc();
          setImmediate(() => listeners.error?.(enospc()));
          return false;
        },
        once: (ev: string, l: (...a: unknown[]) => void) => void (listeners[ev] = l),
        removeListener: () => undefined,
      },
      stderr: { write: (c: string | Uint8Array) => void err.push(typeof c === 'string' ? c : new TextDecoder().decode(c)) },
      stdin: (async function* () {
        yield new TextEncoder().encode(stdin);
      })(),
    });
    return { code, stderr: err.join('') };
  }

  it.each(['throw', 'event'] as const)('decode, notify, lookup, vring, encode, --help: exit 4 (%s)', async (how) => {
    const json = (await runCli(['decode', '--json'])).stdout;
    for (const [argv, stdin] of [
      [['decode'], ''],
      [['decode', '--json'], ''],
      [['notify', '-q', '0'], ''],
      [['lookup', '0xfe00b000'], ''],
      [['vring', '--size', '8'], ''],
      [['encode', '-'], json],
      [['--help'], ''],
    ] as const) {
      const line = oneLine(await full([...argv], how, stdin), 4);
      expect(line).toBe(`pcicfg${argv[0] === '--help' ? '' : ' ' + argv[0]}: cannot write the output: no space left on device`);
    }
  });

  it('a reader that went away (EPIPE) is still a quiet exit 0', async () => {
    const code = await main(['decode'], {
      stdout: {
        write: () => {
          throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        },
      },
      stderr: { write: () => expect.fail('nothing on stderr') },
      stdin: (async function* () {})(),
    });
    expect(code).toBe(0);
  });

  it('encode -o into a directory that does not exist: exit 4', async () => {
    const json = (await runCli(['decode', '--json'])).stdout;
    const out = `${tmp.dir}/no/such/dir/x`;
    expect(oneLine(await runCli(['encode', '-', '-o', out], json), 4)).toBe(`${out}: cannot write: no such file or directory`);
  });
});

describe('encode --format binary never invents bytes (#6)', () => {
  const holes = '0000:00:04.0 x\n00: f4 1a 01 10\n10: 01 c0 00 00\n';

  it('an image with unknown bytes is an error naming the first unknown range', async () => {
    const json = (await runCli(['decode', '-', '--json'], holes)).stdout;
    const r = await runCli(['encode', '-', '--format', 'binary'], json);
    expect(oneLine(r, 2)).toBe('<stdin>: bytes 0x4-0xf are unknown (the dump did not give them); pass --fill 0xff to write them anyway');
    expect(r.stdoutBytes.length).toBe(0);
  });

  it('--fill BYTE writes them as BYTE; the known bytes are the dump\'s', async () => {
    const json = (await runCli(['decode', '-', '--json'], holes)).stdout;
    const r = await runCli(['encode', '-', '-F', 'binary', '--fill', '0x5a'], json);
    expect(r.code).toBe(0);
    expect(Array.from(r.stdoutBytes)).toEqual([0xf4, 0x1a, 0x01, 0x10, ...Array(12).fill(0x5a), 0x01, 0xc0, 0x00, 0x00]);
  });

  it('a fully known image needs no --fill; text keeps holes as holes; --fill is for binary only', async () => {
    const full = (await runCli(['decode', '--json'])).stdout;
    const b = await runCli(['encode', '-', '-F', 'binary'], full);
    expect(b.code).toBe(0);
    expect(Array.from(b.stdoutBytes)).toEqual(Array.from(blk));
    const json = (await runCli(['decode', '-', '--json'], holes)).stdout;
    expect((await runCli(['encode', '-'], json)).stdout).toBe(holes + '\n');
    oneLine(await runCli(['encode', '-', '--fill', '0xff'], json), 1);
    oneLine(await runCli(['encode', '-', '-F', 'binary', '--fill', '256'], json), 1);
  });
});

describe('JSON errors are located at any length (#9)', () => {
  it.each([10, 399, 400, 401, 5000, 1_000_000])('a number of %i digits followed by a bad character', async (n) => {
    const text = `{"a":\n  ${'1'.repeat(n)}x}`;
    expect(oneLine(await runCli(['encode', '-'], text), 2)).toBe(`<stdin>:2:${3 + n}: not valid JSON: expected ',' or '}', found 'x'`);
  });

  it('a long string, a long fraction and exponent', async () => {
    const s = 'y'.repeat(100_000);
    expect(oneLine(await runCli(['encode', '-'], `["${s}" 1]`), 2)).toBe(`<stdin>:1:${s.length + 5}: not valid JSON: expected ',' or ']', found '1'`);
    expect(oneLine(await runCli(['encode', '-'], `[1.${'5'.repeat(1000)}e+${'7'.repeat(1000)}.]`), 2)).toBe(
      `<stdin>:1:${2006}: not valid JSON: expected ',' or ']', found '.'`,
    );
    expect(oneLine(await runCli(['encode', '-'], '[1.]'), 2)).toBe(`<stdin>:1:4: not valid JSON: expected a digit after '.', found ']'`);
  });
});

describe('user text is escaped and cut where it is echoed (#8)', () => {
  const ESC = '\x1b]0;pwned\x07';

  it('a file name with a newline and an escape sequence: one line, escaped', async () => {
    const r = await runCli(['decode', `${tmp.dir}/a\nb${ESC}`]);
    expect(oneLine(r, 2)).toBe(`${tmp.dir}/a\\nb\\x1b]0;pwned\\x07: cannot read: no such file or directory`);
  });

  it("a dump's description with an escape sequence after the first 4 KiB: escaped in text and --annotate, JSON-escaped in --json", async () => {
    const first = writeLspciFunction({ bytes: blk, length: 256, slot: at4, description: 'x'.repeat(4096) });
    const text = first + writeLspciFunction({ bytes: blk, length: 256, slot: { ...at4, device: 5 }, description: `evil${ESC}\u202etxt` });
    const f = tmp.file('esc.lspci', text);
    // Without pci.ids names the text's first line is the dump's description (with names, lspci's).
    const ids = process.env.PCICFG_PCI_IDS;
    process.env.PCICFG_PCI_IDS = '';
    const runs = await Promise.all([[], ['--annotate']].map((mode) => runCli(['decode', f, ...mode]))).finally(() => (process.env.PCICFG_PCI_IDS = ids));
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
      expect(r.stdout).toContain('0000:00:05.0 evil\\x1b]0;pwned\\x07\\u202etxt\n');
      // A description is cut only past what lspci writes: 200 characters.
      expect(r.stdout).toContain(`0000:00:04.0 ${'x'.repeat(200)}…\n`);
    }
    const j = await runCli(['decode', f, '--json']);
    expect(j.stdout).toContain('"description":"evil\\u001b]0;pwned\\u0007\u202etxt"');
    expect(JSON.parse(j.stdout).devices[1].description).toBe(`evil${ESC}\u202etxt`);
  });

  it('a file name in a diagnostic of the text output', async () => {
    const f = tmp.file(`holes${ESC}.xxd`, '00000000: f41a 0110\n00000010: 01c0 0000\n');
    const r = await runCli(['decode', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('holes\\x1b]0;pwned\\x07.xxd');
  });

  it('a 10 MB string value is cut in the message', async () => {
    const json = JSON.stringify(await decodeJson(writeLspciFunction({ bytes: blk, length: 256, slot: at4 })));
    const r = await runCli(['encode', '-'], json.replace('"command":7', `"command":"${'x'.repeat(10_000_000)}"`));
    const line = oneLine(r, 2);
    expect(line).toBe(`<stdin>: device.header.command: expected a non-negative integer, got "${'x'.repeat(99)}…`);
  });

  it('arguments: an unknown command, option or -s value with control characters', async () => {
    expect(oneLine(await runCli([`de${ESC}code`]), 1)).toBe("pcicfg: unknown command 'de\\x1b]0;pwned\\x07code' (see 'pcicfg --help')");
    expect(oneLine(await runCli(['decode', `--x${ESC}`]), 1)).not.toContain('\x1b');
    expect(oneLine(await runCli(['decode', '-s', `1\n2${'z'.repeat(5000)}`]), 1)).toMatch(/^pcicfg decode: -s: '1\\n2z+…' is not/);
  });
});

describe('slots, info pci ranges and addresses out of range (#10)', () => {
  it('-s 00:20.0: the device must be 00-1f, as lspci -s says', async () => {
    expect(oneLine(await runCli(['decode', '-s', '00:20.0']), 1)).toBe("pcicfg decode: -s: device 20 in '00:20.0' is not 00-1f (see 'pcicfg decode --help')");
    oneLine(await runCli(['notify', '-q', '0', '-s', 'ff.0']), 1);
    expect((await runCli(['decode', '-s', '1f.7'])).code).toBe(0);
  });

  it('an inverted or wrapping --info-pci range is an input error at its place', async () => {
    const head = '  Bus  0, device   4, function 0:\n    SCSI controller: PCI device 1af4:1001\n';
    for (const bar of ['      BAR4: 64 bit prefetchable memory at 0xfe008000 [0xfe007fff].', '      BAR0: I/O at 0xc000 [0x0000].', '      BAR1: 64 bit memory at 0x0 [0xffffffffffffffff].']) {
      const f = tmp.file('bad.info', head + bar + '\n');
      expect(oneLine(await runCli(['decode', '--info-pci', f]), 2)).toMatch(new RegExp(`^${f}:3:${bar.indexOf('[') + 2}: the BAR range `));
    }
    // An unmapped BAR wraps as QEMU prints it: that is its size.
    const f = tmp.file('unmapped.info', head + '      BAR0: I/O at 0xffffffffffffffff [0x007e].\n');
    const j = JSON.parse((await runCli(['decode', '--info-pci', f, '--json'])).stdout).devices[0];
    expect(j.bars[0].size).toBe('0x80');
  });

  it('lookup: an address must fit in 64 bits', async () => {
    expect(oneLine(await runCli(['lookup', '0x10000000000000000']), 1)).toBe("pcicfg lookup: ADDRESS 0x10000000000000000 does not fit in 64 bits (see 'pcicfg lookup --help')");
    oneLine(await runCli(['lookup', '1'.repeat(100_000)]), 1);
    expect((await runCli(['lookup', '0xffffffffffffffff'])).code).toBe(0);
  });
});

describe('near-miss data lines (#7)', () => {
  const text = '00:04.0 x\n00: f4 1a 01 10\n0x10: 01 c0 00 00\n';

  it('a warning with FILE:LINE in text and JSON; an error at its place with --strict', async () => {
    const f = tmp.file('near.lspci', text);
    const t = await runCli(['decode', f]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(`warning DUMP_LINE_IGNORED: ${f}:3: a line that starts like a data line is not one`);
    const j = await runCli(['decode', f, '--json']);
    expect(JSON.parse(j.stdout).devices[0].diagnostics.map((d: { code: string }) => d.code)).toContain('DUMP_LINE_IGNORED');
    for (const argv of [['decode', f], ['notify', f, '-q', '0'], ['lookup', f, '0x1']]) {
      const s = await runCli([...argv, '--strict']);
      expect(oneLine(s, 2)).toMatch(new RegExp(`^${f}:3:1: a line that starts like a data line is not one \\(lspci data lines are`));
    }
  });
});

describe('odd arguments and files end in one line, never exit 3', () => {
  it.each([
    [['decode', ''], 2, "'': cannot read: no such file or directory"],
    [['decode', '--info-pci', ''], 2, "'': cannot read: no such file or directory"],
    [['encode', '-', '-o', ''], 4, "'': cannot write: no such file or directory"],
    [['decode', '.'], 2, '.: cannot read: is a directory'],
    [['encode', '.'], 2, '.: cannot read: is a directory'],
    [['decode', '/dev/null'], 2, '/dev/null:1:1: the input is empty'],
    [['notify', '-q', '0', '/dev/null'], 2, '/dev/null:1:1: the input is empty'],
    [['lookup', '/dev/null', '0x1'], 2, '/dev/null:1:1: the input is empty'],
    [['encode', '/dev/null'], 2, "/dev/null:1:1: not valid JSON: expected a value, found end of input"],
  ] as const)('%j', async (argv, code, line) => {
    const json = (await runCli(['decode', '--json'])).stdout;
    expect(oneLine(await runCli([...argv], json), code)).toBe(line);
  });

  it('binary garbage to encode: a JSON error at its place, control characters escaped', async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 0xff);
    const line = oneLine(await runCli(['encode', '-'], garbage), 2);
    expect(line).toMatch(/^<stdin>:1:1: not valid JSON: expected a value, found '\\x07'$/);
  });
});
