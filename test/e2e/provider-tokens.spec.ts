/**
 * Bearer tokens of an identity provider, verified against its JWKS: a small OpenID issuer of our own
 * (node:http) whose keys the tests rotate, and the members registry deciding who the token's person is.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { aFacility } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Alg = 'RS256' | 'PS256' | 'ES256';
interface Key {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

const FISCAL_CLAIM = 'https://attributes.eid.gov.it/fiscal_number';

let t: TestApp;
let issuerServer: Server;
let issuer: string;
/** what /jwks serves now: a test rotates the provider's keys by replacing it */
let published: Key[] = [];
let jwksFetches = 0;
/** the provider's key endpoint failing (an outage at the provider) */
let jwksDown = false;

async function aKey(alg: Alg): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = `${alg}-${randomUUID().slice(0, 8)}`;
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let rsa: Key;
let ps: Key;
let es: Key;

beforeAll(async () => {
  [rsa, ps, es] = await Promise.all([aKey('RS256'), aKey('PS256'), aKey('ES256')]);
  published = [rsa, ps, es];
  issuerServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // two issuers on one server: `/realms/test`, and the root one whose identifier ends in '/' (as Auth0's do)
    const origin = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    const realm = path.startsWith('/realms/test/') ? '/realms/test' : '';
    const id = realm ? `${origin}${realm}` : `${origin}/`;
    if (path === `${realm}/.well-known/openid-configuration`)
      return json({
        issuer: id,
        authorization_endpoint: `${origin}${realm}/auth`,
        token_endpoint: `${origin}${realm}/token`,
        jwks_uri: `${origin}${realm}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
      });
    if (path === `${realm}/jwks`) {
      jwksFetches++;
      if (jwksDown) return res.writeHead(502).end();
      return json({ keys: published.map((k) => k.jwk) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => issuerServer.listen(0, '127.0.0.1', ok));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/realms/test`;
  t = await startTestApp({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'approdo-api', OIDC_JWKS_COOLDOWN_MS: '0' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise((ok) => issuerServer?.close(ok));
});

const now = () => Math.floor(Date.now() / 1000);

/** A provider token: by default from our issuer, for approdo-api, valid for 5 minutes, signed with `key`. */
function tokenOf(claims: JWTPayload, o: { key?: Key; iss?: string; aud?: string; exp?: number } = {}): Promise<string> {
  const key = o.key ?? rsa;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? 'approdo-api')
    .setIssuedAt(now() - 10)
    .setExpirationTime(o.exp ?? now() + 300)
    .sign(key.privateKey);
}

const adminToken = () => t.token({ sub: 'admin-x', role: 'admin', facilities: [] });

/** An invited UOR of Liguria (a fresh e-mail each time); answers her id and e-mail. */
async function invite(o: { fiscalCode?: string } = {}): Promise<{ id: string; email: string }> {
  const email = `uor.${randomUUID().slice(0, 8)}@example.org`;
  const res = await t
    .http()
    .post('/api/v1/members')
    .set(bearer(adminToken()))
    .send({ email, role: 'uor', regionCode: '07', ...o });
  expect(res.status).toBe(201);
  return { id: res.body.id, email };
}

/** Someone the provider knows: a fresh subject, with her verified e-mail. */
const person = (email: string, extra: JWTPayload = {}): JWTPayload => ({
  sub: `sub-${randomUUID()}`,
  email,
  email_verified: true,
  ...extra,
});

/** A route a uor may use (and a national, an admin): 200 when the token is her. */
const capacity = (token: string) => t.http().get('/api/v1/capacity').set(bearer(token));

const memberRow = async (id: string) =>
  (
    await t.sql<{ status: string; issuer: string | null; subject: string | null; email: string }>(
      'SELECT status, issuer, subject, email FROM member WHERE id = $1',
      [id],
    )
  )[0];

describe('provider bearer tokens: the signature and the claims', () => {
  it('binds an invited member at her first token (verified e-mail) and answers as her', async () => {
    const m = await invite();
    const claims = person(m.email.toUpperCase()); // the provider's spelling of the e-mail does not matter
    expect(await memberRow(m.id)).toMatchObject({ status: 'invited', issuer: null });
    const res = await capacity(await tokenOf(claims));
    expect(res.status).toBe(200);
    expect(await memberRow(m.id)).toMatchObject({ status: 'active', issuer, subject: claims.sub });
    const [audit] = await t.sql<{ actor_sub: string; details: Record<string, unknown> }>(
      `SELECT actor_sub, details FROM audit_log WHERE action = 'member.bound' AND object_id = $1`,
      [m.id],
    );
    expect(audit).toEqual({ actor_sub: m.id, details: { via: 'provider_token', by: 'email' } });
  });

  it('several first requests at once all bind her: none is refused', async () => {
    const m = await invite();
    const token = await tokenOf(person(m.email));
    const answers = await Promise.all(Array.from({ length: 6 }, () => capacity(token)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await memberRow(m.id)).status).toBe('active');
  });

  it('the issuer rotates its keys: a token with the new kid is accepted without a restart, the retired key is refused', async () => {
    const m = await invite();
    const claims = person(m.email);
    expect((await capacity(await tokenOf(claims))).status).toBe(200); // the key set is now cached
    const fresh = await aKey('RS256');
    published = [fresh];
    try {
      const fetchesBefore = jwksFetches;
      expect((await capacity(await tokenOf(claims, { key: fresh }))).status).toBe(200);
      expect(jwksFetches).toBeGreaterThan(fetchesBefore); // the unknown kid fetched the key set again
      expect((await capacity(await tokenOf(claims, { key: rsa }))).status).toBe(401);
    } finally {
      published = [rsa, ps, es];
    }
  });

  it('while the provider’s key endpoint is down: known keys still verify, a new kid answers 503 (not 401)', async () => {
    const m = await invite();
    const claims = person(m.email);
    expect((await capacity(await tokenOf(claims))).status).toBe(200);
    jwksDown = true;
    try {
      expect((await capacity(await tokenOf(claims))).status).toBe(200); // the cached key set
      const res = await capacity(await tokenOf(claims, { key: await aKey('RS256') }));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('identity_provider_unavailable');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      jwksDown = false;
    }
  });

  it('PS256 and ES256 keys are accepted', async () => {
    const m = await invite();
    const claims = person(m.email);
    expect((await capacity(await tokenOf(claims, { key: ps }))).status).toBe(200);
    expect((await capacity(await tokenOf(claims, { key: es }))).status).toBe(200);
  });

  it('refuses a token of another issuer, even signed with the provider’s key', async () => {
    const m = await invite();
    const claims = person(m.email);
    const res = await capacity(await tokenOf(claims, { iss: `${issuer}-other` }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect((await memberRow(m.id)).status).toBe('invited'); // nothing bound by a refused token
    expect((await capacity(await tokenOf(claims))).status).toBe(200);
  });

  it('refuses a token for another audience', async () => {
    const m = await invite();
    const claims = person(m.email);
    const res = await capacity(await tokenOf(claims, { aud: 'another-client' }));
    expect(res.status).toBe(401);
    expect((await memberRow(m.id)).status).toBe('invited');
    expect((await capacity(await tokenOf(claims))).status).toBe(200);
  });

  it('refuses alg none', async () => {
    const m = await invite();
    const unsigned = new UnsecuredJWT(person(m.email))
      .setIssuer(issuer)
      .setAudience('approdo-api')
      .setExpirationTime(now() + 300)
      .encode();
    const res = await capacity(unsigned);
    expect(res.status).toBe(401);
    expect((await memberRow(m.id)).status).toBe('invited');
  });

  it('refuses HS256 signed with the public key’s PEM text as the secret', async () => {
    const m = await invite();
    const pem = await exportSPKI(rsa.publicKey);
    const forged = await new SignJWT(person(m.email))
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience('approdo-api')
      .setExpirationTime(now() + 300)
      .sign(new TextEncoder().encode(pem));
    const res = await capacity(forged);
    expect(res.status).toBe(401);
    expect((await memberRow(m.id)).status).toBe('invited');
  });

  it('allows 60 s of clock skew on expiry, not more', async () => {
    const m = await invite();
    const claims = person(m.email);
    expect((await capacity(await tokenOf(claims, { exp: now() - 120 }))).status).toBe(401);
    expect((await capacity(await tokenOf(claims, { exp: now() - 30 }))).status).toBe(200);
  });

  it('refuses an ID token or a logout token as a bearer, for the same audience; the access token passes', async () => {
    const m = await invite();
    const claims = person(m.email);
    // Approdo always sends a nonce, so every ID token it is given carries one
    expect((await capacity(await tokenOf({ ...claims, nonce: 'n-0S6_WzA2Mj' }))).status).toBe(401);
    const events = { 'http://schemas.openid.net/event/backchannel-logout': {} };
    expect((await capacity(await tokenOf({ ...claims, events, jti: randomUUID() }))).status).toBe(401);
    const typed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .setAudience('approdo-api')
      .setIssuedAt(now() - 10)
      .setExpirationTime(now() + 300)
      .sign(rsa.privateKey);
    expect((await capacity(typed)).status).toBe(401);
    // nothing bound her on the way
    expect((await memberRow(m.id)).status).toBe('invited');
    expect((await capacity(await tokenOf(claims))).status).toBe(200);
  });

  it('refuses a token without an expiry', async () => {
    const m = await invite();
    const endless = await new SignJWT(person(m.email))
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
      .setIssuer(issuer)
      .setAudience('approdo-api')
      .sign(rsa.privateKey);
    expect((await capacity(endless)).status).toBe(401);
  });
  it('refuses a verified token whose subject is not plain text', async () => {
    const m = await invite();
    for (const sub of ['x'.repeat(300), 'a\u0000b']) {
      const res = await capacity(await tokenOf(person(m.email, { sub })));
      expect({ sub, status: res.status, code: res.body.code }).toEqual({ sub, status: 401, code: 'unauthorized' });
    }
    expect((await memberRow(m.id)).status).toBe('invited');
  });
});

describe('provider bearer tokens: who the person is, by the members registry', () => {
  const notAMember = (res: { status: number; body: Record<string, unknown> }) => {
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('not_a_member');
    // an error and nothing else: no data of the route
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'statusCode']);
  };

  it('a verified person who is not a member gets 403 not_a_member and no data', async () => {
    notAMember(await capacity(await tokenOf(person(`nobody.${randomUUID().slice(0, 8)}@example.org`))));
  });

  it('an e-mail the provider has not verified binds nobody', async () => {
    const m = await invite();
    notAMember(await capacity(await tokenOf(person(m.email, { email_verified: false }))));
    notAMember(await capacity(await tokenOf(person(m.email, { email_verified: 'true' }))));
    expect(await memberRow(m.id)).toMatchObject({ status: 'invited', issuer: null });
  });

  it('binds by fiscal code (SPID/CIE: TINIT- prefix, no e-mail)', async () => {
    const m = await invite({ fiscalCode: 'RSSMRA80A41D969X' });
    const sub = `spid-${randomUUID()}`;
    const res = await capacity(await tokenOf({ sub, [FISCAL_CLAIM]: 'TINIT-RSSMRA80A41D969X' }));
    expect(res.status).toBe(200);
    expect(await memberRow(m.id)).toMatchObject({ status: 'active', issuer, subject: sub });
    const [audit] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'member.bound' AND object_id = $1`,
      [m.id],
    );
    expect(audit.details).toEqual({ via: 'provider_token', by: 'fiscal_code' });
  });

  it('after binding, the subject identifies her (another e-mail is still her); another subject with her e-mail is not', async () => {
    const m = await invite();
    const claims = person(m.email);
    expect((await capacity(await tokenOf(claims))).status).toBe(200);
    // she changed her e-mail at the provider
    const renamed = await tokenOf({ ...claims, email: `renamed.${randomUUID().slice(0, 8)}@example.org` });
    expect((await capacity(renamed)).status).toBe(200);
    // and even with none at all
    expect((await capacity(await tokenOf({ sub: claims.sub }))).status).toBe(200);
    // someone else at the provider with her (verified) e-mail is not her
    notAMember(await capacity(await tokenOf(person(m.email))));
    expect(await memberRow(m.id)).toMatchObject({ status: 'active', subject: claims.sub, email: m.email });
    // the same subject at another issuer is not her either (and another issuer's token is not verified at all)
    expect((await capacity(await tokenOf(claims, { iss: 'http://127.0.0.1:1/realms/other' }))).status).toBe(401);
  });

  it('a disabled member’s token gets 403 not_a_member; enabled again, she is back', async () => {
    const m = await invite();
    const token = await tokenOf(person(m.email));
    expect((await capacity(token)).status).toBe(200);
    const off = await t.http().post(`/api/v1/members/${m.id}/disable`).set(bearer(adminToken()));
    expect(off.status).toBe(200);
    notAMember(await capacity(token));
    const on = await t.http().post(`/api/v1/members/${m.id}/enable`).set(bearer(adminToken()));
    expect(on.body.status).toBe('active');
    expect((await capacity(token)).status).toBe(200);
  });

  it('a disabled invitation is never bound', async () => {
    const m = await invite();
    expect((await t.http().post(`/api/v1/members/${m.id}/disable`).set(bearer(adminToken()))).status).toBe(200);
    notAMember(await capacity(await tokenOf(person(m.email))));
    expect(await memberRow(m.id)).toMatchObject({ status: 'disabled', issuer: null });
  });

  it('a change to her membership holds from her next request, with the same token', async () => {
    const m = await invite();
    const token = await tokenOf(person(m.email));
    expect((await capacity(token)).status).toBe(200); // binds her
    expect((await capacity(token)).status).toBe(200); // found by the binding
    const facility = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(adminToken()))
      .send(aFacility({ provinceCode: 'GE' }));
    expect(facility.status).toBe(201);
    const changed = await t
      .http()
      .patch(`/api/v1/members/${m.id}`)
      .set(bearer(adminToken()))
      .send({ role: 'shelter_manager', facilityIds: [facility.body.id] });
    expect(changed.status).toBe(200);
    // a manager has no capacity view, but her facility's availability is hers
    expect((await capacity(token)).status).toBe(403);
    expect((await t.http().get(`/api/v1/facilities/${facility.body.id}/availability`).set(bearer(token))).status).toBe(200);
  });

  it('the member’s role, not a role claim in the token, decides', async () => {
    const m = await invite();
    const token = await tokenOf(person(m.email, { role: 'admin', region: '09', facilities: [] }));
    expect((await capacity(token)).status).toBe(200);
    // a uor may not read the audit, whatever her token says
    const audit = await t.http().get('/api/v1/audit').set(bearer(token));
    expect(audit.status).toBe(403);
    expect(audit.body.code).toBe('forbidden');
  });
});

describe('an issuer whose identifier ends in a slash (Auth0 and others)', () => {
  let other: TestApp;
  let slashed: string;
  beforeAll(async () => {
    slashed = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/`;
    other = await startTestApp({ OIDC_ISSUER: slashed, OIDC_CLIENT_ID: 'approdo-api', OIDC_JWKS_COOLDOWN_MS: '0' });
  }, 60_000);
  afterAll(() => other?.close());

  it('its tokens (iss exactly as the provider writes it) are verified and bind the member', async () => {
    const email = `slash.${randomUUID().slice(0, 8)}@example.org`;
    const invitation = await other
      .http()
      .post('/api/v1/members')
      .set(bearer(other.token({ sub: 'admin-x', role: 'admin', facilities: [] })))
      .send({ email, role: 'national' });
    expect(invitation.status).toBe(201);
    const claims = person(email);
    const res = await other
      .http()
      .get('/api/v1/capacity')
      .set(bearer(await tokenOf(claims, { iss: slashed })));
    expect(res.status).toBe(200);
    const [m] = await other.sql<{ issuer: string; subject: string }>('SELECT issuer, subject FROM member WHERE id = $1', [
      invitation.body.id,
    ]);
    expect(m).toEqual({ issuer: slashed, subject: claims.sub });
    // the same without the slash is another issuer
    const bare = await other
      .http()
      .get('/api/v1/capacity')
      .set(bearer(await tokenOf(claims, { iss: slashed.slice(0, -1) })));
    expect(bare.status).toBe(401);
  });
});
