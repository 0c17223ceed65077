// The examples of docs/property-testing.md, importing from src instead of 'pcicfg' and
// 'pcicfg/arbitraries', so the documented code is known to run. Keep the two in step.
// They run under vitest's default 5 s test timeout, as in a consumer's project (this
// project's config raises it to 60 s for its own suites; the setting lasts for this file).
import { expect, it, vi } from 'vitest';
vi.setConfig({ testTimeout: 5_000 });
import { readFileSync } from 'node:fs';
import { test } from '@fast-check/vitest';
import { decodeConfigSpace, notifyAddress, probeVirtio, virtioVendorCapDecoder } from '../../src/index.js';
import { qemuModernPreset } from '../../src/entries/model.js';
import { SplitVringDevice } from '../../src/entries/vring.js';
import {
  arbInvalidConfigImage,
  arbInvalidTransport,
  arbSplitRing,
  arbTransport,
  arbVirtioCommands,
  barSizesOf,
  modelMachine,
  openVirtioTarget,
  runVirtioModel,
} from '../../src/entries/arbitraries.js';

// --- Example 1: doorbell addresses -------------------------------------------------------

// The code under test: where the doorbell of a queue is. pcicfg's probe stands in here;
// put your VMM's or driver's own computation in its place.
function myDoorbell(image: Uint8Array, barSizes: Map<number, bigint> | undefined, features: bigint, queueNotifyOff: number) {
  const cs = decodeConfigSpace(image, { barSizes, vendorCaps: [virtioVendorCapDecoder] });
  const a = notifyAddress(probeVirtio(cs, { features }), queueNotifyOff);
  return a && { space: a.space, address: a.address };
}

test.prop([arbTransport({ kind: 'any' })], { numRuns: 200 })('every queue rings the doorbell the transport was built with', (t) => {
  for (const n of t.facts.notifyAddresses) {
    expect(myDoorbell(t.image, barSizesOf(t), t.features, n.queueNotifyOff)).toEqual({ space: n.space, address: n.address });
  }
});

// --- Example 2: broken images --------------------------------------------------------------

test.prop([arbInvalidConfigImage()], { numRuns: 500 })('a broken config image is reported, never thrown', (x) => {
  const cs = decodeConfigSpace(x.bytes); // your parser here: it must not throw either
  expect(cs.diagnostics.map((d) => d.code)).toEqual([x.code]);
});

test.prop([arbInvalidTransport({ kind: 'any' })], { numRuns: 500 })('a broken virtio transport gives its one diagnostic', (x) => {
  const cs = decodeConfigSpace(x.image, { barSizes: barSizesOf(x.transport), vendorCaps: [virtioVendorCapDecoder] });
  const t = probeVirtio(cs, { features: x.transport.features, queueNotifyOffs: x.transport.queueNotifyOffs });
  expect(t.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code)).toContain(x.code);
});

// --- Example 3: a device reading a ring ----------------------------------------------------

test.prop([arbSplitRing()], { numRuns: 500 })('the device sees every chain the driver made available', (ring) => {
  // Your device's ring code here; ring.memory.bytes is guest RAM from ring.memory.base.
  const dev = new SplitVringDevice(ring.memory, ring.addrs, ring.queueSize);
  for (const chain of ring.chains) {
    const popped = dev.pop()!;
    expect(popped.head).toBe(chain.head);
    expect(popped.buffers).toEqual(chain.buffers);
  }
  expect(dev.pop()).toBeNull();
});

// --- Example 4: model-based commands against the device model ------------------------------

test.prop([arbVirtioCommands()], { numRuns: 200 })('the device model follows the virtio rules', async (cmds) => {
  // A fresh virtio-blk function per run; openVirtioTarget enumerates the bus and assigns BARs.
  await runVirtioModel(() => openVirtioTarget(modelMachine(qemuModernPreset()).bus), cmds);
});

// --- The doc shows this very code ----------------------------------------------------------

it('docs/property-testing.md shows these examples, with package imports', () => {
  const doc = readFileSync(new URL('../../docs/property-testing.md', import.meta.url), 'utf8');
  const block = /## A complete example[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)![1];
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = self.slice(self.indexOf('// --- Example 1'), self.indexOf('// --- The doc shows'));
  const asInDoc = body.trimEnd();
  expect(block).toContain(asInDoc);
  const imports = self
    .slice(self.indexOf("import { test }"), self.indexOf('// --- Example 1'))
    .replaceAll("'../../src/index.js'", "'pcicfg'")
    .replaceAll(/'\.\.\/\.\.\/src\/entries\/(\w+)\.js'/g, "'pcicfg/$1'")
    .trim();
  expect(block).toContain(imports);
});

it("docs/property-testing.md's install line names every package its examples import, in ranges that hold the versions this suite runs", () => {
  const doc = readFileSync(new URL('../../docs/property-testing.md', import.meta.url), 'utf8');
  const install = /## Install[\s\S]*?```sh\nnpm install --save-dev ([^\n]*)\n```/.exec(doc)![1]!.split(' ');
  const named = new Map(install.map((x) => [x.replace(/(?<=.)@.*$/, ''), x.includes('@', 1) ? x.slice(x.indexOf('@', 1) + 1) : null]));
  // Every package a ```ts example imports (its name, without a subpath), other than node: builtins.
  const imported = new Set([...doc.matchAll(/^import[^'\n]*'([^'.][^']*)';$/gm)].map((m) => m[1]!).filter((x) => !x.startsWith('node:')).map((x) => x.split('/').slice(0, x.startsWith('@') ? 2 : 1).join('/')));
  expect(imported).toContain('@fast-check/vitest');
  for (const p of imported) expect([...named.keys()], `${p} is imported by an example`).toContain(p);
  // A caret range ^M.m holds the version installed here (same major; for 0.x, same minor).
  for (const [name, range] of named) {
    if (name === 'pcicfg' || range === null) continue;
    const [M, m] = range.replace('^', '').split('.').map(Number);
    const [vM, vm] = (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version.split('.').map(Number);
    expect(vM === M && (M === 0 ? vm === m : vm! >= (m ?? 0)), `${name}@${range}`).toBe(true);
  }
});
