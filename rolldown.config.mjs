// The command line as a few files instead of about a hundred modules: Node 20 loads the
// unbundled graph in about 90 ms, the bundle in about 50 (docs/benchmarks.md). Built from the
// tsc output by `npm run build`; bin/pcicfg.js runs it. The library entry points stay unbundled.
// The web page (docs/web.md): its bundle, one classic script (Chromium runs no module script
// from file://), and index.html beside it.
import { defineConfig } from 'rolldown';

export default defineConfig([
  {
    input: { main: 'dist/cli/main.js' },
    platform: 'node',
    output: { dir: 'dist/cli-bundle', cleanDir: true, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  },
  {
    input: { page: 'dist/web/main.js' },
    platform: 'browser',
    output: { dir: 'dist/web', format: 'iife', entryFileNames: '[name].js', minify: true },
    plugins: [
      {
        name: 'page-html',
        async generateBundle() {
          const { pageHtml } = await import('./dist/web/html.js');
          this.emitFile({ type: 'asset', fileName: 'index.html', source: pageHtml({ script: { src: 'page.js' } }) });
        },
      },
    ],
  },
]);
