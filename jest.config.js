/** Unit specs live beside the code; integration and e2e specs under test/ share one
 * PostgreSQL started by the global setup (embedded, or DATABASE_URL).
 * NestJS 12 is ESM-only, so Jest runs in ESM mode (node --experimental-vm-modules). */
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

/** The browser tests (test/browser) need a Chromium: run when one is installed, required with REQUIRE_BROWSER=1. */
function chromiumFound() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH);
  try {
    return Boolean(
      execSync('command -v chromium || command -v chromium-browser', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    return existsSync('/usr/bin/chromium');
  }
}
const browserTests = process.env.REQUIRE_BROWSER === '1' || chromiumFound();
if (!browserTests)
  process.stdout.write(
    'browser tests (test/browser) did not run: no Chromium found; install it (apt-get install -y chromium) or set CHROMIUM_PATH; REQUIRE_BROWSER=1 makes them mandatory\n',
  );

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
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'db',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: browserTests ? ['/node_modules/'] : ['/node_modules/', '<rootDir>/test/browser/'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
