import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';

type Body = Record<string, any>;
type FacilityOverrides = NonNullable<Parameters<typeof aFacility>[0]>;

describe('proposal rules (e2e)', () => {
  let t: TestApp;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const as = (p: Principal) => bearer(t.token(p));
  const tag = () => `net-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const facility = (o: Parameters<typeof aFacility>[0] = {}) => freshFacility(t, o);

  async function openRequest(o: RequestOverrides = {}) {
    const body = aRequest(o);
    const res = await t.http().post('/api/v1/placement-requests').set(as(uor)).send(body);
    expect(res.status).toBe(201);
    return { ...(res.body as Body), sent: body } as Body & { sent: ReturnType<typeof aRequest> };
  }

  const propose = (requestId: string, facilityId: string, p: Principal = uor) =>
    t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(p)).send({ facilityId });
  async function proposed(requestId: string, facilityId: string) {
    const res = await propose(requestId, facilityId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ requestId, facilityId, status: 'pending' });
    return res.body as Body;
  }
  const act = (id: string, action: 'accept' | 'admit' | 'withdraw' | 'decline', p: Principal, body: object = {}) =>
    t.http().post(`/api/v1/proposals/${id}/${action}`).set(as(p)).send(body);
  async function admitted(requestId: string, f: { id: string; manager: Principal }) {
    const p = await proposed(requestId, f.id);
    expect((await act(p.id, 'accept', f.manager)).status).toBe(200);
    const res = await act(p.id, 'admit', f.manager);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('admitted');
    return res.body as Body;
  }

  const readRequest = async (id: string) => (await t.http().get(`/api/v1/placement-requests/${id}`).set(as(uor))).body as Body;
  const readProposal = async (id: string) => (await t.http().get(`/api/v1/proposals/${id}`).set(as(uor))).body as Body;
  const candidates = async (requestId: string) => {
    const res = await t.http().get(`/api/v1/placement-requests/${requestId}/candidates`).query({ limit: 200 }).set(as(uor));
    expect(res.status).toBe(200);
    return res.body as { candidates: Body[]; excluded: { reason: string; count: number }[] };
  };
  const count = async (sql: string, params: unknown[]) => (await t.sql<{ n: number }>(sql, params))[0].n;
  const holdRows = (facilityId: string) => count(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1`, [facilityId]);
  const liveHolds = (facilityId: string) =>
    count(`SELECT count(*)::int AS n FROM place_hold WHERE facility_id = $1 AND released_at IS NULL`, [facilityId]);
  const proposalRows = (requestId: string) => count(`SELECT count(*)::int AS n FROM proposal WHERE request_id = $1`, [requestId]);
  const places = async (facilityId: string) =>
    (await t.http().get(`/api/v1/facilities/${facilityId}/availability`).set(as(admin))).body.places as Body[];

  /** Nothing was written by a refused proposal: no proposal, no (new) hold, the request still open. */
  async function expectNothingHeld(requestId: string, facilityId: string, holdRowsBefore = 0) {
    expect(await proposalRows(requestId)).toBe(0);
    expect(await holdRows(facilityId)).toBe(holdRowsBefore);
    expect((await places(facilityId)).every((p) => p.held === 0)).toBe(true);
    expect((await readRequest(requestId)).status).toBe('open');
  }

  describe('hard constraints', () => {
    const maleOnly = { genders: ['male'], adults: true, minors: false, children: true } as FacilityOverrides['accepts'];

    it.each<[string, FacilityOverrides, RequestOverrides]>([
      ['gender_not_accepted', { accepts: maleOnly }, {}],
      ['excluded_area', { provinceCode: 'SP' }, { safety: { excludedProvinces: ['SP'] } }],
      ['excluded_area', { provinceCode: 'LU' }, { safety: { excludedRegions: ['09'] } }],
      // where she was exploited (issue 28), apart from where she is now (origin GE)
      ['exploitation_area', { provinceCode: 'SP' }, { safety: { exploitationProvinces: ['SP'] } }],
      ['too_close', { provinceCode: 'SV' }, { safety: { exploitationProvinces: ['GE'], minDistanceKm: 50 } }],
      // nothing known of where she was exploited: from where she is now
      ['too_close', { provinceCode: 'GE' }, { safety: { minDistanceKm: 50 } }],
      ['too_far', { provinceCode: 'BS' }, { preferences: { maxDistanceKm: 50 } }],
      ['out_of_region', { provinceCode: 'LU' }, { preferences: { crossRegion: false } }],
      ['age_not_accepted', { accepts: { genders: ['female'], adults: false, minors: true, children: false } }, {}],
      [
        'children_not_accepted',
        {
          accepts: { genders: ['female'], adults: true, minors: false, children: false },
          places: [{ kind: 'mother_child', total: 1, childCapacity: 2 }],
        },
        { person: { children: [{ age: 4 }] } },
      ],
      ['protection_too_low', { type: 'semi_autonomy_flat' }, { protectionLevel: 'high' }],
      ['needs_unsupported', { supports: [] }, { person: { needs: ['disability'] } }],
      ['needs_unsupported', { supports: ['mental_health'] }, { person: { pregnant: true } }],
      ['not_accepting', { acceptingNewGuests: false, intakeNote: 'lavori in corso' }, {}],
    ])('answers 422 constraint_violated [%s] and holds nothing', async (reason, fo, ro) => {
      const f = await facility(fo);
      const r = await openRequest(ro);
      const res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'constraint_violated' });
      expect(res.body.reasons).toEqual([reason]);
      await expectNothingHeld(r.id, f.id);
      // matching agrees: the facility is not a candidate
      expect((await candidates(r.id)).candidates.map((c) => c.facilityId)).not.toContain(f.id);
    });

    it('lists both reasons when the facility fails two constraints at once', async () => {
      const f = await facility({ provinceCode: 'SP', accepts: maleOnly });
      const r = await openRequest({ safety: { excludedProvinces: ['SP'] } });
      const res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('constraint_violated');
      expect([...res.body.reasons].sort()).toEqual(['excluded_area', 'gender_not_accepted']);
      await expectNothingHeld(r.id, f.id);
    });

    it('lists every failing reason, and never no_free_place among them, even for a full facility', async () => {
      const f = await facility({
        type: 'semi_autonomy_flat',
        provinceCode: 'LU',
        accepts: { genders: ['male'], adults: true, minors: false, children: false },
        supports: [],
        acceptingNewGuests: false,
        intakeNote: 'chiusa',
        places: [{ kind: 'adult', total: 1, occupied: 1 }],
      });
      const r = await openRequest({
        protectionLevel: 'high',
        person: { children: [{ age: 2 }], needs: ['disability'] },
        safety: { excludedRegions: ['09'] },
        preferences: { crossRegion: false, maxDistanceKm: 50 },
      });
      const res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('constraint_violated');
      expect([...res.body.reasons].sort()).toEqual(
        [
          'children_not_accepted',
          'excluded_area',
          'gender_not_accepted',
          'needs_unsupported',
          'not_accepting',
          'out_of_region',
          'protection_too_low',
          'too_far',
        ].sort(),
      );
      expect(res.body.reasons).not.toContain('no_free_place');
      await expectNothingHeld(r.id, f.id);
    });

    it('lets the proposal through once the operator changes the constraint, and audits the change by field name only', async () => {
      const f = await facility({ provinceCode: 'SP' });
      const men = await facility({ provinceCode: 'SP', accepts: maleOnly });
      const r = await openRequest({ safety: { excludedProvinces: ['SP', 'IM'], conflictTags: ['keep-me'] } });
      expect((await propose(r.id, f.id)).status).toBe(422);
      const patched = await t
        .http()
        .patch(`/api/v1/placement-requests/${r.id}`)
        .set(as(uor))
        .send({ safety: { excludedProvinces: ['IM'], excludedRegions: [], conflictTags: ['keep-me'] } });
      expect(patched.status).toBe(200);
      expect(patched.body.safety).toMatchObject({ excludedProvinces: ['IM'], conflictTags: ['keep-me'] });
      const audit = await t.sql<{ actor_sub: string; details: unknown }>(
        `SELECT actor_sub, details FROM audit_log WHERE action = 'request.update_constraints' AND object_id = $1`,
        [r.id],
      );
      expect(audit).toEqual([{ actor_sub: uor.sub, details: { fields: ['safety'] } }]);

      const ok = await propose(r.id, f.id);
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ facilityId: f.id, status: 'pending', placeKind: 'adult' });
      expect(await liveHolds(f.id)).toBe(1);
      // the other failure stays, alone now
      const still = await propose(r.id, men.id);
      expect(still.status).toBe(422);
      expect(still.body.reasons).toEqual(['gender_not_accepted']);
      expect(await holdRows(men.id)).toBe(0);
    });

    it('answers 409 no_free_place for a full facility that passes every constraint, and holds nothing', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 2, occupied: 1, outOfService: 1 }] });
      const r = await openRequest();
      const res = await propose(r.id, f.id);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('no_free_place');
      await expectNothingHeld(r.id, f.id);
    });

    it('answers 409 no_free_place once the last place is held by another request', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 1 }] });
      const first = await openRequest();
      const second = await openRequest();
      await proposed(first.id, f.id);
      const res = await propose(second.id, f.id);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('no_free_place');
      expect(await liveHolds(f.id)).toBe(1);
      expect(await proposalRows(second.id)).toBe(0);
    });
  });

  describe('conflict tags', () => {
    it('excludes a facility that hosts a person of the same network, until she is discharged', async () => {
      const net = tag();
      const f = await facility({ provinceCode: 'IM' });
      const hosted = await openRequest({ safety: { conflictTags: [net, tag()] } });
      const placement = await admitted(hosted.id, f);

      const r = await openRequest({ safety: { conflictTags: [tag(), net] } });
      const c = await candidates(r.id);
      expect(c.candidates.map((x) => x.facilityId)).not.toContain(f.id);
      expect(c.excluded).toContainEqual({ reason: 'conflict', count: 1, facilities: [] });
      const before = await holdRows(f.id); // the admitted person's (spent) hold
      const res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('constraint_violated');
      expect(res.body.reasons).toContain('conflict');
      await expectNothingHeld(r.id, f.id, before);

      // a person of another network may go there
      const unrelated = await openRequest({ safety: { conflictTags: [tag()] } });
      expect((await candidates(unrelated.id)).candidates.map((x) => x.facilityId)).toContain(f.id);

      const discharged = await t
        .http()
        .post(`/api/v1/placements/${placement.placementId}/discharge`)
        .set(as(f.manager))
        .send({ reason: 'completed', date: dayOf(t.clock.now()) });
      expect(discharged.status).toBe(200);
      expect((await candidates(r.id)).candidates.map((x) => x.facilityId)).toContain(f.id);
      expect((await propose(r.id, f.id)).status).toBe(201);
    });

    it('excludes a facility that holds a place (pending or accepted proposal) for a person of the same network', async () => {
      const net = tag();
      const f = await facility({ provinceCode: 'SV' });
      const holder = await openRequest({ safety: { conflictTags: [net] } });
      const pending = await proposed(holder.id, f.id);

      const r = await openRequest({ safety: { conflictTags: [net] } });
      let c = await candidates(r.id);
      expect(c.candidates.map((x) => x.facilityId)).not.toContain(f.id);
      expect(c.excluded).toContainEqual({ reason: 'conflict', count: 1, facilities: [] });
      let res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body.reasons).toEqual(['conflict']);
      expect(await liveHolds(f.id)).toBe(1);

      // accepted: still holds
      expect((await act(pending.id, 'accept', f.manager)).status).toBe(200);
      res = await propose(r.id, f.id);
      expect(res.status).toBe(422);
      expect(res.body.reasons).toEqual(['conflict']);

      // withdrawn: the place is free of the conflict
      expect((await act(pending.id, 'withdraw', uor)).status).toBe(200);
      c = await candidates(r.id);
      expect(c.candidates.map((x) => x.facilityId)).toContain(f.id);
      expect((await propose(r.id, f.id)).status).toBe(201);
    });

    it("does not count the request's own proposal as a conflict", async () => {
      const net = tag();
      const a = await facility({ provinceCode: 'SV' });
      const r = await openRequest({ safety: { conflictTags: [net] } });
      await proposed(r.id, a.id);
      expect((await candidates(r.id)).excluded.find((x) => x.reason === 'conflict')).toBeUndefined();
    });
  });

  describe('lifecycle rules', () => {
    it('answers 409 already_proposed to a second proposal to the same facility and holds one place', async () => {
      const f = await facility();
      const r = await openRequest();
      const first = await proposed(r.id, f.id);
      const again = await propose(r.id, f.id);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('already_proposed');
      expect(await proposalRows(r.id)).toBe(1);
      expect(await liveHolds(f.id)).toBe(1);
      expect((await readProposal(first.id)).status).toBe('pending');
    });

    it('needs a valid reason to decline (400 otherwise), then frees the hold and reopens the request', async () => {
      const f = await facility();
      const r = await openRequest();
      const p = await proposed(r.id, f.id);
      for (const body of [{}, { reason: 'bogus' }, { reason: '' }, { reason: null }]) {
        const res = await act(p.id, 'decline', f.manager, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'validation_failed' });
      }
      expect((await readProposal(p.id)).status).toBe('pending');
      expect(await liveHolds(f.id)).toBe(1);
      expect((await readRequest(r.id)).status).toBe('proposed');

      const declined = await act(p.id, 'decline', f.manager, { reason: 'profile_not_suitable' });
      expect(declined.status).toBe(200);
      expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'profile_not_suitable', holdExpiresAt: null });
      expect(await liveHolds(f.id)).toBe(0);
      expect((await places(f.id))[0]).toMatchObject({ held: 0, free: 4 });
      expect((await readRequest(r.id)).status).toBe('open');
    });

    it('lets only the facility accept and only the UOR withdraw', async () => {
      const f = await facility();
      const other = await facility();
      const r = await openRequest();
      const p = await proposed(r.id, f.id);

      const byUor = await act(p.id, 'accept', uor);
      expect(byUor.status).toBe(403);
      expect(byUor.body.code).toBe('forbidden');
      expect((await act(p.id, 'admit', uor)).status).toBe(403);
      const byManager = await act(p.id, 'withdraw', f.manager);
      expect(byManager.status).toBe(403);
      expect(byManager.body.code).toBe('forbidden');
      // out of scope: 404
      expect((await act(p.id, 'accept', other.manager)).status).toBe(404);
      expect((await act(p.id, 'decline', other.manager, { reason: 'other' })).status).toBe(404);
      expect((await act(p.id, 'withdraw', principals.uor('09'))).status).toBe(404);
      expect((await act(p.id, 'accept', principals.national())).status).toBe(403);
      expect((await readProposal(p.id)).status).toBe('pending');
      expect(await liveHolds(f.id)).toBe(1);

      expect((await act(p.id, 'accept', f.manager)).status).toBe(200);
      expect((await readProposal(p.id)).status).toBe('accepted');
    });

    it('withdraws the live proposals of a cancelled request and frees their holds', async () => {
      const a = await facility();
      const b = await facility();
      const c = await facility();
      const r = await openRequest();
      const pa = await proposed(r.id, a.id);
      const pb = await proposed(r.id, b.id);
      const pc = await proposed(r.id, c.id);
      expect((await act(pc.id, 'decline', c.manager, { reason: 'no_longer_free' })).status).toBe(200);
      expect([await liveHolds(a.id), await liveHolds(b.id)]).toEqual([1, 1]);

      const cancelled = await t.http().post(`/api/v1/placement-requests/${r.id}/cancel`).set(as(uor)).send({});
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      const byId = new Map((cancelled.body.proposals as Body[]).map((x) => [x.id, x]));
      expect(byId.get(pa.id)).toMatchObject({ status: 'withdrawn', holdExpiresAt: null });
      expect(byId.get(pb.id)).toMatchObject({ status: 'withdrawn', holdExpiresAt: null });
      expect(byId.get(pc.id)).toMatchObject({ status: 'declined' });

      for (const f of [a, b, c]) {
        expect(await liveHolds(f.id)).toBe(0);
        expect((await places(f.id))[0]).toMatchObject({ held: 0, free: 4 });
      }
      const reasons = await t.sql<{ release_reason: string }>(
        `SELECT release_reason FROM place_hold WHERE facility_id = ANY($1::uuid[]) ORDER BY release_reason`,
        [[a.id, b.id]],
      );
      expect(reasons.map((x) => x.release_reason)).toEqual(['cancelled', 'cancelled']);

      // a cancelled request proposes nothing more, and the manager can no longer accept
      const late = await propose(r.id, c.id);
      expect(late.status).toBe(409);
      expect(await liveHolds(c.id)).toBe(0);
      expect((await act(pa.id, 'accept', a.manager)).status).toBe(409);
    });

    it('frees the place held by an accepted proposal when its request is cancelled', async () => {
      const f = await facility({ places: [{ kind: 'adult', total: 1 }] });
      const r = await openRequest();
      const p = await proposed(r.id, f.id);
      expect((await act(p.id, 'accept', f.manager)).status).toBe(200);
      expect((await places(f.id))[0]).toMatchObject({ held: 1, free: 0 });
      const cancelled = await t.http().post(`/api/v1/placement-requests/${r.id}/cancel`).set(as(uor)).send({});
      expect(cancelled.status).toBe(200);
      expect((await readProposal(p.id)).status).toBe('withdrawn');
      expect((await places(f.id))[0]).toMatchObject({ held: 0, free: 1 });
      // the freed place can be offered to someone else
      const next = await openRequest();
      expect((await propose(next.id, f.id)).status).toBe(201);
    });
  });
});
