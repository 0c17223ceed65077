// Holes over the class code and the header type byte (examples/holes.lspci leaves out 0x04-0x0f):
// decode says they are unknown, and draws nothing from them (no class, header layout,
// multi-function bit, BARs, or virtio transport facts made up from the filler).
import { describe, expect, it } from 'vitest';
import { runCli } from './run.js';
import { fileURLToPath } from 'node:url';

const HOLES = fileURLToPath(new URL('../../examples/holes.lspci', import.meta.url));

/**
 * A type 0 function whose first 16 bytes are `row0` (`--` a byte no line gives), with BAR0 an
 * I/O BAR at 0xc000: each run of given bytes is a data line of its own, at its offset.
 */
function dump(row0: string): string {
  const lines: string[] = [];
  let run: string[] = [];
  let at = 0;
  row0.split(' ').forEach((b, i) => {
    if (b !== '--') {
      if (!run.length) at = i;
      run.push(b);
    }
    if ((b === '--' || i === 15) && run.length) {
      lines.push(`${at.toString(16).padStart(2, '0')}: ${run.join(' ')}`);
      run = [];
    }
  });
  return `00:04.0 Virtio block\n${lines.join('\n')}\n10: 01 c0 00 00 00 10 bf fe 00 00 00 00 00 00 00 00\n30: 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00\n`;
}

async function decode(args: string[], stdin = '') {
  const r = await runCli(['decode', ...args], stdin);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('holes over the class code and the header type', () => {
  it('examples/holes.lspci: class and header type are unknown in text and JSON; nothing derived from the filler', async () => {
    const text = await decode([HOLES]);
    const lines = text.split('\n');
    // pci.ids (the test fixture) names no class it does not know: the dump's own description stays.
    expect(lines[0]).toBe('0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio block device');
    expect(lines[1]).toBe('\tVendor 1af4 Device 1001, Class <not given by the dump>, header type <not given by the dump>');
    expect(text).not.toMatch(/ffffff|Unassigned|127|multi-function/);
    expect(text).toContain('HEADER_TYPE_NOT_KNOWN at 0x0e');
    expect(text).not.toContain('VIRTIO_LEGACY_BAR_MISSING');
    expect(text).not.toContain('VIRTIO_LEGACY_ONLY');
    expect(text).toContain('transport unknown');
    const dev = JSON.parse(await decode([HOLES, '--json'])).devices[0];
    expect(dev.header).toMatchObject({ header_type: null, base_class: null, class_code: null, multi_function: null });
    expect(dev.names).toEqual({ vendor: 'Red Hat, Inc.', device: 'Virtio block device' });
    expect(dev.bars).toEqual([]);
    expect(dev.virtio).toMatchObject({ transport: null, device_type_name: 'blk' });
    expect(dev.diagnostics.map((d: { code: string }) => d.code)).toEqual(['DUMP_HOLES', 'HEADER_TYPE_NOT_KNOWN', 'VIRTIO_CAPS_NOT_IN_IMAGE']);
  });

  it('class code partly known: the known leading part is named, the rest said unknown', async () => {
    // 0x09 (prog-if) and 0x0a (subclass) left out: base class 01 only.
    const base = await decode(['-'], dump('f4 1a 01 10 07 00 10 00 00 -- -- 01 00 00 00 00'));
    expect(base).toContain('Class Mass storage controller [01], subclass <not given by the dump>, header type 0');
    const sub = await decode(['-'], dump('f4 1a 01 10 07 00 10 00 00 -- 00 01 00 00 00 00'));
    expect(sub).toContain('Class Mass storage controller / SCSI storage controller [0100], prog-if <not given by the dump>, header type 0');
    // Without the base class nothing is named, even with the subclass given.
    const none = await decode(['-'], dump('f4 1a 01 10 07 00 10 00 00 00 00 -- 00 00 00 00'));
    expect(none).toContain('Class <not given by the dump>, header type 0');
    const j = JSON.parse(await decode(['-', '--json'], dump('f4 1a 01 10 07 00 10 00 00 -- -- 01 00 00 00 00'))).devices[0];
    expect(j.header).toMatchObject({ base_class: 1, subclass: null, prog_if: null, class_code: null });
  });

  it('header type byte: known 0x80 is type 0, multi-function; a hole says neither and decodes no BARs', async () => {
    const mf = await decode(['-'], dump('f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 80 00'));
    expect(mf).toContain('header type 0 (multi-function)');
    expect(mf).toContain('Region 0: I/O ports at c000');
    expect(JSON.parse(await decode(['-', '--json'], dump('f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 80 00'))).devices[0].header.multi_function).toBe(true);
    const hole = await decode(['-'], dump('f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 -- 00'));
    expect(hole).toContain('Class Mass storage controller / SCSI storage controller [010000], header type <not given by the dump>');
    expect(hole).not.toContain('multi-function');
    expect(hole).not.toContain('Region 0');
    const j = JSON.parse(await decode(['-', '--json'], dump('f4 1a 01 10 07 00 10 00 00 00 00 01 00 00 -- 00'))).devices[0];
    expect(j.header).toMatchObject({ header_type: null, multi_function: null, class_code: 0x010000 });
    expect(j.bars).toEqual([]);
  });

  it('decode --json | encode gives the holes back as holes', async () => {
    const json = await decode([HOLES, '--json']);
    const r = await runCli(['encode', '-', '--format', 'lspci'], json);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('00: f4 1a 01 10\n');
    expect(r.stdout).toContain('10: 01 c0 00 00 00 10 bf fe');
  });
});
