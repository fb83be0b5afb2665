import { readFileSync } from 'node:fs';
import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import { dayOf } from '../../src/domain/italian-day.js';
import { aFacility, aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, any>;
const HOUR = 3_600_000;
const fieldsOf = (body: Json): string[] => (body.fields ?? []).map((f: { field: string }) => f.field);

/** The seeds' practice (issue 12): richer facilities, faithful transfers, and everyone told. */
describe('the seeds’ practice (e2e)', () => {
  let t: TestApp;
  const admin = principals.admin();
  const uor = principals.uor('07');
  const uorTuscany = principals.uor('09');
  const as = (p: Parameters<TestApp['token']>[0]) => bearer(t.token(p));
  const outbox = (event: string) =>
    t.sql<{ recipient: string; subject: string; body_text: string }>(
      `SELECT recipient, subject, body_text FROM outbox WHERE event = $1 ORDER BY created_at, id`,
      [event],
    );

  const createRequest = async (o: RequestOverrides = {}) => {
    const res = await t.http().post('/api/v1/placement-requests').set(as(uor)).send(aRequest(o));
    if (res.status !== 201) throw new Error(`request not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  const propose = (requestId: string, facilityId: string) =>
    t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(uor)).send({ facilityId });
  const act = (proposalId: string, action: string, p: Parameters<TestApp['token']>[0], body: Json = {}) =>
    t.http().post(`/api/v1/proposals/${proposalId}/${action}`).set(as(p)).send(body);
  const candidates = async (requestId: string) =>
    (await t.http().get(`/api/v1/placement-requests/${requestId}/candidates?limit=200`).set(as(uor))).body as Json;
  const places = async (facilityId: string, kind = 'adult') =>
    (await t.http().get(`/api/v1/facilities/${facilityId}/availability`).set(as(admin))).body.places.find(
      (p: { kind: string }) => p.kind === kind,
    );

  /** Request → proposal → accept → admit; the placement. */
  async function place(facility: { id: string; manager: Parameters<TestApp['token']>[0] }, o: RequestOverrides = {}) {
    const r = await createRequest(o);
    const p = (await propose(r.id, facility.id)).body;
    expect((await act(p.id, 'accept', facility.manager)).status).toBe(200);
    const admitted = await act(p.id, 'admit', facility.manager);
    expect(admitted.status).toBe(200);
    return { request: r, proposal: p, placementId: admitted.body.placementId as string };
  }

  beforeAll(async () => {
    t = await startTestApp();
    await t.http().put('/api/v1/regions/09/contact').set(as(admin)).send({ uorEmail: 'uor.toscana@example.org' }).expect(200);
    await t.http().put('/api/v1/regions/07/contact').set(as(admin)).send({ uorEmail: 'uor.liguria@example.org' }).expect(200);
  });
  afterAll(() => t.close());

  describe('facilities', () => {
    const rich = () =>
      aFacility({
        type: 'social_housing',
        provinceCode: 'GE',
        accepts: { genders: ['female'], adults: true, minors: true, children: true, boysUpToAge: 12 },
        onCallPhone: '+393331234567',
        services: ['legal', 'italian_classes'],
        wheelchairAccessible: true,
        lgbtSafe: true,
        legalStatusesAccepted: ['art18_permit', 'no_permit'],
        expectedStayDays: 180,
        educatorHoursPerWeek: 12,
        places: [{ kind: 'mother_child', total: 2, childCapacity: 2 }],
      });

    it('keeps every new field, defaults the new types to low protection, and shows onCallPhone exactly where contactEmail is', async () => {
      const created = await t.http().post('/api/v1/facilities').set(as(admin)).send(rich());
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        type: 'social_housing',
        protectionLevel: 'low',
        accepts: { boysUpToAge: 12, minors: true },
        services: ['legal', 'italian_classes'],
        wheelchairAccessible: true,
        lgbtSafe: true,
        legalStatusesAccepted: ['art18_permit', 'no_permit'],
        expectedStayDays: 180,
        educatorHoursPerWeek: 12,
        onCallPhone: '+393331234567',
      });
      const emergency = await t
        .http()
        .post('/api/v1/facilities')
        .set(as(admin))
        .send(aFacility({ type: 'emergency_accommodation' }));
      expect(emergency.body).toMatchObject({
        type: 'emergency_accommodation',
        protectionLevel: 'low',
        services: [],
        wheelchairAccessible: false,
        onCallPhone: null,
      });

      const id = created.body.id;
      const manager = principals.manager(id);
      for (const [who, p] of [
        ['admin', admin],
        ['own UOR', uor],
        ['other region UOR', uorTuscany],
        ['national', principals.national()],
        ['its manager', manager],
      ] as const) {
        const detail = (await t.http().get(`/api/v1/facilities/${id}`).set(as(p))).body;
        const listed = (await t.http().get('/api/v1/facilities?limit=200').set(as(p))).body.items.find((f: Json) => f.id === id);
        for (const view of [detail, listed]) {
          expect([who, 'onCallPhone' in view]).toEqual([who, 'contactEmail' in view]);
          if ('contactEmail' in view) expect(view.onCallPhone).toBe('+393331234567');
        }
      }
      // edits: a limit is lifted only when sent as null; the phone may be removed
      const patched = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(as(admin))
        .send({ accepts: { genders: ['female'], adults: true, minors: true, children: true }, onCallPhone: null, services: ['health'] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ accepts: { boysUpToAge: 12 }, onCallPhone: null, services: ['health'] });
      const lifted = await t
        .http()
        .patch(`/api/v1/facilities/${id}`)
        .set(as(admin))
        .send({ accepts: { genders: ['female'], adults: true, minors: true, children: true, boysUpToAge: null } });
      expect(lifted.body.accepts.boysUpToAge).toBeNull();
    });

    it.each<[string, Json, string]>([
      ['onCallPhone without +', { onCallPhone: '3331234567' }, 'onCallPhone'],
      ['onCallPhone with spaces', { onCallPhone: '+39 333 1234567' }, 'onCallPhone'],
      ['onCallPhone as a number', { onCallPhone: 393331234567 }, 'onCallPhone'],
      ['unknown service', { services: ['massage'] }, 'services'],
      ['services twice', { services: ['legal', 'legal'] }, 'services'],
      ['wheelchairAccessible as a string', { wheelchairAccessible: 'yes' }, 'wheelchairAccessible'],
      ['lgbtSafe as a number', { lgbtSafe: 1 }, 'lgbtSafe'],
      ['unknown legal status', { legalStatusesAccepted: ['tourist'] }, 'legalStatusesAccepted'],
      [
        'boysUpToAge 18',
        { accepts: { genders: ['female'], adults: true, minors: false, children: true, boysUpToAge: 18 } },
        'accepts.boysUpToAge',
      ],
      [
        'boysUpToAge -1',
        { accepts: { genders: ['female'], adults: true, minors: false, children: true, boysUpToAge: -1 } },
        'accepts.boysUpToAge',
      ],
      [
        'boysUpToAge 10.5',
        { accepts: { genders: ['female'], adults: true, minors: false, children: true, boysUpToAge: 10.5 } },
        'accepts.boysUpToAge',
      ],
      ['expectedStayDays 0', { expectedStayDays: 0 }, 'expectedStayDays'],
      ['expectedStayDays as a string', { expectedStayDays: '90' }, 'expectedStayDays'],
      ['educatorHoursPerWeek 169', { educatorHoursPerWeek: 169 }, 'educatorHoursPerWeek'],
      ['unknown type', { type: 'hostel' }, 'type'],
    ])('refuses %s with 400 naming the field, on create and on edit', async (_name, bad, field) => {
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility'))[0].n;
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(as(admin))
        .send({ ...aFacility(), ...bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(fieldsOf(res.body)).toContain(field);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM facility'))[0].n).toBe(before);
      const { id } = await freshFacility(t);
      const patch = await t.http().patch(`/api/v1/facilities/${id}`).set(as(admin)).send(bad);
      expect(patch.status).toBe(400);
      expect(fieldsOf(patch.body)).toContain(field);
    });

    it('refuses a place kind the facility does not accept (422 kind_not_accepted), nothing written; kinds it accepts are added', async () => {
      const { id, manager } = await freshFacility(t, {
        accepts: { genders: ['female'], adults: true, minors: false, children: false },
        places: [{ kind: 'adult', total: 2 }],
      });
      const put = (version: number, kind: string, extra: Json = {}) =>
        t
          .http()
          .put(`/api/v1/facilities/${id}/availability`)
          .set(as(manager))
          .send({ version, places: [{ kind, total: 2, occupied: 0, outOfService: 0, ...extra }] });
      const version = (await t.http().get(`/api/v1/facilities/${id}/availability`).set(as(manager))).body.version;
      for (const [kind, extra] of [
        ['minor', {}],
        ['mother_child', { childCapacity: 2 }],
      ] as const) {
        const res = await put(version, kind, extra);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'kind_not_accepted' });
      }
      expect((await t.sql(`SELECT kind FROM facility_place WHERE facility_id = $1`, [id])).map((r) => r.kind)).toEqual(['adult']);
      // a minors' house may add mother-child units: a minor mother with her child
      const minors = await freshFacility(t, {
        accepts: { genders: ['female'], adults: false, minors: true, children: true },
        places: [{ kind: 'minor', total: 2 }],
      });
      const v = (await t.http().get(`/api/v1/facilities/${minors.id}/availability`).set(as(minors.manager))).body.version;
      const added = await t
        .http()
        .put(`/api/v1/facilities/${minors.id}/availability`)
        .set(as(minors.manager))
        .send({ version: v, places: [{ kind: 'mother_child', total: 1, occupied: 0, outOfService: 0, childCapacity: 1 }] });
      expect(added.status).toBe(200);
    });
  });

  describe('requests and matching', () => {
    it.each<[string, RequestOverrides, string]>([
      ['child sex unknown to the contract', { person: { children: [{ age: 3, sex: 'boy' as never }] } }, 'person.children.0.sex'],
      ['child age 18', { person: { children: [{ age: 18, sex: 'male' }] } }, 'person.children.0.age'],
      ['unknown legal status', { person: { legalStatus: 'tourist' as never } }, 'person.legalStatus'],
      ['nationality not ISO 3166-1 alpha-2', { person: { nationality: 'NGA' } }, 'person.nationality'],
      ['nationality that is no country', { person: { nationality: 'ZZ' } }, 'person.nationality'],
      ['nationality in lower case', { person: { nationality: 'ng' } }, 'person.nationality'],
      ['wheelchair as a string', { person: { wheelchair: 'yes' as never } }, 'person.wheelchair'],
      ['unknown wanted service', { preferences: { services: ['spa' as never] } }, 'preferences.services'],
      ['lgbtSafe as a string', { preferences: { lgbtSafe: 'true' as never } }, 'preferences.lgbtSafe'],
    ])('refuses %s with 400 naming the field; nothing stored', async (_name, o, field) => {
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM placement_request'))[0].n;
      const res = await t.http().post('/api/v1/placement-requests').set(as(uor)).send(aRequest(o));
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toContain(field);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM placement_request'))[0].n).toBe(before);
      const search = await t
        .http()
        .post('/api/v1/capacity/search')
        .set(as(uor))
        .send((({ caseCode: _c, urgency: _u, ...profile }) => profile)(aRequest(o)));
      expect(search.status).toBe(400);
      expect(fieldsOf(search.body)).toContain(field);
    });

    it('accepts the example request of docs/api.md as written', async () => {
      const readme = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
      const section = readme.slice(readme.indexOf("## The seeds' practice"));
      const example = JSON.parse(section.slice(section.indexOf('```json') + 7, section.indexOf('```', section.indexOf('```json') + 7)));
      const res = await t
        .http()
        .post('/api/v1/placement-requests')
        .set(as(principals.uor('10')))
        .send(example);
      expect(res.status).toBe(201);
      expect(res.body.person).toMatchObject({ legalStatus: 'no_permit', nationality: 'NG', children: [{ age: 0, sex: 'female' }] });
    });

    it('keeps the old children shape (sex unknown), and stores the new person fields', async () => {
      const r = await createRequest({
        person: { children: [{ age: 4 }], legalStatus: 'art18_permit', nationality: 'NG', wheelchair: false },
        preferences: { services: ['legal'], lgbtSafe: true },
      });
      expect(r.person).toMatchObject({
        children: [{ age: 4, sex: 'unknown' }],
        legalStatus: 'art18_permit',
        nationality: 'NG',
        wheelchair: false,
      });
      expect(r.preferences).toMatchObject({ services: ['legal'], lgbtSafe: true });
    });

    it('a woman with a 14-year-old son is not matched into houses taking boys up to 12; a daughter is', async () => {
      const mc = [{ kind: 'mother_child' as const, total: 1, childCapacity: 2 }];
      const limited = await freshFacility(t, {
        provinceCode: 'SP',
        accepts: { genders: ['female'], adults: true, minors: false, children: true, boysUpToAge: 12 },
        places: mc,
      });
      const open = await freshFacility(t, {
        provinceCode: 'SP',
        accepts: { genders: ['female'], adults: true, minors: false, children: true },
        places: mc,
      });
      const son = await createRequest({ person: { children: [{ age: 14, sex: 'male' }] }, preferences: { crossRegion: false } });
      const ids = (await candidates(son.id)).candidates.map((c: Json) => c.facilityId);
      expect(ids).toContain(open.id);
      expect(ids).not.toContain(limited.id);
      expect((await candidates(son.id)).excluded).toEqual(
        expect.arrayContaining([expect.objectContaining({ reason: 'children_not_accepted' })]),
      );
      const refused = await propose(son.id, limited.id);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'constraint_violated', reasons: ['children_not_accepted'] });
      const daughter = await createRequest({ person: { children: [{ age: 14, sex: 'female' }] }, preferences: { crossRegion: false } });
      expect((await candidates(daughter.id)).candidates.map((c: Json) => c.facilityId)).toContain(limited.id);
    });

    it('legal statuses are a hard constraint; a wheelchair user finds only step-free houses; wanted services raise the score', async () => {
      const art18 = await freshFacility(t, {
        provinceCode: 'SV',
        legalStatusesAccepted: ['art18_permit'],
        wheelchairAccessible: true,
        services: ['legal', 'psychological'],
      });
      const steps = await freshFacility(t, { provinceCode: 'SV', services: [] });
      const noPermit = await createRequest({
        person: { legalStatus: 'no_permit', wheelchair: true },
        preferences: { crossRegion: false, services: ['legal', 'psychological'] },
      });
      const res = await candidates(noPermit.id);
      expect(res.candidates.map((c: Json) => c.facilityId)).not.toContain(art18.id);
      expect(res.candidates.map((c: Json) => c.facilityId)).not.toContain(steps.id);
      expect(res.excluded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ reason: 'legal_status_not_accepted' }),
          expect.objectContaining({ reason: 'not_wheelchair_accessible' }),
        ]),
      );
      expect((await propose(noPermit.id, art18.id)).body).toMatchObject({
        code: 'constraint_violated',
        reasons: ['legal_status_not_accepted'],
      });

      const permit = await createRequest({
        person: { legalStatus: 'art18_permit' },
        preferences: { crossRegion: false, services: ['legal', 'psychological'] },
      });
      const ranked = (await candidates(permit.id)).candidates as Json[];
      const a = ranked.find((c) => c.facilityId === art18.id)!;
      const s = ranked.find((c) => c.facilityId === steps.id)!;
      expect(a.breakdown.find((b: Json) => b.criterion === 'services')).toMatchObject({ points: 5, max: 5 });
      expect(s.breakdown.find((b: Json) => b.criterion === 'services')).toMatchObject({ points: 0, note: '2 of 2 wanted missing' });
      expect(a.score).toBeGreaterThan(s.score);
    });
  });

  describe('transfers', () => {
    it('her own conflict tag never excludes her current house; admission elsewhere ends the old placement as transferred, in the same transaction', async () => {
      const casa = await freshFacility(t, { provinceCode: 'GE', places: [{ kind: 'adult', total: 2 }] });
      const flat = await freshFacility(t, { provinceCode: 'SP', type: 'semi_autonomy_flat', places: [{ kind: 'adult', total: 2 }] });
      const first = await place(casa, { safety: { conflictTags: ['net-42'] } });
      expect(await places(casa.id)).toMatchObject({ occupied: 1 });

      const transfer = await createRequest({
        stage: 'second_reception',
        protectionLevel: 'low',
        previousPlacementId: first.placementId,
        safety: { conflictTags: ['net-42'] },
      });
      const found = (await candidates(transfer.id)).candidates.map((c: Json) => c.facilityId);
      // before, her own tag counted against the house she lives in
      expect(found).toEqual(expect.arrayContaining([casa.id, flat.id]));

      // someone else of the same network is still excluded from her house
      const other = await createRequest({ safety: { conflictTags: ['net-42'] } });
      expect((await candidates(other.id)).candidates.map((c: Json) => c.facilityId)).not.toContain(casa.id);

      const p = (await propose(transfer.id, flat.id)).body;
      expect((await act(p.id, 'accept', flat.manager)).status).toBe(200);
      // until admission she keeps her bed: one bed, plus the held one she travels to
      const activeBefore = await t.sql(`SELECT id FROM placement WHERE status = 'active' AND request_id = ANY($1)`, [
        [first.request.id, transfer.id],
      ]);
      expect(activeBefore.map((r) => r.id)).toEqual([first.placementId]);

      // while the admission runs, every snapshot sees exactly one active placement for her
      let done = false;
      const seen: number[] = [];
      const watch = (async () => {
        while (!done) {
          const [{ n }] = await t.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM placement WHERE status = 'active' AND request_id = ANY($1)`,
            [[first.request.id, transfer.id]],
          );
          seen.push(n);
        }
      })();
      const admitted = await Promise.resolve(act(p.id, 'admit', flat.manager)).finally(() => (done = true));
      await watch;
      expect(admitted.status).toBe(200);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([1]));
      const rows = await t.sql<{
        id: string;
        status: string;
        discharge_reason: string | null;
        discharge_date: string | null;
        xmin: string;
      }>(
        `SELECT id, status, discharge_reason, to_char(discharge_date, 'YYYY-MM-DD') AS discharge_date, xmin::text FROM placement WHERE request_id = ANY($1)`,
        [[first.request.id, transfer.id]],
      );
      const old = rows.find((r) => r.id === first.placementId)!;
      const current = rows.find((r) => r.id === admitted.body.placementId)!;
      expect(old).toMatchObject({ status: 'discharged', discharge_reason: 'transferred', discharge_date: dayOf(t.clock.now()) });
      expect(current.status).toBe('active');
      // written by one transaction: the same transaction id stamped both rows
      expect(old.xmin).toBe(current.xmin);
      expect(await places(casa.id)).toMatchObject({ occupied: 0, free: 2 });
      expect(await places(flat.id)).toMatchObject({ occupied: 1, held: 0 });
      expect((await t.http().get(`/api/v1/placement-requests/${first.request.id}`).set(as(uor))).body.status).toBe('closed');
      const audit = await t.sql(`SELECT details FROM audit_log WHERE action = 'proposal.admit' AND object_id = $1`, [p.id]);
      expect(audit[0].details).toMatchObject({ transferredFrom: first.placementId });
    });

    it('a transfer whose old bed was already freed by hand still ends the old placement, and frees no second bed', async () => {
      const casa = await freshFacility(t, { provinceCode: 'GE', places: [{ kind: 'adult', total: 2 }] });
      const flat = await freshFacility(t, { provinceCode: 'SP', type: 'semi_autonomy_flat', places: [{ kind: 'adult', total: 2 }] });
      const first = await place(casa);
      const transfer = await createRequest({ stage: 'second_reception', protectionLevel: 'low', previousPlacementId: first.placementId });
      const p = (await propose(transfer.id, flat.id)).body;
      expect((await act(p.id, 'accept', flat.manager)).status).toBe(200);
      // the old house's manager corrected the numbers by hand: no occupied bed left to free
      const v = (await t.http().get(`/api/v1/facilities/${casa.id}/availability`).set(as(casa.manager))).body.version;
      await t
        .http()
        .put(`/api/v1/facilities/${casa.id}/availability`)
        .set(as(casa.manager))
        .send({ version: v, places: [{ kind: 'adult', total: 2, occupied: 0, outOfService: 0 }] })
        .expect(200);
      const admitted = await act(p.id, 'admit', flat.manager);
      expect(admitted.status).toBe(200);
      expect(await places(flat.id)).toMatchObject({ occupied: 1, held: 0 });
      expect(await places(casa.id)).toMatchObject({ occupied: 0, free: 2 });
      expect((await t.sql(`SELECT status, discharge_reason FROM placement WHERE id = $1`, [first.placementId]))[0]).toEqual({
        status: 'discharged',
        discharge_reason: 'transferred',
      });
      // a manual discharge of a bed nobody occupies is still refused
      const again = await place(casa);
      await t
        .http()
        .put(`/api/v1/facilities/${casa.id}/availability`)
        .set(as(casa.manager))
        .send({
          version: (await t.http().get(`/api/v1/facilities/${casa.id}/availability`).set(as(casa.manager))).body.version,
          places: [{ kind: 'adult', total: 2, occupied: 0, outOfService: 0 }],
        })
        .expect(200);
      const manual = await t
        .http()
        .post(`/api/v1/placements/${again.placementId}/discharge`)
        .set(as(casa.manager))
        .send({ reason: 'completed', date: dayOf(t.clock.now()) });
      expect(manual.body).toMatchObject({ statusCode: 422, code: 'nothing_occupied' });
    });
  });

  describe('proposals: holds by urgency, declines, notices', () => {
    it('holds for 6 h, 24 h or 72 h by urgency, and the expiry is told to the facility too', async () => {
      const f = await freshFacility(t, {
        provinceCode: 'IM',
        contactEmail: 'ttl.house@example.org',
        places: [{ kind: 'adult', total: 3 }],
      });
      const made: Record<string, Json> = {};
      for (const urgency of ['immediate', 'within_24h', 'planned'] as const) {
        const r = await createRequest({ urgency, caseCode: `TTL-${urgency}` });
        made[urgency] = (await propose(r.id, f.id)).body;
      }
      const now = t.clock.now().getTime();
      expect(new Date(made.immediate.holdExpiresAt).getTime() - now).toBe(6 * HOUR);
      expect(new Date(made.within_24h.holdExpiresAt).getTime() - now).toBe(24 * HOUR);
      expect(new Date(made.planned.holdExpiresAt).getTime() - now).toBe(72 * HOUR);

      const decisions = t.app.get(ProposalDecisionsService);
      t.clock.advance(6 * HOUR + 60_000);
      await decisions.expireDue();
      const status = async (id: string) => (await t.http().get(`/api/v1/proposals/${id}`).set(as(uor))).body.status;
      expect([await status(made.immediate.id), await status(made.within_24h.id), await status(made.planned.id)]).toEqual([
        'expired',
        'pending',
        'pending',
      ]);
      const expired = (await outbox('proposal_expired')).filter((m) => m.subject.includes('TTL-immediate'));
      expect(expired.map((m) => m.recipient).sort()).toEqual([uor.email, 'ttl.house@example.org'].sort());
      // an accepted proposal is held afresh for its urgency's TTL
      expect((await act(made.within_24h.id, 'accept', f.manager)).body.holdExpiresAt).toBe(
        new Date(t.clock.now().getTime() + 24 * HOUR).toISOString(),
      );
    });

    it('declines with a reason and a staff-to-staff note, never mailed nor audited', async () => {
      const f = await freshFacility(t, { provinceCode: 'GE', contactEmail: 'note.house@example.org' });
      const r = await createRequest({ caseCode: 'NOTE-1' });
      const p = (await propose(r.id, f.id)).body;
      const note = 'in casa ora due ragazze della stessa zona di origine';
      const tooLong = await act(p.id, 'decline', f.manager, { reason: 'group_composition', note: 'x'.repeat(301) });
      expect(tooLong.status).toBe(400);
      expect(fieldsOf(tooLong.body)).toContain('note');
      const oldReason = await act(p.id, 'decline', f.manager, { reason: 'no_capacity' });
      expect(oldReason.status).toBe(400);
      expect(fieldsOf(oldReason.body)).toContain('reason');
      const declined = await act(p.id, 'decline', f.manager, { reason: 'group_composition', note });
      expect(declined.status).toBe(200);
      expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'group_composition', declineNote: note });
      expect((await t.http().get(`/api/v1/proposals/${p.id}`).set(as(uor))).body.declineNote).toBe(note);
      const mails = await t.sql<{ body: string }>(`SELECT subject || body_text || body_html AS body FROM outbox`);
      for (const m of mails) expect(m.body).not.toContain('stessa zona');
      const audit = await t.sql<{ d: string }>(`SELECT coalesce(details::text, '') AS d FROM audit_log`);
      for (const a of audit) expect(a.d).not.toContain('stessa zona');
      for (const reason of ['no_longer_free', 'profile_not_suitable', 'safety_risk', 'staff_capacity', 'other']) {
        const again = (await propose(r.id, f.id)).body;
        expect((await act(again.id, 'decline', f.manager, { reason })).body.declineReason).toBe(reason);
      }
    });

    it('a proposal into another region tells that region’s UOR, without the profile; one in the own region does not', async () => {
      const lucca = await freshFacility(t, { provinceCode: 'LU', contactEmail: 'lucca.house@example.org' });
      const genova = await freshFacility(t, { provinceCode: 'GE' });
      const r = await createRequest({ caseCode: 'XREG-1', person: { age: 31, languages: ['ro'], nationality: 'RO' } });
      expect((await propose(r.id, genova.id)).status).toBe(201);
      expect(await outbox('proposal_cross_region')).toEqual([]);
      expect((await propose(r.id, lucca.id)).status).toBe(201);
      const mails = await outbox('proposal_cross_region');
      expect(mails.map((m) => m.recipient)).toEqual(['uor.toscana@example.org']);
      expect(mails[0].subject).toContain('XREG-1');
      for (const secret of ['RO', 'female', 'sexual', 'Via di Prova', 'anni']) expect(mails[0].body_text).not.toContain(secret);
      // the facility reads the profile it needs to decide; the nationality is for reports only
      const toLucca = (await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(uor))).body.proposals.find(
        (x: Json) => x.facilityId === lucca.id,
      );
      const seen = (await t.http().get(`/api/v1/proposals/${toLucca.id}`).set(as(lucca.manager))).body;
      expect(seen.case.person).toMatchObject({ age: 31, languages: ['ro'] });
      expect(seen.case.person).not.toHaveProperty('nationality');
    });

    it('tells the facility when its proposal is withdrawn: by the UOR, by another acceptance, by a cancellation', async () => {
      const a = await freshFacility(t, { provinceCode: 'GE', contactEmail: 'withdraw.a@example.org' });
      const b = await freshFacility(t, { provinceCode: 'GE', contactEmail: 'withdraw.b@example.org' });
      const c = await freshFacility(t, { provinceCode: 'GE', contactEmail: 'withdraw.c@example.org' });
      const r1 = await createRequest({ caseCode: 'WD-1' });
      const p1 = (await propose(r1.id, a.id)).body;
      expect((await act(p1.id, 'withdraw', uor)).status).toBe(200);
      const r2 = await createRequest({ caseCode: 'WD-2' });
      const p2a = (await propose(r2.id, a.id)).body;
      await propose(r2.id, b.id);
      expect((await act(p2a.id, 'accept', a.manager)).status).toBe(200);
      const r3 = await createRequest({ caseCode: 'WD-3' });
      await propose(r3.id, c.id);
      expect((await t.http().post(`/api/v1/placement-requests/${r3.id}/cancel`).set(as(uor)).send({})).status).toBe(200);
      // the fake clock stands still: order by case code, not by time
      const told = (await outbox('proposal_withdrawn'))
        .map((m) => [m.recipient, m.subject.match(/WD-\d/)![0]])
        .sort((x, y) => x[1].localeCompare(y[1]));
      expect(told).toEqual([
        ['withdraw.a@example.org', 'WD-1'],
        ['withdraw.b@example.org', 'WD-2'],
        ['withdraw.c@example.org', 'WD-3'],
      ]);
    });
  });

  describe('discharges', () => {
    it('takes the network’s reasons; the date is neither in the future nor before the admission', async () => {
      const f = await freshFacility(t, { provinceCode: 'GE', places: [{ kind: 'adult', total: 3 }] });
      const { placementId } = await place(f);
      const discharge = (body: Json) => t.http().post(`/api/v1/placements/${placementId}/discharge`).set(as(f.manager)).send(body);
      const today = dayOf(t.clock.now());
      const tomorrow = dayOf(new Date(t.clock.now().getTime() + 24 * HOUR));
      const before = dayOf(new Date(t.clock.now().getTime() - 48 * HOUR));
      expect((await discharge({ reason: 'safety_relocation', date: tomorrow })).body).toMatchObject({
        statusCode: 422,
        code: 'discharge_date_in_future',
      });
      expect((await discharge({ reason: 'safety_relocation', date: before })).body).toMatchObject({
        statusCode: 422,
        code: 'discharge_date_before_admission',
      });
      for (const date of ['2026-13-45', `${today}T10:00:00Z`, 'yesterday']) {
        const res = await discharge({ reason: 'left', date });
        expect(res.status).toBe(400);
        expect(fieldsOf(res.body)).toContain('date');
      }
      const unknown = await discharge({ reason: 'ran_away', date: today });
      expect(unknown.status).toBe(400);
      expect(fieldsOf(unknown.body)).toContain('reason');
      expect(await places(f.id)).toMatchObject({ occupied: 1 });
      const done = await discharge({ reason: 'safety_relocation', date: today });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'discharged', dischargeReason: 'safety_relocation', dischargeDate: today });
      for (const reason of ['rule_breach', 'other_network']) {
        const next = await place(f);
        const res = await t
          .http()
          .post(`/api/v1/placements/${next.placementId}/discharge`)
          .set(as(f.manager))
          .send({ reason, date: today });
        expect(res.body.dischargeReason).toBe(reason);
      }
    });
  });
});
