import pg from 'pg';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase } from './databases.js';
import { FakeClock } from './fake-clock.js';

/** What every tier's context starts from: a database, its configuration, a fake clock and a plain SQL client. */
export interface TestEnvironment {
  dbUrl: string;
  config: AppConfig;
  clock: FakeClock;
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** ends the SQL client, then drops the database unless it was given */
  close: () => Promise<void>;
}

/** A fresh migrated database, or `existingDbUrl` (left in place at the end). */
export async function testEnvironment(env: Record<string, string> = {}, existingDbUrl?: string): Promise<TestEnvironment> {
  const db = existingDbUrl ? { url: existingDbUrl, drop: async () => undefined } : await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined); // the database may be dropped under it at the end
  await client.connect();
  return {
    dbUrl: db.url,
    config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, ...env }),
    clock: new FakeClock(new Date()),
    sql: async (text, params) => (await client.query(text, params)).rows,
    close: async () => {
      await client.end();
      await db.drop();
    },
  };
}
