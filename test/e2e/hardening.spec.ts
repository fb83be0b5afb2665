import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import { TokenService } from '../../src/auth/token.service.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '20' });
  });
  afterAll(() => t.close());

  it('sends security headers and forbids caching of API answers', async () => {
    const res = await t
      .http()
      .get('/api/v1/regions')
      .set(bearer(t.token(principals.uor('07'))));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    // an answer is data: nothing in it may load, run or be framed (no 'unsafe-inline' there)
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers).not.toHaveProperty('x-powered-by');
    const error = await t.http().get('/api/v1/regions');
    expect(error.status).toBe(401);
    expect(error.headers['cache-control']).toBe('no-store');
    // the security headers on errors and unknown routes too (set before anything can refuse the request)
    const missing = await t.http().get('/api/v1/no-such-thing');
    for (const res of [error, missing]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    }
    // the OpenAPI page keeps the policy its inline bootstrap needs
    const docs = await t.http().get('/api/docs');
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('verifies a token once per request, though the rate limit and the guard both need it', async () => {
    const tokens = t.app.get(TokenService);
    const verify = tokens.verify.bind(tokens);
    let calls = 0;
    tokens.verify = (token: string) => {
      calls++;
      return verify(token);
    };
    try {
      const ok = await t
        .http()
        .get('/api/v1/regions')
        .set(bearer(t.token({ ...principals.uor('07'), sub: 'uor-verified-once' })));
      expect([ok.status, calls]).toEqual([200, 1]);
      calls = 0;
      const refused = await t
        .http()
        .get('/api/v1/regions')
        .set(bearer(`${t.token(principals.uor('07'))}x`));
      expect([refused.status, refused.body.code, calls]).toEqual([401, 'unauthorized', 1]);
    } finally {
      delete (tokens as { verify?: unknown }).verify;
    }
  });

  it('keeps CORS closed by default', async () => {
    const res = await t.http().options('/api/v1/regions').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('rate-limits per token and answers 429 with a code', async () => {
    const token = t.token(principals.national());
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await t.http().get('/api/v1/regions').set(bearer(token))).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const limited = await t.http().get('/api/v1/regions').set(bearer(token));
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'too_many_requests' });
    expect(limited.headers['x-content-type-options']).toBe('nosniff');
    expect(limited.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    // another operator is not starved by the first
    expect(
      (
        await t
          .http()
          .get('/api/v1/regions')
          .set(bearer(t.token(principals.admin())))
      ).status,
    ).toBe(200);
  });

  it('counts a verified caller by its sub, however many tokens it holds, and says when to retry', async () => {
    const someone = { ...principals.uor('09'), sub: 'uor-with-two-tokens' };
    const [first, second] = [t.token(someone), t.token({ ...someone, email: 'other@example.org' })];
    expect(first).not.toBe(second);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (
          await t
            .http()
            .get('/api/v1/regions')
            .set(bearer(i % 2 ? first : second))
        ).status,
      );
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    const limited = await t.http().get('/api/v1/regions').set(bearer(first));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts an API key sent as X-Api-Key by its member, as a bearer: not against the address', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO member (id, email, role, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES (gen_random_uuid(), 'rate.' || gen_random_uuid() || '@example.org', 'national', 'active', 'https://id.example.org',
               gen_random_uuid()::text, 'test', now(), now()) RETURNING id`,
    );
    const { key } = await t.app
      .get(ApiKeysService)
      .create({ sub: id, role: 'national', facilities: [], via: 'session' }, { name: 'Report' });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await t.http().get('/api/v1/regions').set({ 'X-Api-Key': key })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    // her minute is used, whichever header carries the key
    expect((await t.http().get('/api/v1/regions').set({ 'X-Api-Key': key })).status).toBe(429);
    expect((await t.http().get('/api/v1/regions').set(bearer(key))).status).toBe(429);
    // and the address it came from is not: a caller without credentials still gets her 401
    expect((await t.http().get('/api/v1/regions')).status).toBe(401);
  });

  it('counts made-up tokens by the address that sends them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push(
        (
          await t
            .http()
            .get('/api/v1/regions')
            .set(bearer(`made.up.${i}`))
        ).status,
      );
    // unverified: 401 until the address has used its minute (earlier tests used some of it), then 429
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(0);
    expect(first429).toBeLessThanOrEqual(20);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    // a verified caller from the same address is not starved by the flood
    expect(
      (
        await t
          .http()
          .get('/api/v1/regions')
          .set(bearer(t.token(principals.uor('12'))))
      ).status,
    ).toBe(200);
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(principals.admin())))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });
});

describe('CORS with an allow-list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://approdo.example.org' });
  });
  afterAll(() => t.close());

  it('allows only the listed origin', async () => {
    const ok = await t.http().get('/health').set('Origin', 'https://approdo.example.org');
    expect(ok.headers['access-control-allow-origin']).toBe('https://approdo.example.org');
    const other = await t.http().get('/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('authorization denials are audited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('records who was refused which route, without data', async () => {
    const national = principals.national();
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(national)))
      .send({ name: 'Via Segreta 1' });
    expect(res.status).toBe(403);
    const rows = await t.sql<{ actor_sub: string; action: string; object_id: string; outcome: string; details: unknown }>(
      `SELECT actor_sub, action, object_id, outcome, details FROM audit_log WHERE action = 'auth.denied'`,
    );
    expect(rows).toEqual([
      {
        actor_sub: national.sub,
        action: 'auth.denied',
        object_id: 'POST /api/v1/facilities',
        outcome: 'denied',
        details: { code: 'forbidden' },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('Segreta');
  });

  it('records a refusal the access policy decides inside a service, after its transaction is rolled back', async () => {
    const uor = principals.uor('07'); // Liguria
    const res = await t
      .http()
      .post('/api/v1/facilities')
      .set(bearer(t.token(uor)))
      .send(aFacility({ provinceCode: 'TO', name: 'Casa Altrove' }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    const rows = await t.sql<{ actor_sub: string; object_id: string; outcome: string; details: unknown }>(
      `SELECT actor_sub, object_id, outcome, details FROM audit_log WHERE action = 'auth.denied' AND actor_sub = $1`,
      [uor.sub],
    );
    expect(rows).toEqual([{ actor_sub: uor.sub, object_id: 'POST /api/v1/facilities', outcome: 'denied', details: { code: 'forbidden' } }]);
    expect(await t.sql(`SELECT 1 FROM facility WHERE name = 'Casa Altrove'`)).toEqual([]);
  });
});
