// Jest runs the TypeScript sources directly (ts-jest, native ESM).
// Two test files run at once (package.json, --maxWorkers=2: CI must stay under 30 minutes for two
// Node.js majors): each integration test file has its own database on the shared PostgreSQL
// server, its own ports (0) and temporary folders, and its own jest worker process.
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
