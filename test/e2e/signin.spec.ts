/**
 * The pages' sign-in through the embedded development provider, over real HTTP: the flow, the
 * session cookie, CSRF, sign-out, expiry, binding of the demo members, and disabling.
 */
import { DemoService } from '../../src/demo/demo.service.js';
import { DevProvider } from '../../src/demo/dev-provider.js';
import { CookieBrowser, freePort } from '../support/cookie-browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let base: string;
// oidc-provider writes its NOTICE lines with console.info (no logger of ours): kept here to check they are gone
const notices: string[] = [];
const info = console.info;
console.info = (...args: unknown[]) => void notices.push(args.map(String).join(' '));
afterAll(() => (console.info = info));
let passwords: Map<string, string>;
const admin = () => t.token({ sub: 'admin-test', role: 'admin', facilities: [] });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ PUBLIC_BASE_URL: base, SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '2' });
  await t.app.get(DemoService).loadIfEmpty();
  passwords = new Map(t.app.get(DevProvider).accounts.map((a) => [a.user, a.password]));
  await t.app.listen({ port, host: '127.0.0.1' });
}, 60_000);
afterAll(() => t.close());

async function signedIn(user: string, returnTo = '/') {
  const b = new CookieBrowser(base);
  const end = await b.signIn(user, passwords.get(user)!, returnTo);
  return { b, end };
}

const sessionOf = async (b: CookieBrowser) => {
  const res = await b.request('GET', '/auth/session');
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('sign-in through the provider', () => {
  it('signs in with a password, lands where returnTo said, and the cookie is opaque, HttpOnly and SameSite=Lax', async () => {
    const { b, end } = await signedIn('uor-liguria', '/#/requests');
    expect(end.url).toBe(`${base}/#/requests`);
    const line = b.setCookies.find((l) => l.startsWith('approdo_session=') && !l.startsWith('approdo_session=;'))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Secure/); // http here; https base URLs get Secure (unit-tested in the config)
    expect(b.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // nothing readable by the page's JavaScript ever carries a token
    expect(b.setCookies.filter((l) => !/HttpOnly/.test(l) && /approdo/.test(l))).toEqual([]);
    const s = await sessionOf(b);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ role: 'uor', regionCode: '07', facilityIds: [], user: { email: 'uor.liguria@example.org' } });
    expect(typeof s.body.csrfToken).toBe('string');
    expect(JSON.stringify(s.body)).not.toMatch(/eyJ/); // no JWT in what the page reads
    // the API answers the cookie as it answers a token
    const facilities = await b.request('GET', '/api/v1/facilities?regionCode=07');
    expect(facilities.status).toBe(200);
    // the demo member is now bound to the provider's identity
    const [m] = await t.sql<{ status: string; issuer: string; subject: string }>(
      `SELECT status, issuer, subject FROM member WHERE email = 'uor.liguria@example.org'`,
    );
    expect(m).toEqual({ status: 'active', issuer: `${base}/oidc`, subject: 'uor-liguria' });
  });

  it('gives a new session id at every sign-in', async () => {
    const a = await signedIn('national-helpline');
    const b = await signedIn('national-helpline');
    expect(a.b.session).toBeDefined();
    expect(a.b.session).not.toBe(b.b.session);
  });

  it('refuses a wrong password at the provider and opens no session', async () => {
    const b = new CookieBrowser(base);
    const end = await b.signIn('uor-liguria', 'not-the-password');
    expect(end.res.status).toBe(401);
    expect(await end.res.text()).toContain('non corretti');
    expect(b.session).toBeUndefined();
  });

  it('never returns to another origin', async () => {
    const { end } = await signedIn('uor-toscana', '//evil.example.org/x');
    expect(end.url).toBe(`${base}/`);
  });

  it('a callback without the flow cookie of the browser that started it opens nothing', async () => {
    const b = new CookieBrowser(base);
    const res = await b.request('GET', '/auth/callback?code=x&state=y');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/?signin=failed');
    expect(b.session).toBeUndefined();
  });
});

describe('the session cookie', () => {
  it('CSRF: a change by cookie needs the same origin and the X-CSRF-Token; bearer calls need neither', async () => {
    const { b } = await signedIn('uor-liguria');
    const { body } = await sessionOf(b);
    const send = (headers: Record<string, string>) =>
      b.request('POST', '/api/v1/placement-requests', {
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          caseCode: `LIG-CSRF-${Math.floor(Math.random() * 1e6)}`,
          person: { gender: 'female', age: 30, children: [], pregnant: false, languages: ['it'], exploitation: ['labour'], needs: [] },
          protectionLevel: 'low',
          stage: 'second_reception',
          origin: { provinceCode: 'SP' },
          safety: { excludedProvinces: [], excludedRegions: [], conflictTags: [] },
          preferences: { crossRegion: false },
          urgency: 'within_24h',
        }),
      });
    const noToken = await send({ origin: 'https://evil.example.org' });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { code: string }).code).toBe('csrf_failed');
    const crossOrigin = await send({ origin: 'https://evil.example.org', 'x-csrf-token': body.csrfToken });
    expect(((await crossOrigin.json()) as { code: string }).code).toBe('csrf_failed');
    const noOrigin = await send({ 'x-csrf-token': body.csrfToken });
    expect(((await noOrigin.json()) as { code: string }).code).toBe('csrf_failed');
    const wrongToken = await send({ origin: base, 'x-csrf-token': `${body.csrfToken.slice(0, -2)}xx` });
    expect(((await wrongToken.json()) as { code: string }).code).toBe('csrf_failed');
    expect(await t.sql(`SELECT 1 FROM placement_request WHERE case_code LIKE 'LIG-CSRF-%'`)).toEqual([]);
    const ok = await send({ origin: base, 'x-csrf-token': body.csrfToken });
    expect(ok.status).toBe(201);
  });

  it('sign-out ends the session: the stolen id answers 401 afterwards, and the provider is told', async () => {
    const { b } = await signedIn('national-helpline');
    const stolen = b.session!;
    const { body } = await sessionOf(b);
    const out = await b.request('POST', '/auth/logout', { headers: { origin: base, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(200);
    // the page's JavaScript gets a route of this site, never the ID token
    const answer = await out.text();
    expect(JSON.parse(answer)).toEqual({ redirectTo: '/auth/logout/provider' });
    expect(answer).not.toMatch(/eyJ/);
    const hintCookie = out.headers.getSetCookie().find((c) => c.startsWith('approdo_logout='))!;
    expect(hintCookie).toMatch(/^approdo_logout=eyJ[^;]+; Path=\/auth\/logout\/provider; Max-Age=60; HttpOnly; SameSite=Lax$/);
    const hop = await b.request('GET', '/auth/logout/provider');
    expect(hop.status).toBe(303);
    const endUrl = new URL(hop.headers.get('location')!);
    expect(endUrl.origin + endUrl.pathname).toBe(`${base}/oidc/session/end`);
    expect(endUrl.searchParams.get('id_token_hint')).toBe(/^approdo_logout=([^;]+)/.exec(hintCookie)![1]);
    expect(endUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
    // the cookie is cleared on the way: a second hop has nothing to hint with
    expect(b.jar.has('approdo_logout')).toBe(false);
    const again = await b.request('GET', '/auth/logout/provider');
    expect({ status: again.status, location: again.headers.get('location') }).toEqual({ status: 303, location: '/?signedout=approdo' });
    const thief = new CookieBrowser(base);
    thief.jar.set('approdo_session', { value: stolen, path: '/', raw: '' });
    expect((await thief.request('GET', '/api/v1/capacity')).status).toBe(401);
    expect((await thief.request('GET', '/auth/session')).status).toBe(401);
  });

  it('"Esci" ends the embedded provider’s session too, without a second question, and its back-channel logout ends her other session', async () => {
    const { b } = await signedIn('uor-toscana');
    const first = b.session!;
    // a second sign-in in the same browser: the provider's session is still open, so no password
    const again = await b.follow('GET', '/auth/login?returnTo=/');
    expect(again.url).toBe(`${base}/`);
    expect(b.session).not.toBe(first);
    const earlier = new CookieBrowser(base);
    earlier.jar.set('approdo_session', { value: first, path: '/', raw: '' });
    expect((await earlier.request('GET', '/auth/session')).status).toBe(200);

    const { body } = await sessionOf(b);
    const out = await b.request('POST', '/auth/logout', { headers: { origin: base, 'x-csrf-token': body.csrfToken } });
    expect(await out.json()).toEqual({ redirectTo: '/auth/logout/provider' });
    const hop = await b.request('GET', '/auth/logout/provider');
    const redirectTo = hop.headers.get('location')!;
    expect(new URL(redirectTo).searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    // the provider's page submits itself, already saying yes: there is no "stay signed in" to press
    const page = await b.request('GET', redirectTo);
    const html = await page.text();
    expect(html).not.toMatch(/resta collegata|stay signed in/i);
    const form = /<form id="op.logoutForm" method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html)!;
    expect(form[2]).toMatch(/name="logout" value="yes"/);
    const fields = Object.fromEntries([...form[2].matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const end = await b.follow('POST', form[1], {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(end.url).toBe(`${base}/?state=signed_out`);
    // the provider told Approdo (back-channel): the earlier session of that provider session is over too
    expect((await earlier.request('GET', '/auth/session')).status).toBe(401);
    // and "Accedi" asks for the password again
    const login = await b.follow('GET', '/auth/login?returnTo=/');
    expect(await login.res.text()).toMatch(/type="password"/);
  });

  it('the provider hop takes only a JWT-shaped hint cookie: anything else lands on the signed-out page, never at the provider', async () => {
    for (const value of ['', 'not-a-jwt', 'a.b', `${'x'.repeat(4000)}.y.z`, 'a.b.c%0d%0aLocation:%20https://evil.example.org', '"a.b.c"']) {
      const res = await fetch(`${base}/auth/logout/provider`, { redirect: 'manual', headers: { cookie: `approdo_logout=${value}` } });
      expect({ value, status: res.status, location: res.headers.get('location') }).toEqual({
        value,
        status: 303,
        location: '/?signedout=approdo',
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.getSetCookie()).toEqual([
        expect.stringMatching(/^approdo_logout=; Path=\/auth\/logout\/provider; Max-Age=0; HttpOnly; SameSite=Lax$/),
      ]);
    }
  });

  it('sign-out by cookie without the CSRF token is refused', async () => {
    const { b } = await signedIn('national-helpline');
    const out = await b.request('POST', '/auth/logout', { headers: { origin: 'https://evil.example.org' } });
    expect(out.status).toBe(403);
    expect((await b.request('GET', '/api/v1/capacity')).status).toBe(200);
  });

  it('a tampered cookie answers 401', async () => {
    const { b } = await signedIn('national-helpline');
    const c = b.jar.get('approdo_session')!;
    c.value = `${c.value.slice(0, -1)}${c.value.endsWith('A') ? 'B' : 'A'}`;
    const res = await b.request('GET', '/api/v1/capacity');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('past its idle time, and past its absolute time, the session is over', async () => {
    const idle = await signedIn('uor-toscana');
    t.clock.advance(31 * 60_000);
    expect((await idle.b.request('GET', '/api/v1/capacity')).status).toBe(401);

    const busy = await signedIn('uor-toscana');
    // used every 20 minutes, it still ends 2 hours after sign-in
    for (let i = 0; i < 6; i++) {
      t.clock.advance(20 * 60_000);
      expect((await busy.b.request('GET', '/api/v1/capacity')).status).toBe(i < 5 ? 200 : 401);
    }
  });

  it('disabling a member ends her open session on the next request; audited', async () => {
    const { b } = await signedIn('manager-umbria');
    expect((await b.request('GET', '/api/v1/capacity')).status).toBe(403); // signed in; a manager has no capacity view
    const [m] = await t.sql<{ id: string }>(`SELECT id FROM member WHERE email = 'responsabile.umbria@example.org'`);
    const res = await t.http().post(`/api/v1/members/${m.id}/disable`).set('Authorization', `Bearer ${admin()}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('disabled');
    expect((await b.request('GET', '/auth/session')).status).toBe(401);
    // and she cannot sign in again: the provider knows her, Approdo no longer does, and says she was disabled
    const again = new CookieBrowser(base);
    const end = await again.signIn('manager-umbria', passwords.get('manager-umbria')!);
    expect(end.url).toBe(`${base}/?signin=disabled`);
    expect(again.session).toBeUndefined();
    const audit = await t.sql<{ action: string; outcome: string }>(
      `SELECT action, outcome FROM audit_log WHERE action IN ('member.disabled', 'auth.sign_in') AND (object_id = $1 OR outcome = 'denied') ORDER BY id`,
      [m.id],
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'member.disabled', outcome: 'ok' },
        { action: 'auth.sign_in', outcome: 'denied' },
      ]),
    );
  });

  it('disabled while signed in: her next call answers 401 member_disabled, not "session ended"; an idle session says ended', async () => {
    const { b } = await signedIn('uor-veneto');
    const { b: idle } = await signedIn('uor-lombardia');
    const [m] = await t.sql<{ id: string }>(`SELECT id FROM member WHERE email = 'uor.veneto@example.org'`);
    expect((await t.http().post(`/api/v1/members/${m.id}/disable`).set('Authorization', `Bearer ${admin()}`)).status).toBe(200);
    const res = await b.request('GET', '/api/v1/capacity');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('member_disabled');
    await t.sql(
      `UPDATE web_session SET last_seen_at = now() - interval '1 day' WHERE member_id = (SELECT id FROM member WHERE email = 'uor.lombardia@example.org')`,
    );
    const ended = await idle.request('GET', '/api/v1/capacity');
    expect(ended.status).toBe(401);
    expect(((await ended.json()) as { code: string }).code).toBe('unauthorized');
    await t.http().post(`/api/v1/members/${m.id}/enable`).set('Authorization', `Bearer ${admin()}`);
  });
});

describe('a refused person on a shared phone (the tester’s walk)', () => {
  it('"another account" (prompt=login) makes the provider ask who again, so another member signs in on that browser', async () => {
    const [m] = await t.sql<{ id: string }>(`SELECT id FROM member WHERE email = 'uor.molise@example.org'`);
    // never signed in, her invitation disabled: the directory refuses her as disabled too
    await t.sql(`UPDATE member SET status = 'disabled' WHERE id = $1`, [m.id]);
    const phone = new CookieBrowser(base);
    const refused = await phone.signIn('uor-molise', passwords.get('uor-molise')!);
    expect(refused.url).toBe(`${base}/?signin=disabled`);
    // what the tester met: a plain sign-in, and the provider signs her in again without asking
    const stuck = await phone.follow('GET', '/auth/login?returnTo=/');
    expect(stuck.url).toBe(`${base}/?signin=disabled`);
    // "Accedi con un altro account": the provider's login page, then another person is in
    const asked = await phone.follow('GET', `/auth/login?returnTo=${encodeURIComponent('/#/desk')}&prompt=login`);
    expect(asked.res.status).toBe(200);
    const html = await asked.res.text();
    const action = /<form method="post" action="([^"]+)" class="login">/.exec(html)?.[1];
    expect(action).toBeDefined();
    const switched = await phone.follow('POST', action!, {
      body: new URLSearchParams({ username: 'uor-sardegna', password: passwords.get('uor-sardegna')! }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // another account than the one it remembers: oidc-provider first ends the old session with a form
    // its page submits by script (a real browser does at once; this one without a script does it here)
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(await switched.res.text())!;
    expect(form[1]).toMatch(/\/oidc\/session\/end\/confirm$/);
    const fields = Object.fromEntries([...form[2].matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((f) => [f[1], f[2]]));
    const end = await phone.follow('POST', form[1], {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(end.url).toBe(`${base}/#/desk`);
    expect((await sessionOf(phone)).body).toMatchObject({ role: 'uor', user: { email: 'uor.sardegna@example.org' } });
    // any other prompt value is not passed on
    const odd = await new CookieBrowser(base).request('GET', '/auth/login?prompt=none');
    expect(new URL(odd.headers.get('location')!).searchParams.get('prompt')).toBeNull();
    await t.sql(`UPDATE member SET status = 'invited' WHERE id = $1`, [m.id]);
  });

  it('a person the provider knows and no invitation names is told not_member (not disabled)', async () => {
    await t.sql(`UPDATE member SET email = 'someone.else@example.org' WHERE email = 'uor.basilicata@example.org'`);
    const phone = new CookieBrowser(base);
    const refused = await phone.signIn('uor-basilicata', passwords.get('uor-basilicata')!);
    expect(refused.url).toBe(`${base}/?signin=not_member`);
    await t.sql(`UPDATE member SET email = 'uor.basilicata@example.org' WHERE email = 'someone.else@example.org'`);
  });
});

describe('words and logs', () => {
  it('a call with no credential is told how to send one, API keys included', async () => {
    const res = await t.http().get('/api/v1/capacity');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.body.message).toMatch(/Authorization: Bearer apk_/);
    expect(res.body.message).toMatch(/X-Api-Key/);
  });

  it('the development provider printed no NOTICE for lifetimes left to its defaults, after sign-ins and sign-outs', () => {
    expect(notices.filter((l) => /oidc-provider NOTICE/.test(l))).toEqual([]);
  });
});

describe('the rate limit counts the member, not her sessions', () => {
  let small: TestApp;
  let smallBase: string;
  beforeAll(async () => {
    const port = await freePort();
    smallBase = `http://127.0.0.1:${port}`;
    small = await startTestApp({ PUBLIC_BASE_URL: smallBase, RATE_LIMIT_PER_MINUTE: '8' });
    await small.app.get(DemoService).loadIfEmpty();
    await small.app.listen({ port, host: '127.0.0.1' });
  }, 60_000);
  afterAll(() => small.close());

  it('two sessions of one member share one allowance; another member keeps hers', async () => {
    const pw = new Map(small.app.get(DevProvider).accounts.map((a) => [a.user, a.password]));
    const phone = new CookieBrowser(smallBase);
    const desk = new CookieBrowser(smallBase);
    await phone.signIn('national-helpline', pw.get('national-helpline')!);
    await desk.signIn('national-helpline', pw.get('national-helpline')!);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await phone.request('GET', '/api/v1/regions')).status);
    for (let i = 0; i < 5; i++) statuses.push((await desk.request('GET', '/api/v1/regions')).status);
    expect(statuses).toEqual([...Array(8).fill(200), 429, 429]);
    const other = new CookieBrowser(smallBase);
    await other.signIn('uor-liguria', pw.get('uor-liguria')!);
    expect((await other.request('GET', '/api/v1/regions')).status).toBe(200);
  });
});
