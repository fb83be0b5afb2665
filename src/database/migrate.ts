import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/** Applies pending migrations in one transaction each; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, { poolSize: 2, applicationName: 'approdo-migrate' }));
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Reverts every applied migration, newest first (used by the migration round-trip test). */
export async function revertAllMigrations(url: string): Promise<number> {
  const ds = new DataSource(dataSourceOptions(url, { poolSize: 2 }));
  await ds.initialize();
  let reverted = 0;
  try {
    while ((await ds.query(`SELECT count(*)::int AS n FROM schema_migrations`))[0].n > 0) {
      await ds.undoLastMigration({ transaction: 'each' });
      reverted++;
    }
  } finally {
    await ds.destroy();
  }
  return reverted;
}
