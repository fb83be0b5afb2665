import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { logoutTokenRefused, providerUnavailable, unauthenticated } from '../domain/errors.js';
import type { ProviderIdentity } from './identity.js';

/** An authorization-code flow under way: kept server-side, bound to the browser by a cookie. */
export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const CLOCK_SKEW_SECONDS = 60;
/** A logout token is sent at once by the provider: one issued longer ago than this is refused. */
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 120;
/** What the provider hands back to the post-logout page (`/?state=signed_out`): out of both. */
export const SIGNED_OUT_STATE = 'signed_out';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A verified logout token: whose sessions to end, and its `jti` (used once). */
export interface LogoutToken {
  issuer: string;
  jti: string;
  sid?: string;
  sub?: string;
  usableUntil: Date;
}

/**
 * The identity provider's client, in one place: discovery, the authorization-code flow with PKCE,
 * state and nonce (openid-client), RP-initiated logout, and provider bearer tokens verified against
 * its JWKS (jose; an unknown `kid` fetches the key set again, so the provider's key rotation needs
 * no restart). Without OIDC_ISSUER the provider is the embedded development one at /oidc.
 */
@Injectable()
export class ProviderClient {
  private readonly logger = new Logger('Sign-in');
  private discovered?: Promise<{ config: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> }>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The issuer the service trusts: OIDC_ISSUER, or the embedded provider (outside production). */
  get issuer(): string | undefined {
    return this.config.oidc.issuer ?? (this.config.oidc.embedded ? `${this.config.publicBaseUrl}/oidc` : undefined);
  }

  get redirectUri(): string {
    return `${this.config.publicBaseUrl}/auth/callback`;
  }

  /** Discovered once, lazily (the embedded provider answers only once the service listens); a failure is tried again next time. */
  private discover() {
    const issuer = this.issuer;
    if (!issuer) return Promise.reject(providerUnavailable());
    this.discovered ??= (async () => {
      const { clientId, clientSecret } = this.config.oidc;
      const auth = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
      // an http issuer is refused in production by the configuration; here it is the development or test one
      const options = issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined;
      const config = await oidc.discovery(new URL(issuer), clientId, clientSecret, auth, options);
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the provider publishes no jwks_uri');
      const jwks = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.config.oidc.jwksCooldownMs, timeoutDuration: 5000 });
      return { config, jwks };
    })().catch((e: Error) => {
      this.discovered = undefined;
      this.logger.warn(`discovery of ${issuer} failed: ${e.message}`);
      throw providerUnavailable();
    });
    return this.discovered;
  }

  /**
   * Where to send the browser to sign in, and the secrets the callback must match. `askAgain` adds
   * `prompt=login` (OpenID Connect Core 3.1.2.1): the provider asks who again, so another person can
   * sign in on a browser where it still holds someone's session.
   */
  async start(askAgain = false): Promise<{ url: string; secrets: FlowSecrets }> {
    const { config } = await this.discover();
    const secrets = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
      state: secrets.state,
      nonce: secrets.nonce,
      ...(askAgain ? { prompt: 'login' } : {}),
    });
    return { url: url.href, secrets };
  }

  /**
   * Ends the flow: the code is exchanged and the ID token checked (issuer, audience, nonce, expiry).
   * A conformant provider may give the claims asked for by scope only from UserInfo (OpenID Connect
   * Core 5.4): when the ID token lacks the e-mail or the fiscal code, UserInfo is asked with the
   * access token of this exchange, its `sub` checked against the ID token's (openid-client does).
   */
  async finish(callbackUrl: URL, secrets: FlowSecrets): Promise<{ identity: ProviderIdentity; idToken?: string; sid?: string }> {
    const { config } = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: secrets.codeVerifier,
      expectedState: secrets.state,
      expectedNonce: secrets.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims() as JWTPayload | undefined;
    if (!claims) throw unauthenticated('the provider returned no ID token');
    const { emailClaim, fiscalCodeClaim } = this.config.oidc;
    let merged: JWTPayload = claims;
    if ((claims[emailClaim] === undefined || claims[fiscalCodeClaim] === undefined) && config.serverMetadata().userinfo_endpoint) {
      const info = (await oidc.fetchUserInfo(config, tokens.access_token, claims.sub!)) as JWTPayload;
      // who she is (iss, sub) stays the ID token's; UserInfo only fills in what the ID token lacks,
      // an e-mail always with its own email_verified (never one source's flag on the other's address)
      merged = { ...claims };
      if (claims[emailClaim] === undefined) {
        merged[emailClaim] = info[emailClaim];
        merged.email_verified = info.email_verified;
      }
      if (claims[fiscalCodeClaim] === undefined) merged[fiscalCodeClaim] = info[fiscalCodeClaim];
      if (claims.name === undefined) merged.name = info.name;
    }
    const sid = typeof claims.sid === 'string' && claims.sid.length <= 255 ? claims.sid : undefined;
    return { identity: this.identityOf(merged), idToken: tokens.id_token, sid };
  }

  /**
   * The provider's end-session URL (RP-initiated logout), when it offers one. The ID token as hint
   * lets the provider end its session without asking whom; `state` comes back on the post-logout
   * redirect, so the page can say she is out of the provider too.
   */
  async endSessionUrl(idToken: string | null): Promise<string | null> {
    try {
      const { config } = await this.discover();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: `${this.config.publicBaseUrl}/`,
        client_id: this.config.oidc.clientId,
        state: SIGNED_OUT_STATE,
        ...(idToken ? { id_token_hint: idToken } : {}),
      }).href;
    } catch {
      // signing out of Approdo never waits for the provider
      return null;
    }
  }

  /**
   * A back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6), verified: the
   * provider's signature (its JWKS), `iss`, `aud` = this client, `iat` recent (and `exp` when given),
   * a `jti`, the back-channel event, no `nonce` (an ID token is not a logout token), and `sid` and/or
   * `sub`. Anything else is refused with 400 `invalid_logout_token`; whether its `jti` was used
   * already is the caller's to check. `usableUntil`: after it, a token of this `iat` is refused anyway.
   */
  async verifyLogoutToken(token: unknown): Promise<LogoutToken> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || token.length > 16384)
      throw logoutTokenRefused('logout_token must be a signed JWT');
    // another issuer's token is refused before the provider is asked for anything
    if (!this.issued(token)) throw logoutTokenRefused('the logout token is not from the configured provider');
    const { config, jwks } = await this.discover();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: config.serverMetadata().issuer,
        audience: this.config.oidc.clientId,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        maxTokenAge: LOGOUT_TOKEN_MAX_AGE_SECONDS,
        requiredClaims: ['iat', 'jti'],
      }));
    } catch (e) {
      if (!(e instanceof errors.JOSEError) || ['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID'].includes(e.code)) {
        this.logger.warn(`the provider's key set could not be fetched: ${(e as Error).message}`);
        throw providerUnavailable();
      }
      throw logoutTokenRefused(`the logout token is invalid: ${e.code}`);
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = events && typeof events === 'object' && !Array.isArray(events) ? events[BACKCHANNEL_EVENT] : undefined;
    if (!event || typeof event !== 'object' || Array.isArray(event))
      throw logoutTokenRefused('the logout token lacks the back-channel logout event');
    if (payload.nonce !== undefined) throw logoutTokenRefused('a logout token must not carry a nonce');
    const text = (v: unknown) =>
      typeof v === 'string' && v.length >= 1 && v.length <= 255 && !/[\u0000-\u001f\u007f]/.test(v) ? v : undefined;
    const sid = text(payload.sid);
    const sub = text(payload.sub);
    const jti = text(payload.jti);
    if ((payload.sid !== undefined && !sid) || (payload.sub !== undefined && !sub))
      throw logoutTokenRefused('sid and sub must be plain text');
    if (!sid && !sub) throw logoutTokenRefused('the logout token names neither sid nor sub');
    if (!jti) throw logoutTokenRefused('jti must be plain text');
    const usableUntil = new Date((payload.iat! + LOGOUT_TOKEN_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
    return { issuer: payload.iss!, jti, sid, sub, usableUntil };
  }

  /** Whether a bearer token claims to come from the provider (unverified: it only picks the verification path). */
  issued(token: string): boolean {
    try {
      // OIDC_ISSUER is configured without a trailing slash; some providers' identifiers end in one (Auth0's)
      return !!this.issuer && decodeJwt(token).iss?.replace(/\/$/, '') === this.issuer;
    } catch {
      return false;
    }
  }

  /** A provider token, verified: signature by its JWKS, issuer, audience, expiry (60 s of skew), an algorithm allow-list. */
  async verifyBearer(token: string): Promise<ProviderIdentity> {
    const { config, jwks } = await this.discover();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        // exactly as the provider publishes it (discovery checked it is the configured one)
        issuer: config.serverMetadata().issuer,
        audience: this.config.oidc.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      // the provider could not give its key set (down, slow, answering nonsense): not the token's fault, retry later
      if (!(e instanceof errors.JOSEError) || ['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID'].includes(e.code)) {
        this.logger.warn(`the provider's key set could not be fetched: ${(e as Error).message}`);
        throw providerUnavailable();
      }
      throw unauthenticated('the token is invalid or expired');
    }
    // an ID token (its aud is the client id, the default OIDC_AUDIENCE) or a logout token is no access
    // token: Approdo always sends a nonce, so every ID token it is given carries one; a logout token
    // carries the back-channel event and may be typed logout+jwt
    if (
      payload.nonce !== undefined ||
      payload.events !== undefined ||
      /^(application\/)?logout\+jwt$/i.test(String(decodeProtectedHeader(token).typ ?? ''))
    )
      throw unauthenticated('an ID or logout token is not an access token');
    return this.identityOf(payload);
  }

  private identityOf(c: JWTPayload): ProviderIdentity {
    const { emailClaim, fiscalCodeClaim } = this.config.oidc;
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 254 && !/[\u0000-\u001f\u007f]/.test(v) ? v : undefined);
    if (!text(c.sub) || !text(c.iss)) throw unauthenticated('the token lacks sub or iss');
    const fiscal = text(c[fiscalCodeClaim])
      ?.replace(/^TINIT-/i, '')
      .toUpperCase();
    return {
      issuer: c.iss!,
      subject: c.sub!,
      email: text(c[emailClaim])?.toLowerCase(),
      emailVerified: c.email_verified === true,
      fiscalCode: fiscal && /^[A-Z0-9]{11,16}$/.test(fiscal) ? fiscal : undefined,
      name: text(c.name),
    };
  }
}
