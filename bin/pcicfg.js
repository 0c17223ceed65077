#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/cli-bundle/ by `npm install`
// (the `prepare` script runs `npm run build`).
import { main } from '../dist/cli-bundle/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
