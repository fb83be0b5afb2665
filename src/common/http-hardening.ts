import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config.js';

/**
 * Transport-level protections: security headers, no caching of API answers, CORS closed unless
 * origins are listed, and a request log that never carries headers, query strings or bodies.
 */
export async function harden(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(helmet, {
    // the OpenAPI page needs its inline bootstrap; everything else stays same-origin
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
    },
  });
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: false, methods: ['GET', 'POST', 'PUT', 'PATCH'] });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply, payload) => {
    // answers about victims and secret houses must not sit in any cache
    if (req.url.startsWith('/api/v1') || req.url.startsWith('/health')) reply.header('cache-control', 'no-store');
    return payload;
  });
  const log = new Logger('HTTP');
  fastify.addHook('onResponse', async (req, reply) => {
    // the route pattern, not the URL: ids and query strings stay out of the log
    const route = req.routeOptions?.url ?? 'unmatched';
    log.log(`${req.method} ${route} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
  });
}

/** Rate-limit key: the token (hashed, never logged) when there is one, else the client address. */
export function trackerOf(req: { headers: Record<string, unknown>; ip?: string }): string {
  const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
  return auth ? `t:${createHash('sha256').update(auth).digest('hex').slice(0, 24)}` : `ip:${req.ip ?? 'unknown'}`;
}
