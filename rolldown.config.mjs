// The command line as a few files instead of about a hundred modules: Node 20 loads the
// unbundled graph in about 90 ms, the bundle in about 50 (docs/benchmarks.md). Built from the
// tsc output by `npm run build`; bin/pcicfg.js runs it. The library entry points stay unbundled.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { main: 'dist/cli/main.js' },
  platform: 'node',
  output: { dir: 'dist/cli-bundle', cleanDir: true, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
});
