#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/cli-bundle/ by `npm install`
// (the `prepare` script runs `npm run build`). CommonJS (bin/package.json), so the process
// tuning runs before the ESM loader starts threads of its own (src/cli/process-tuning.ts).
'use strict';
require('../dist/cli-bundle/tune.cjs').tuneProcess();
import('../dist/cli-bundle/main.js').then(({ main }) =>
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }),
);
