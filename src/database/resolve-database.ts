import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';
import { migrate, type MigrationRun } from './migrate.js';

/** DATABASE_URL when set, else the embedded server; pending migrations applied either way, under the migration lock. */
export async function prepareDatabase(config: AppConfig): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = new Logger('Database');
  let url = config.databaseUrl;
  let stop = async () => undefined as void;
  if (!url) {
    logger.log(`starting embedded PostgreSQL in ${config.embeddedPostgres.dataDir} on port ${config.embeddedPostgres.port}`);
    const pg = await startEmbeddedPostgres({ ...config.embeddedPostgres, onNotice: (m) => logger.log(m) });
    await ensureDatabase(pg.url('postgres'), 'approdo');
    url = pg.url('approdo');
    stop = pg.stop;
  }
  const timeoutS = config.db.migrationLockTimeoutSeconds;
  try {
    const run = await migrate(url, {
      lockTimeoutMs: timeoutS * 1000,
      onWait: (holder) => logger.log(`migrations: another instance is migrating (${holder}); waiting up to ${timeoutS} s`),
    });
    logger.log(migrationLine(run));
  } catch (e) {
    // the embedded server is ours: stop it, or it outlives the failed start
    await stop().catch(() => undefined);
    throw e;
  }
  return { url, stop };
}

/** One line per start: what was applied, or that nothing was pending (and how long another instance kept us). */
export function migrationLine(run: MigrationRun): string {
  const waited = run.waitedMs > 0 ? ` (waited ${run.waitedMs} ms for another instance)` : '';
  return run.applied.length ? `migrations: applied ${run.applied.join(', ')}${waited}` : `migrations: none pending${waited}`;
}
