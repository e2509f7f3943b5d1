#!/usr/bin/env node
// The emulator in this one process (no npm, shell or tsx CLI in between): its stdout is exactly the one JSON line,
// and SIGINT/SIGTERM sent to this pid stop everything it started (emulator/start.ts).
'use strict';
require('tsx/cjs/api').register();
require('../emulator/start.ts').serveFromCommandLine(process.argv.slice(2));
