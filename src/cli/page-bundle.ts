// Where `pcicfg view` finds the page's bundle: dist/web/page.js, which `npm run build` makes.
// This file sits two folders below the package root both in src/cli/ and in
// dist/cli-bundle/ (where the build bundles it), so one relative path serves both.
import { fileURLToPath } from 'node:url';

export const PAGE_BUNDLE = fileURLToPath(new URL('../../dist/web/page.js', import.meta.url));
