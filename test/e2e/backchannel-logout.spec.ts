/**
 * POST /auth/backchannel-logout against hostile logout tokens: a small issuer of our own (node:http)
 * publishes the keys, the tests sign what a provider (or an attacker) would send. A valid token ends
 * the sessions of its `sid` or `sub` at once; anything else answers 400 invalid_logout_token and ends
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import { DirectoryService } from '../../src/members/directory.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CLIENT_ID = 'approdo';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

let t: TestApp;
let server: Server;
let issuer: string;
let key: { privateKey: CryptoKey; kid: string };
let impostor: { privateKey: CryptoKey; kid: string };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = { privateKey: pair.privateKey, kid: 'op-key-1' };
  // another key under the same kid: a forged signature
  impostor = { privateKey: (await generateKeyPair('RS256')).privateKey, kid: 'op-key-1' };
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: key.kid, alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration')
      return json({
        issuer: origin,
        authorization_endpoint: `${origin}/auth`,
        token_endpoint: `${origin}/token`,
        jwks_uri: `${origin}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
      });
    if (req.url === '/jwks') return json({ keys: [jwk] });
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await startTestApp({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: 'a-secret-of-the-client' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise((ok) => server?.close(ok));
});

const now = () => Math.floor(Date.now() / 1000);

/** A member bound to `sub` at our issuer, with an open session per sid given; answers her id. */
async function memberWithSessions(sub: string, sids: string[]): Promise<string> {
  const id = randomUUID();
  await t.sql(
    `INSERT INTO member (id, email, role, status, issuer, subject, invited_by, created_at, updated_at)
     VALUES ($1, $2, 'national', 'active', $3, $4, 'test', now(), now())`,
    [id, `bcl.${id}@example.org`, issuer, sub],
  );
  for (const sid of sids) await t.app.get(DirectoryService).openSession(id, { idToken: null, sid });
  return id;
}

const openSessions = async (memberId: string) =>
  (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM web_session WHERE member_id = $1 AND ended_at IS NULL', [memberId]))[0].n;
const allOpen = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM web_session WHERE ended_at IS NULL'))[0].n;

/** A logout token as a provider sends it; `o` overrides claims, header and key to make it hostile. */
function logoutToken(
  claims: JWTPayload,
  o: { key?: { privateKey: CryptoKey; kid: string }; iss?: string; aud?: string; iat?: number; typ?: string } = {},
) {
  const k = o.key ?? key;
  return new SignJWT({ events: { [EVENT]: {} }, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: k.kid, typ: o.typ ?? 'logout+jwt' })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? CLIENT_ID)
    .setIssuedAt(o.iat ?? now())
    .setExpirationTime((o.iat ?? now()) + 120)
    .sign(k.privateKey);
}

const post = (body: string | Record<string, string>, type = 'form') =>
  t
    .http()
    .post('/auth/backchannel-logout')
    .type(type)
    .send(body as never);

describe('back-channel logout: a valid logout token', () => {
  it('by sid ends exactly the sessions opened with that provider session, at once; 200, no-store; audited', async () => {
    const sub = `sub-${randomUUID()}`;
    const id = await memberWithSessions(sub, ['sid-a', 'sid-b']);
    const res = await post({ logout_token: await logoutToken({ sid: 'sid-a' }) });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await openSessions(id)).toBe(1);
    const [audit] = await t.sql<{ details: Record<string, unknown>; outcome: string }>(
      `SELECT details, outcome FROM audit_log WHERE action = 'auth.backchannel_logout' AND details->'members' ? $1`,
      [id],
    );
    expect(audit).toEqual({ details: { by: 'sid', ended: 1, members: [id] }, outcome: 'ok' });
  });

  it('the same token twice at once (a provider retrying): one 200, one 400, her sessions ended once, one ending audited', async () => {
    const sub = `sub-${randomUUID()}`;
    const id = await memberWithSessions(sub, ['sid-twice', 'sid-twice']);
    const token = await logoutToken({ sub, sid: 'sid-twice' });
    const answers = await Promise.all([post({ logout_token: token }), post({ logout_token: token })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(answers.find((r) => r.status === 400)!.body.code).toBe('invalid_logout_token');
    expect(await openSessions(id)).toBe(0);
    const audit = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'auth.backchannel_logout' AND outcome = 'ok' AND details->'members' ? $1`,
      [id],
    );
    expect(audit).toEqual([{ details: { by: 'sid_and_sub', ended: 2, members: [id] } }]);
    expect(await t.sql(`SELECT 1 FROM logout_token_use WHERE jti = $1`, [decodeJwt(token).jti])).toHaveLength(1);
  });

  it('by sub ends every session of the member bound to that subject, and no one else’s', async () => {
    const sub = `sub-${randomUUID()}`;
    const id = await memberWithSessions(sub, ['s1', 's2']);
    const other = await memberWithSessions(`sub-${randomUUID()}`, ['s1']);
    const res = await post({ logout_token: await logoutToken({ sub }) });
    expect(res.status).toBe(200);
    expect(await openSessions(id)).toBe(0);
    expect(await openSessions(other)).toBe(1);
  });

  it('a subject bound at another issuer is not hers: the same sub elsewhere keeps its sessions', async () => {
    const sub = `sub-${randomUUID()}`;
    const id = randomUUID();
    await t.sql(
      `INSERT INTO member (id, email, role, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES ($1, $2, 'national', 'active', 'https://another.example.org', $3, 'test', now(), now())`,
      [id, `bcl.${id}@example.org`, sub],
    );
    await t.app.get(DirectoryService).openSession(id, null);
    expect((await post({ logout_token: await logoutToken({ sub }) })).status).toBe(200);
    expect(await openSessions(id)).toBe(1);
  });

  it('old used jtis are forgotten once no token of theirs could be accepted any more', async () => {
    await post({ logout_token: await logoutToken({ sub: `sub-${randomUUID()}` }) }).expect(200);
    const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM logout_token_use'))[0].n;
    expect(before).toBeGreaterThan(0);
    t.clock.advance(24 * 3600_000);
    try {
      await post({ logout_token: await logoutToken({ sub: `sub-${randomUUID()}` }) }).expect(200);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM logout_token_use'))[0].n).toBe(1);
    } finally {
      t.clock.advance(-24 * 3600_000);
    }
  });
});

describe('back-channel logout: hostile tokens answer 400 invalid_logout_token and end nothing', () => {
  const refused = async (body: string | Record<string, string>, type = 'form') => {
    const open = await allOpen();
    const res = await post(body, type);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'invalid_logout_token' });
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'statusCode']);
    expect(await allOpen()).toBe(open);
  };
  let sub: string;
  let id: string;
  beforeEach(async () => {
    sub = `sub-${randomUUID()}`;
    id = await memberWithSessions(sub, ['victim-sid']);
  });
  afterEach(async () => expect(await openSessions(id)).toBe(1));

  it('a bad signature (another key under the provider’s kid)', async () => {
    await refused({ logout_token: await logoutToken({ sub }, { key: impostor }) });
  });

  it('a replayed jti: the first ends her session, the same token again ends her next one not', async () => {
    const token = await logoutToken({ sub, sid: 'victim-sid' });
    await post({ logout_token: token }).expect(200);
    expect(await openSessions(id)).toBe(0);
    await t.app.get(DirectoryService).openSession(id, { idToken: null, sid: 'victim-sid' });
    const denied = async () =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.backchannel_logout' AND outcome = 'denied' AND details->>'reason' = 'replayed_jti'`,
        )
      )[0].n;
    const before = await denied();
    await refused({ logout_token: token });
    expect(await denied()).toBe(before + 1);
  });

  it('alg none, and an unsigned token with an empty signature', async () => {
    const unsigned = new UnsecuredJWT({ events: { [EVENT]: {} }, jti: randomUUID(), sub })
      .setIssuer(issuer)
      .setAudience(CLIENT_ID)
      .setIssuedAt()
      .encode();
    await refused({ logout_token: unsigned });
    const signed = await logoutToken({ sub });
    await refused({ logout_token: `${signed.slice(0, signed.lastIndexOf('.'))}.` });
  });

  it('a wrong audience, and a wrong issuer signed with the provider’s own key', async () => {
    await refused({ logout_token: await logoutToken({ sub }, { aud: 'another-client' }) });
    await refused({ logout_token: await logoutToken({ sub }, { iss: `${issuer}/other` }) });
    await refused({ logout_token: await logoutToken({ sub }, { iss: 'https://evil.example.org' }) });
  });

  it('with a nonce (an ID token is no logout token)', async () => {
    await refused({ logout_token: await logoutToken({ sub, nonce: 'n-123' }) });
  });

  it('without the back-channel event, or with it in the wrong shape', async () => {
    await refused({ logout_token: await logoutToken({ sub, events: undefined }) });
    await refused({ logout_token: await logoutToken({ sub, events: { 'http://schemas.openid.net/event/other': {} } }) });
    await refused({ logout_token: await logoutToken({ sub, events: { [EVENT]: 'yes' } }) });
    await refused({ logout_token: await logoutToken({ sub, events: [EVENT] }) });
  });

  it('naming neither sid nor sub, or naming them as something other than text', async () => {
    await refused({ logout_token: await logoutToken({}) });
    await refused({ logout_token: await logoutToken({ sub: 42 as unknown as string }) });
    await refused({ logout_token: await logoutToken({ sid: ['victim-sid'] as unknown as string }) });
    await refused({ logout_token: await logoutToken({ sub: 'a\u0000b' }) });
  });

  it('without a jti, issued too long ago, issued in the future, or expired', async () => {
    await refused({ logout_token: await logoutToken({ sub, jti: undefined }) });
    await refused({ logout_token: await logoutToken({ sub }, { iat: now() - 3600 }) });
    await refused({ logout_token: await logoutToken({ sub }, { iat: now() + 3600 }) });
    await refused({
      logout_token: await new SignJWT({ events: { [EVENT]: {} }, jti: randomUUID(), sub })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(issuer)
        .setAudience(CLIENT_ID)
        .setIssuedAt(now() - 100)
        .setExpirationTime(now() - 90)
        .sign(key.privateKey),
    });
  });

  it('garbage, no token, two tokens, a JSON body', async () => {
    await refused({ logout_token: 'garbage' });
    await refused({ logout_token: 'a.b.c' });
    await refused({ logout_token: '' });
    await refused({ logout_token: 'x'.repeat(20_000) });
    await refused({ something_else: 'x' });
    await refused('');
    const token = await logoutToken({ sub });
    await refused(`logout_token=${token}&logout_token=${token}`);
    await refused(JSON.stringify({ logout_token: token }), 'json');
  });

  it('a body that is neither a form nor JSON answers 415', async () => {
    const res = await post(`logout_token=${await logoutToken({ sub })}`, 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });
});
