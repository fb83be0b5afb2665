import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseCookie } from 'cookie';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { csrfFailed, unauthenticated } from '../domain/errors.js';
import { IDENTITY_DIRECTORY, type IdentityDirectory } from './identity.js';
import type { Principal } from './principal.js';
import { ProviderClient } from './provider-client.js';
import { TokenService } from './token.service.js';

/** The pages' session cookie: an opaque random id (the database keeps its hash). */
export const SESSION_COOKIE = 'approdo_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Caller {
  principal: Principal;
  /** set for a cookie session: unsafe requests must carry it as X-CSRF-Token */
  csrfToken?: string;
}

export type Req = { headers: Record<string, string | string[] | undefined>; method: string; protocol?: string };

const header = (req: Req, name: string): string => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : '';
};

/** The session's key in the database: the SHA-256 of the cookie's value (a copy of the table opens no session). */
export const sessionIdHash = (cookieValue: string): Buffer => createHash('sha256').update(cookieValue, 'utf8').digest();

export function sessionCookieOf(req: Req): string | undefined {
  const raw = header(req, 'cookie');
  if (!raw) return undefined;
  const value = parseCookie(raw)[SESSION_COOKIE];
  // our ids are 43 base64url characters; anything else is not worth a database round trip
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** A change authenticated by the cookie needs a same-origin Origin and the session's CSRF token (403 csrf_failed). */
export function requireCsrf(req: Req, csrfToken: string, publicBaseUrl: string): void {
  if (!UNSAFE.has(req.method)) return;
  const origin = header(req, 'origin');
  // the configured origin, or the one the request was sent to (a cross-site page cannot forge Origin)
  const own = [new URL(publicBaseUrl).origin];
  const host = header(req, 'host');
  if (host) own.push(`${req.protocol ?? 'http'}://${host}`);
  const given = Buffer.from(header(req, 'x-csrf-token'));
  const expected = Buffer.from(csrfToken);
  if (!origin || !own.includes(origin) || given.length !== expected.length || !timingSafeEqual(given, expected)) throw csrfFailed();
}

/**
 * Turns a request into the caller, the same way for every kind of credential: a local token
 * (JWT_SECRET: CLI, tests, development; role claims), a provider token (its JWKS; the members
 * registry gives the role) or a page session cookie (the members registry). Remembered per
 * request, so the rate limit and the guard ask once.
 */
@Injectable()
export class Authenticator {
  private readonly seen = new WeakMap<object, Promise<Caller>>();

  constructor(
    private readonly tokens: TokenService,
    private readonly provider: ProviderClient,
    @Inject(IDENTITY_DIRECTORY) private readonly directory: IdentityDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  identify(req: Req): Promise<Caller> {
    let answer = this.seen.get(req);
    if (!answer) {
      answer = this.resolve(req);
      this.seen.set(req, answer);
    }
    return answer;
  }

  private async resolve(req: Req): Promise<Caller> {
    const auth = header(req, 'authorization');
    if (auth) {
      const match = /^Bearer ([A-Za-z0-9_\-.]{1,8192})$/.exec(auth);
      if (!match) throw unauthenticated();
      const token = match[1];
      if (this.provider.issued(token)) {
        const identity = await this.provider.verifyBearer(token);
        return { principal: await this.directory.memberPrincipal(identity, 'provider_token') };
      }
      return { principal: { ...this.tokens.verifyFor(req, token), via: 'local_token' } };
    }
    const cookie = sessionCookieOf(req);
    if (cookie) {
      const found = await this.directory.sessionPrincipal(sessionIdHash(cookie));
      if (!found) throw unauthenticated('your session has ended: sign in again');
      return found;
    }
    throw unauthenticated();
  }

  requireCsrf(req: Req, caller: Caller): void {
    if (caller.csrfToken) requireCsrf(req, caller.csrfToken, this.config.publicBaseUrl);
  }

  /** The rate limit's key: the member or token subject when the caller is known, else undefined. */
  async subjectOf(req: Req): Promise<string | undefined> {
    try {
      return (await this.identify(req)).principal.sub;
    } catch {
      return undefined;
    }
  }
}
