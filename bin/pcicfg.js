#!/usr/bin/env node
// The CLI compiled to dist/ and bundled into dist/cli-bundle/ by `npm install` (the `prepare`
// script runs `npm run build`).
import { main } from '../dist/cli-bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
