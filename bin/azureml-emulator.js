#!/usr/bin/env node
// The emulator in this one process (no npm, shell or tsx CLI in between): its stdout is exactly the one JSON line,
// and SIGINT/SIGTERM sent to this pid stop everything it started (emulator/start.ts).
'use strict';
// TypeScript for require() and for import() (the steps load their work as modules when they need it), as
// `node --import tsx` registers it.
void import('tsx').then(() => require('../emulator/start.ts').serveFromCommandLine(process.argv.slice(2)));
