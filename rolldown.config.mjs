// The command line as a few files instead of about a hundred modules: Node 20 loads the
// unbundled graph in about 90 ms, the bundle in about 50 (docs/benchmarks.md). Built from the
// tsc output by `npm run build`; bin/pcicfg.js runs it. The library entry points stay unbundled.
import { defineConfig } from 'rolldown';

// parse-worker.js is the second entry: the thread that parses large dump files loads it by
// that name from next to the bundle's chunks (src/cli/parse-thread.ts). tune.cjs is the
// process tuning the CommonJS launcher requires before it loads the rest.
export default defineConfig([
  {
    input: { main: 'dist/cli/main.js', 'parse-worker': 'dist/cli/parse-worker.js' },
    platform: 'node',
    output: { dir: 'dist/cli-bundle', cleanDir: true, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  },
  {
    input: 'dist/cli/process-tuning.js',
    platform: 'node',
    output: { file: 'dist/cli-bundle/tune.cjs', format: 'cjs' },
  },
]);
