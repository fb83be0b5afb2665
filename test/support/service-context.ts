import { Logger, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import pg from 'pg';
import { AppModule } from '../../src/app.module.js';
import { CLOCK } from '../../src/common/clock.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase } from './databases.js';
import { FakeClock } from './fake-clock.js';

/**
 * The service tier (like immich's medium tests): the real modules on a fresh real database, without
 * HTTP. For services whose logic the e2e tests reach only through other calls (expiry, idempotency).
 */
export interface ServiceContext {
  get: <T>(type: Type<T>) => T;
  config: AppConfig;
  clock: FakeClock;
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

export async function startServices(env: Record<string, string> = {}): Promise<ServiceContext> {
  const db = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, ...env });
  const clock = new FakeClock(new Date());
  const moduleRef: TestingModule = await Test.createTestingModule({ imports: [AppModule.forRoot(config, db.url)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(['fatal']);
  Logger.overrideLogger(['fatal']);
  await moduleRef.init();
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    get: (type) => moduleRef.get(type, { strict: false }),
    config,
    clock,
    sql: async (text, params) => (await client.query(text, params)).rows,
    close: async () => {
      await client.end();
      await moduleRef.close();
      await db.drop();
    },
  };
}
