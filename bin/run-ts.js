#!/usr/bin/env node
// `node bin/run-ts.js <script.ts> [args]`: runs one of the repository's TypeScript scripts (build, demo) with tsx's
// loader and without its cache. The tsx CLI keeps a cache and IPC pipes in `<tmp>/tsx-<uid>`, which outlive the run;
// `npm test` and `npm run demo` leave nothing in the temp folder.
'use strict';
const { resolve } = require('node:path');

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node bin/run-ts.js <script.ts> [args]\n');
  process.exit(2);
}
process.env.TSX_DISABLE_CACHE = '1';
process.argv = [process.argv[0], resolve(script), ...args];
void import('tsx').then(() => require(resolve(script)));
