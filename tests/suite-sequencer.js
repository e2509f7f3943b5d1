// Runs the test suites longest first, by the durations committed in tests/suite-durations.json, so that the last
// suite to start is a short one and the workers end together. jest's own order needs a timing cache, which a fresh
// clone (CI) lacks: it then orders by file size and may start the longest suite last.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const DURATIONS_FILE = path.join(__dirname, 'suite-durations.json');

/**
 * The suites (paths relative to the repository, with /) longest first; a suite not in `durations` (seconds by
 * path) goes first, as it may be long. Ties keep alphabetical order, so the order is the same on every machine.
 * @param {readonly string[]} suites
 * @param {Readonly<Record<string, number>>} durations
 * @returns {string[]}
 */
function longestFirst(suites, durations) {
  const seconds = (suite) => (Object.hasOwn(durations, suite) ? durations[suite] : Infinity);
  return [...suites].sort((a, b) => seconds(b) - seconds(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/** @param {string} file */
function readDurations(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return {};
    throw new Error(`${file}: ${error.message}`);
  }
}

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const durations = readDurations(DURATIONS_FILE);
    const key = (test) => path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/');
    const byKey = new Map(tests.map((test) => [key(test), test]));
    return longestFirst([...byKey.keys()], durations).map((suite) => byKey.get(suite));
  }
}

module.exports = LongestFirstSequencer;
module.exports.longestFirst = longestFirst;
