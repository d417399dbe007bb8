// Jest runs the TypeScript sources directly (ts-jest, native ESM).
// Test files run one at a time: each file already saturates a 2-core machine (the gateway,
// PostgreSQL, child processes, chromium); two at once were no faster (14 files: 120 s with one
// worker, 121 s with two, 2026-12-07). They run in one worker process, not in Jest's own
// (no --runInBand), so that the worker can be replaced once its heap passes workerIdleMemoryLimit:
// every test file loads its own copy of the modules (libxml2 and PGlite WebAssembly included) and
// some of it stays reachable, so one process running all 121 files grew past 2 GB and every later
// file ran 2 to 5 times slower than on its own (the embedded PGlite tests timed out). Measured on
// 2026-12-07 (docs/decisions/0027-node-versions-and-ci-time.md): 1 087 s in one process, 948 s
// in the recycled worker with the machine busy with benchmarks.
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
  maxWorkers: 1,
  workerIdleMemoryLimit: '400MB',
  // dist/ is compiled once for the tests that spawn compiled processes.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
