import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';

type Body = Record<string, any>;

/** Every key of a JSON value, at any depth. */
function keysDeep(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysDeep(x, into));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      keysDeep(x, into);
    }
  return into;
}

describe('placement request and proposal visibility (e2e)', () => {
  let t: TestApp;
  const admin = principals.admin();
  const uor07 = principals.uor('07');
  const uor09 = principals.uor('09');
  const national = principals.national();
  const as = (p: Principal) => bearer(t.token(p));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const facility = (o: Parameters<typeof aFacility>[0] = {}) => freshFacility(t, o);

  async function openRequest(o: RequestOverrides = {}, p: Principal = uor07) {
    const body = aRequest(o);
    const res = await t.http().post('/api/v1/placement-requests').set(as(p)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'open', regionCode: p.region, caseCode: body.caseCode });
    return { ...(res.body as Body), sent: body } as Body & { sent: ReturnType<typeof aRequest> };
  }

  async function propose(requestId: string, facilityId: string, p: Principal = uor07) {
    const res = await t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(p)).send({ facilityId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ requestId, facilityId, status: 'pending' });
    return res.body as Body;
  }

  const decide = (id: string, action: 'accept' | 'admit' | 'withdraw', p: Principal) =>
    t.http().post(`/api/v1/proposals/${id}/${action}`).set(as(p)).send({});

  const auditRows = (action: string, objectId: string) =>
    t.sql<{ actor_sub: string; actor_role: string; details: unknown }>(
      `SELECT actor_sub, actor_role, details FROM audit_log WHERE action = $1 AND object_id = $2 ORDER BY id`,
      [action, objectId],
    );

  /** The requests a caller may try on one placement request. */
  const requestEndpoints = (id: string) => [
    { name: 'GET', call: (p: Principal) => t.http().get(`/api/v1/placement-requests/${id}`).set(as(p)) },
    { name: 'candidates', call: (p: Principal) => t.http().get(`/api/v1/placement-requests/${id}/candidates`).set(as(p)) },
    { name: 'PATCH', call: (p: Principal) => t.http().patch(`/api/v1/placement-requests/${id}`).set(as(p)).send({ urgency: 'planned' }) },
    { name: 'cancel', call: (p: Principal) => t.http().post(`/api/v1/placement-requests/${id}/cancel`).set(as(p)).send({}) },
    {
      name: 'propose',
      call: (p: Principal, facilityId?: string) =>
        t.http().post(`/api/v1/placement-requests/${id}/proposals`).set(as(p)).send({ facilityId }),
    },
  ];

  describe('placement requests', () => {
    it('shows a request to the UOR of its region and to admins', async () => {
      const f = await facility();
      const r = await openRequest();
      await propose(r.id, f.id);
      const own = await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor07));
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: r.id, caseCode: r.sent.caseCode, person: r.sent.person, regionCode: '07', status: 'proposed' });
      expect(own.body.proposals).toHaveLength(1);
      // another operator of the same regional unit
      const colleague = { ...uor07, sub: 'uor-07-colleague' };
      expect((await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(colleague))).status).toBe(200);
      const byAdmin = await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(admin));
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.person).toEqual(r.sent.person);
      expect((await t.http().get(`/api/v1/placement-requests/${r.id}/candidates`).set(as(admin))).status).toBe(200);
    });

    it('answers 404 to a UOR of another region on every route of the request, and changes nothing', async () => {
      const f = await facility();
      const other = await facility({ provinceCode: 'SP' });
      const r = await openRequest({ note: 'nota di prova' });
      const proposal = await propose(r.id, f.id);
      for (const e of requestEndpoints(r.id)) {
        const res = await e.call(uor09, other.id);
        expect({ route: e.name, status: res.status, code: res.body.code }).toEqual({ route: e.name, status: 404, code: 'not_found' });
        expect(JSON.stringify(res.body)).not.toContain(r.sent.caseCode);
      }
      // nothing moved: still proposed, one pending proposal, urgency unchanged, one place held
      const after = await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor07));
      expect(after.body).toMatchObject({ status: 'proposed', urgency: 'immediate' });
      expect(after.body.proposals.map((x: Body) => [x.id, x.status])).toEqual([[proposal.id, 'pending']]);
      const holds = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`, [
        other.id,
      ]);
      expect(holds[0].n).toBe(0);
    });

    it('refuses national and shelter managers (even of a proposed facility) on every route, exactly as for a request that does not exist', async () => {
      const f = await facility();
      const r = await openRequest();
      await propose(r.id, f.id);
      const manager = f.manager;
      const missing = randomUUID();
      for (const p of [national, manager]) {
        const real = requestEndpoints(r.id);
        const ghost = requestEndpoints(missing);
        for (let i = 0; i < real.length; i++) {
          const a = await real[i].call(p, f.id);
          const b = await ghost[i].call(p, f.id);
          // the contract's 404 for objects out of scope; the role guard answers 403 before any lookup,
          // which leaks nothing either: what matters is that an existing request answers like a missing one
          expect([403, 404]).toContain(a.status);
          expect({ route: real[i].name, role: p.role, status: a.status, code: a.body.code }).toEqual({
            route: real[i].name,
            role: p.role,
            status: b.status,
            code: b.body.code,
          });
          expect(JSON.stringify(a.body)).not.toContain(r.sent.caseCode);
        }
      }
      const after = await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor07));
      expect(after.body).toMatchObject({ status: 'proposed', urgency: 'immediate' });
      expect(after.body.proposals).toHaveLength(1);
    });

    it("lists only the region's requests, and without profiles", async () => {
      const mine = await openRequest({ note: 'nota-lista-07' });
      const theirs = await openRequest({}, uor09);
      const list = async (p: Principal) => {
        const res = await t.http().get('/api/v1/placement-requests').query({ limit: 200 }).set(as(p));
        expect(res.status).toBe(200);
        return res.body.items as Body[];
      };
      const ids07 = (await list(uor07)).map((x) => x.id);
      expect(ids07).toContain(mine.id);
      expect(ids07).not.toContain(theirs.id);
      const ids09 = (await list(uor09)).map((x) => x.id);
      expect(ids09).toContain(theirs.id);
      expect(ids09).not.toContain(mine.id);
      const all = await list(admin);
      expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
      for (const items of [await list(uor07), all]) {
        const keys = keysDeep(items);
        for (const k of ['person', 'safety', 'origin', 'note', 'conflictTags', 'preferences']) expect(keys).not.toContain(k);
        expect(JSON.stringify(items)).not.toContain('nota-lista-07');
      }
      expect((await t.http().get('/api/v1/placement-requests').set(as(national))).status).toBe(403);
      expect(
        (
          await t
            .http()
            .get('/api/v1/placement-requests')
            .set(as(principals.manager(randomUUID())))
        ).status,
      ).toBe(403);
    });
  });

  describe('proposals', () => {
    const NOTE = `nota-riservata-${randomUUID().slice(0, 8)}`;
    const TAG = `rete-${randomUUID().slice(0, 8)}`;
    const FORBIDDEN_KEYS = [
      'safety',
      'origin',
      'note',
      'conflictTags',
      'regionCode',
      'preferences',
      'excludedProvinces',
      'excludedRegions',
      'minDistanceKm',
      'previousPlacementId',
    ];

    async function scenario() {
      const a = await facility({ provinceCode: 'GE', supports: ['mental_health'] });
      const b = await facility({ provinceCode: 'SP', supports: ['mental_health'] });
      const r = await openRequest({
        note: NOTE,
        origin: { provinceCode: 'SV' },
        safety: { excludedProvinces: ['BS'], excludedRegions: ['20'], minDistanceKm: 5, conflictTags: [TAG] },
        preferences: { crossRegion: true, maxDistanceKm: 900 },
        person: { languages: ['en', 'pcm'], needs: ['mental_health'] },
      });
      const pa = await propose(r.id, a.id);
      const pb = await propose(r.id, b.id);
      return { a, b, r, pa, pb };
    }

    it('shows a manager only the proposals addressed to its facilities', async () => {
      const { a, b, pa, pb } = await scenario();
      const list = async (p: Principal) => {
        const res = await t.http().get('/api/v1/proposals').query({ limit: 200 }).set(as(p));
        expect(res.status).toBe(200);
        return res.body.items as Body[];
      };
      const ofA = await list(a.manager);
      expect(ofA.map((x) => x.id)).toEqual([pa.id]);
      expect(ofA.every((x) => x.facilityId === a.id)).toBe(true);
      // the inbox carries no profile
      expect(keysDeep(ofA)).not.toContain('case');
      expect(keysDeep(ofA)).not.toContain('person');
      expect((await list(b.manager)).map((x) => x.id)).toEqual([pb.id]);
      const both = principals.manager(a.id, b.id);
      expect((await list(both)).map((x) => x.id).sort()).toEqual([pa.id, pb.id].sort());
      // a manager of an unrelated facility sees none of them
      const stranger = await facility();
      expect((await list(stranger.manager)).map((x) => x.id)).toEqual([]);

      const other = await t.http().get(`/api/v1/proposals/${pb.id}`).set(as(a.manager));
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('not_found');
      expect((await t.http().get(`/api/v1/proposals/${pa.id}`).set(as(stranger.manager))).status).toBe(404);
    });

    it('gives the manager exactly the case it needs to decide: no safety, origin, note, tags or region', async () => {
      const { a, r, pa } = await scenario();
      const res = await t.http().get(`/api/v1/proposals/${pa.id}`).set(as(a.manager));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: pa.id, requestId: r.id, facilityId: a.id, status: 'pending' });
      expect(Object.keys(res.body.case).sort()).toEqual(['caseCode', 'person', 'protectionLevel', 'stage', 'urgency']);
      expect(res.body.case).toEqual({
        caseCode: r.sent.caseCode,
        person: r.sent.person,
        protectionLevel: r.sent.protectionLevel,
        stage: r.sent.stage,
        urgency: r.sent.urgency,
      });
      const keys = keysDeep(res.body);
      for (const k of FORBIDDEN_KEYS) expect({ key: k, present: keys.has(k) }).toEqual({ key: k, present: false });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(NOTE);
      expect(text).not.toContain(TAG);
      expect(text).not.toContain('"SV"');
      expect(text).not.toContain('"BS"');
      expect(text).not.toContain('"07"');
    });

    it('shows the UOR of the region its proposals without the case, and nobody else', async () => {
      const { a, r, pa } = await scenario();
      const own = await t.http().get(`/api/v1/proposals/${pa.id}`).set(as(uor07));
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: pa.id, requestId: r.id, facilityId: a.id });
      expect(own.body).not.toHaveProperty('case');
      const uorList = await t.http().get('/api/v1/proposals').query({ limit: 200 }).set(as(uor07));
      expect(uorList.body.items.map((x: Body) => x.id)).toContain(pa.id);

      const foreign = await t.http().get(`/api/v1/proposals/${pa.id}`).set(as(uor09));
      expect(foreign.status).toBe(404);
      const foreignList = await t.http().get('/api/v1/proposals').query({ limit: 200 }).set(as(uor09));
      expect(foreignList.status).toBe(200);
      expect(foreignList.body.items.map((x: Body) => x.id)).not.toContain(pa.id);

      const nationalList = await t.http().get('/api/v1/proposals').set(as(national));
      expect(nationalList.status).toBe(403);
      expect(nationalList.body.code).toBe('forbidden');
      const nationalOne = await t.http().get(`/api/v1/proposals/${pa.id}`).set(as(national));
      expect([403, 404]).toContain(nationalOne.status);
      expect(JSON.stringify(nationalOne.body)).not.toContain(r.sent.caseCode);
    });
  });

  describe('audit of profile reads', () => {
    it('records every read of a profile (request detail, proposal detail by the facility) and never the profile itself', async () => {
      const f = await facility();
      const caseCode = `AUD-${randomUUID().slice(0, 8)}`;
      const note = `nota-audit-${randomUUID().slice(0, 8)}`;
      const tag = `tag-audit-${randomUUID().slice(0, 8)}`;
      const r = await openRequest({
        caseCode,
        note,
        safety: { conflictTags: [tag] },
        person: { age: 37, languages: ['ti', 'ar'], exploitation: ['domestic_servitude'] },
      });
      const p = await propose(r.id, f.id);
      // creating is not a read
      expect(await auditRows('request.read_profile', r.id)).toHaveLength(0);

      for (let i = 0; i < 2; i++) expect((await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor07))).status).toBe(200);
      expect((await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(admin))).status).toBe(200);
      let rows = await auditRows('request.read_profile', r.id);
      expect(rows.map((x) => [x.actor_sub, x.actor_role])).toEqual([
        [uor07.sub, 'uor'],
        [uor07.sub, 'uor'],
        [admin.sub, 'admin'],
      ]);

      expect((await t.http().get(`/api/v1/proposals/${p.id}`).set(as(f.manager))).status).toBe(200);
      rows = await auditRows('request.read_profile', r.id);
      expect(rows).toHaveLength(4);
      expect(rows[3]).toMatchObject({ actor_sub: f.manager.sub, actor_role: 'shelter_manager' });

      // lists carry no profile and are not profile reads; a refused read is not one either
      await t.http().get('/api/v1/placement-requests').set(as(uor07)).expect(200);
      await t.http().get('/api/v1/proposals').set(as(f.manager)).expect(200);
      await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor09)).expect(404);
      expect(await auditRows('request.read_profile', r.id)).toHaveLength(4);

      // no audit row anywhere carries the case code, note, tag or any profile value
      const leaks = await t.sql<{ action: string; details: string }>(
        `SELECT action, details::text AS details FROM audit_log
          WHERE details::text ILIKE ANY($1::text[])`,
        [[`%${caseCode}%`, `%${note}%`, `%${tag}%`, '%domestic_servitude%', '%"person"%', '%"gender"%', '%"age"%', '%female%', '%"ti"%']],
      );
      expect(leaks).toEqual([]);
      for (const row of rows) {
        // ids are random hex: take them out before looking for the age
        const details = JSON.stringify(row.details ?? {}).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
        for (const v of [caseCode, note, tag, 'person', 'gender', '37']) expect(details).not.toContain(v);
      }
    });
  });

  describe('secret address', () => {
    const today = () => dayOf(t.clock.now());

    async function secretFacility() {
      const address = `Vicolo Nascosto ${randomUUID()}, Genova`;
      const f = await facility({ secretAddress: true, address, location: { lat: 44.41, lon: 8.93 }, provinceCode: 'GE' });
      return { ...f, address };
    }
    const read = (p: Principal, id: string) => t.http().get(`/api/v1/facilities/${id}`).set(as(p));
    const reveals = async (facilityId: string, sub: string) =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'facility.read_secret_address' AND object_id = $1 AND actor_sub = $2`,
          [facilityId, sub],
        )
      )[0].n;

    async function expectHidden(p: Principal, f: { id: string; address: string }) {
      const before = await reveals(f.id, p.sub);
      const res = await read(p, f.id);
      expect(res.status).toBe(200);
      expect(res.body.address ?? null).toBeNull();
      expect(res.body.location ?? null).toBeNull();
      expect(JSON.stringify(res.body)).not.toContain(f.address);
      expect(await reveals(f.id, p.sub)).toBe(before);
    }
    async function expectShown(p: Principal, f: { id: string; address: string }) {
      const before = await reveals(f.id, p.sub);
      const res = await read(p, f.id);
      expect(res.status).toBe(200);
      expect(res.body.address).toBe(f.address);
      expect(res.body.addressHidden).toBe(false);
      expect(await reveals(f.id, p.sub)).toBe(before + 1);
    }

    it('reveals it to the requesting UOR only from acceptance, never to another region, and hides it again after discharge', async () => {
      const f = await secretFacility();
      const r = await openRequest();
      // before any proposal
      await expectHidden(uor07, f);
      await expectHidden(uor09, f);
      const p = await propose(r.id, f.id);
      // a pending proposal reveals nothing
      await expectHidden(uor07, f);
      const hidden = await read(uor07, f.id);
      expect(hidden.body.addressHidden).toBe(true);

      expect((await decide(p.id, 'accept', f.manager)).status).toBe(200);
      await expectShown(uor07, f);
      await expectShown({ ...uor07, sub: 'uor-07-colleague' }, f);
      await expectHidden(uor09, f);
      const byNational = await read(national, f.id);
      expect(JSON.stringify(byNational.body)).not.toContain(f.address);

      const admitted = await decide(p.id, 'admit', f.manager);
      expect(admitted.status).toBe(200);
      expect(admitted.body).toMatchObject({ status: 'admitted' });
      await expectShown(uor07, f);
      await expectHidden(uor09, f);

      const discharged = await t
        .http()
        .post(`/api/v1/placements/${admitted.body.placementId}/discharge`)
        .set(as(uor07))
        .send({ reason: 'completed', date: today() });
      expect(discharged.status).toBe(200);
      expect(discharged.body.status).toBe('discharged');
      await expectHidden(uor07, f);
      await expectHidden(uor09, f);
    });

    it('hides it again when the accepted proposal is withdrawn', async () => {
      const f = await secretFacility();
      const r = await openRequest();
      const p = await propose(r.id, f.id);
      expect((await decide(p.id, 'accept', f.manager)).status).toBe(200);
      await expectShown(uor07, f);
      expect((await decide(p.id, 'withdraw', uor07)).status).toBe(200);
      await expectHidden(uor07, f);
    });

    it('is not revealed by a declined proposal', async () => {
      const f = await secretFacility();
      const r = await openRequest();
      const p = await propose(r.id, f.id);
      expect((await t.http().post(`/api/v1/proposals/${p.id}/decline`).set(as(f.manager)).send({ reason: 'no_longer_free' })).status).toBe(
        200,
      );
      await expectHidden(uor07, f);
    });
  });
});
