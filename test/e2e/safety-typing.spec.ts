import type { Principal } from '../../src/auth/principal.js';
import { aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;

/**
 * Issue 28 through HTTP: the hard constraints hold for what two UORs of different regions really
 * type (tags spelled differently), where she was exploited is not where she is now, and the
 * conflict tags in use are suggested without saying where they are.
 */
describe('safety that does not depend on typing (e2e)', () => {
  let t: TestApp;
  const liguria = principals.uor('07');
  const toscana = principals.uor('09');
  const as = (p: Principal) => bearer(t.token(p));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function openRequest(p: Principal, o: RequestOverrides = {}) {
    const res = await t.http().post('/api/v1/placement-requests').set(as(p)).send(aRequest(o));
    expect(res.status).toBe(201);
    return res.body as Body;
  }
  const propose = (p: Principal, requestId: string, facilityId: string) =>
    t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(p)).send({ facilityId });
  const act = (id: string, action: 'accept' | 'admit', p: Principal) =>
    t.http().post(`/api/v1/proposals/${id}/${action}`).set(as(p)).send({});
  const candidates = async (p: Principal, requestId: string) => {
    const res = await t.http().get(`/api/v1/placement-requests/${requestId}/candidates`).query({ limit: 200 }).set(as(p));
    expect(res.status).toBe(200);
    return res.body as { candidates: Body[]; excluded: { reason: string; count: number; facilities?: Body[] }[] };
  };
  const excludedUnder = (answer: { excluded: { reason: string; facilities?: Body[] }[] }, reason: string) =>
    (answer.excluded.find((e) => e.reason === reason)?.facilities ?? []).map((f) => f.facilityId as string);
  const proposalRows = async (requestId: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM proposal WHERE request_id = $1`, [requestId]))[0].n;

  describe('one network typed two ways', () => {
    let house: { id: string; manager: Principal };
    let second: Body;
    let placementId: string;

    beforeAll(async () => {
      house = await freshFacility(t, { name: 'Casa della Rete', provinceCode: 'GE' });
      // Liguria places a woman of rete-ge-77 in the house
      const first = await openRequest(liguria, { safety: { conflictTags: ['rete-ge-77'] } });
      const proposal = await propose(liguria, first.id, house.id);
      expect(proposal.status).toBe(201);
      expect((await act(proposal.body.id, 'accept', house.manager)).status).toBe(200);
      const admitted = await act(proposal.body.id, 'admit', house.manager);
      expect(admitted.status).toBe(200);
      placementId = admitted.body.placementId;
      // Tuscany, at 2 a.m., types the same network its own way
      second = await openRequest(toscana, { safety: { conflictTags: ['RETE-GE-77 '] }, preferences: { crossRegion: true } });
    });

    it('stores and answers the tag in its canonical form', async () => {
      expect(second.safety.conflictTags).toEqual(['rete-ge-77']);
      const [row] = await t.sql<{ conflict_tags: string[] }>(`SELECT conflict_tags FROM placement_request WHERE id = $1`, [second.id]);
      expect(row.conflict_tags).toEqual(['rete-ge-77']);
    });

    it('the house is not a candidate: "Perché le altre no" counts it under conflict, never naming it', async () => {
      const answer = await candidates(toscana, second.id);
      expect(answer.candidates.map((c) => c.facilityId)).not.toContain(house.id);
      // a house named here would be a house sheltering the network's victim, told to any UOR who types its tag
      expect(answer.excluded.find((e) => e.reason === 'conflict')).toEqual({ reason: 'conflict', count: 1, facilities: [] });
    });

    it('proposing it is refused with 422 constraint_violated, and nothing is held', async () => {
      const res = await propose(toscana, second.id, house.id);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'constraint_violated', reasons: expect.arrayContaining(['conflict']) });
      expect(await proposalRows(second.id)).toBe(0);
    });

    it('spellings with accents, dots, underscores and slashes are the same tag', async () => {
      for (const typed of ['Rete GE 77', 'rete_ge.77', 'Rète/GE--77', 'ＲＥＴＥ ＧＥ ７７']) {
        const r = await openRequest(toscana, { safety: { conflictTags: [typed] }, preferences: { crossRegion: true } });
        expect({ typed, tags: r.safety.conflictTags }).toEqual({ typed, tags: ['rete-ge-77'] });
        const answer = await candidates(toscana, r.id);
        expect(answer.candidates.map((c) => c.facilityId)).not.toContain(house.id);
        expect(answer.excluded.find((e) => e.reason === 'conflict')?.count).toBe(1);
      }
    });

    it('a tag that is not 2–40 letters, digits and dashes after folding is refused with 400 and the field', async () => {
      for (const bad of ['a', '---', '日本', 'x'.repeat(41), 'rete#77']) {
        const res = await t
          .http()
          .post('/api/v1/placement-requests')
          .set(as(toscana))
          .send(aRequest({ safety: { conflictTags: [bad] } }));
        expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: 'validation_failed' });
        expect(res.body.fields.map((f: Body) => f.field)).toEqual(['safety.conflictTags']);
      }
    });

    it('a transfer keeps the same rules: her own tags never exclude her house, where she was exploited does', async () => {
      const transfer = await openRequest(liguria, {
        previousPlacementId: placementId,
        safety: { conflictTags: ['RETE GE 77'], exploitationProvinces: ['GE'] },
        preferences: { crossRegion: true },
      });
      const answer = await candidates(liguria, transfer.id);
      expect(answer.excluded.find((e) => e.reason === 'conflict')).toBeUndefined();
      expect(excludedUnder(answer, 'exploitation_area')).toContain(house.id);
    });

    it('an edit folds the tags too', async () => {
      const r = await openRequest(toscana, { preferences: { crossRegion: true } });
      const res = await t
        .http()
        .patch(`/api/v1/placement-requests/${r.id}`)
        .set(as(toscana))
        .send({ safety: { excludedProvinces: [], excludedRegions: [], conflictTags: ['Rete.GE.77'] } });
      expect(res.status).toBe(200);
      expect(res.body.safety.conflictTags).toEqual(['rete-ge-77']);
      expect((await propose(toscana, r.id, house.id)).status).toBe(422);
    });
  });

  describe('where she was exploited is not where she is now', () => {
    let inGenova: { id: string };
    let inSpezia: { id: string };
    let inLucca: { id: string };
    let inPisa: { id: string };

    beforeAll(async () => {
      inGenova = await freshFacility(t, { name: 'Casa Genova', provinceCode: 'GE' });
      inSpezia = await freshFacility(t, { name: 'Casa Spezia', provinceCode: 'SP' });
      inLucca = await freshFacility(t, { name: 'Casa Lucca', provinceCode: 'LU' });
      inPisa = await freshFacility(t, { name: 'Casa Pisa', provinceCode: 'PI' });
    });

    it('exploited in Genova: a house in Genova is excluded (exploitation_area) and proposing it is 422', async () => {
      const r = await openRequest(liguria, { origin: { provinceCode: 'SV' }, safety: { exploitationProvinces: ['GE'] } });
      expect(r.safety.exploitationProvinces).toEqual(['GE']);
      const answer = await candidates(liguria, r.id);
      const ids = answer.candidates.map((c) => c.facilityId);
      expect(ids).not.toContain(inGenova.id);
      expect(excludedUnder(answer, 'exploitation_area')).toContain(inGenova.id);
      // a house in the same region passes, with a warning; one in Tuscany without
      const spezia = answer.candidates.find((c) => c.facilityId === inSpezia.id)!;
      const lucca = answer.candidates.find((c) => c.facilityId === inLucca.id)!;
      expect(spezia).toMatchObject({ warnings: ['same_region_as_exploitation'], placeKindFallback: false });
      expect(lucca).toMatchObject({ warnings: [] });
      // distances: from where she is now (Savona), and from where she was exploited (Genova)
      expect(spezia.exploitationDistanceKm).toBeGreaterThan(70);
      expect(spezia.exploitationDistanceKm).toBeLessThan(90);
      expect(spezia.distanceKm).toBeGreaterThan(spezia.exploitationDistanceKm);
      const res = await propose(liguria, r.id, inGenova.id);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'constraint_violated', reasons: ['exploitation_area'] });
      expect(await proposalRows(r.id)).toBe(0);
    });

    it('allowExploitationArea needs a reason (400), lets the house through, and is audited with the reason', async () => {
      const r = await openRequest(liguria, { origin: { provinceCode: 'SV' }, safety: { exploitationProvinces: ['GE'] } });
      const safety = { exploitationProvinces: ['GE'], excludedProvinces: [], excludedRegions: [], conflictTags: [] };
      const patch = (s: Body) => t.http().patch(`/api/v1/placement-requests/${r.id}`).set(as(liguria)).send({ safety: s });
      const noReason = await patch({ ...safety, allowExploitationArea: true });
      expect(noReason.status).toBe(400);
      expect(noReason.body.fields.map((f: Body) => f.field)).toEqual(['safety.allowExploitationAreaReason']);
      const reason = 'la rete è stata smantellata, la casa è protetta';
      const allowed = await patch({ ...safety, allowExploitationArea: true, allowExploitationAreaReason: reason });
      expect(allowed.status).toBe(200);
      expect(allowed.body.safety).toMatchObject({ allowExploitationArea: true, allowExploitationAreaReason: reason });
      const genova = (await candidates(liguria, r.id)).candidates.find((c) => c.facilityId === inGenova.id);
      expect(genova).toMatchObject({ warnings: ['in_exploitation_area', 'same_region_as_exploitation'], exploitationDistanceKm: 0 });
      const audited = await t.sql<{ actor_sub: string; details: Body }>(
        `SELECT actor_sub, details FROM audit_log WHERE action = 'request.allow_exploitation_area' AND object_id = $1`,
        [r.id],
      );
      expect(audited).toEqual([{ actor_sub: liguria.sub, details: { reason, provinces: ['GE'] } }]);
      expect((await propose(liguria, r.id, inGenova.id)).status).toBe(201);
    });

    it('minDistanceKm is measured from the nearest exploitation province, not from where she is now', async () => {
      // she is in Genova now; she was exploited in Lucca
      const r = await openRequest(liguria, { safety: { exploitationProvinces: ['LU'], minDistanceKm: 40 } });
      const answer = await candidates(liguria, r.id);
      expect(excludedUnder(answer, 'too_close')).toContain(inPisa.id);
      expect(excludedUnder(answer, 'exploitation_area')).toContain(inLucca.id);
      expect(answer.candidates.map((c) => c.facilityId)).toContain(inGenova.id);
      // not known: from where she is now
      const unknown = await openRequest(liguria, { safety: { minDistanceKm: 40 } });
      expect(excludedUnder(await candidates(liguria, unknown.id), 'too_close')).toContain(inGenova.id);
    });

    it('exploitation provinces are known province codes, at most 10', async () => {
      const send = (exploitationProvinces: string[]) =>
        t
          .http()
          .post('/api/v1/placement-requests')
          .set(as(liguria))
          .send(aRequest({ safety: { exploitationProvinces } }));
      const unknown = await send(['ZZ']);
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ code: 'unknown_province', field: 'safety.exploitationProvinces' });
      const many = await send(['GE', 'SP', 'SV', 'IM', 'LU', 'PI', 'MS', 'FI', 'MI', 'TO', 'RM']);
      expect(many.status).toBe(400);
    });

    it('nearProvinceCode defaults to where she is now', async () => {
      const r = await openRequest(liguria, { origin: { provinceCode: 'GE' } });
      const answer = await candidates(liguria, r.id);
      const proximity = (id: string) =>
        answer.candidates.find((c) => c.facilityId === id)!.breakdown.find((b: Body) => b.criterion === 'proximity') as Body;
      expect(proximity(inGenova.id).points).toBe(proximity(inGenova.id).max);
      expect(proximity(inPisa.id).points).toBeLessThan(proximity(inPisa.id).max);
    });

    it('batch assignment keeps the same rules: never plans a house where she was exploited', async () => {
      const men = { genders: ['male' as const], adults: true, minors: false, children: false };
      const menGenova = await freshFacility(t, { name: 'Uomini Genova', provinceCode: 'GE', accepts: men });
      const menSpezia = await freshFacility(t, { name: 'Uomini Spezia', provinceCode: 'SP', accepts: men });
      const exploitedInGenova = await openRequest(liguria, {
        person: { gender: 'male' },
        origin: { provinceCode: 'GE' },
        safety: { exploitationProvinces: ['GE'] },
        preferences: { crossRegion: false },
      });
      const exploitedInBoth = await openRequest(liguria, {
        person: { gender: 'male' },
        safety: { exploitationProvinces: ['GE', 'SP'] },
        preferences: { crossRegion: false },
      });
      const res = await t
        .http()
        .post('/api/v1/placement-requests/batch-assignment')
        .set(as(liguria))
        .send({ requestIds: [exploitedInGenova.id, exploitedInBoth.id], dryRun: true });
      expect(res.status).toBe(200);
      expect(res.body.plan.map((p: Body) => [p.requestId, p.facilityId])).toEqual([[exploitedInGenova.id, menSpezia.id]]);
      // the plan says what the candidates say
      expect(res.body.plan[0]).toMatchObject({ warnings: ['same_region_as_exploitation'], placeKindFallback: false });
      expect(res.body.plan[0].exploitationDistanceKm).toBeGreaterThan(70);
      expect(res.body.unplaced.map((u: Body) => u.requestId)).toEqual([exploitedInBoth.id]);
      expect(res.body.plan.map((p: Body) => p.facilityId)).not.toContain(menGenova.id);
    });

    it('a single adult offered a mother-child unit sees it as a fallback', async () => {
      const family = await freshFacility(t, {
        name: 'Casa Famiglie',
        provinceCode: 'IM',
        places: [{ kind: 'mother_child', total: 1, childCapacity: 2 }],
      });
      const r = await openRequest(liguria);
      const c = (await candidates(liguria, r.id)).candidates.find((x) => x.facilityId === family.id);
      expect(c).toMatchObject({ placeKind: 'mother_child', placeKindFallback: true });
    });
  });

  describe('GET /api/v1/conflict-tags', () => {
    const tags = (p: Principal | null, query: Record<string, string | number>) => {
      const req = t.http().get('/api/v1/conflict-tags').query(query);
      return p ? req.set(as(p)) : req;
    };
    let house: { id: string };

    beforeAll(async () => {
      house = await freshFacility(t, { name: 'Casa Suggerimenti', provinceCode: 'SP' });
      const placedHere = await openRequest(liguria, { safety: { conflictTags: ['Suggerita Alfa'] } });
      expect((await propose(liguria, placedHere.id, house.id)).status).toBe(201);
      await openRequest(liguria, { safety: { conflictTags: ['suggerita-beta'] } });
      const cancelled = await openRequest(liguria, { safety: { conflictTags: ['suggerita-gamma'] } });
      expect((await t.http().post(`/api/v1/placement-requests/${cancelled.id}/cancel`).set(as(liguria))).status).toBe(200);
    });

    it('answers the tags in use starting with the prefix, folded, from every region, tags only', async () => {
      const res = await tags(toscana, { prefix: 'SUGGERITA ' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ tags: ['suggerita-alfa', 'suggerita-beta'] });
      // never where they are
      expect(JSON.stringify(res.body)).not.toContain(house.id);
      expect(JSON.stringify(res.body)).not.toMatch(/Casa|SP|"07"/);
    });

    it('limits the list, and an unmatched prefix answers nothing', async () => {
      expect((await tags(liguria, { prefix: 'suggerita', limit: 1 })).body).toEqual({ tags: ['suggerita-alfa'] });
      expect((await tags(liguria, { prefix: 'zzzz-nessuna' })).body).toEqual({ tags: [] });
      expect((await tags(liguria, { prefix: 'suggerita', limit: 0 })).status).toBe(400);
    });

    it('ignores the dashes: a tag typed with its words joined or split otherwise finds the one in use', async () => {
      await openRequest(liguria, { safety: { conflictTags: ['Simile GE-77'] } });
      for (const prefix of ['simile ge77', 'similege77', 'SIMILEGE 77', 'simi-lege'])
        expect((await tags(toscana, { prefix })).body).toEqual({ tags: ['simile-ge-77'] });
      expect((await tags(toscana, { prefix: 'similege78' })).body).toEqual({ tags: [] });
    });

    it('is for uor and admin only', async () => {
      expect((await tags(principals.admin(), { prefix: 'suggerita' })).body.tags).toContain('suggerita-beta');
      expect((await tags(principals.national(), { prefix: 'suggerita' })).status).toBe(403);
      expect((await tags(principals.manager(house.id), { prefix: 'suggerita' })).status).toBe(403);
      expect((await tags(null, { prefix: 'suggerita' })).status).toBe(401);
    });
  });
});
