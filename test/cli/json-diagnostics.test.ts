// Every command's JSON carries `diagnostics` (docs/cli.md "JSON contract"), and an answer that
// rests on the queue_notify_off = index assumption says so there, as `notify` does.
import { describe, expect, it } from 'vitest';
import { EXAMPLE, runCli } from './run.js';

async function json(argv: string[]): Promise<any> {
  const r = await runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function codes(ds: unknown): string[] {
  expect(Array.isArray(ds), 'diagnostics is an array').toBe(true);
  return (ds as Array<{ code: string }>).map((d) => d.code);
}

describe('diagnostics in every JSON output', () => {
  it('decode: every device', async () => {
    const j = await json(['decode', EXAMPLE, '--json']);
    for (const d of j.devices) codes(d.diagnostics);
  });

  it('notify, with the assumption and without it', async () => {
    expect(codes((await json(['notify', EXAMPLE, '--queue', '1', '--json'])).diagnostics)).toContain('VIRTIO_NOTIFY_OFF_ASSUMED');
    expect(codes((await json(['notify', EXAMPLE, '--queue', '1', '--notify-off', '1', '--json'])).diagnostics)).not.toContain('VIRTIO_NOTIFY_OFF_ASSUMED');
  });

  it('lookup: a doorbell found by assuming queue_notify_off = index says so, top level and per hit', async () => {
    const j = await json(['lookup', EXAMPLE, '0xfe00b004', '--json']);
    expect(j.assumed_notify_off).toBe(true);
    expect(codes(j.diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_ASSUMED']);
    expect(codes(j.hits[0].diagnostics)).toEqual(['VIRTIO_NOTIFY_OFF_ASSUMED']);
  });

  it('lookup: a field of common_cfg and an address nothing contains assume nothing', async () => {
    expect(codes((await json(['lookup', EXAMPLE, '0xfe008016', '--json'])).diagnostics)).toEqual([]);
    const none = await json(['lookup', EXAMPLE, '0x1234', '--json']);
    expect(none.hits).toEqual([]);
    expect(codes(none.diagnostics)).toEqual([]);
  });

  it('vring: split and packed', async () => {
    codes((await json(['vring', '--size', '256', '--json'])).diagnostics);
    codes((await json(['vring', '--size', '256', '--packed', '--json'])).diagnostics);
  });
});
