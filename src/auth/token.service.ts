import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt, { Algorithm } from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError, unauthenticated } from '../domain/errors.js';
import { Principal, ROLES, Role } from './principal.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verifies bearer tokens (explicit algorithm allow-list, exp required) and mints local ones. */
@Injectable()
export class TokenService {
  /**
   * The verification key of each allowed algorithm, parsed once: given a string, jsonwebtoken first
   * tries to parse it as a public key on every call (about 0.5 ms of CPU, twice a request with the
   * rate limit's check). A secret key verifies only HS256 and a public key only RS256 (jsonwebtoken
   * checks the key's type), so neither can stand in for the other.
   */
  private readonly keys = new Map<string, KeyObject>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { secret, publicKey, algorithms } = config.jwt;
    if (algorithms.includes('HS256') && secret) this.keys.set('HS256', createSecretKey(Buffer.from(secret, 'utf8')));
    if (algorithms.includes('RS256') && publicKey) this.keys.set('RS256', createPublicKey(publicKey));
  }

  /** Tokens already verified per request: the rate limit (by caller) and the guard both need the answer. */
  private readonly verified = new WeakMap<object, { token: string; answer: Principal | DomainError }>();

  /** `verify`, done once per request and token: a second caller for the same request gets the same answer. */
  verifyFor(req: object, token: string): Principal {
    const seen = this.verified.get(req);
    if (seen?.token === token) {
      if (seen.answer instanceof DomainError) throw seen.answer;
      return seen.answer;
    }
    try {
      const principal = this.verify(token);
      this.verified.set(req, { token, answer: principal });
      return principal;
    } catch (e) {
      if (e instanceof DomainError) this.verified.set(req, { token, answer: e });
      throw e;
    }
  }

  verify(token: string): Principal {
    const { algorithms, issuer, audience } = this.config.jwt;
    let claims: jwt.JwtPayload;
    try {
      const key = this.keys.get(headerAlg(token));
      if (!key) throw new Error('no key for this algorithm');
      const decoded = jwt.verify(token, key, { algorithms: algorithms as Algorithm[], issuer, audience, clockTolerance: 5 });
      if (typeof decoded === 'string') throw new Error('payload');
      claims = decoded;
    } catch {
      throw unauthenticated('the token is invalid or expired');
    }
    if (typeof claims.exp !== 'number') throw unauthenticated('the token must expire');
    return toPrincipal(claims);
  }

  sign(p: Principal, ttl = this.config.jwt.tokenTtl): string {
    if (!this.config.jwt.secret) throw new Error('no JWT_SECRET: local tokens cannot be minted');
    const { sub, ...claims } = p;
    return jwt.sign(claims, this.config.jwt.secret, {
      algorithm: 'HS256',
      subject: sub,
      expiresIn: ttl as jwt.SignOptions['expiresIn'],
      ...(this.config.jwt.issuer ? { issuer: this.config.jwt.issuer } : {}),
      ...(this.config.jwt.audience ? { audience: this.config.jwt.audience } : {}),
    });
  }
}

/** The `alg` a token's header names ('' when unreadable): it only picks the key; jwt.verify still checks it against the allow-list. */
function headerAlg(token: string): string {
  try {
    const alg = (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown }).alg;
    return typeof alg === 'string' ? alg : '';
  } catch {
    return '';
  }
}

// control characters in claims would end up in audit rows and queries
const CONTROL = /[\u0000-\u001f\u007f]/;

function toPrincipal(c: jwt.JwtPayload): Principal {
  const role = c.role as Role;
  for (const claim of [c.sub, c.email, c.region])
    if (typeof claim === 'string' && (CONTROL.test(claim) || claim.length > 256))
      throw unauthenticated('the token carries malformed claims');
  if (typeof c.sub !== 'string' || !c.sub || !ROLES.includes(role)) throw unauthenticated('the token lacks sub or a known role');
  const region = typeof c.region === 'string' ? c.region : undefined;
  if (role === 'uor' && !(region && /^[0-9]{2}$/.test(region))) throw unauthenticated('a uor token needs a region');
  const facilities = Array.isArray(c.facilities) ? c.facilities : [];
  if (!facilities.every((f): f is string => typeof f === 'string' && UUID.test(f))) throw unauthenticated('facilities must be ids');
  return {
    sub: c.sub,
    role,
    region,
    facilities: role === 'shelter_manager' ? facilities : [],
    email: typeof c.email === 'string' ? c.email : undefined,
  };
}
