/** Jest: every tier (add-on core, adapters, bundle; emulator; conference server) in one run. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 30000,
  testPathIgnorePatterns: ['/node_modules/'],
};
