/**
 * `npm run test:realistic`: the built steps against an emulator whose long-running operations and job queueing take
 * Azure's time (time factor 1, emulator/arm/timing-profile.ts). Not part of `npm test`: it takes a few minutes.
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/tests/realistic'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
};
