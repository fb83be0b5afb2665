// Plain JavaScript: Jest loads global setup outside its TypeScript transform.
// Starts one PostgreSQL for the run (embedded, or the server of DATABASE_URL) and an empty template
// database; the first test file to need it migrates the template (test/support/databases.ts).
import { mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
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

/** The service's own launcher (src/database/pg-server.ts), compiled on the fly: Jest loads this file untransformed. */
async function loadPgServer() {
  const { build } = await import('esbuild');
  mkdirSync('.data', { recursive: true });
  const outfile = resolve(`.data/pg-server-${process.pid}.mjs`);
  await build({ entryPoints: ['src/database/pg-server.ts'], outfile, format: 'esm', platform: 'node', bundle: false, logLevel: 'error' });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { startPgServer } = await loadPgServer();
    const port = await freePort();
    const server = await startPgServer({
      dataDir: resolve(`.data/test-pg-${process.pid}`),
      port,
      user: 'postgres',
      password: 'approdo-test',
      persistent: false,
      // durability is not under test; speed is welcome
      settings: { max_connections: '400', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    globalThis.__APPRODO_PG__ = server;
    serverUrl = server.url('postgres');
  }
  process.env.APPRODO_TEST_SERVER_URL = serverUrl;
  // names this run for what its workers do once per run (the pages' build: test/browser/harness.ts)
  process.env.APPRODO_TEST_RUN = `${process.pid}-${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // a template left by an earlier run on DATABASE_URL's server is marked as one (test/support/databases.ts)
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rowCount)
      await admin.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE false`);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
}
