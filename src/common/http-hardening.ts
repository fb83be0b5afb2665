import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';
import { metrics } from './metrics.js';
import { requestContext } from './logging.js';

/**
 * Transport-level protections: security headers, no caching of API answers, CORS closed unless
 * origins are listed, a request id, and a request log (and latency metric) that never carries
 * headers, query strings or bodies.
 */
export async function harden(
  app: NestFastifyApplication,
  config: AppConfig,
  subjectOf: (req: object) => Promise<string | undefined>,
): Promise<void> {
  // the security headers' middleware, built once: @fastify/helmet builds it again for every request,
  // parsing the policy each time (6 % of a token-checked read's CPU in issue 32's profile)
  const securityHeaders = helmet({
    // the OpenAPI page needs its inline bootstrap; everything else stays same-origin
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  // the API's and health's answers are data, never a page: nothing in them may load, run or be framed
  const dataHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const isData = (url: string) => (url.startsWith('/api/v1/') || url.startsWith('/health')) && !url.startsWith('/api/docs');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) =>
      (isData(req.url) ? dataHeaders : securityHeaders)(req.raw, reply.raw, (e) => done(e as Error | undefined)),
    );
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // a bounded LRU: a flood of made-up tokens or addresses evicts old keys instead of growing memory
    cache: 10_000,
    keyGenerator: (req) => limitKey(req, subjectOf),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error('too many requests'), {
        statusCode: ctx.statusCode,
        code: 'too_many_requests',
        message: `too many requests; retry in ${ctx.after}`,
      }),
  });
  if (config.corsOrigins.length)
    app.enableCors({ origin: config.corsOrigins, credentials: false, methods: ['GET', 'POST', 'PUT', 'PATCH'] });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply, payload) => {
    // answers about victims and secret houses must not sit in any cache
    if (req.url.startsWith('/api/v1') || req.url.startsWith('/health')) reply.header('cache-control', 'no-store');
    return payload;
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    // the id (the caller's X-Request-Id when sane, see adapter()) goes back to the caller and onto every log line
    void reply.header('x-request-id', req.id);
    requestContext.run({ requestId: req.id }, done);
  });
  const log = new Logger('HTTP');
  fastify.addHook('onResponse', async (req, reply) => {
    // the route pattern, not the URL: ids and query strings stay out of the log and the metrics
    const route = req.routeOptions?.url ?? 'unmatched';
    const durationMs = Math.round(reply.elapsedTime * 10) / 10;
    metrics.httpRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const sub = (req as { user?: { sub?: string } }).user?.sub;
    log.log({
      message: `${req.method} ${route} ${reply.statusCode}`,
      requestId: req.id,
      method: req.method,
      route,
      status: reply.statusCode,
      durationMs,
      ...(sub ? { sub } : {}),
    });
  });
}

/**
 * Rate-limit key: a verified caller of the API by its `sub` (a member, however many tokens, API keys
 * and sessions she holds, by `Authorization` or `X-Api-Key`), a page session elsewhere by its cookie's hash, anyone else by client
 * address (so a flood of random tokens or cookies counts against the address sending it).
 */
export async function limitKey(
  req: { headers: Record<string, unknown>; ip?: string; url?: string },
  subjectOf: (req: object) => Promise<string | undefined>,
): Promise<string> {
  const cookie = typeof req.headers.cookie === 'string' ? /(?:^|;\s*)approdo_session=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie) : null;
  // an API call is counted against the member (the guard needs her anyway, and asks once per request);
  // an X-Api-Key is her credential as a bearer is, so a key's client does not spend its address's minute
  const credential = typeof req.headers.authorization === 'string' || typeof req.headers['x-api-key'] === 'string';
  if (credential || (cookie && req.url?.startsWith('/api/'))) {
    const sub = await subjectOf(req);
    if (sub !== undefined) return `sub:${sub}`;
  }
  // the pages' assets and the sign-in routes: the session, without a database read
  if (cookie) return `session:${createHash('sha256').update(cookie[1]).digest('base64url').slice(0, 22)}`;
  return `ip:${req.ip ?? 'unknown'}`;
}
