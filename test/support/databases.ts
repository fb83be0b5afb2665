import { randomBytes } from 'node:crypto';
import pg from 'pg';
const { Client } = pg;
import { runMigrations } from '../../src/database/migrate.js';

export const TEMPLATE_DB = 'approdo_test_template';

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export function serverUrl(): string {
  const url = process.env.APPRODO_TEST_SERVER_URL;
  if (!url) throw new Error('the test database server is not set up (jest globalSetup)');
  return url;
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Migrates the template once per run; the advisory lock makes the other test workers wait. */
async function ensureTemplateMigrated(): Promise<void> {
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(727001)');
    try {
      const templateUrl = withDatabase(serverUrl(), TEMPLATE_DB);
      const t = new Client({ connectionString: templateUrl });
      await t.connect();
      const migrated = (await t.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)).rows[0].ok as boolean;
      await t.end();
      if (!migrated) await runMigrations(templateUrl);
    } finally {
      await c.query('SELECT pg_advisory_unlock(727001)');
    }
  });
}

/** A fresh, migrated database cloned from the template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  await ensureTemplateMigrated();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** An empty database (for the migration round-trip). */
export async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(serverUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
