import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DevProvider } from './demo/dev-provider.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { Authenticator } from './auth/authenticator.js';
import { registerBodyParsers } from './common/body-parsers.js';
import { harden } from './common/http-hardening.js';
import { AppLogger, requestIdFrom } from './common/logging.js';
import { completeDocument, ErrorDto } from './common/openapi.js';
import { InputGuardPipe } from './common/input-guard.pipe.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { serveWeb } from './web/serve-web.js';

/** Raw requests under /oidc go to the embedded development provider (a Koa app) before Fastify parses anything. */
type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;
const rawHandlers = new WeakMap<FastifyAdapter, { oidc?: RawHandler }>();

export function adapter(config: AppConfig): FastifyAdapter {
  const raw: { oidc?: RawHandler } = {};
  const created = new FastifyAdapter({
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
      createServer((req, res) => (raw.oidc && /^\/oidc(\/|\?|$)/.test(req.url ?? '') ? raw.oidc(req, res) : handler(req, res))),
    bodyLimit: config.bodyLimitBytes,
    // behind a proxy set TRUST_PROXY explicitly; never trust forwarded headers by default
    trustProxy: config.trustProxy,
    // a caller's X-Request-Id is honoured when it is a plain token, else a fresh one is made
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(req.headers['x-request-id'], randomUUID),
    // the framework must not log request bodies or headers
    logger: false,
    // '__proto__' and 'constructor' keys are refused by the body parser itself
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // malformed URLs and over-long ids answer in our error shape, without echoing the path
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      void reply
        .code(status)
        .header('cache-control', 'no-store')
        .send({
          statusCode: status,
          code: status === 414 ? 'uri_too_long' : 'bad_url',
          message: status === 414 ? 'the URL is too long' : 'the URL is malformed',
        });
    },
    // requests Node itself refuses (header overflow, broken framing): a JSON answer, then close
    clientErrorHandler: (err, socket) => {
      const status = (err as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        statusCode: status,
        code: status === 431 ? 'headers_too_large' : 'bad_request',
        message: 'the request could not be read',
      });
      if (socket.writable)
        socket.end(
          `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      else socket.destroy();
    },
  });
  rawHandlers.set(created, raw);
  return created;
}

/** `ui: false` in tests: the UI's static assets pull an ESM-only package that Jest on Node 20 cannot require. */
export async function configure(app: NestFastifyApplication, config: AppConfig, ui = true): Promise<void> {
  const auth = app.get(Authenticator);
  // the rate limit counts a verified caller by its sub, a page session by its cookie, anyone else by address
  await harden(app, config, (req) => auth.subjectOf(req as Parameters<Authenticator['identify']>[0]));
  registerBodyParsers(app, config.bodyLimitBytes, config.csvImportLimitBytes);
  app.useGlobalPipes(new InputGuardPipe(), createValidationPipe());
  const doc = new DocumentBuilder()
    .setTitle('Approdo API')
    .setDescription(
      'Shelter capacity and placement matching for the Italian anti-trafficking network. ' +
        'Machine clients authenticate with an API key (`Authorization: Bearer apk_…` or `X-Api-Key: apk_…`, made at ' +
        '`POST /api/v1/api-keys`) or a token of the identity provider (`Authorization: Bearer <JWT>`); the pages with a ' +
        'session cookie. Errors are JSON `{statusCode, code, message}`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'an API key, apk_…' }, 'api-key')
    .build();
  SwaggerModule.setup('api/docs', app, () => completeDocument(SwaggerModule.createDocument(app, doc, { extraModels: [ErrorDto] })), {
    jsonDocumentUrl: 'api/docs-json',
    ui,
  });
  // the pages for people (web/, built by npm run build), in tests too
  await serveWeb(app);
  // with a serverFactory, Fastify closes the server only when it listened through Fastify itself:
  // a server listened on directly (tests, tools) is closed here, so nothing is left listening
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', (instance, done) => {
      const server = instance.server;
      if (!server.listening) return done();
      server.closeIdleConnections?.();
      server.close(() => done());
    });
  const dev = app.get(DevProvider);
  const raw = rawHandlers.get(app.getHttpAdapter() as unknown as FastifyAdapter);
  if (dev.enabled && raw) raw.oidc = (req, res) => dev.handle(req, res);
}

/** Listens as `npm start` does: on config.host (127.0.0.1 on the embedded database unless HOST says otherwise). */
export async function listen(app: NestFastifyApplication, config: Pick<AppConfig, 'port' | 'host'>): Promise<void> {
  await app.listen({ port: config.port, host: config.host });
}

/** The one logger of the process: JSON lines or pretty text on stdout, at LOG_LEVEL. */
export function appLogger(config: Pick<AppConfig, 'logFormat' | 'logLevel'>): AppLogger {
  return new AppLogger({ format: config.logFormat, level: config.logLevel });
}

/** The service as `npm start` runs it. */
export async function createApp(config: AppConfig, databaseUrl: string, logger = appLogger(config)): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter(config), { logger });
  await configure(app, config);
  return app;
}
