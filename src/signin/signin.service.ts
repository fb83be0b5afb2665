import { Inject, Injectable, Logger } from '@nestjs/common';
import { requireCsrf, type Req } from '../auth/authenticator.js';
import { ProviderClient } from '../auth/provider-client.js';
import type { Principal, Role } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError, logoutTokenRefused } from '../domain/errors.js';
import { DirectoryService, hashOf, newSecret } from '../members/directory.service.js';

/** How long a browser may take at the provider's login page. */
const FLOW_SECONDS = 600;

/** Where a sign-in may return to: a path of this site (the page routes after `#` included), never another origin. */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 512 || !/^\/(?![/\\])[^\s\\]*$/.test(raw)) return '/';
  return raw;
}

type Outcome = { redirect: string; setCookies: string[] };

/** Where the pages go after "Esci" when the provider offers an end-session; its cookie is scoped to it. */
export const PROVIDER_LOGOUT_PATH = '/auth/logout/provider';
export const LOGOUT_COOKIE = 'approdo_logout';
/** Long enough for the page to navigate there, no longer. */
const LOGOUT_COOKIE_SECONDS = 60;
/** Out of Approdo only (the provider has no end-session, or nothing to hint with). */
const SIGNED_OUT_HERE = '/?signedout=approdo';
/** A compact JWS, and small enough for a cookie. */
const ID_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ID_TOKEN_MAX = 3800;

/**
 * The pages' sign-in as a backend-for-frontend: the authorization-code flow runs here, the browser
 * gets only an opaque session cookie, and the page's JavaScript never sees a token.
 */
@Injectable()
export class SigninService {
  private readonly logger = new Logger('Sign-in');

  constructor(
    private readonly provider: ProviderClient,
    private readonly directory: DirectoryService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private cookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
    const secure = this.config.session.secureCookie ? '; Secure' : '';
    return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
  }

  async login(returnTo: unknown, askAgain = false): Promise<Outcome> {
    try {
      const { url, secrets } = await this.provider.start(askAgain);
      const flow = newSecret();
      await this.directory.saveFlow(flow, { ...secrets, returnTo: safeReturnTo(returnTo) }, FLOW_SECONDS);
      return { redirect: url, setCookies: [this.cookie('approdo_signin', flow, '/auth', FLOW_SECONDS)] };
    } catch (e) {
      if (e instanceof DomainError && e.code === 'identity_provider_unavailable')
        return { redirect: '/?signin=unavailable', setCookies: [] };
      throw e;
    }
  }

  /** Ends the flow started in this browser: a member gets a new session (a new id every time), anyone else a page saying whom to ask. */
  async callback(flowCookie: string | undefined, requestUrl: string): Promise<Outcome> {
    const clearFlow = this.cookie('approdo_signin', '', '/auth', 0);
    const flow = flowCookie ? await this.directory.takeFlow(flowCookie) : null;
    if (!flow) return this.failed('no_flow', clearFlow);
    let identity, idToken, sid;
    try {
      ({ identity, idToken, sid } = await this.provider.finish(new URL(requestUrl, this.config.publicBaseUrl), flow));
    } catch (e) {
      this.logger.warn(`a sign-in was refused: ${(e as { code?: string }).code ?? (e as Error).name}`);
      return this.failed('provider_answer', clearFlow);
    }
    let principal: Principal;
    try {
      principal = await this.directory.memberPrincipal(identity, 'session');
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'not_a_member')) throw e;
      // a disabled member is told so, not asked to get invited
      const reason = (await this.directory.identityDisabled(identity)) ? 'disabled' : 'not_member';
      await this.audit.record(
        null,
        { sub: `provider:${identity.subject}`.slice(0, 200), role: 'none' as Role },
        'auth.sign_in',
        'session',
        null,
        { reason: reason === 'disabled' ? 'member_disabled' : 'not_a_member' },
        'denied',
      );
      return { redirect: `/?signin=${reason}`, setCookies: [clearFlow] };
    }
    const session = await this.directory.openSession(principal.sub, { idToken: idToken ?? null, sid: sid ?? null });
    await this.audit.record(null, principal, 'auth.sign_in', 'session', null, { via: 'provider' });
    return {
      redirect: flow.returnTo,
      setCookies: [clearFlow, this.cookie('approdo_session', session.cookie, '/', session.maxAgeSeconds)],
    };
  }

  private async failed(reason: string, clearFlow: string): Promise<Outcome> {
    await this.audit.record(null, { sub: 'anonymous', role: 'none' as Role }, 'auth.sign_in', 'session', null, { reason }, 'failed');
    return { redirect: '/?signin=failed', setCookies: [clearFlow] };
  }

  /**
   * Ends this browser's session and sends her on to end the provider's too (RP-initiated logout with
   * the ID token as hint), so "Accedi" on a shared phone asks for a password again. The pages'
   * JavaScript never sees the ID token: it is handed to `GET /auth/logout/provider` in a cookie of
   * its own (HttpOnly, that path only, a minute at most), and the answer names only that route.
   * Without an end-session endpoint she comes back to `/?signedout=approdo` (out of Approdo only, and told so).
   */
  async logout(req: Req, sessionCookie: string | undefined): Promise<{ redirectTo: string; setCookies: string[] }> {
    const clear = this.cookie('approdo_session', '', '/', 0);
    if (!sessionCookie) return { redirectTo: '/', setCookies: [clear] };
    const open = await this.directory.sessionPrincipal(hashOf(sessionCookie));
    // an ended session has nothing to protect; an open one is ended only by its own pages
    if (!open) return { redirectTo: '/', setCookies: [clear] };
    requireCsrf(req, open.csrfToken, this.config.publicBaseUrl);
    const ended = await this.directory.endSession(sessionCookie);
    const offered = (await this.provider.endSessionUrl(null)) !== null;
    await this.audit.record(null, open.principal, 'auth.sign_out', 'session', null, { provider: offered ? 'ended' : 'not_offered' });
    if (!offered) return { redirectTo: SIGNED_OUT_HERE, setCookies: [clear] };
    const hint = ended?.idToken && ended.idToken.length <= ID_TOKEN_MAX && ID_TOKEN.test(ended.idToken) ? ended.idToken : undefined;
    const setCookies = hint ? [clear, this.cookie(LOGOUT_COOKIE, hint, PROVIDER_LOGOUT_PATH, LOGOUT_COOKIE_SECONDS)] : [clear];
    return { redirectTo: PROVIDER_LOGOUT_PATH, setCookies };
  }

  /**
   * The browser's next step after "Esci": the ID token the logout left in its one-minute cookie goes
   * to the provider's end-session URL as `id_token_hint` (the cookie is cleared on the way). Without
   * the cookie, or when the provider offers no end-session, she lands on the signed-out page.
   */
  async providerLogout(logoutCookie: string | undefined): Promise<Outcome> {
    const clear = this.cookie(LOGOUT_COOKIE, '', PROVIDER_LOGOUT_PATH, 0);
    const hint = logoutCookie && logoutCookie.length <= ID_TOKEN_MAX && ID_TOKEN.test(logoutCookie) ? logoutCookie : undefined;
    const url = hint ? await this.provider.endSessionUrl(hint) : null;
    return { redirect: url ?? SIGNED_OUT_HERE, setCookies: [clear] };
  }

  /**
   * Back-channel logout: the provider says a session of hers there ended (signed out, disabled, expired
   * at the provider). The token is verified, then its sessions here end at once; a bad or replayed
   * token ends nothing (400 invalid_logout_token).
   */
  async backchannelLogout(body: unknown): Promise<void> {
    const values = body instanceof URLSearchParams ? body.getAll('logout_token') : [];
    if (values.length !== 1) throw logoutTokenRefused('send one logout_token, form-encoded');
    let token;
    try {
      token = await this.provider.verifyLogoutToken(values[0]);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'invalid_logout_token') this.logger.warn(`a logout token was refused: ${e.message}`);
      throw e;
    }
    const ended = await this.directory.endProviderSessions(token);
    // 0 is the usual answer after "Esci": her session here ended first, then the provider says so again
    if (ended) this.logger.log(`back-channel logout: ${ended} session(s) ended`);
    else this.logger.debug('back-channel logout: no open session left (already ended here)');
  }

  /** What the pages know of the person signed in: who, what she may do, the CSRF token, when it ends. */
  async session(sessionCookie: string | undefined) {
    const open = sessionCookie ? await this.directory.sessionPrincipal(hashOf(sessionCookie)) : null;
    if (!open) return null;
    const p = open.principal;
    return {
      user: { id: p.sub, name: open.name, email: p.email ?? null },
      role: p.role,
      regionCode: p.region ?? null,
      facilityIds: p.facilities,
      csrfToken: open.csrfToken,
      expiresAt: open.expiresAt.toISOString(),
    };
  }
}
