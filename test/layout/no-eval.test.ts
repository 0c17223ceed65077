// No code is made at run time anywhere in the package (DESIGN.md: it must run under a strict
// Content-Security-Policy): the decoders are generated at build time (`npm run gen`). Checked
// on the source text of all of src/, and by watching the Function constructor while a whole
// virtio function is decoded and probed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeConfigSpace, probeVirtio, readDump, virtioVendorCapDecoder } from '../../src/index.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/qemu-virtio-blk.lspci', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Ways to make code from a string: eval, the Function constructors, string timers. */
const MAKES_CODE = /\beval\s*\(|\b(?:new\s+)?(?:Async)?(?:Generator)?Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*['"`]/;

describe('no code made at run time', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('no source file of src/ calls eval or the Function constructor', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), at: `src/${relative(SRC, f)}:${i + 1}` }))
        .filter(({ line }) => MAKES_CODE.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
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
