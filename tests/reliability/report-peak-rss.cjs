// Preloaded into a step process by `peak-rss.ts` (NODE_OPTIONS=--require): writes its peak resident memory at exit.
'use strict';
const { appendFileSync } = require('node:fs');
const file = process.env.RELIABILITY_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes.
    appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
