import { createServer, connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { listen } from '../../src/app.factory.js';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import type { Principal } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/config/app-config.js';
import { aFacility, principals } from '../support/factories.js';
import { pageSessionHeaders } from '../support/page-session.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 34: no way in but the front door. In production a token signed with JWT_SECRET opens nothing
 * unless LOCAL_TOKENS=true, and then only for an active member with the registry's role; the demo's
 * token handout is gone in every configuration; `npm start` on the embedded database listens on
 * this machine only.
 */
const PRODUCTION = {
  NODE_ENV: 'production',
  ADDRESS_ENCRYPTION_KEY: 'cd'.repeat(32),
  JWT_SECRET: 'a-production-secret-someone-left-in-the-env',
  SCHEDULER_ENABLED: 'false',
  LOG_LEVEL: 'fatal',
};

async function activeMember(t: TestApp, p: Omit<Principal, 'sub'>, status = 'active'): Promise<string> {
  const [{ id }] = await t.sql<{ id: string }>(
    `INSERT INTO member (id, email, role, region_code, facility_ids, status, issuer, subject, invited_by, created_at, updated_at)
     VALUES (gen_random_uuid(), 'm.' || gen_random_uuid() || '@example.org', $1, $2, $3::uuid[], $4, 'https://id.example.org',
             gen_random_uuid()::text, 'test', now(), now()) RETURNING id`,
    [p.role, p.region ?? null, p.facilities, status],
  );
  return id;
}

describe('production without LOCAL_TOKENS (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(PRODUCTION);
  });
  afterAll(() => t.close());

  it('a local token is refused, whoever it names and whatever it claims; an API key gets in', async () => {
    expect(t.config).toMatchObject({ production: true, localTokens: false });
    const member = await activeMember(t, { role: 'admin', facilities: [] });
    for (const token of [t.token(principals.admin()), t.token({ sub: member, role: 'admin', facilities: [] })]) {
      const res = await t.http().get('/api/v1/regions').set(bearer(token));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'unauthorized' });
    }
    const { key } = await t.app.get(ApiKeysService).create({ sub: member, role: 'admin', facilities: [], via: 'session' }, { name: 'x' });
    expect((await t.http().get('/api/v1/audit').set(bearer(key))).status).toBe(200);
  });

  it('GET /api/v1/demo/users does not exist', async () => {
    expect((await t.http().get('/api/v1/demo/users')).status).toBe(404);
  });
});

describe('production with LOCAL_TOKENS=true (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...PRODUCTION, LOCAL_TOKENS: 'true' });
  });
  afterAll(() => t.close());

  it('a token whose subject is no active member is refused', async () => {
    const disabled = await activeMember(t, { role: 'admin', facilities: [] }, 'disabled');
    const invited = await activeMember(t, { role: 'admin', facilities: [] }, 'invited');
    for (const sub of ['admin-1', '6f1c1d2e-0000-4000-8000-000000000000', disabled, invited]) {
      const res = await t
        .http()
        .get('/api/v1/regions')
        .set(bearer(t.token({ sub, role: 'admin', facilities: [] })));
      expect({ sub, status: res.status }).toEqual({ sub, status: 401 });
    }
  });

  it('a member’s token gets the registry’s role and scope, not its claims', async () => {
    const national = await activeMember(t, { role: 'national', facilities: [] });
    const claimsAdmin = bearer(t.token({ sub: national, role: 'admin', facilities: [] }));
    expect((await t.http().get('/api/v1/audit').set(claimsAdmin)).status).toBe(403);
    expect((await t.http().get('/api/v1/capacity').set(claimsAdmin)).status).toBe(200);
    // a UOR of Liguria claiming Tuscany reads Liguria's history (her registry region), not Tuscany's
    const admin = await activeMember(t, { role: 'admin', facilities: [] });
    const asAdmin = bearer(t.token({ sub: admin, role: 'national', facilities: [] }));
    const ge = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(asAdmin)
        .send(aFacility({ provinceCode: 'GE' }))
    ).body.id;
    const fi = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(asAdmin)
        .send(aFacility({ provinceCode: 'FI' }))
    ).body.id;
    const uor = await activeMember(t, { role: 'uor', region: '07', facilities: [] });
    const claims09 = bearer(t.token({ sub: uor, role: 'uor', region: '09', facilities: [] }));
    expect((await t.http().get(`/api/v1/facilities/${ge}/availability/history`).set(claims09)).status).toBe(200);
    expect((await t.http().get(`/api/v1/facilities/${fi}/availability/history`).set(claims09)).status).toBe(403);
    // her token claiming admin lists what a UOR of Liguria may see: her own keys and those of the
    // managers of her region's facilities, not the keys of Tuscany's manager nor an administrator's
    const keys = t.app.get(ApiKeysService);
    const keyOf = async (p: Omit<Principal, 'sub'>, sub?: string) => {
      const id = sub ?? (await activeMember(t, p));
      return (await keys.create({ ...p, sub: id, via: 'session' }, { name: 'Gestionale' })).id;
    };
    const own = await keyOf({ role: 'uor', region: '07', facilities: [] }, uor);
    const geManager = await keyOf({ role: 'shelter_manager', facilities: [ge] });
    const fiManager = await keyOf({ role: 'shelter_manager', facilities: [fi] });
    const adminKey = await keyOf({ role: 'admin', facilities: [] }, admin);
    const listed = await t
      .http()
      .get('/api/v1/api-keys')
      .set(bearer(t.token({ sub: uor, role: 'admin', facilities: [] })));
    expect(listed.status).toBe(200);
    const ids = (listed.body.items as { id: string }[]).map((k) => k.id);
    expect(ids.sort()).toEqual([own, geManager].sort());
    expect(ids).not.toContain(fiManager);
    expect(ids).not.toContain(adminKey);
  });

  it('a member’s token makes no API key (a short-lived credential must not become a year-long one); her page session does', async () => {
    const national = await activeMember(t, { role: 'national', facilities: [] });
    for (const role of ['national', 'admin'] as const) {
      const byToken = await t
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(t.token({ sub: national, role, facilities: [] })))
        .send({ name: 'Report' });
      expect({ status: byToken.status, code: byToken.body.code }).toEqual({ status: 403, code: 'session_required' });
    }
    expect(await t.sql(`SELECT 1 FROM api_key WHERE member_id = $1`, [national])).toEqual([]);
    const made = await t
      .http()
      .post('/api/v1/api-keys')
      .set(await pageSessionHeaders(t, national))
      .send({ name: 'Report' });
    expect(made.status).toBe(201);
    // and it acts as her: a national, whom the audit refuses
    expect((await t.http().get('/api/v1/audit').set(bearer(made.body.key))).status).toBe(403);
    expect((await t.http().get('/api/v1/capacity').set(bearer(made.body.key))).status).toBe(200);
  });
});

describe('the demo’s leftovers (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO_DATA: 'true' });
  });
  afterAll(() => t.close());

  it('GET /api/v1/demo/users answers 404 with the demo network on, as without it', async () => {
    expect(t.config.demoData).toBe(true);
    for (const path of ['/api/v1/demo/users', '/api/v1/demo/users?x=1'])
      expect(
        (
          await t
            .http()
            .get(path)
            .set(bearer(t.token(principals.admin())))
        ).status,
      ).toBe(404);
    expect((await t.http().get('/api/v1/demo/users')).status).toBe(404);
  });

  it('npm start on the embedded database (no DATABASE_URL, no HOST) is not reachable on another address of the machine', async () => {
    // the configuration npm start reads, without DATABASE_URL (the embedded database) and without HOST
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0' });
    expect(config.host).toBe('127.0.0.1');
    await listen(t.app, config);
    const { address, port } = t.app.getHttpServer().address() as AddressInfo;
    expect(address).toBe('127.0.0.1');
    expect(await reachable('127.0.0.1', port)).toBe(true);
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!other) return; // a machine with loopback only: the bound address above is the answer
    expect(await reachable(other, port)).toBe(false);
    // the control: that address does reach a server listening on every interface
    const open = createServer((s) => s.end()).listen(0, '0.0.0.0');
    await new Promise((r) => open.once('listening', r));
    try {
      expect(await reachable(other, (open.address() as AddressInfo).port)).toBe(true);
    } finally {
      open.close();
    }
  });
});

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
