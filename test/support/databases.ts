import { randomBytes } from 'node:crypto';
import pg from 'pg';
const { Client } = pg;
import { runMigrations } from '../../src/database/migrate.js';
import { MIGRATIONS } from '../../migrations/index.js';

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

/**
 * Migrates the template once per run, under the service's own migration lock: the workers that
 * start together wait for the first and then find nothing pending (src/database/migrate.ts).
 */
async function ensureTemplateMigrated(): Promise<void> {
  const templateUrl = withDatabase(serverUrl(), TEMPLATE_DB);
  const t = new Client({ connectionString: templateUrl });
  await t.connect();
  let applied = 0;
  try {
    // every migration recorded, not just the table: the table appears as soon as the first runner starts
    if ((await t.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)).rows[0].ok)
      applied = (await t.query(`SELECT count(*)::int AS n FROM schema_migrations`)).rows[0].n as number;
  } finally {
    await t.end();
  }
  if (applied < MIGRATIONS.length) await runMigrations(templateUrl);
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
