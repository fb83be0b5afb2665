import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where `npm run build` puts the pages (web/ bundled by esbuild): relative to the working directory, like `.data/`. */
export const WEB_DIR = resolve('dist/web');

/**
 * The pages' own policy, stricter than the API's (which lets the OpenAPI page run its inline
 * bootstrap): scripts, styles and calls only from this origin, nothing inline, no framing.
 */
export const PAGES_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the web pages at `/` (the HTML shell; page routes live after `#`, e-mail links included)
 * and their hashed assets under `/assets/` (pre-compressed by the build, cached for good since a
 * change gets a new name). The pages call `/api/v1` with the person's token like any client.
 */
export async function serveWeb(app: NestFastifyApplication, dir = WEB_DIR): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    preCompressed: true,
    index: false,
    cacheControl: false,
    setHeaders: (res) => {
      res.header('cache-control', 'public, max-age=31536000, immutable');
      res.header('content-security-policy', PAGES_CSP);
    },
  });
  fastify.get('/', async (_req, reply) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index))
      return reply.code(503).header('cache-control', 'no-store').send({ statusCode: 503, code: 'pages_not_built', message: 'the pages are not built: run npm run build' });
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGES_CSP)
      .send(await readFile(index));
  });
}
