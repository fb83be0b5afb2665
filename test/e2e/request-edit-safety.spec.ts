import type { Principal } from '../../src/auth/principal.js';
import { aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;

/**
 * Issue 28, the walk as two UORs: an edit that makes a proposed (or accepted) house unsafe
 * withdraws the proposal in the same transaction, and "Perché le altre no" never says which
 * house hosts a network.
 */
describe('editing a request withdraws the proposals it makes unsafe (e2e)', () => {
  let t: TestApp;
  const liguria = principals.uor('07');
  const toscana = principals.uor('09');
  const as = (p: Principal) => bearer(t.token(p));
  let n = 0;
  const tag = () => `rete-edit-${++n}-${Date.now() % 100000}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function openRequest(p: Principal, o: RequestOverrides = {}) {
    const res = await t.http().post('/api/v1/placement-requests').set(as(p)).send(aRequest(o));
    expect(res.status).toBe(201);
    return res.body as Body;
  }
  const propose = async (p: Principal, requestId: string, facilityId: string) => {
    const res = await t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(p)).send({ facilityId });
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const act = (id: string, action: 'accept' | 'admit' | 'withdraw', p: Principal) =>
    t.http().post(`/api/v1/proposals/${id}/${action}`).set(as(p)).send({});
  const edit = (p: Principal, id: string, body: Body) => t.http().patch(`/api/v1/placement-requests/${id}`).set(as(p)).send(body);
  const freeAdult = async (facilityId: string) =>
    (await t.http().get(`/api/v1/facilities/${facilityId}/availability`).set(as(principals.admin()))).body.places.find(
      (x: Body) => x.kind === 'adult',
    ).free as number;
  /** A woman of network `net` lives in a new house of Genova. */
  async function houseHosting(net: string, name: string) {
    const house = await freshFacility(t, { name, provinceCode: 'GE' });
    const first = await openRequest(liguria, { safety: { conflictTags: [net] } });
    const p = await propose(liguria, first.id, house.id);
    expect((await act(p.id, 'accept', house.manager)).status).toBe(200);
    expect((await act(p.id, 'admit', house.manager)).status).toBe(200);
    return house;
  }

  it('a pending proposal to a house hosting the network added by an edit is withdrawn, its hold freed, and acceptance refused', async () => {
    const net = tag();
    const house = await houseHosting(net, 'Casa Pendente');
    const r = await openRequest(liguria);
    const before = await freeAdult(house.id);
    const proposal = await propose(liguria, r.id, house.id);
    expect(await freeAdult(house.id)).toBe(before - 1);

    // she learns the network's name and adds it, spelled her own way
    const res = await edit(liguria, r.id, { safety: { ...r.safety, conflictTags: [net.toUpperCase()] } });
    expect(res.status).toBe(200);
    expect(res.body.withdrawnProposals).toEqual([
      { id: proposal.id, facilityId: house.id, was: 'pending', reason: 'request_changed', reasons: ['conflict'] },
    ]);
    expect(res.body.proposals).toEqual([
      expect.objectContaining({ id: proposal.id, status: 'withdrawn', withdrawnReason: 'request_changed', holdExpiresAt: null }),
    ]);
    // nothing live any more: open again, the place free again
    expect(res.body.status).toBe('open');
    expect(await freeAdult(house.id)).toBe(before);

    // the manager's "Accetta" is a clear 409, not a 422 about a constraint she cannot see
    const accept = await act(proposal.id, 'accept', house.manager);
    expect(accept.status).toBe(409);
    expect(accept.body).toMatchObject({ code: 'proposal_not_pending', status: 'withdrawn', withdrawnReason: 'request_changed' });
    // both sides read why
    const seen = await t.http().get(`/api/v1/proposals/${proposal.id}`).set(as(house.manager));
    expect(seen.body).toMatchObject({ status: 'withdrawn', withdrawnReason: 'request_changed' });
    const mine = await t.http().get(`/api/v1/placement-requests/${r.id}`).set(as(liguria));
    expect(mine.body.proposals[0]).toMatchObject({ status: 'withdrawn', withdrawnReason: 'request_changed' });
    expect(mine.body.withdrawnProposals).toBeUndefined();

    // audited, and the live feed and the facility's notice fire as for any withdrawal
    const audit = await t.sql<{ details: Body }>(`SELECT details FROM audit_log WHERE action = 'proposal.withdraw' AND object_id = $1`, [
      proposal.id,
    ]);
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ reason: 'request_changed', reasons: ['conflict'] })]);
    const live = await t.sql<{ data: Body }>(`SELECT data FROM live_event WHERE type = 'proposal' AND facility_id = $1`, [house.id]);
    expect(live.map((e) => e.data)).toContainEqual(expect.objectContaining({ id: proposal.id, status: 'withdrawn' }));
  });

  it('an accepted proposal is withdrawn too when the edit puts the house where she was exploited: she is not sent there', async () => {
    const house = await freshFacility(t, { name: 'Casa Accettata', provinceCode: 'GE' });
    const r = await openRequest(liguria);
    const before = await freeAdult(house.id);
    const proposal = await propose(liguria, r.id, house.id);
    expect((await act(proposal.id, 'accept', house.manager)).status).toBe(200);

    const res = await edit(liguria, r.id, { safety: { ...r.safety, exploitationProvinces: ['GE'] } });
    expect(res.status).toBe(200);
    expect(res.body.withdrawnProposals).toEqual([
      { id: proposal.id, facilityId: house.id, was: 'accepted', reason: 'request_changed', reasons: ['exploitation_area'] },
    ]);
    expect(res.body.acceptedProposalId).toBeNull();
    expect(await freeAdult(house.id)).toBe(before);
    expect((await act(proposal.id, 'admit', house.manager)).status).toBe(409);
  });

  it('an edit the proposed houses still satisfy withdraws nothing', async () => {
    const house = await freshFacility(t, { name: 'Casa Tranquilla', provinceCode: 'SV' });
    const r = await openRequest(liguria);
    const proposal = await propose(liguria, r.id, house.id);
    const res = await edit(liguria, r.id, {
      urgency: 'immediate',
      safety: { ...r.safety, conflictTags: [tag()], exploitationProvinces: ['GE'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.withdrawnProposals).toEqual([]);
    expect(res.body.proposals).toEqual([expect.objectContaining({ id: proposal.id, status: 'pending', withdrawnReason: null })]);
  });

  it('"Perché le altre no" counts a conflict without naming the house, for every role; other reasons still name theirs', async () => {
    const net = tag();
    const house = await houseHosting(net, 'Casa Riservata');
    const full = await freshFacility(t, { name: 'Casa Piena', provinceCode: 'GE', places: [{ kind: 'adult', total: 0 }] });
    const probe = await openRequest(toscana, { safety: { conflictTags: [net] }, preferences: { crossRegion: true } });
    const answer = await t.http().get(`/api/v1/placement-requests/${probe.id}/candidates`).query({ limit: 200 }).set(as(toscana));
    expect(answer.status).toBe(200);
    const conflict = answer.body.excluded.find((e: Body) => e.reason === 'conflict');
    expect(conflict).toEqual({ reason: 'conflict', count: 1, facilities: [] });
    expect(JSON.stringify(answer.body)).not.toContain(house.id);
    const noPlace = answer.body.excluded.find((e: Body) => e.reason === 'no_free_place');
    expect(noPlace.facilities.map((f: Body) => f.facilityId)).toContain(full.id);
    // the home region and an admin are told no more
    const own = await openRequest(liguria, { safety: { conflictTags: [net] } });
    for (const p of [liguria, principals.admin()]) {
      const res = await t.http().get(`/api/v1/placement-requests/${own.id}/candidates`).query({ limit: 200 }).set(as(p));
      expect(res.body.excluded.find((e: Body) => e.reason === 'conflict')).toEqual({ reason: 'conflict', count: 1, facilities: [] });
    }
  });
});

describe('warnings where she was exploited, in candidates and batch plans (e2e)', () => {
  let t: TestApp;
  const liguria = principals.uor('07');
  const as = (p: Principal) => bearer(t.token(p));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const open = async (o: RequestOverrides) => {
    const res = await t.http().post('/api/v1/placement-requests').set(as(liguria)).send(aRequest(o));
    expect(res.status).toBe(201);
    return res.body as Body;
  };

  it('a house in an allowed exploitation province carries in_exploitation_area and ranks after an equal house outside it', async () => {
    const genova = await freshFacility(t, {
      name: 'Uomini Genova',
      provinceCode: 'GE',
      accepts: { genders: ['male'], adults: true, minors: false, children: false },
    });
    const savona = await freshFacility(t, {
      name: 'Uomini Savona',
      provinceCode: 'SV',
      accepts: { genders: ['male'], adults: true, minors: false, children: false },
    });
    const r = await open({
      person: { gender: 'male' },
      origin: { provinceCode: 'GE' },
      safety: { exploitationProvinces: ['GE'], allowExploitationArea: true, allowExploitationAreaReason: 'vuole restare vicino ai figli' },
    });
    const res = await t.http().get(`/api/v1/placement-requests/${r.id}/candidates`).query({ limit: 200 }).set(as(liguria));
    expect(res.status).toBe(200);
    const ids = res.body.candidates.map((c: Body) => c.facilityId);
    expect(ids.indexOf(savona.id)).toBeLessThan(ids.indexOf(genova.id));
    const g = res.body.candidates.find((c: Body) => c.facilityId === genova.id);
    expect(g.warnings).toEqual(['in_exploitation_area', 'same_region_as_exploitation']);
    expect(g.breakdown).toContainEqual(expect.objectContaining({ criterion: 'proximity', points: 0 }));
  });

  it('a batch plan for a house in an allowed exploitation province carries the warning', async () => {
    const house = await freshFacility(t, {
      name: 'Trans Genova',
      provinceCode: 'GE',
      accepts: { genders: ['transgender'], adults: true, minors: false, children: false },
    });
    const r = await open({
      person: { gender: 'transgender' },
      safety: { exploitationProvinces: ['GE'], allowExploitationArea: true, allowExploitationAreaReason: 'rete smantellata' },
    });
    const res = await t
      .http()
      .post('/api/v1/placement-requests/batch-assignment')
      .set(as(liguria))
      .send({ requestIds: [r.id], dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.plan).toEqual([
      expect.objectContaining({ requestId: r.id, facilityId: house.id, warnings: ['in_exploitation_area', 'same_region_as_exploitation'] }),
    ]);
  });

  it('exploitation area not known and no minimum distance: a house in the province where she is now is flagged', async () => {
    const here = await freshFacility(t, { name: 'Casa Qui', provinceCode: 'GE' });
    const away = await freshFacility(t, { name: 'Casa Lontana', provinceCode: 'SV' });
    const r = await open({ origin: { provinceCode: 'GE' }, safety: { exploitationProvinces: [] } });
    const res = await t.http().get(`/api/v1/placement-requests/${r.id}/candidates`).query({ limit: 200 }).set(as(liguria));
    const c = res.body.candidates.find((x: Body) => x.facilityId === here.id);
    expect(c.warnings).toEqual(['exploitation_area_unknown_same_province']);
    expect(res.body.candidates.find((x: Body) => x.facilityId === away.id).warnings).toEqual([]);
    // the capacity search says it too; a minimum distance (from where she is now) guards her province instead
    const search = async (safety: Body) => {
      const { person, protectionLevel, stage, origin, preferences } = aRequest({ origin: { provinceCode: 'GE' } });
      const base = aRequest().safety;
      const res = await t
        .http()
        .post('/api/v1/capacity/search')
        .set(as(liguria))
        .send({ person, protectionLevel, stage, origin, preferences, safety: { ...base, ...safety }, limit: 200 });
      expect(res.status).toBe(200);
      return res.body.candidates as Body[];
    };
    expect((await search({ exploitationProvinces: [] })).find((x) => x.facilityId === here.id)?.warnings).toEqual([
      'exploitation_area_unknown_same_province',
    ]);
    const guarded = await search({ exploitationProvinces: [], minDistanceKm: 1 });
    expect(guarded.map((x) => x.facilityId)).toContain(away.id);
    for (const x of guarded) expect(x.warnings).not.toContain('exploitation_area_unknown_same_province');
  });
});
