/** Unit specs live beside the code; integration and e2e specs under test/ share one
 * PostgreSQL started by the global setup (embedded, or DATABASE_URL).
 * NestJS 12 is ESM-only, so Jest runs in ESM mode (node --experimental-vm-modules). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true, diagnostics: false }];
const common = {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
};
export default {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'db',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
