import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { adapter, configure } from '../../src/app.factory.js';
import { AppModule } from '../../src/app.module.js';
import type { Principal } from '../../src/auth/principal.js';
import { TokenService } from '../../src/auth/token.service.js';
import { CLOCK } from '../../src/common/clock.js';
import { FakeClock } from './fake-clock.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { testEnvironment } from './test-environment.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: FakeClock;
  dbUrl: string;
  http: () => ReturnType<typeof request>;
  token: (p: Principal) => string;
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/** The service as npm start builds it, with providers (clock, mail transport) overridable. */
async function createTestApp(
  config: AppConfig,
  databaseUrl: string,
  override?: (b: ReturnType<typeof Test.createTestingModule>) => void,
): Promise<NestFastifyApplication> {
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config, databaseUrl)] });
  override?.(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter(config), { logger: ['fatal'] });
  await configure(app, config, false);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  Logger.overrideLogger(['fatal']);
  return app;
}

/** The real service on its own fresh database (or on `existingDbUrl`, which it then leaves in place), with a fake clock. */
export async function startTestApp(
  env: Record<string, string> = {},
  existingDbUrl?: string,
  opts: { realClock?: boolean; override?: (b: ReturnType<typeof Test.createTestingModule>) => void } = {},
): Promise<TestApp> {
  const { dbUrl, config, clock, sql, close } = await testEnvironment(env, existingDbUrl);
  const app = await createTestApp(config, dbUrl, (b) => {
    if (!opts.realClock) b.overrideProvider(CLOCK).useValue(clock);
    opts.override?.(b);
  });
  const tokens = app.get(TokenService);
  return {
    app,
    config,
    clock,
    dbUrl,
    http: () => request(app.getHttpServer()),
    token: (p) => tokens.sign(p),
    sql,
    close: async () => {
      await app.close();
      await close();
    },
  };
}

export const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
