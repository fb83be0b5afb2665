import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

/** One definition of the connection, shared by the service, the CLI and the tests. */
export function dataSourceOptions(
  url: string,
  extra: { poolSize?: number; acquireTimeoutMs?: number; applicationName?: string } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // each feature module registers its own entities (TypeOrmModule.forFeature + autoLoadEntities);
    // the CLI and the tests only migrate, which needs none
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // schema changes go through migrations/ only
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: extra.poolSize ?? 20,
    applicationName: extra.applicationName ?? 'approdo',
    // the pool's wait for a free connection (or a new one): past it the caller is answered 503 service_busy
    extra: { connectionTimeoutMillis: extra.acquireTimeoutMs ?? 5000 },
  };
}
