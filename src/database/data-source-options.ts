import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** One definition of the connection, shared by the service, the CLI and the tests. */
export function dataSourceOptions(url: string, extra: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // schema changes go through migrations/ only
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: extra.poolSize ?? 20,
    applicationName: extra.applicationName ?? 'approdo',
    extra: { connectionTimeoutMillis: 5000 },
  };
}
