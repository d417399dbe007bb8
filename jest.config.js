// Jest runs the TypeScript sources directly (ts-jest, native ESM).
// Test files run one at a time (package.json, --runInBand): each file already saturates a 2-core
// machine (the gateway, PostgreSQL, child processes, chromium); two at once made every file 3 to 8
// times slower and the whole run longer (measured in CI on 2026-12-06), and pushed the embedded
// PGlite tests past their time limits.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // dist/ is compiled once for the tests that spawn compiled processes.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
