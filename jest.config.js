/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/emulator'],
  testMatch: ['**/*.test.ts'],
  // Azure's pace (minutes per operation): `npm run test:realistic` only (jest.realistic.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/realistic/'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // The @actions packages are ESM only: resolve them with the "import" condition and compile them to CJS.
  resolver: '<rootDir>/tests/jest-resolver.js',
  transformIgnorePatterns: [
    // ESM-only packages, compiled to CJS for jest.
    '/node_modules/(?!(@actions|@octokit|universal-user-agent|before-after-hook|content-type|fast-content-type-parse|json-with-bigint|hyparquet|hyparquet-compressors|hyparquet-writer|hysnappy)/)',
  ],
  testTimeout: 60000,
  // One worker per core: the suites mostly wait (on bundle processes, Python, Azurite, the emulator's pace), so two
  // run side by side on 2 cores. jest's default (cores - 1) would run every suite in band, one after another, there.
  maxWorkers: '100%',
  // Longest suites first, by tests/suite-durations.json: a fresh clone has no timing cache to order them by.
  testSequencer: '<rootDir>/tests/suite-sequencer.js',
  // A test run leaves nothing in the machine's temp folder (tests/harness/run-temp-folder.ts) nor its cache there.
  globalSetup: '<rootDir>/tests/global-setup.ts',
  globalTeardown: '<rootDir>/tests/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/tests/harness/remove-scratch-folders.ts'],
  cacheDirectory: '<rootDir>/.cache/jest',
};
