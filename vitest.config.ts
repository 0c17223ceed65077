import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three projects (`vitest run --project unit`, ...); `npm test` runs them all.
// - tools: tests that start other programs (qemu-system-x86_64, lspci, hexdump/xxd, the built
//   bin/pcicfg.js) or need a module graph of their own (no-eval: it must see the decoders made
//   for the first time). Each file in a fresh worker, as vitest does by default.
// - cli: the CLI in-process (test/cli/run.ts). main() turns generated decoders on for the whole
//   module graph, so these share workers only with each other.
// - unit: everything else, the library in-process. Files share a worker's module graph: loading
//   the sources once per worker instead of once per file was most of the suite's time.
// A new test goes to unit or cli by its folder; one that starts a program is added to TOOLS.
const TOOLS = [
  'test/qtest/**/*.test.ts',
  'test/**/qemu.test.ts',
  'test/arbitraries/qemu-commands.test.ts',
  'test/vectors/*lspci*.test.ts',
  'test/cli/lspci-disagree.test.ts',
  'test/cli/bundle.test.ts',
  'test/cli/host.test.ts',
  'test/cli/parse-thread.test.ts',
  'test/dump/hexdump-xxd.test.ts',
  'test/cli/memory.test.ts',
  'test/layout/no-eval.test.ts',
];

// Slow in-process suites left out of `npm run test:quick`, each file in a fresh worker (they mix
// library and CLI tests): fixed-count fuzzing, shrinking checks (fc.check with their full runs),
// streaming checks that wait on pausing producers.
const SLOW = ['test/fuzz/**/*.test.ts', 'test/arbitraries/shrinking.test.ts', 'test/cli/streaming.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup/byte-equality.ts', 'test/setup/quick-runs.ts'],
    // Vitest's default keeps a core for its own process (one worker on a 2-core machine); that
    // process is nearly idle once the files are transformed, so every core runs tests.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/cli/**', ...TOOLS, ...SLOW], isolate: false } },
      { extends: true, test: { name: 'cli', include: ['test/cli/**/*.test.ts'], exclude: [...TOOLS, ...SLOW], isolate: false } },
      { extends: true, test: { name: 'slow', include: SLOW } },
      { extends: true, test: { name: 'tools', include: TOOLS } },
    ],
  },
});
