import { timingSafeEqual, createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parseCookie } from 'cookie';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { csrfFailed, memberDisabled, unauthenticated } from '../domain/errors.js';
import { API_KEY_DIRECTORY, API_KEY_PREFIX, API_KEY_SHAPE, apiKeyHash, type ApiKeyDirectory } from './api-key.js';
import { IDENTITY_DIRECTORY, type IdentityDirectory } from './identity.js';
import type { Principal } from './principal.js';
import { ProviderClient } from './provider-client.js';
import { TokenService } from './token.service.js';

/** The pages' session cookie: an opaque random id (the database keeps its hash). */
export const SESSION_COOKIE = 'approdo_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
 * Turns a request into the caller, the same way for every kind of credential: an API key (its
 * member in the registry), a provider token (its JWKS; the members registry gives the role), a page
 * session cookie (the members registry) or a local token (JWT_SECRET: CLI, tests, development, where
 * its role claims hold; in production only with LOCAL_TOKENS=true, and then the registry's role).
 * Remembered per request, so the rate limit and the guard ask once.
 */
@Injectable()
export class Authenticator {
  private readonly seen = new WeakMap<object, Promise<Caller>>();

  constructor(
    private readonly tokens: TokenService,
    private readonly provider: ProviderClient,
    @Inject(IDENTITY_DIRECTORY) private readonly directory: IdentityDirectory,
    @Inject(API_KEY_DIRECTORY) private readonly apiKeys: ApiKeyDirectory,
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
    const xApiKey = header(req, 'x-api-key');
    if (xApiKey || auth.startsWith(`Bearer ${API_KEY_PREFIX}`)) {
      if (xApiKey && auth) throw unauthenticated('send one credential: Authorization or X-Api-Key, not both');
      return { principal: await this.apiKey(xApiKey || auth.slice('Bearer '.length)) };
    }
    if (auth) {
      const match = /^Bearer ([A-Za-z0-9_\-.]{1,8192})$/.exec(auth);
      if (!match) throw unauthenticated();
      const token = match[1];
      if (this.provider.issued(token)) {
        const identity = await this.provider.verifyBearer(token);
        return { principal: await this.directory.memberPrincipal(identity, 'provider_token') };
      }
      return { principal: await this.localToken(req, token) };
    }
    const cookie = sessionCookieOf(req);
    if (cookie) {
      const found = await this.directory.sessionPrincipal(sessionIdHash(cookie));
      if (!found) {
        // disabling ended her session: the page must say that, not "expired, sign in again"
        if (await this.directory.sessionMemberDisabled(sessionIdHash(cookie))) throw memberDisabled();
        throw unauthenticated('your session has ended: sign in again');
      }
      return found;
    }
    throw unauthenticated();
  }

  /** Never echoed, never logged: a wrong key gets the same words whatever is wrong with it. */
  private async apiKey(key: string): Promise<Principal> {
    const principal = API_KEY_SHAPE.test(key) ? await this.apiKeys.principalOf(apiKeyHash(key)) : null;
    if (!principal) throw unauthenticated('the API key is unknown, revoked or expired');
    return principal;
  }

  private async localToken(req: Req, token: string): Promise<Principal> {
    if (!this.config.localTokens) throw unauthenticated('this service does not accept its own tokens here: use an API key');
    const claimed = this.tokens.verifyFor(req, token);
    if (!this.config.production) return { ...claimed, via: 'local_token' };
    // in production a local token says who, never what she may do: an active member, her role from the registry
    const member = UUID.test(claimed.sub) ? await this.directory.activeMember(claimed.sub, 'local_token') : null;
    if (!member) throw unauthenticated('the token’s subject is not an active member');
    return member;
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
