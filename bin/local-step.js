#!/usr/bin/env node
// `npm run step` (`node bin/local-step.js -- <step> ...`): the local step runner in this one process. The `--` keeps
// node 20 from taking the runner's `--env-file` as its own option (nodejs/node#54232) and failing on a missing file
// with its own message before scripts/local-step.ts could say which file.
'use strict';
// TypeScript for require() and for import() (the steps load their work as modules when they need it), as
// `node --import tsx` registers it.
void import('tsx').then(() => require('../scripts/local-step.ts'));
