import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { harden } from './common/http-hardening.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function adapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // behind a proxy set TRUST_PROXY explicitly; never trust forwarded headers by default
    trustProxy: config.trustProxy,
    // the framework must not log request bodies or headers
    logger: false,
  });
}

/** `ui: false` in tests: the UI's static assets pull an ESM-only package that Jest on Node 20 cannot require. */
export async function configure(app: NestFastifyApplication, config: AppConfig, ui = true): Promise<void> {
  await harden(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Approdo API')
    .setDescription(
      'Shelter capacity and placement matching for the Italian anti-trafficking network. ' +
        'Authenticate with `Authorization: Bearer <JWT>`; errors are JSON `{statusCode, code, message}`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json', ui });
}

/** The service as `npm start` runs it. */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter(config), {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel as LogLevel) + 1),
  });
  await configure(app, config);
  return app;
}
