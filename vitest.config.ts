import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three projects (`vitest run --project tools`, ...); `npm test` runs them all.
// - unit: the library and the CLI in-process, everything not listed below. `npm run test:quick`.
// - slow: in-process suites too slow for the edit loop even at its run counts: fixed-count
//   fuzzing (with the shaped inputs through a CLI child), shrinking checks (fc.check keeps its
//   full runs), streaming checks that wait on pausing producers, the strict-consumer type test
//   (two TypeScript programs, about 10 s of CPU).
// - tools: tests that start other programs (qemu-system-x86_64, lspci, hexdump/xxd, the built
//   or bundled CLI). Each file in a fresh worker, as vitest does by default: they install exit
//   hooks and set environment variables.
// unit and slow files share a worker's module graph: loading the sources once per worker instead
// of once per file was most of the suite's time. So their tests must not depend on fresh module
// state. A new test goes to unit by default; one that starts a program is added to TOOLS.
const TOOLS = [
  'test/qtest/**/*.test.ts',
  'test/**/qemu.test.ts',
  'test/arbitraries/qemu-commands.test.ts',
  'test/vectors/*lspci*.test.ts',
  'test/cli/lspci-disagree.test.ts',
  'test/cli/bundle.test.ts',
  'test/web/page.test.ts',
  'test/web/view.test.ts',
  'test/cli/host.test.ts',
  'test/cli/memory.test.ts',
  'test/trace/trace-memory.test.ts',
  'test/cli/stdin-directory.test.ts',
  'test/cli/names*.test.ts',
  'test/dump/hexdump-xxd.test.ts',
  'test/guest/live.test.ts',
  'test/guest/cpio.test.ts',
];

const SLOW = ['test/fuzz/**/*.test.ts', 'test/arbitraries/shrinking.test.ts', 'test/cli/streaming.test.ts', 'test/types/types.test.ts', 'test/types/package.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup/byte-equality.ts', 'test/setup/quick-runs.ts', 'test/setup/pci-ids.ts'],
    // Vitest's default keeps a core for its own process (one worker on a 2-core machine); that
    // process is nearly idle once the files are transformed, so every core runs tests.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...TOOLS, ...SLOW], isolate: false } },
      { extends: true, test: { name: 'slow', include: SLOW, isolate: false } },
      { extends: true, test: { name: 'tools', include: TOOLS } },
    ],
  },
});
