// Jest runs the TypeScript sources directly (ts-jest, native ESM).
// Integration tests share one PostgreSQL server, so they run in band (see package.json).
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
