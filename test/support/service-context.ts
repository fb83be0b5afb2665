import { Logger, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { CLOCK } from '../../src/common/clock.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { FakeClock } from './fake-clock.js';
import { testEnvironment } from './test-environment.js';

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
  const { dbUrl, config, clock, sql, close } = await testEnvironment(env);
  const moduleRef: TestingModule = await Test.createTestingModule({ imports: [AppModule.forRoot(config, dbUrl)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(['fatal']);
  Logger.overrideLogger(['fatal']);
  await moduleRef.init();
  return {
    get: (type) => moduleRef.get(type, { strict: false }),
    config,
    clock,
    sql,
    close: async () => {
      await moduleRef.close();
      await close();
    },
  };
}
