/**
 * Sign-in through a real OpenID Provider no one here wrote (panva's oidc-provider with its defaults,
 * run by test/support/oidc-provider-process.mjs in its own process): the e-mail comes from UserInfo
 * only, the client authenticates with client_secret_basic, PKCE is required, and the login and
 * consent pages are the provider's own, driven over HTTP with a cookie jar as a browser would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { decodeJwt } from 'jose';
import { CookieBrowser, freePort } from '../support/cookie-browser.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const CLIENT_ID = 'approdo';
const CLIENT_SECRET = `secret-${randomUUID()}`;

let t: TestApp;
let base: string;
let issuer: string;
let op: ChildProcess;
let opErrors = '';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = spawn(process.execPath, [resolve(process.cwd(), 'test/support/oidc-provider-process.mjs')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      OP_CLIENT: JSON.stringify({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: `${base}/auth/callback`,
        post_logout_redirect_uri: `${base}/`,
        backchannel_logout_uri: `${base}/auth/backchannel-logout`,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  op.stderr!.on('data', (d: Buffer) => (opErrors += d.toString()));
  issuer = await new Promise<string>((ok, fail) => {
    let out = '';
    op.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ISSUER (\S+)\n/.exec(out);
      if (m) ok(m[1]);
    });
    op.once('exit', (code) => fail(new Error(`the provider exited (${code}): ${opErrors}`)));
  });
  t = await startTestApp({ PUBLIC_BASE_URL: base, OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET });
  await t.app.listen({ port, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  op?.kill('SIGTERM');
});

/** Follows redirects wherever they go (Approdo and the provider), as a browser does. */
async function go(b: CookieBrowser, method: string, url: string, body?: Record<string, string>) {
  let res = await b.request(method, url, body ? { body: new URLSearchParams(body).toString(), headers: FORM } : {});
  let at = new URL(url, base).href;
  for (let hops = 0; hops < 15 && res.status >= 300 && res.status < 400; hops++) {
    at = new URL(res.headers.get('location')!, at).href;
    res = await b.request('GET', at);
  }
  return { res, url: at, html: res.status === 200 || res.status >= 400 ? await res.text() : '' };
}
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The action and hidden inputs of the provider page's first form. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) fields[m[1]] = m[2];
  return { action: form[1].replace(/&amp;/g, '&'), fields };
}

/** The provider's own login page is asking for a login and a password. */
const asksForPassword = (html: string) => /name="login"/.test(html) && /type="password"/.test(html);

/** Signs in at the provider's own pages (login, then consent when asked) and comes back to Approdo. */
async function signIn(b: CookieBrowser, email: string) {
  const login = await go(b, 'GET', '/auth/login?returnTo=/%23/desk');
  expect(login.url.startsWith(`${issuer}/interaction/`)).toBe(true);
  expect(asksForPassword(login.html)).toBe(true);
  const { action, fields } = formOf(login.html);
  let page = await go(b, 'POST', new URL(action, issuer).href, { ...fields, login: email, password: 'any password' });
  if (page.url.startsWith(`${issuer}/interaction/`)) {
    // the provider's consent page: "Continue"
    expect(page.html).toMatch(/name="prompt" value="consent"/);
    const consent = formOf(page.html);
    page = await go(b, 'POST', new URL(consent.action, issuer).href, consent.fields);
  }
  return page;
}

async function invite(email: string, role: 'uor' | 'national' = 'uor') {
  const res = await t
    .http()
    .post('/api/v1/members')
    .set(bearer(t.token({ sub: 'admin-x', role: 'admin', facilities: [] })))
    .send(role === 'uor' ? { email, role, regionCode: '07' } : { email, role });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const member = async (id: string) =>
  (
    await t.sql<{ status: string; issuer: string | null; subject: string | null }>(
      'SELECT status, issuer, subject FROM member WHERE id = $1',
      [id],
    )
  )[0];
const sessionStatus = async (b: CookieBrowser) => (await b.request('GET', '/auth/session')).status;

describe('a conformant provider with its defaults (oidc-provider in its own process)', () => {
  it('an invited member signs in: her e-mail comes from UserInfo (the ID token has none), she is bound and active', async () => {
    const email = `uor.${randomUUID().slice(0, 8)}@example.org`;
    const id = await invite(email);
    expect((await member(id)).status).toBe('invited');
    const b = new CookieBrowser(base);
    const end = await signIn(b, email);
    expect(end.url).toBe(`${base}/#/desk`);
    expect(await sessionStatus(b)).toBe(200);
    expect(await member(id)).toEqual({ status: 'active', issuer, subject: email });
    // the provider kept the e-mail out of the ID token, as conformant providers do
    const [row] = await t.sql<{ id_token: string; provider_sid: string | null }>(
      `SELECT s.id_token, s.provider_sid FROM web_session s WHERE s.member_id = $1`,
      [id],
    );
    const idToken = decodeJwt(row.id_token);
    expect(idToken.sub).toBe(email);
    expect(idToken.email).toBeUndefined();
    // the provider's session id is kept, for its back-channel logout
    expect(row.provider_sid).toBe(idToken.sid);
    expect(typeof row.provider_sid).toBe('string');
    // her ID token (its aud is the client id, the default OIDC_AUDIENCE) is no API credential
    const asBearer = await t.http().get('/api/v1/capacity').set(bearer(row.id_token));
    expect({ status: asBearer.status, code: asBearer.body.code }).toEqual({ status: 401, code: 'unauthorized' });
  });

  it('a stranger the provider knows gets the non-member page, and nothing opens', async () => {
    const b = new CookieBrowser(base);
    const end = await signIn(b, `stranger.${randomUUID().slice(0, 8)}@example.org`);
    expect(end.url).toBe(`${base}/?signin=not_member`);
    expect(b.session).toBeUndefined();
  });

  it('signing out at the provider ends her Approdo session at once (back-channel logout), audited', async () => {
    const email = `uor.${randomUUID().slice(0, 8)}@example.org`;
    const id = await invite(email);
    const b = new CookieBrowser(base);
    await signIn(b, email);
    expect(await sessionStatus(b)).toBe(200);
    // at the provider, not in Approdo: its own sign-out page, "Yes, sign me out"
    const ask = await go(b, 'GET', `${issuer}/session/end?client_id=${CLIENT_ID}`);
    expect(ask.res.status).toBe(200);
    const { action, fields } = formOf(ask.html);
    const done = await go(b, 'POST', new URL(action, issuer).href, { ...fields, logout: 'yes' });
    expect(done.res.status).toBe(200);
    expect(opErrors).not.toMatch(/backchannel\.error/);
    // the cookie is still in the browser; the session behind it is over
    expect(b.session).toBeDefined();
    expect(await sessionStatus(b)).toBe(401);
    expect((await b.request('GET', '/api/v1/capacity')).status).toBe(401);
    const audit = await t.sql<{ actor_sub: string; details: { by: string; ended: number; members: string[] } }>(
      `SELECT actor_sub, details FROM audit_log WHERE action = 'auth.backchannel_logout' AND details->'members' ? $1`,
      [id],
    );
    expect(audit).toEqual([{ actor_sub: 'identity-provider', details: { by: 'sid_and_sub', ended: 1, members: [id] } }]);
  });

  it('"Esci" ends both: the provider signs her out (ID token as hint) and a second sign-in asks for the password again', async () => {
    const email = `national.${randomUUID().slice(0, 8)}@example.org`;
    await invite(email, 'national');
    const b = new CookieBrowser(base);
    await signIn(b, email);
    const { csrfToken } = (await (await b.request('GET', '/auth/session')).json()) as { csrfToken: string };
    const out = await b.request('POST', '/auth/logout', { headers: { origin: base, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ redirectTo: '/auth/logout/provider' });
    const hop = await b.request('GET', '/auth/logout/provider');
    expect(hop.status).toBe(303);
    const redirectTo = hop.headers.get('location')!;
    const endUrl = new URL(redirectTo);
    expect(endUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
    expect(endUrl.origin + endUrl.pathname).toBe(`${issuer}/session/end`);
    expect(decodeJwt(endUrl.searchParams.get('id_token_hint')!).sub).toBe(email);
    expect(await sessionStatus(b)).toBe(401);
    // this provider keeps its default confirmation page; she answers yes
    const ask = await go(b, 'GET', redirectTo);
    const { action, fields } = formOf(ask.html);
    const back = await go(b, 'POST', new URL(action, issuer).href, { ...fields, logout: 'yes' });
    // back at Approdo, which says she is out of both
    expect(back.url).toBe(`${base}/?state=signed_out`);
    // "Accedi" again: the provider has no session left, so it asks for the password
    const again = await go(b, 'GET', '/auth/login?returnTo=/');
    expect(again.url.startsWith(`${issuer}/interaction/`)).toBe(true);
    expect(asksForPassword(again.html)).toBe(true);
  });
});
