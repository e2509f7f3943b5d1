/**
 * Writes tests/suite-durations.json (seconds per suite, longest first) from the results of a whole jest run, for
 * tests/suite-sequencer.js. Regenerate after adding or reshaping slow suites, from a run on a quiet machine:
 *
 *   npm run -s build && npx jest --json --outputFile=.cache/jest-results.json
 *   npx tsx scripts/suite-durations.ts .cache/jest-results.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The part of jest's `--json` output read here. */
export interface JestResults {
  readonly testResults: readonly {
    readonly name: string;
    readonly startTime: number;
    readonly endTime: number;
  }[];
}

/** Seconds (one decimal) per suite path relative to `rootDir`, longest first. */
export function suiteDurations(results: JestResults, rootDir: string): Record<string, number> {
  const entries = results.testResults.map((suite) => {
    const relative = path.relative(rootDir, suite.name).split(path.sep).join('/');
    if (relative.startsWith('../')) throw new Error(`${suite.name} is outside ${rootDir}`);
    return [relative, Math.round((suite.endTime - suite.startTime) / 100) / 10] as const;
  });
  entries.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  return Object.fromEntries(entries);
}

if (require.main === module) {
  const [resultsFile] = process.argv.slice(2);
  if (!resultsFile) {
    console.error('usage: tsx scripts/suite-durations.ts <jest --json output file>');
    process.exit(2);
  }
  const rootDir = path.resolve(__dirname, '..');
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as JestResults;
  const out = path.join(rootDir, 'tests/suite-durations.json');
  writeFileSync(out, `${JSON.stringify(suiteDurations(results, rootDir), null, 2)}\n`);
  console.log(`${out}: ${results.testResults.length} suites`);
}
