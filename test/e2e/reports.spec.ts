import { JobsService } from '../../src/jobs/jobs.service.js';
import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import { DECLINE_REASONS } from '../../src/lifecycle/proposals/proposal.entity.js';
import type { Principal } from '../../src/auth/principal.js';
import { aFacility, aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A scripted month (March 2026) with known numbers, the reports it must give, in JSON and CSV,
 * before and after the retention purge. Times are UTC; days are days in Italy (UTC+1 in March
 * until the 29th).
 *
 * Facilities (created and confirmed on 1 March):
 *   L1 Liguria casa di fuga (GE): 4 adult beds, 1 mother-child unit
 *   L2 Liguria high-intensity community (SP): 4 adult beds
 *   T1 Toscana casa di fuga (LU): 4 adult beds
 * 2 March, 08:00 (T0): Liguria opens A1–A5, one request per decline reason, E1, W1, N1; Toscana B1.
 *   N1 (a man: nobody accepts men) finds no candidate three times; national searches the same profile once.
 * T0+1h: proposals: A1–A3 and A4 (with a child) to L1, A5 to T1 (cross-region), B1 to T1; each
 *   decline request to L2 and declined at once; E1 to L2 (left to expire); W1 to L2, withdrawn.
 * T0+2h: accepted. T0+3h: admitted. Then X, the transfer of A1 to L2: created T0+3h, proposed +1h,
 *   accepted +2h, admitted +3h; A1's placement ends as transferred. N1 is cancelled.
 * 3 March: E1's hold expires. 10 March: L2 has 6 beds, 1 out of service. 15 March: T1 confirms.
 * 20 March: L2 has 6 beds, 3 occupied.
 */
describe('reports', () => {
  let t: TestApp;
  const admin = principals.admin();
  const national = principals.national();
  const lig = principals.uor('07');
  const tos = principals.uor('09');
  const fac: Record<string, string> = {};
  const HOUR = 3_600_000;
  const T0 = new Date('2026-03-02T08:00:00Z');
  const as = (p: Principal) => bearer(t.token(p));
  const manager = (key: string) => principals.manager(fac[key]);

  const ok = async <T = Record<string, any>>(
    res: Promise<{ status: number; body: any }> | { status: number; body: any },
    status = 200,
  ): Promise<T> => {
    const r = await res;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const at = (d: Date) => t.clock.set(d);
  const open = (who: Principal, o: RequestOverrides) => ok(t.http().post('/api/v1/placement-requests').set(as(who)).send(aRequest(o)), 201);
  const propose = (who: Principal, requestId: string, key: string) =>
    ok(t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(who)).send({ facilityId: fac[key] }), 201);
  const decide = (key: string, proposalId: string, action: 'accept' | 'admit' | 'decline', body?: object) =>
    ok(
      t
        .http()
        .post(`/api/v1/proposals/${proposalId}/${action}`)
        .set(as(manager(key)))
        .send(body),
    );
  const report = (who: Principal, name: string, q: Record<string, string> = {}) =>
    t
      .http()
      .get(`/api/v1/reports/${name}`)
      .query({ from: '2026-03-01', to: '2026-03-31', ...q })
      .set(as(who));
  const setBeds = async (key: string, places: object[]) => {
    const cur = await ok(
      t
        .http()
        .get(`/api/v1/facilities/${fac[key]}/availability`)
        .set(as(manager(key))),
    );
    await ok(
      t
        .http()
        .put(`/api/v1/facilities/${fac[key]}/availability`)
        .set(as(manager(key)))
        .send({ version: cur.version, places }),
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    at(new Date('2026-03-01T08:00:00Z'));
    for (const [key, o] of Object.entries({
      L1: {
        provinceCode: 'GE',
        places: [
          { kind: 'adult' as const, total: 4 },
          { kind: 'mother_child' as const, total: 1, childCapacity: 2 },
        ],
      },
      L2: { provinceCode: 'SP', type: 'high_intensity_community' as const, places: [{ kind: 'adult' as const, total: 4 }] },
      T1: { provinceCode: 'LU', places: [{ kind: 'adult' as const, total: 4 }] },
    })) {
      fac[key] = (await ok(t.http().post('/api/v1/facilities').set(as(admin)).send(aFacility(o)), 201)).id;
      await ok(
        t
          .http()
          .post(`/api/v1/facilities/${fac[key]}/availability/confirm`)
          .set(as(manager(key))),
      );
    }

    at(T0);
    const woman = (age: number, exploitation: string[] = ['sexual']) => ({
      gender: 'female' as const,
      age,
      exploitation: exploitation as never,
    });
    const r: Record<string, string> = {};
    r.A1 = (await open(lig, { person: woman(24), referralChannel: 'helpline', urgency: 'immediate' } as RequestOverrides)).id;
    r.A2 = (await open(lig, { person: woman(24), referralChannel: 'helpline', urgency: 'immediate' } as RequestOverrides)).id;
    r.A3 = (await open(lig, { person: woman(24), referralChannel: 'helpline', urgency: 'immediate' } as RequestOverrides)).id;
    r.A4 = (
      await open(lig, {
        person: { ...woman(30, ['labour']), children: [{ age: 3 }] },
        referralChannel: 'street_unit',
        urgency: 'within_24h',
      } as RequestOverrides)
    ).id;
    r.A5 = (
      await open(lig, {
        person: { gender: 'transgender', age: 40, exploitation: ['sexual', 'labour'] },
        referralChannel: 'law_enforcement',
        urgency: 'planned',
      } as RequestOverrides)
    ).id;
    const declined: string[] = [];
    for (const _ of DECLINE_REASONS) declined.push((await open(lig, { person: woman(28), urgency: 'within_24h' })).id);
    r.E1 = (await open(lig, { person: woman(26), urgency: 'immediate' })).id;
    r.W1 = (await open(lig, { person: woman(26), urgency: 'immediate' })).id;
    r.N1 = (await open(lig, { person: { gender: 'male', age: 30 }, urgency: 'immediate' })).id;
    r.B1 = (
      await open(tos, {
        person: woman(20),
        referralChannel: 'social_services',
        urgency: 'immediate',
        origin: { provinceCode: 'LU' },
      } as RequestOverrides)
    ).id;
    for (let i = 0; i < 3; i++)
      expect((await ok(t.http().get(`/api/v1/placement-requests/${r.N1}/candidates`).set(as(lig)))).candidates).toEqual([]);
    const search = await ok(
      t
        .http()
        .post('/api/v1/capacity/search')
        .set(as(national))
        .send({ ...aRequest({ person: { gender: 'male', age: 30 } }), caseCode: undefined, urgency: undefined }),
    );
    expect(search.candidates).toEqual([]);

    at(new Date(T0.getTime() + HOUR));
    const p: Record<string, string> = {};
    for (const k of ['A1', 'A2', 'A3', 'A4']) p[k] = (await propose(lig, r[k], 'L1')).id;
    p.A5 = (await propose(lig, r.A5, 'T1')).id;
    p.B1 = (await propose(tos, r.B1, 'T1')).id;
    for (const [i, reason] of DECLINE_REASONS.entries())
      await decide('L2', (await propose(lig, declined[i], 'L2')).id, 'decline', { reason });
    await propose(lig, r.E1, 'L2');
    await ok(
      t
        .http()
        .post(`/api/v1/proposals/${(await propose(lig, r.W1, 'L2')).id}/withdraw`)
        .set(as(lig)),
    );

    const facilityOf: Record<string, string> = { A1: 'L1', A2: 'L1', A3: 'L1', A4: 'L1', A5: 'T1', B1: 'T1' };
    at(new Date(T0.getTime() + 2 * HOUR));
    for (const k of Object.keys(facilityOf)) await decide(facilityOf[k], p[k], 'accept');
    at(new Date(T0.getTime() + 3 * HOUR));
    const placement: Record<string, string> = {};
    for (const k of Object.keys(facilityOf)) placement[k] = (await decide(facilityOf[k], p[k], 'admit')).placementId;
    expect((await ok(t.http().get(`/api/v1/placement-requests/${r.A4}`).set(as(lig)))).proposals[0].placeKind).toBe('mother_child');

    // the transfer of A1 to the community, each step an hour after the last
    r.X = (
      await open(lig, {
        person: woman(24),
        referralChannel: 'helpline',
        urgency: 'planned',
        stage: 'second_reception',
        previousPlacementId: placement.A1,
      } as RequestOverrides)
    ).id;
    at(new Date(T0.getTime() + 4 * HOUR));
    const px = (await propose(lig, r.X, 'L2')).id;
    at(new Date(T0.getTime() + 5 * HOUR));
    await decide('L2', px, 'accept');
    at(new Date(T0.getTime() + 6 * HOUR));
    await decide('L2', px, 'admit');
    // on branches where the admission already ends the previous placement, this is not needed
    const prev = await ok(t.http().get(`/api/v1/placements/${placement.A1}`).set(as(lig)));
    if (prev.status === 'active')
      await ok(
        t.http().post(`/api/v1/placements/${placement.A1}/discharge`).set(as(lig)).send({ reason: 'transferred', date: '2026-03-02' }),
      );
    await ok(t.http().post(`/api/v1/placement-requests/${r.N1}/cancel`).set(as(lig)));

    at(new Date('2026-03-03T12:00:00Z'));
    expect(await t.app.get(ProposalDecisionsService).expireDue()).toBe(1);

    at(new Date('2026-03-10T10:00:00Z'));
    await setBeds('L2', [{ kind: 'adult', total: 6, occupied: 1, outOfService: 1 }]);
    at(new Date('2026-03-15T10:00:00Z'));
    await ok(
      t
        .http()
        .post(`/api/v1/facilities/${fac.T1}/availability/confirm`)
        .set(as(manager('T1'))),
    );
    at(new Date('2026-03-20T10:00:00Z'));
    await setBeds('L2', [{ kind: 'adult', total: 6, occupied: 3, outOfService: 0 }]);
    at(new Date('2026-04-05T10:00:00Z'));
  });
  afterAll(() => t.close());

  const none = { p50: null, p90: null };
  /** What the scripted month must give (national view: small cells protected). */
  const expected = {
    people: {
      rows: [
        {
          regionCode: '07',
          gender: 'female',
          ageBand: '18_24',
          exploitation: 'sexual',
          referralChannel: 'helpline',
          nationality: null,
          admissions: null,
          accompanyingChildren: 0,
          childrenFemale: 0,
          childrenMale: 0,
        },
        {
          regionCode: '07',
          gender: 'female',
          ageBand: '25_34',
          exploitation: 'labour',
          referralChannel: 'street_unit',
          nationality: null,
          admissions: '<3',
          accompanyingChildren: '<3',
          childrenFemale: 0,
          childrenMale: 0,
        },
        {
          regionCode: '09',
          gender: 'female',
          ageBand: '18_24',
          exploitation: 'sexual',
          referralChannel: 'social_services',
          nationality: null,
          admissions: '<3',
          accompanyingChildren: 0,
          childrenFemale: 0,
          childrenMale: 0,
        },
        {
          regionCode: '09',
          gender: 'transgender',
          ageBand: '35_plus',
          exploitation: 'labour+sexual',
          referralChannel: 'law_enforcement',
          nationality: null,
          admissions: '<3',
          accompanyingChildren: 0,
          childrenFemale: 0,
          childrenMale: 0,
        },
      ],
      // 7 admissions: hidden, or Toscana's two would follow from Liguria's published total
      totals: { admissions: null, accompanyingChildren: '<3', childrenFemale: 0, childrenMale: 0 },
    },
    flow: {
      // Liguria's 2 planned requests are protected by hiding the next smallest cell: its 6 immediate ones
      // (within 24 h: one request and one per decline reason, 7 with the contract's 6 reasons)
      rows: [
        {
          regionCode: '07',
          urgency: 'immediate',
          requests: null,
          placed: 3,
          declines: 0,
          expiries: '<3',
          withdrawals: '<3',
          hoursToFirstProposal: { p50: 1, p90: 1 },
          hoursToAcceptance: { p50: 2, p90: 2 },
          hoursToAdmission: { p50: 3, p90: 3 },
        },
        {
          regionCode: '07',
          urgency: 'planned',
          requests: '<3',
          placed: '<3',
          declines: 0,
          expiries: 0,
          withdrawals: 0,
          hoursToFirstProposal: none,
          hoursToAcceptance: none,
          hoursToAdmission: none,
        },
        {
          regionCode: '07',
          urgency: 'within_24h',
          requests: 1 + DECLINE_REASONS.length,
          placed: '<3',
          declines: DECLINE_REASONS.length,
          expiries: 0,
          withdrawals: 0,
          hoursToFirstProposal: { p50: 1, p90: 1 },
          hoursToAcceptance: none,
          hoursToAdmission: none,
        },
        {
          regionCode: '09',
          urgency: 'immediate',
          requests: '<3',
          placed: '<3',
          declines: 0,
          expiries: 0,
          withdrawals: 0,
          hoursToFirstProposal: none,
          hoursToAcceptance: none,
          hoursToAdmission: none,
        },
      ],
      totals: {
        requests: null,
        placed: null,
        declines: DECLINE_REASONS.length,
        expiries: '<3',
        withdrawals: '<3',
        hoursToFirstProposal: { p50: 1, p90: 1 },
        hoursToAcceptance: { p50: 2, p90: 2 },
        hoursToAdmission: { p50: 3, p90: 3 },
      },
    },
    declines: {
      // one decline per reason: all small, and their sum would give them away, so the total goes too
      rows: [...DECLINE_REASONS].sort().map((reason) => ({ reason, facilityType: 'high_intensity_community', count: '<3' })),
      totals: { count: null },
    },
    unmet: {
      rows: [{ regionCode: '07', reason: 'gender_not_accepted', searchesWithoutCandidates: 4, requestsClosedUnplaced: '<3' }],
      totals: { searchesWithoutCandidates: 4, requestsClosedUnplaced: '<3' },
    },
    movements: {
      rows: [
        { fromRegionCode: '07', toRegionCode: '07', admissions: null, transfers: '<3' },
        { fromRegionCode: '07', toRegionCode: '09', admissions: '<3', transfers: 0 },
        { fromRegionCode: '09', toRegionCode: '09', admissions: '<3', transfers: 0 },
      ],
      totals: { admissions: 7, transfers: '<3' },
    },
    occupancy: {
      rows: [
        // L1 adults: 4 beds all month; 3 admitted on the 2nd, one transferred out the same day
        {
          regionCode: '07',
          facilityType: 'casa_di_fuga',
          kind: 'adult',
          bedNightsAvailable: 124,
          bedNightsOccupied: 60,
          utilisation: 0.4839,
          band: 'low',
          staleShare: 0.9677,
        },
        {
          regionCode: '07',
          facilityType: 'casa_di_fuga',
          kind: 'mother_child',
          bedNightsAvailable: 31,
          bedNightsOccupied: 30,
          utilisation: 0.9677,
          band: 'ok',
          staleShare: 0.9677,
        },
        // L2: 4 beds to the 9th, 5 in service to the 19th, 6 to the 31st; 1 occupied from the 2nd, 3 from the 20th; confirmed on the 1st, 10th and 20th
        {
          regionCode: '07',
          facilityType: 'high_intensity_community',
          kind: 'adult',
          bedNightsAvailable: 158,
          bedNightsOccupied: 54,
          utilisation: 0.3418,
          band: 'low',
          staleShare: 0.9051,
        },
        {
          regionCode: '09',
          facilityType: 'casa_di_fuga',
          kind: 'adult',
          bedNightsAvailable: 124,
          bedNightsOccupied: 60,
          utilisation: 0.4839,
          band: 'low',
          staleShare: 0.9355,
        },
      ],
      totals: { bedNightsAvailable: 437, bedNightsOccupied: 204, utilisation: 0.4668, band: 'low', staleShare: 0.9359 },
    },
  } as const;
  const NAMES = Object.keys(expected) as (keyof typeof expected)[];

  it.each(NAMES)('%s: the expected rows and totals in JSON', async (name) => {
    const body = await ok(report(admin, name));
    expect(body).toMatchObject({ report: name, from: '2026-03-01', to: '2026-03-31', filters: { regionCode: null } });
    expect({ rows: body.rows, totals: body.totals }).toEqual(expected[name]);
  });

  it('national sees what admin sees', async () => {
    for (const name of NAMES) expect((await ok(report(national, name))).rows).toEqual(expected[name].rows);
  });

  it('one facility sees its own exact numbers (nothing to protect within one facility)', async () => {
    expect(await ok(report(manager('L1'), 'people'))).toMatchObject({
      suppressed: false,
      rows: [
        {
          regionCode: '07',
          gender: 'female',
          ageBand: '18_24',
          exploitation: 'sexual',
          referralChannel: 'helpline',
          admissions: 3,
          accompanyingChildren: 0,
        },
        {
          regionCode: '07',
          gender: 'female',
          ageBand: '25_34',
          exploitation: 'labour',
          referralChannel: 'street_unit',
          admissions: 1,
          accompanyingChildren: 1,
        },
      ],
      totals: { admissions: 4, accompanyingChildren: 1 },
    });
    const declines = await ok(report(manager('L2'), 'declines'));
    expect(declines.rows).toEqual(
      [...DECLINE_REASONS].sort().map((reason) => ({ reason, facilityType: 'high_intensity_community', count: 1 })),
    );
    expect(declines.totals).toEqual({ count: DECLINE_REASONS.length });
    const occupancy = await ok(report(manager('L2'), 'occupancy'));
    expect(occupancy.rows).toEqual([{ ...expected.occupancy.rows[2], facilityId: fac.L2 }]);
  });

  it('fewer dimensions: people by region', async () => {
    const body = await ok(report(admin, 'people', { by: 'regionCode' }));
    expect(body.rows).toEqual([
      { regionCode: '07', admissions: 5, accompanyingChildren: '<3', childrenFemale: 0, childrenMale: 0 },
      { regionCode: '09', admissions: '<3', accompanyingChildren: 0, childrenFemale: 0, childrenMale: 0 },
    ]);
  });

  it('CSV: a header row, the same rows, a total row, UTF-8 with a byte-order mark', async () => {
    const res = await report(admin, 'people', { by: 'regionCode', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="approdo-people-2026-03-01-2026-03-31.csv"');
    expect(res.text).toBe(
      '\ufeffregionCode,admissions,accompanyingChildren,childrenFemale,childrenMale\r\n07,5,<3,0,0\r\n09,<3,0,0,0\r\ntotal,x,<3,0,0\r\n',
    );
    const viaAccept = await report(admin, 'people', { by: 'regionCode' }).set('Accept', 'text/csv');
    expect(viaAccept.text).toBe(res.text);
  });

  it.each(NAMES)('%s: the CSV carries the JSON numbers', async (name) => {
    const json = await ok(report(admin, name));
    const res = await report(admin, name, { format: 'csv' });
    const lines = res.text
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(expected[name].rows.length + 2);
    const flat = (row: Record<string, unknown>) =>
      Object.entries(row).flatMap(([, v]) =>
        v && typeof v === 'object' ? [(v as any).p50 ?? '', (v as any).p90 ?? ''] : [v === null ? null : String(v)],
      );
    json.rows.forEach((row: Record<string, unknown>, i: number) => {
      const cells = lines[i + 1].split(',');
      flat(row).forEach((v, j) =>
        expect(cells[j]).toBe(v === null ? (['nationality'].includes(Object.keys(row)[j]) || name === 'occupancy' ? '' : 'x') : String(v)),
      );
    });
    expect(lines[lines.length - 1].startsWith('total,')).toBe(true);
  });

  it('scope: a UOR of another region gets nothing of Liguria’s', async () => {
    const lombardia = principals.uor('03');
    for (const name of NAMES) {
      const body = await ok(report(lombardia, name));
      expect({ name, rows: body.rows }).toEqual({ name, rows: [] });
      const asked = await ok(report(lombardia, name, { regionCode: '07' }));
      expect({ name, rows: asked.rows }).toEqual({ name, rows: [] });
    }
    // Toscana asking for Liguria gets nothing either
    for (const name of NAMES) expect((await ok(report(tos, name, { regionCode: '07' }))).rows).toEqual([]);
  });

  it('scope: a UOR sees its region, facility by facility for beds; a manager only its facility', async () => {
    const occ = await ok(report(lig, 'occupancy'));
    expect(occ.rows.map((r: { facilityId: string; kind: string }) => `${r.facilityId}:${r.kind}`).sort()).toEqual(
      [`${fac.L1}:adult`, `${fac.L1}:mother_child`, `${fac.L2}:adult`].sort(),
    );
    expect(occ.totals).toMatchObject({ bedNightsAvailable: 124 + 31 + 158, bedNightsOccupied: 60 + 30 + 54 });
    const tosPeople = await ok(report(tos, 'people', { by: 'regionCode' }));
    expect(tosPeople.rows.map((r: { regionCode: string }) => r.regionCode)).toEqual(['09']);
    expect((await ok(report(manager('T1'), 'declines'))).rows).toEqual([]);
    expect((await ok(report(manager('T1'), 'unmet'))).rows).toEqual([]);
  });

  it.each([
    ['unknown report', 'nonsense', {}, 'unknown_report'],
    ['inverted period', 'people', { from: '2026-03-31', to: '2026-03-01' }, 'invalid_period'],
    ['huge period', 'people', { from: '2020-01-01', to: '2026-03-01' }, 'period_too_long'],
    ['impossible date', 'flow', { from: '2026-02-30' }, 'invalid_date'],
    ['unknown dimension', 'people', { by: 'caseCode' }, 'unknown_dimension'],
    ['facility rows nationally', 'occupancy', { by: 'facilityId' }, 'unknown_dimension'],
    ['region that does not exist', 'people', { regionCode: '99' }, 'invalid_region'],
    ['region not a code', 'people', { regionCode: 'LIG' }, 'invalid_region'],
    ['unknown parameter', 'people', { caseCode: 'x' }, 'unknown_parameter'],
    ['unknown format', 'people', { format: 'ods' }, 'unknown_format'],
  ])('bad input: %s (%s) -> 400', async (_, name, q, code) => {
    const res = await report(admin, name, q as Record<string, string>);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code });
  });

  it('facts carry no case code, no request id and no free text', async () => {
    const [cols] = await t.sql<{ names: string[] }>(
      `SELECT array_agg(column_name::text ORDER BY column_name) AS names FROM information_schema.columns WHERE table_name = 'report_fact'`,
    );
    expect(cols.names.filter((c) => /case|request|placement|proposal|note|sub|email/.test(c))).toEqual([]);
    const dump = JSON.stringify(await t.sql(`SELECT * FROM report_fact`));
    expect(dump).not.toMatch(/TST-2026/);
  });

  it('after the retention purge, every report gives the same numbers', async () => {
    const before = await Promise.all(
      NAMES.map(async (name) => [await ok(report(admin, name)), (await report(admin, name, { format: 'csv' })).text]),
    );
    t.clock.advance((t.config.retentionDays + 1) * 24 * HOUR);
    expect(await t.app.get(JobsService).purgeExpiredProfiles()).toBeGreaterThanOrEqual(2);
    const [purged] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM placement_request WHERE profile IS NULL`);
    expect(purged.n).toBeGreaterThanOrEqual(2);
    const after = await Promise.all(
      NAMES.map(async (name) => [await ok(report(admin, name)), (await report(admin, name, { format: 'csv' })).text]),
    );
    expect(after).toEqual(before);
    expect((await ok(report(admin, 'people'))).rows).toEqual(expected.people.rows);
  });
});
