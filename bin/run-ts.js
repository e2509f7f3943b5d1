#!/usr/bin/env node
// `node bin/run-ts.js <script.ts> [args]`: runs one of the repository's TypeScript scripts (build, demo) as its own
// main module under tsx's loader, without tsx's cache: the tsx CLI keeps a cache and IPC pipes in `<tmp>/tsx-<uid>`,
// which outlive the run; `npm test` and `npm run demo` leave nothing in the temp folder.
'use strict';
const { spawnSync } = require('node:child_process');

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node bin/run-ts.js <script.ts> [args]\n');
  process.exit(2);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
  stdio: 'inherit',
  env: { ...process.env, TSX_DISABLE_CACHE: '1' },
});
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
