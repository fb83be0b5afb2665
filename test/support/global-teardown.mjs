import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';

export default async function globalTeardown() {
  // what the run built once for its workers (test/support/built-service.ts)
  const build = resolve(`.data/test-build-${process.env.APPRODO_TEST_RUN}`);
  rmSync(build, { recursive: true, force: true });
  rmSync(`${build}.done`, { force: true });
  rmSync('.data/web-build-of-test-run', { force: true });
  const server = globalThis.__APPRODO_PG__;
  if (server) return server.stop();
  // an external server: leave it as found
  const admin = new pg.Client({ connectionString: process.env.APPRODO_TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE 't\\_%' AND pid <> pg_backend_pid()`);
    if ((await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'approdo_test_template'`)).rowCount)
      await admin.query(`ALTER DATABASE approdo_test_template WITH IS_TEMPLATE false`);
    await admin.query(`DROP DATABASE IF EXISTS approdo_test_template WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
