import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DEMO_USERS } from './demo-network.data.js';

export interface DevAccount {
  user: string;
  role: string;
  email: string;
  password: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ROLE_WORDS: Record<string, string> = {
  uor: 'UOR',
  shelter_manager: 'Responsabile di struttura',
  national: 'Rete nazionale',
  admin: 'Amministrazione',
};

/** The roles in the order people meet them, and each role's accounts in the demo's order (its first account first). */
const ROLE_ORDER = ['uor', 'shelter_manager', 'national', 'admin'];
export function accountsByRole<A extends { role: string }>(accounts: readonly A[]): { role: string; words: string; accounts: A[] }[] {
  return ROLE_ORDER.map((role) => ({ role, words: ROLE_WORDS[role], accounts: accounts.filter((a) => a.role === role) })).filter(
    (g) => g.accounts.length > 0,
  );
}

/**
 * The embedded development OpenID Provider (oidc-provider) at /oidc, same origin, for `npm start`
 * without OIDC_ISSUER (never in production): its accounts are the demo users, with passwords made
 * at each start and printed, so a new user signs in the way real users will. It keeps its state in
 * memory (one process, development only) and runs outside Fastify: the raw requests under /oidc
 * are handed to it by the server (see app.factory), since it is a Koa application of its own.
 */
@Injectable()
export class DevProvider {
  private readonly logger = new Logger('DevProvider');
  private provider?: Provider;
  private handler?: (req: IncomingMessage, res: ServerResponse) => unknown;
  private starting?: Promise<void>;
  readonly accounts: DevAccount[] = DEMO_USERS.map((u) => ({
    user: u.sub,
    role: u.role,
    email: u.email,
    password: randomBytes(9).toString('base64url'),
  }));

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.oidc.embedded && !this.config.production;
  }

  /** Made at the first request under /oidc: most processes (tests, bearer-only clients) never need it. */
  private async start(): Promise<void> {
    const base = this.config.publicBaseUrl;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(6).toString('hex') };
    const byId = new Map(this.accounts.map((a) => [a.user, a]));
    const backchannel = `${base}/auth/backchannel-logout`;
    const configuration: Configuration = {
      clients: [
        {
          client_id: this.config.oidc.clientId,
          client_secret: this.config.oidc.clientSecret,
          redirect_uris: [`${base}/auth/callback`],
          post_logout_redirect_uris: [`${base}/`],
          // signing out here (or at Approdo) ends Approdo's sessions of this provider session at once
          backchannel_logout_uri: backchannel,
          backchannel_logout_session_required: true,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      // oidc-provider refuses to call loopback and private addresses (SSRF protection); the one call
      // this provider makes is to its own service's back-channel logout, on the same origin
      fetch: (url, options) => globalThis.fetch(url, String(url) === backchannel ? { ...options, dispatcher: undefined } : options),
      jwks: { keys: [jwk as never] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // the relying party reads who she is from the ID token
      conformIdTokenClaims: false,
      findAccount: (_ctx, id) => {
        const a = byId.get(id);
        if (!a) return undefined;
        return { accountId: id, claims: () => ({ sub: id, email: a.email, email_verified: true, name: a.user }) };
      },
      interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
      // one first-party client: consent is implied, as it is for a network's own provider
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const oidc = ctx.oidc;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
        if (grantId) return oidc.provider.Grant.find(grantId);
        const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
      features: {
        devInteractions: { enabled: false },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // "Esci" in Approdo means out of both: no second question (a shared night phone must not
          // stay signed in at the provider because someone pressed Back instead of answering)
          logoutSource: (ctx, form) => {
            ctx.type = 'html';
            const confirm = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
            ctx.body = page(
              'Uscita in corso',
              `${confirm}<p>Stai uscendo da Approdo e dal servizio di accesso…</p>` +
                `<noscript><button type="submit" form="op.logoutForm" id="provider-logout">Esci</button></noscript>` +
                `<script>document.forms['op.logoutForm'].submit()</script>`,
            );
          },
          postLogoutSuccessSource: (ctx) => {
            ctx.type = 'html';
            ctx.body = page('Sei uscita', '<p>Sei uscita da Approdo e dal servizio di accesso.</p><p><a href="/">Torna ad Approdo</a></p>');
          },
        },
      },
      pkce: { required: () => true },
      // lifetimes said outright: left to oidc-provider's defaults, each prints a NOTICE at its first use
      // (the in-memory adapter's WARNING stays: oidc-provider has no switch for it, and it is true here)
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
      renderError: (ctx, out) => {
        ctx.type = 'html';
        ctx.body = page(
          'Accesso non riuscito',
          `<p>${escapeHtml(String(out.error_description ?? out.error))}</p><p><a href="/">Torna ad Approdo</a></p>`,
        );
      },
    };
    this.provider = new Provider(`${base}/oidc`, configuration);
    this.provider.proxy = this.config.trustProxy;
    this.provider.on('server_error', (_ctx, e: Error) => this.logger.warn(`provider error: ${e.name}`));
    this.handler = this.provider.callback();
  }

  /** Serves a raw request under /oidc: the login page here, everything else by the provider itself. */
  handle(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
    if (!this.enabled) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404,"code":"not_found","message":"not found"}');
      return;
    }
    this.starting ??= this.start();
    this.starting.then(
      () => this.serve(req, res),
      (e: Error) => {
        this.logger.error(`the development provider could not start: ${e.message}`);
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"statusCode":503,"code":"service_unavailable","message":"try again"}');
      },
    );
  }

  private serve(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
    const url = req.url ?? '/';
    const m = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?(?:\?.*)?$/.exec(url);
    if (m) {
      this.interaction(req, res, m[2] === '/login').catch((e: Error) => {
        this.logger.warn(`login page failed: ${e.name}`);
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('Accesso non riuscito', '<p>La pagina di accesso è scaduta.</p><p><a href="/auth/login">Ricomincia</a></p>'));
      });
      return;
    }
    req.originalUrl = url;
    req.url = url.slice('/oidc'.length) || '/';
    void this.handler!(req, res);
  }

  private async interaction(req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
    const provider = this.provider!;
    const details = await provider.interactionDetails(req, res);
    let error = '';
    if (submitted && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const account = this.accounts.find((a) => a.user === form.get('username'));
      const given = Buffer.from(form.get('password') ?? '');
      if (account && given.length === account.password.length && timingSafeEqual(given, Buffer.from(account.password))) {
        await provider.interactionFinished(req, res, { login: { accountId: account.user } }, { mergeWithLastSubmission: false });
        return;
      }
      error = '<p class="error" role="alert">Nome utente o password non corretti.</p>';
    }
    const action = `/oidc/interaction/${details.uid}/login`;
    const button = (a: DevAccount) =>
      `<form method="post" action="${action}"><input type="hidden" name="username" value="${escapeHtml(a.user)}">` +
      `<input type="hidden" name="password" value="${escapeHtml(a.password)}">` +
      `<button type="submit" class="demo" data-user="${escapeHtml(a.user)}">${escapeHtml(a.user)} <small>${escapeHtml(a.email)}</small></button></form>`;
    // every role's first account one tap away; the role's other accounts folded under it
    const demo = accountsByRole(this.accounts)
      .map(
        (g) =>
          `<section class="role" data-role="${g.role}"><h3>${escapeHtml(g.words)}</h3>${button(g.accounts[0])}` +
          (g.accounts.length > 1
            ? `<details><summary>Altri account: ${g.accounts.length - 1}</summary>${g.accounts.slice(1).map(button).join('')}</details>`
            : '') +
          `</section>`,
      )
      .join('');
    const body =
      `${error}<form method="post" action="${action}" class="login">` +
      `<label for="username">Nome utente</label><input id="username" name="username" autocomplete="username" required autofocus>` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit">Accedi</button></form>` +
      `<h2>Account dimostrativi</h2><p>Le password sono stampate all'avvio del servizio. Per provare, un tocco sul primo account di un ruolo:</p><div class="demos">${demo}</div>`;
    res.writeHead(error ? 401 : 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    res.end(page('Accedi ad Approdo', body));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8192) req.destroy(new Error('too large'));
      else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · provider di sviluppo</title><link rel="icon" href="data:,">
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b2430}
main{max-width:26rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin-top:2rem}
.note{font-size:.9rem;color:#4a5563;background:#fff7e0;border:1px solid #e8d9a8;padding:.5rem .75rem;border-radius:.4rem}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input{width:100%;box-sizing:border-box;font-size:1rem;padding:.65rem;border:1px solid #7b8794;border-radius:.4rem}
button{font-size:1rem;padding:.7rem 1rem;border-radius:.4rem;border:0;background:#0b5cad;color:#fff;margin-top:1rem;width:100%;cursor:pointer}
.demos button{background:#fff;color:#0b5cad;border:1px solid #0b5cad;margin-top:.5rem;text-align:left}
.demos small{color:#4a5563;display:block}
.demos h3{font-size:1rem;margin:1.2rem 0 0}
details summary{margin-top:.6rem;cursor:pointer;color:#0b5cad;padding:.4rem 0}
button.secondary{background:#fff;color:#0b5cad;border:1px solid #0b5cad}
.error{color:#a4121b;font-weight:600}
</style></head><body><main><p class="note">Provider di identità di sviluppo di Approdo: in produzione si accede con il provider della rete.</p>
<h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
