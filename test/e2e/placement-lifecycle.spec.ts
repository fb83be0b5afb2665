import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import { dayOf } from '../../src/domain/italian-day.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

const request = (o: Record<string, unknown> = {}) => ({
  caseCode: 'LIG-2026-0042',
  person: {
    gender: 'female',
    age: 24,
    children: [{ age: 3 }, { age: 6 }],
    pregnant: false,
    languages: ['en', 'pcm'],
    exploitation: ['sexual'],
    needs: [],
  },
  protectionLevel: 'high',
  stage: 'first_reception',
  origin: { provinceCode: 'GE' },
  safety: { exploitationProvinces: ['GE'], excludedProvinces: [], excludedRegions: [], minDistanceKm: 50, conflictTags: ['net-7'] },
  preferences: { crossRegion: true, maxDistanceKm: 400, nearProvinceCode: null },
  urgency: 'immediate',
  ...o,
});

describe('placement lifecycle', () => {
  let t: TestApp;
  const uor = principals.uor('07');
  const admin = principals.admin();
  const fac: Record<string, string> = {};
  const managerOf = (key: string) => t.token(principals.manager(fac[key]));
  const as = (token: string) => bearer(token);

  beforeAll(async () => {
    t = await startTestApp();
    const mc = [
      { kind: 'adult' as const, total: 2 },
      { kind: 'mother_child' as const, total: 1, childCapacity: 2 },
    ];
    for (const [key, o] of Object.entries({
      lucca: { provinceCode: 'LU', languages: ['it', 'en', 'pcm'], secretAddress: true, address: 'Via Nascosta 1, Lucca', places: mc },
      spezia: { provinceCode: 'SP', languages: ['it'], places: mc },
      firenze: { provinceCode: 'FI', type: 'high_intensity_community' as const, places: mc },
      flat: { provinceCode: 'SP', type: 'semi_autonomy_flat' as const, places: mc },
    })) {
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(as(t.token(admin)))
        .send(aFacility(o));
      fac[key] = res.body.id;
      await t
        .http()
        .post(`/api/v1/facilities/${fac[key]}/availability/confirm`)
        .set(as(t.token(admin)));
    }
  });
  afterAll(() => t.close());

  const free = async (key: string, kind = 'mother_child') =>
    (
      await t
        .http()
        .get(`/api/v1/facilities/${fac[key]}/availability`)
        .set(as(t.token(admin)))
    ).body.places.find((p: { kind: string }) => p.kind === kind);

  it('runs request → candidates → parallel proposals → first accept wins → admit → discharge → transfer', async () => {
    const created = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(as(t.token(uor)))
      .send(request());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', regionCode: '07', caseCode: 'LIG-2026-0042' });
    const id = created.body.id;

    const cands = await t
      .http()
      .get(`/api/v1/placement-requests/${id}/candidates`)
      .set(as(t.token(uor)));
    expect(cands.status).toBe(200);
    expect(cands.body.candidates[0]).toMatchObject({ facilityId: fac.lucca, placeKind: 'mother_child' });
    // the flat, for a high-risk person, named for "Perché le altre no"
    expect(cands.body.excluded).toEqual([
      { reason: 'protection_too_low', count: 1, facilities: [expect.objectContaining({ facilityId: fac.flat, regionCode: '07' })] },
    ]);

    // at 2 a.m. nobody waits: offer three facilities at once
    const offered = await Promise.all(
      ['lucca', 'spezia', 'firenze'].map((k) =>
        t
          .http()
          .post(`/api/v1/placement-requests/${id}/proposals`)
          .set(as(t.token(uor)))
          .send({ facilityId: fac[k] }),
      ),
    );
    for (const o of offered) expect(o.status).toBe(201);
    const [pLucca, pSpezia, pFirenze] = offered.map((o) => o.body);
    expect(pLucca).toMatchObject({ status: 'pending', placeKind: 'mother_child' });
    expect(new Date(pLucca.holdExpiresAt).getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(await free('lucca')).toMatchObject({ held: 1, free: 0 });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/placement-requests/${id}`)
          .set(as(t.token(uor)))
      ).body.status,
    ).toBe('proposed');

    // two facilities accept at the same moment: exactly one wins
    const accepts = await Promise.all([
      t
        .http()
        .post(`/api/v1/proposals/${pSpezia.id}/accept`)
        .set(as(managerOf('spezia'))),
      t
        .http()
        .post(`/api/v1/proposals/${pLucca.id}/accept`)
        .set(as(managerOf('lucca'))),
    ]);
    expect(accepts.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = accepts.find((a) => a.status === 200)!.body;
    const winnerKey = winner.facilityId === fac.lucca ? 'lucca' : 'spezia';
    const loserKey = winnerKey === 'lucca' ? 'spezia' : 'lucca';
    expect(accepts.find((a) => a.status === 409)!.body.code).toMatch(/^proposal_not_pending/);

    const after = (
      await t
        .http()
        .get(`/api/v1/placement-requests/${id}`)
        .set(as(t.token(uor)))
    ).body;
    const statusOf = (pid: string) => after.proposals.find((p: { id: string }) => p.id === pid).status;
    expect(statusOf(winner.id)).toBe('accepted');
    expect(statusOf(pFirenze.id)).toBe('withdrawn');
    expect(statusOf(winnerKey === 'lucca' ? pSpezia.id : pLucca.id)).toBe('withdrawn');
    // the other holds were freed in the same transaction
    expect(await free(loserKey)).toMatchObject({ held: 0, free: 1 });
    expect(await free('firenze')).toMatchObject({ held: 0, free: 1 });
    expect(await free(winnerKey)).toMatchObject({ held: 1, free: 0 });

    const admitted = await t
      .http()
      .post(`/api/v1/proposals/${winner.id}/admit`)
      .set(as(managerOf(winnerKey)));
    expect(admitted.status).toBe(200);
    expect(admitted.body).toMatchObject({ status: 'admitted', placementId: expect.any(String) });
    expect(await free(winnerKey)).toMatchObject({ occupied: 1, held: 0, free: 0 });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/placement-requests/${id}`)
          .set(as(t.token(uor)))
      ).body.status,
    ).toBe('placed');

    // transfer to the next stage: a new request linked to the placement
    const next = await t
      .http()
      .post('/api/v1/placement-requests')
      .set(as(t.token(uor)))
      .send(
        request({
          stage: 'second_reception',
          protectionLevel: 'low',
          previousPlacementId: admitted.body.placementId,
          safety: { excludedProvinces: [], excludedRegions: [], conflictTags: ['net-7'] },
        }),
      );
    expect(next.status).toBe(201);
    expect(next.body.previousPlacementId).toBe(admitted.body.placementId);
    const toFlat = await t
      .http()
      .post(`/api/v1/placement-requests/${next.body.id}/proposals`)
      .set(as(t.token(uor)))
      .send({ facilityId: fac.flat });
    expect(toFlat.status).toBe(201);

    const discharged = await t
      .http()
      .post(`/api/v1/placements/${admitted.body.placementId}/discharge`)
      .set(as(managerOf(winnerKey)))
      .send({ reason: 'transferred', date: dayOf(t.clock.now()) });
    expect(discharged.status).toBe(200);
    expect(discharged.body).toMatchObject({ status: 'discharged', dischargeReason: 'transferred', dischargeDate: dayOf(t.clock.now()) });
    expect(await free(winnerKey)).toMatchObject({ occupied: 0, free: 1 });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/placement-requests/${id}`)
          .set(as(t.token(uor)))
      ).body.status,
    ).toBe('closed');
    expect(
      (
        await t
          .http()
          .post(`/api/v1/placements/${admitted.body.placementId}/discharge`)
          .set(as(managerOf(winnerKey)))
          .send({ reason: 'completed', date: dayOf(t.clock.now()) })
      ).status,
    ).toBe(409);
  });

  it('declines with a reason, frees the hold and reopens the request', async () => {
    const id = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(as(t.token(uor)))
        .send(request({ caseCode: 'LIG-2026-0050' }))
    ).body.id;
    const p = (
      await t
        .http()
        .post(`/api/v1/placement-requests/${id}/proposals`)
        .set(as(t.token(uor)))
        .send({ facilityId: fac.firenze })
    ).body;
    const res = await t
      .http()
      .post(`/api/v1/proposals/${p.id}/decline`)
      .set(as(managerOf('firenze')))
      .send({ reason: 'profile_not_suitable' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'declined', declineReason: 'profile_not_suitable', holdExpiresAt: null });
    expect(await free('firenze')).toMatchObject({ held: 0, free: 1 });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/placement-requests/${id}`)
          .set(as(t.token(uor)))
      ).body.status,
    ).toBe('open');
    expect(
      (
        await t
          .http()
          .post(`/api/v1/proposals/${p.id}/accept`)
          .set(as(managerOf('firenze')))
      ).status,
    ).toBe(409);
  });

  it('expires pending proposals past their TTL (injected clock) and frees their holds', async () => {
    const id = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(as(t.token(uor)))
        .send(request({ caseCode: 'LIG-2026-0051' }))
    ).body.id;
    const p = (
      await t
        .http()
        .post(`/api/v1/placement-requests/${id}/proposals`)
        .set(as(t.token(uor)))
        .send({ facilityId: fac.firenze })
    ).body;
    const decisions = t.app.get(ProposalDecisionsService);
    t.clock.advance((t.config.holdTtlHoursByUrgency.immediate - 1) * 3_600_000);
    expect(await decisions.expireDue()).toBe(0);
    t.clock.advance(2 * 3_600_000);
    const due = await t.sql<{ id: string }>(`SELECT id FROM place_hold WHERE released_at IS NULL AND expires_at <= $1`, [t.clock.now()]);
    expect(due.length).toBeGreaterThanOrEqual(1);
    // two instances' jobs at once: each due hold is expired exactly once
    const freed = await Promise.all([decisions.expireDue(), decisions.expireDue()]);
    expect(freed[0] + freed[1]).toBe(due.length);
    const releases = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM availability_event WHERE type = 'release' AND hold_id = ANY($1)`,
      [due.map((d) => d.id)],
    );
    expect(releases[0].n).toBe(due.length);
    const now = (
      await t
        .http()
        .get(`/api/v1/proposals/${p.id}`)
        .set(as(t.token(uor)))
    ).body;
    expect(now.status).toBe('expired');
    expect(await free('firenze')).toMatchObject({ held: 0, free: 1 });
    expect(
      (
        await t
          .http()
          .get(`/api/v1/placement-requests/${id}`)
          .set(as(t.token(uor)))
      ).body.status,
    ).toBe('open');
    expect(
      (
        await t
          .http()
          .post(`/api/v1/proposals/${p.id}/accept`)
          .set(as(managerOf('firenze')))
      ).status,
    ).toBe(409);
    const events = await t.sql<{ type: string }>(
      `SELECT type FROM availability_event WHERE hold_id = (SELECT hold_id FROM proposal WHERE id = $1) ORDER BY id`,
      [p.id],
    );
    expect(events.map((e) => e.type)).toEqual(['hold', 'release']);
  });

  it('records when she arrived and when she left, as the page confirms them; a time in the future or before the acceptance is refused and nothing is written', async () => {
    const id = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(as(t.token(uor)))
        .send(request({ caseCode: 'LIG-2026-0061' }))
    ).body.id;
    const p = (
      await t
        .http()
        .post(`/api/v1/placement-requests/${id}/proposals`)
        .set(as(t.token(uor)))
        .send({ facilityId: fac.spezia })
    ).body;
    const manager = as(managerOf('spezia'));
    const accepted = await t.http().post(`/api/v1/proposals/${p.id}/accept`).set(manager);
    expect(accepted.status).toBe(200);
    const acceptedAt = t.clock.now();
    t.clock.advance(3 * 3_600_000);
    const admit = (body: object) => t.http().post(`/api/v1/proposals/${p.id}/admit`).set(manager).send(body);

    const future = await admit({ at: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    expect({ status: future.status, code: future.body.code }).toEqual({ status: 422, code: 'admission_time_in_future' });
    const before = await admit({ at: new Date(acceptedAt.getTime() - 60_000).toISOString() });
    expect({ status: before.status, code: before.body.code, accepted: before.body.accepted }).toEqual({
      status: 422,
      code: 'admission_time_before_acceptance',
      accepted: dayOf(acceptedAt),
    });
    expect((await t.http().get(`/api/v1/proposals/${p.id}`).set(manager)).body.status).toBe('accepted');
    expect(await free('spezia')).toMatchObject({ held: 1, occupied: 0 });
    const bad = await admit({ at: 'yesterday evening' });
    expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'validation_failed' });

    // she came an hour after the acceptance; it is recorded two hours later
    const arrived = new Date(acceptedAt.getTime() + 3_600_000);
    const admitted = await admit({ at: arrived.toISOString() });
    expect(admitted.status).toBe(200);
    const placement = async () => (await t.http().get(`/api/v1/placements/${admitted.body.placementId}`).set(manager)).body;
    expect((await placement()).admittedAt).toBe(arrived.toISOString());

    const discharge = (body: object) => t.http().post(`/api/v1/placements/${admitted.body.placementId}/discharge`).set(manager).send(body);
    const today = dayOf(t.clock.now());
    const laterToday = new Date(t.clock.now().getTime() + 2 * 3_600_000);
    const hhmm = (d: Date) => d.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome' });
    if (dayOf(laterToday) === today) {
      const tooLate = await discharge({ reason: 'completed', date: today, time: hhmm(laterToday) });
      expect({ status: tooLate.status, code: tooLate.body.code }).toEqual({ status: 422, code: 'discharge_time_in_future' });
    }
    const badTime = await discharge({ reason: 'completed', date: today, time: '25:00' });
    expect(badTime.status).toBe(400);
    expect((await placement()).status).toBe('active');
    // she left half an hour ago, by the Italian clock
    const left = new Date(Math.floor((t.clock.now().getTime() - 30 * 60_000) / 60_000) * 60_000);
    const done = await discharge({ reason: 'completed', date: dayOf(left), time: hhmm(left) });
    expect(done.status).toBe(200);
    expect(await placement()).toMatchObject({ status: 'discharged', dischargeDate: dayOf(left), dischargedAt: left.toISOString() });
  });

  it('withdraws an accepted proposal on the UOR side and frees the place', async () => {
    const id = (
      await t
        .http()
        .post('/api/v1/placement-requests')
        .set(as(t.token(uor)))
        .send(request({ caseCode: 'LIG-2026-0052' }))
    ).body.id;
    const p = (
      await t
        .http()
        .post(`/api/v1/placement-requests/${id}/proposals`)
        .set(as(t.token(uor)))
        .send({ facilityId: fac.firenze })
    ).body;
    expect(
      (
        await t
          .http()
          .post(`/api/v1/proposals/${p.id}/accept`)
          .set(as(managerOf('firenze')))
      ).status,
    ).toBe(200);
    const res = await t
      .http()
      .post(`/api/v1/proposals/${p.id}/withdraw`)
      .set(as(t.token(uor)));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect(await free('firenze')).toMatchObject({ held: 0, free: 1 });
  });
});
