// The library generates no code unless asked to (DESIGN.md: it must run under a strict
// Content-Security-Policy, no eval): decoding whole images, virtio probing included, never
// calls the Function constructor. Only the CLI turns generated decoders on (layout/compiled.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeConfigSpace, probeVirtio, readDump, virtioVendorCapDecoder } from '../../src/index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url));

describe('no generated code by default', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('decoding and probing a virtio function never calls Function', () => {
    const spy = vi.spyOn(globalThis, 'Function');
    const [fn] = readDump(readFileSync(EXAMPLE)).functions;
    const cs = decodeConfigSpace(fn.bytes, { length: fn.length, vendorCaps: [virtioVendorCapDecoder] });
    const t = probeVirtio(cs);
    expect(cs.capabilities.length).toBeGreaterThan(3);
    expect(t.caps.length).toBeGreaterThan(3);
    expect(spy).not.toHaveBeenCalled();
  });
});
