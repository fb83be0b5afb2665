import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Principal } from '../../src/auth/principal.js';
import { AppLogger } from '../../src/common/logging.js';
import { DirectoryService } from '../../src/members/directory.service.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, any>;
const DAY = 86_400_000;

/**
 * Issue 34: API keys for machine clients. Made by a signed-in member (or an administrator for a
 * service member), shown once, stored as a hash, acting as the member with the registry's role and
 * scope, revoked at once, audited with the key's id; never in an answer after creation, never in a log.
 */
describe('API keys (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  let facilityId: string;
  let otherRegionFacilityId: string;
  let admin: Principal;
  let uor: Principal;
  let uorOther: Principal;
  let manager: Principal;
  let nationalMember: Principal;
  const national = () => nationalMember;

  /** A member of the registry, active, with a page session: the headers the pages send. */
  async function member(p: Omit<Principal, 'sub'>): Promise<Principal & { headers: Record<string, string> }> {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO member (id, email, role, region_code, facility_ids, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES (gen_random_uuid(), 'm.' || gen_random_uuid() || '@example.org', $1, $2, $3::uuid[], 'active', 'https://id.example.org',
               gen_random_uuid()::text, 'test', now(), now()) RETURNING id`,
      [p.role, p.region ?? null, p.facilities],
    );
    const { cookie } = await t.app.get(DirectoryService).openSession(id, null);
    const [{ csrf_token }] = await t.sql<{ csrf_token: string }>(`SELECT csrf_token FROM web_session WHERE member_id = $1`, [id]);
    return {
      ...p,
      sub: id,
      headers: { cookie: `approdo_session=${cookie}`, origin: t.config.publicBaseUrl, 'x-csrf-token': csrf_token },
    };
  }
  const headersOf = (p: Principal) => (p as Principal & { headers: Record<string, string> }).headers;
  const makeKey = async (p: Principal, body: object = { name: 'Sistema casi' }) => {
    const res = await t.http().post('/api/v1/api-keys').set(headersOf(p)).send(body);
    if (res.status !== 201) throw new Error(`make a key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json & { id: string; key: string };
  };
  const lastUsed = async (id: string) =>
    (await t.sql<{ last_used_at: Date | null }>(`SELECT last_used_at FROM api_key WHERE id = $1`, [id]))[0].last_used_at;

  beforeAll(async () => {
    t = await startTestApp({ LOG_FORMAT: 'json' });
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    t.app.useLogger(new AppLogger({ format: 'json', level: 'verbose', destination: sink }));
    const asAdmin = bearer(t.token(principals.admin()));
    facilityId = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(asAdmin)
        .send(aFacility({ provinceCode: 'GE' }))
    ).body.id;
    otherRegionFacilityId = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(asAdmin)
        .send(aFacility({ provinceCode: 'FI' }))
    ).body.id;
    admin = await member({ role: 'admin', facilities: [] });
    uor = await member({ role: 'uor', region: '07', facilities: [] });
    uorOther = await member({ role: 'uor', region: '09', facilities: [] });
    manager = await member({ role: 'shelter_manager', facilities: [facilityId] });
    nationalMember = await member({ role: 'national', facilities: [] });
  });
  afterAll(() => t.close());

  it('a member makes a key: shown once (apk_ and 43 random characters), 90 days by default, stored only as its SHA-256', async () => {
    const made = await makeKey(uor);
    expect(made.key).toMatch(/^apk_[A-Za-z0-9_-]{43}$/);
    expect(made).toMatchObject({
      name: 'Sistema casi',
      prefix: made.key.slice(0, 12),
      memberId: uor.sub,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(new Date(made.expiresAt).getTime() - t.clock.now().getTime()).toBe(90 * DAY);
    const [row] = await t.sql<Json>(`SELECT * FROM api_key WHERE id = $1`, [made.id]);
    expect(row.hash).toEqual(createHash('sha256').update(made.key).digest());
    expect(JSON.stringify(row)).not.toContain(made.key.slice(12));
    // two keys never share their random part
    const other = await makeKey(uor);
    expect(other.key).not.toBe(made.key);
  });

  it('an expiry is in the future and at most a year away', async () => {
    const now = t.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const year = await makeKey(manager, { name: 'Un anno', expiresAt: at(365 * DAY) });
    expect(year.expiresAt).toBe(at(365 * DAY));
    for (const expiresAt of [at(366 * DAY), at(-DAY), at(0), 'domani', '2026-13-01T00:00:00Z']) {
      const res = await t.http().post('/api/v1/api-keys').set(headersOf(manager)).send({ name: 'No', expiresAt });
      expect({ expiresAt, status: res.status, code: res.body.code }).toEqual({ expiresAt, status: 400, code: 'validation_failed' });
    }
    for (const name of ['', '   ', 'a'.repeat(81), 'riga\nnuova', 42])
      expect((await t.http().post('/api/v1/api-keys').set(headersOf(manager)).send({ name })).status).toBe(400);
  });

  it('acts as its member, with the registry’s role and scope (never more), by Authorization: Bearer or X-Api-Key', async () => {
    const { key } = await makeKey(uor);
    for (const h of [bearer(key), { 'X-Api-Key': key }]) {
      const res = await t.http().get(`/api/v1/facilities/${facilityId}/availability/history`).set(h);
      expect(res.status).toBe(200);
    }
    // her region changes in the registry: the key follows at once (Liguria's history is no longer hers)
    const moved = await member({ role: 'uor', region: '07', facilities: [] });
    const k2 = await makeKey(moved);
    expect((await t.http().get(`/api/v1/facilities/${facilityId}/availability/history`).set(bearer(k2.key))).status).toBe(200);
    await t.sql(`UPDATE member SET region_code = '09' WHERE id = $1`, [moved.sub]);
    expect((await t.http().get(`/api/v1/facilities/${facilityId}/availability/history`).set(bearer(k2.key))).status).toBe(403);
    // a manager's key cannot reach what managers may not do
    const mk = await makeKey(manager);
    expect((await t.http().get('/api/v1/audit').set(bearer(mk.key))).status).toBe(403);
    expect((await t.http().get('/api/v1/members').set({ 'X-Api-Key': mk.key })).status).toBe(403);
    // one credential at a time
    const both = await t
      .http()
      .get('/api/v1/regions')
      .set({ ...bearer(t.token(principals.admin())), 'X-Api-Key': key });
    expect(both.status).toBe(401);
  });

  it('a revoked, expired or unknown key, or a key of a disabled member: 401 with WWW-Authenticate, the same words for each', async () => {
    const revoked = await makeKey(manager);
    expect((await t.http().delete(`/api/v1/api-keys/${revoked.id}`).set(headersOf(manager))).status).toBe(200);
    const shortLived = await makeKey(manager, { name: 'Breve', expiresAt: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    const person = await member({ role: 'shelter_manager', facilities: [facilityId] });
    const ofDisabled = await makeKey(person);
    expect((await t.http().get('/api/v1/regions').set(bearer(ofDisabled.key))).status).toBe(200);
    expect((await t.http().post(`/api/v1/members/${person.sub}/disable`).set(headersOf(admin))).status).toBe(200);
    expect((await t.http().get('/api/v1/regions').set(bearer(shortLived.key))).status).toBe(200);
    t.clock.advance(61_000);
    const unknown = `apk_${randomBytes(32).toString('base64url')}`;
    const answers = [];
    for (const key of [revoked.key, shortLived.key, ofDisabled.key, unknown])
      for (const h of [bearer(key), { 'X-Api-Key': key }]) {
        const res = await t.http().get('/api/v1/regions').set(h);
        answers.push({ status: res.status, auth: res.headers['www-authenticate'], body: res.body });
      }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([
        JSON.stringify({
          status: 401,
          auth: 'Bearer',
          body: { statusCode: 401, code: 'unauthorized', message: 'the API key is unknown, revoked or expired' },
        }),
      ]),
    );
    // enabled again, her key works again until it expires or is revoked
    expect((await t.http().post(`/api/v1/members/${person.sub}/enable`).set(headersOf(admin))).status).toBe(200);
  });

  it('records the last use at most once a minute', async () => {
    const k = await makeKey(national());
    expect(await lastUsed(k.id)).toBeNull();
    await t.http().get('/api/v1/regions').set(bearer(k.key));
    const first = await lastUsed(k.id);
    expect(first).toEqual(t.clock.now());
    t.clock.advance(30_000);
    for (let i = 0; i < 3; i++) expect((await t.http().get('/api/v1/regions').set(bearer(k.key))).status).toBe(200);
    expect(await lastUsed(k.id)).toEqual(first);
    t.clock.advance(31_000);
    await t.http().get('/api/v1/regions').set({ 'X-Api-Key': k.key });
    expect(await lastUsed(k.id)).toEqual(t.clock.now());
    const listed = (await t.http().get('/api/v1/api-keys').set(headersOf(nationalMember))).body.items.find((i: Json) => i.id === k.id);
    expect(listed.lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('lists her own keys and those of the members she looks after, never a key', async () => {
    const mine = await makeKey(manager, { name: 'Gestionale' });
    const list = async (p: Principal) => (await t.http().get('/api/v1/api-keys').set(headersOf(p))).body.items as Json[];
    const ofManager = await list(manager);
    expect(ofManager.map((k) => k.id)).toContain(mine.id);
    expect(ofManager.every((k) => k.memberId === manager.sub)).toBe(true);
    expect(Object.keys(ofManager[0]).sort()).toEqual(
      ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'memberEmail', 'memberId', 'memberName', 'name', 'prefix', 'revokedAt'].sort(),
    );
    // her region's UOR and an administrator see it; another region's UOR and national do not
    expect((await list(uor)).map((k) => k.id)).toContain(mine.id);
    expect((await list(admin)).map((k) => k.id)).toContain(mine.id);
    expect((await list(uorOther)).map((k) => k.id)).not.toContain(mine.id);
    expect((await list(national())).map((k) => k.id)).not.toContain(mine.id);
    // filtered by member
    const filtered = (await t.http().get(`/api/v1/api-keys?memberId=${manager.sub}`).set(headersOf(uor))).body.items as Json[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((k) => k.memberId === manager.sub)).toBe(true);
    expect((await t.http().get('/api/v1/api-keys?memberId=nope').set(headersOf(uor))).status).toBe(400);
  });

  it('is revoked by her, her region’s UOR or an administrator; to anyone else it does not exist', async () => {
    const cases: [Principal, number][] = [
      [uorOther, 404],
      [national(), 404],
      [await member({ role: 'shelter_manager', facilities: [facilityId] }), 404],
      [uor, 200],
    ];
    for (const [who, status] of cases) {
      const k = await makeKey(manager);
      const res = await t.http().delete(`/api/v1/api-keys/${k.id}`).set(headersOf(who));
      expect({ role: who.role, status: res.status }).toEqual({ role: who.role, status });
    }
    const k = await makeKey(manager);
    expect((await t.http().delete(`/api/v1/api-keys/${k.id}`).set(headersOf(admin))).body).toMatchObject({
      id: k.id,
      revokedAt: expect.any(String),
    });
    // once: a second revocation finds nothing
    expect((await t.http().delete(`/api/v1/api-keys/${k.id}`).set(headersOf(admin))).status).toBe(404);
    // a UOR cannot revoke a manager of another region's houses
    const far = await member({ role: 'shelter_manager', facilities: [otherRegionFacilityId] });
    const farKey = await makeKey(far);
    expect((await t.http().delete(`/api/v1/api-keys/${farKey.id}`).set(headersOf(uor))).status).toBe(404);
    // a key may revoke itself (a client that knows it leaked)
    expect((await t.http().delete(`/api/v1/api-keys/${farKey.id}`).set(bearer(farKey.key))).status).toBe(200);
    expect((await t.http().get('/api/v1/regions').set(bearer(farKey.key))).status).toBe(401);
  });

  it('only a page session makes keys (not a key, not a token, even of an active member); only an administrator makes one for a service member', async () => {
    const k = await makeKey(admin);
    const keysBefore = (await t.sql(`SELECT 1 FROM api_key`)).length;
    const refused = async (headers: Record<string, string>) => {
      const res = await t.http().post('/api/v1/api-keys').set(headers).send({ name: 'figlia' });
      return { status: res.status, code: res.body.code };
    };
    const sessionRequired = { status: 403, code: 'session_required' };
    expect(await refused(bearer(k.key))).toEqual(sessionRequired);
    expect(await refused({ 'X-Api-Key': k.key })).toEqual(sessionRequired);
    expect(await refused(bearer(t.token(principals.admin())))).toEqual(sessionRequired);
    // a short-lived token of an active member (her sub, her role) becomes no year-long key
    expect(await refused(bearer(t.token({ sub: uor.sub, role: 'uor', region: '07', facilities: [] })))).toEqual(sessionRequired);
    expect(await refused(bearer(t.token({ sub: admin.sub, role: 'admin', facilities: [] })))).toEqual(sessionRequired);
    expect((await t.sql(`SELECT 1 FROM api_key`)).length).toBe(keysBefore);

    // a service member: only an administrator makes one; active at once, no invitation e-mail
    const body = { email: 'sistema.casi@example.org', name: 'Sistema casi Liguria', role: 'uor', regionCode: '07', service: true };
    expect((await t.http().post('/api/v1/members').set(headersOf(uor)).send(body)).status).toBe(403);
    const outboxBefore = (await t.sql(`SELECT 1 FROM outbox`)).length;
    const service = await t.http().post('/api/v1/members').set(headersOf(admin)).send(body);
    expect(service.body).toEqual({ id: expect.any(String), status: 'active' });
    expect((await t.sql(`SELECT 1 FROM outbox`)).length).toBe(outboxBefore);
    expect((await t.http().get(`/api/v1/members/${service.body.id}`).set(headersOf(admin))).body).toMatchObject({
      service: true,
      bound: false,
    });

    const forService = await makeKey(admin, { name: 'Sistema casi', memberId: service.body.id });
    expect(forService.memberId).toBe(service.body.id);
    // it acts as the service member: a UOR of Liguria
    expect((await t.http().get(`/api/v1/facilities/${facilityId}/availability/history`).set(bearer(forService.key))).status).toBe(200);
    expect((await t.http().get('/api/v1/audit').set(bearer(forService.key))).status).toBe(403);
    // not for a person, not by a UOR, not for nobody
    expect((await t.http().post('/api/v1/api-keys').set(headersOf(admin)).send({ name: 'x', memberId: manager.sub })).status).toBe(403);
    expect((await t.http().post('/api/v1/api-keys').set(headersOf(uor)).send({ name: 'x', memberId: service.body.id })).status).toBe(403);
    const nobody = await t
      .http()
      .post('/api/v1/api-keys')
      .set(headersOf(admin))
      .send({ name: 'x', memberId: '00000000-0000-4000-8000-000000000000' });
    expect(nobody.status).toBe(404);
    // disabled, then enabled again: active (never "invited", which a person with that e-mail could claim),
    // and its keys stay revoked: disabling revoked them, enabling brings none back
    await t.http().post(`/api/v1/members/${service.body.id}/disable`).set(headersOf(admin));
    expect((await t.http().get('/api/v1/regions').set(bearer(forService.key))).status).toBe(401);
    expect((await t.http().post(`/api/v1/members/${service.body.id}/enable`).set(headersOf(admin))).body.status).toBe('active');
    for (const h of [bearer(forService.key), { 'X-Api-Key': forService.key }])
      expect((await t.http().get('/api/v1/regions').set(h)).status).toBe(401);
    const [row] = await t.sql<{ revoked_at: Date | null; revoked_by: string | null }>(
      `SELECT revoked_at, revoked_by FROM api_key WHERE id = $1`,
      [forService.id],
    );
    expect(row.revoked_at).not.toBeNull();
    const audit = await t.sql<{ actor_sub: string; details: Json }>(
      `SELECT actor_sub, details FROM audit_log WHERE action = 'api_key.revoked' AND object_id = $1`,
      [forService.id],
    );
    expect(audit).toEqual([{ actor_sub: admin.sub, details: { memberId: service.body.id, reason: 'member_disabled' } }]);
    // a new key, made from a session again, works
    const fresh = await makeKey(admin, { name: 'Sistema casi, di nuovo', memberId: service.body.id });
    expect((await t.http().get('/api/v1/regions').set(bearer(fresh.key))).status).toBe(200);
  });

  it('disabling a member revokes her keys, audited; enabled again, the old key still answers 401', async () => {
    const person = await member({ role: 'shelter_manager', facilities: [facilityId] });
    const k = await makeKey(person);
    expect((await t.http().get('/api/v1/regions').set(bearer(k.key))).status).toBe(200);
    expect((await t.http().post(`/api/v1/members/${person.sub}/disable`).set(headersOf(admin))).status).toBe(200);
    // bound to her provider identity, she is active again at once
    expect((await t.http().post(`/api/v1/members/${person.sub}/enable`).set(headersOf(admin))).body.status).toBe('active');
    for (const h of [bearer(k.key), { 'X-Api-Key': k.key }]) expect((await t.http().get('/api/v1/regions').set(h)).status).toBe(401);
    const audit = await t.sql<{ action: string; actor_sub: string; details: Json | null }>(
      `SELECT action, actor_sub, details FROM audit_log WHERE (action = 'api_key.revoked' AND object_id = $1) OR (action = 'member.disabled' AND object_id = $2) ORDER BY id`,
      [k.id, person.sub],
    );
    expect(audit).toEqual([
      { action: 'api_key.revoked', actor_sub: admin.sub, details: { memberId: person.sub, reason: 'member_disabled' } },
      { action: 'member.disabled', actor_sub: admin.sub, details: { keysRevoked: 1 } },
    ]);
  });

  it('at most 20 usable keys per member', async () => {
    const busy = await member({ role: 'national', facilities: [] });
    for (let i = 0; i < 20; i++) await makeKey(busy, { name: `k${i}` });
    const res = await t.http().post('/api/v1/api-keys').set(headersOf(busy)).send({ name: 'una di troppo' });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'too_many_api_keys' });
  });

  it('audits every change with the key’s id; the key itself is in no answer after creation and in no log line', async () => {
    const k = await makeKey(uor, { name: 'Audit' });
    const invited = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(k.key))
      .send({ email: 'via.chiave@example.org', role: 'shelter_manager', facilityIds: [facilityId] });
    expect(invited.status).toBe(201);
    await t.http().get('/api/v1/nothing-here').set(bearer(k.key));
    await t.http().get('/api/v1/audit').set({ 'X-Api-Key': k.key });
    expect((await t.http().delete(`/api/v1/api-keys/${k.id}`).set(bearer(k.key))).status).toBe(200);

    const audit = (await t.http().get('/api/v1/audit?limit=500').set(headersOf(admin))).body.items as Json[];
    const about = audit.filter((a) => a.objectId === k.id).map((a) => [a.action, a.actor.sub, a.details?.memberId]);
    expect(about).toEqual(
      expect.arrayContaining([
        ['api_key.created', uor.sub, uor.sub],
        ['api_key.revoked', uor.sub, uor.sub],
      ]),
    );
    expect(audit.find((a) => a.objectId === k.id && a.action === 'api_key.created')!.details).toMatchObject({ via: 'session' });
    // what she did with the key names the key
    const inviteRow = audit.find((a) => a.action === 'member.invited' && a.objectId === invited.body.id);
    expect(inviteRow).toMatchObject({ actor: { sub: uor.sub, role: 'uor' }, details: { apiKeyId: k.id } });
    const denied = audit.find((a) => a.action === 'auth.denied' && a.details?.apiKeyId === k.id);
    expect(denied).toMatchObject({ actor: { sub: uor.sub } });

    const secret = k.key.slice(4);
    const answers = [
      await t.http().get('/api/v1/api-keys').set(headersOf(uor)),
      await t.http().get('/api/v1/audit?limit=500').set(headersOf(admin)),
      await t.http().get(`/api/v1/api-keys?memberId=${uor.sub}`).set(headersOf(admin)),
    ];
    for (const a of answers) expect(a.text).not.toContain(secret);
    // the logs of everything above (requests made with keys, refusals, 401s)
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.join('\n')).not.toMatch(/apk_[A-Za-z0-9_-]{20,}/);
  });
});
