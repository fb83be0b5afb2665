import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';

/** DATABASE_URL when set, else the embedded server; pending migrations applied either way. */
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
  const applied = await runMigrations(url);
  logger.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema up to date');
  return { url, stop };
}
