/** Jest: every tier (add-on core, adapters, bundle; emulator; conference server) in one run. */
/**
 * Acceptance tests of the open issue "Real calendars" whose behaviour has not landed yet (deletions confirmed after
 * a grace period, split parts, moves between calendars, ownership after pruning, writing the event back). They fail
 * today by design, so `npm test` leaves them out and `npm run test:open` runs them; each moves into `npm test` the
 * day it passes.
 */
const OPEN_ISSUE_TESTS = ['deletions', 'splits', 'moves', 'ownership', 'writeback'].map(
  (name) => `/test/e2e/realCalendars-${name}\\.test\\.ts$`,
);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 30000,
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.RUN_OPEN_ISSUE_TESTS ? [] : OPEN_ISSUE_TESTS)],
};
