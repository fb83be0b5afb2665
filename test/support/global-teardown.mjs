import pg from 'pg';

export default async function globalTeardown() {
  const server = globalThis.__APPRODO_PG__;
  if (server) return server.stop();
  // an external server: leave it as found
  const admin = new pg.Client({ connectionString: process.env.APPRODO_TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE 't\\_%' AND pid <> pg_backend_pid()`);
    await admin.query(`DROP DATABASE IF EXISTS approdo_test_template WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
