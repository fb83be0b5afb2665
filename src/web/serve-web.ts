import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

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
  // the service worker and the manifest (issue 22): from this origin only
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};
/** Only the build's own names (`app-3F2K1Q.js`): no path, no dot-dot, nothing else on disk. */
const ASSET = /^[A-Za-z0-9_-]{1,64}\.(js|css)$/;
const ENCODINGS: [string, string][] = [
  ['br', '.br'],
  ['gzip', '.gz'],
];

/** Whether an Accept-Encoding header takes `coding` (and does not refuse it with q=0). */
export function acceptsEncoding(header: string | undefined, coding: string): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== coding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** The icons of the manifest (web/icons): fixed names, so cached a day rather than for good. */
const ICON = /^[A-Za-z0-9_-]{1,64}\.(png|svg)$/;

const missing = (reply: FastifyReply) => reply.code(404).send({ statusCode: 404, code: 'not_found', message: 'not found' });

/**
 * Serves the web pages at `/` (the HTML shell; page routes live after `#`, e-mail links included)
 * and their hashed assets under `/assets/` (pre-compressed by the build, cached for good since a
 * change gets a new name). The pages call `/api/v1` with the person's token like any client.
 * (@fastify/static would do this too, but it requires an ESM-only package that Jest cannot load,
 * and the pages must be served in the tests' app as well.)
 */
export async function serveWeb(app: NestFastifyApplication, dir = WEB_DIR): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/', async (_req, reply) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index))
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .send({ statusCode: 503, code: 'pages_not_built', message: 'the pages are not built: run npm run build' });
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGES_CSP)
      .send(await readFile(index));
  });
  fastify.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const m = ASSET.exec(req.params.file);
    if (!m) return missing(reply);
    const path = join(dir, 'assets', req.params.file);
    if (!existsSync(path)) return missing(reply);
    void reply
      .header('content-type', TYPES[m[1]])
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding')
      .header('content-security-policy', PAGES_CSP);
    for (const [coding, ext] of ENCODINGS)
      if (acceptsEncoding(req.headers['accept-encoding'], coding) && existsSync(path + ext))
        return reply.header('content-encoding', coding).send(await readFile(path + ext));
    return reply.send(await readFile(path));
  });
  // installable and offline: the service worker at the root (its scope is the whole site), always
  // revalidated so a new build's worker is found; the manifest; the icons
  const file = (url: string, name: string, type: string, cache: string) =>
    fastify.get(url, async (_req, reply) => {
      const path = join(dir, name);
      if (!existsSync(path)) return missing(reply);
      return reply
        .header('content-type', type)
        .header('cache-control', cache)
        .header('content-security-policy', PAGES_CSP)
        .send(await readFile(path));
    });
  file('/sw.js', 'sw.js', TYPES.js, 'no-cache');
  file('/manifest.webmanifest', 'manifest.webmanifest', 'application/manifest+json; charset=utf-8', 'no-cache');
  fastify.get<{ Params: { file: string } }>('/icons/:file', async (req, reply) => {
    const m = ICON.exec(req.params.file);
    const path = join(dir, 'icons', req.params.file);
    if (!m || !existsSync(path)) return missing(reply);
    return reply
      .header('content-type', TYPES[m[1]])
      .header('cache-control', 'public, max-age=86400')
      .header('content-security-policy', PAGES_CSP)
      .send(await readFile(path));
  });
}
