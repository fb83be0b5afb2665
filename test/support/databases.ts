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

/**
 * Migrates the template once per run and clones it, both under one advisory lock: with two Jest workers,
 * a clone must never start while the other worker is connected to the template (CREATE DATABASE …
 * TEMPLATE refuses a template in use). A migrated template is marked `datistemplate`, so later clones
 * check the mark without connecting to it.
 */
async function cloneTemplate(name: string): Promise<void> {
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(727001)');
    try {
      const marked = (await c.query('SELECT datistemplate FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rows[0]?.datistemplate;
      if (!marked) {
        await runMigrations(withDatabase(serverUrl(), TEMPLATE_DB));
        await c.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE true`);
      }
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(727001)');
    }
  });
}

/** A fresh, migrated database cloned from the template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await cloneTemplate(name);
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** `work` while holding a lock of the whole test run (a PostgreSQL advisory lock): one worker at a time. */
export async function underRunLock<T>(key: number, work: () => Promise<T> | T): Promise<T> {
  return admin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await work();
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  });
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
