import ExcelJS from 'exceljs';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { ProposalDecisionsService } from '../../src/lifecycle/proposals/proposal-decisions.service.js';
import type { Principal } from '../../src/auth/principal.js';
import { summaryAnswer } from '../../src/reports/summary.js';
import { SummaryRepository } from '../../src/reports/summary.repository.js';
import { aFacility, aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The monitoring sheet over March 2026, with known numbers. Liguria: F1 casa di fuga (6 adult
 * beds, 2 mother-child units), F2 community for everyone (6 adult beds), F3 for minors (4 beds).
 *
 * Before the period (admitted 10 February):
 *   C1 woman 30, sexual, with a girl and a boy, in F1 (mother-child): still placed.
 *   C2 girl 16, labour, in F3: still placed.
 *   C3 transgender woman 28, sexual, in F1: transferred to F2 on 10 March (28 nights).
 *   C4 man 35, labour, in F2: discharged on 20 February (completed): not carried over.
 *   C5 woman 40, domestic servitude, in F2: leaves on 15 March (33 nights).
 * In the period (admitted 5 March):
 *   N1 woman 22, sexual, with a girl, in F1 (mother-child).
 *   N2 boy 17, labour, in F3.
 *   N3 transgender woman 25, begging, in F2: completes on 20 March (15 nights).
 *   N4 girl 17, forced crime and sexual, in F3.
 *   D1 declined by F2 (staff capacity), E1's proposal to F2 expires; both requests then cancelled.
 */
describe('reports: the monitoring sheet (summary)', () => {
  let t: TestApp;
  const admin = principals.admin();
  const national = principals.national();
  const lig = principals.uor('07');
  const tos = principals.uor('09');
  const fac: Record<string, string> = {};
  const HOUR = 3_600_000;
  const as = (p: Principal) => bearer(t.token(p));
  const manager = (key: string) => principals.manager(fac[key]);
  const at = (iso: string) => t.clock.set(new Date(iso));
  const ok = async <T = Record<string, any>>(res: PromiseLike<{ status: number; body: any }>, status = 200): Promise<T> => {
    const r = await res;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const open = (o: RequestOverrides) => ok(t.http().post('/api/v1/placement-requests').set(as(lig)).send(aRequest(o)), 201);
  const propose = (requestId: string, key: string) =>
    ok(t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(lig)).send({ facilityId: fac[key] }), 201);
  const decide = (key: string, proposalId: string, action: 'accept' | 'admit' | 'decline', body?: object) =>
    ok(
      t
        .http()
        .post(`/api/v1/proposals/${proposalId}/${action}`)
        .set(as(manager(key)))
        .send(body),
    );
  /** a request from opening to admission at `key`, all on the clock's day; its placement id */
  const place = async (o: RequestOverrides, key: string): Promise<string> => {
    const r = await open(o);
    const p = await propose(r.id, key);
    await decide(key, p.id, 'accept');
    return (await decide(key, p.id, 'admit')).placementId;
  };
  const discharge = (placementId: string, reason: string, date: string) =>
    ok(t.http().post(`/api/v1/placements/${placementId}/discharge`).set(as(lig)).send({ reason, date }));
  const summary = (who: Principal, q: Record<string, string> = {}) =>
    t
      .http()
      .get('/api/v1/reports/summary')
      .query({ from: '2026-03-01', to: '2026-03-31', ...q })
      .set(as(who));

  beforeAll(async () => {
    t = await startTestApp();
    at('2026-01-10T09:00:00Z');
    const all = { genders: ['female', 'male', 'transgender'] as never, adults: true, minors: false, children: false };
    for (const [key, o] of Object.entries({
      F1: {
        places: [
          { kind: 'adult' as const, total: 6 },
          { kind: 'mother_child' as const, total: 2, childCapacity: 3 },
        ],
        exploitationExpertise: ['sexual', 'labour'] as never,
      },
      F2: { provinceCode: 'SP', type: 'high_intensity_community' as const, accepts: all, places: [{ kind: 'adult' as const, total: 6 }] },
      F3: {
        accepts: { genders: ['female', 'male'] as never, adults: false, minors: true, children: false },
        places: [{ kind: 'minor' as const, total: 4 }],
      },
    }))
      fac[key] = (await ok(t.http().post('/api/v1/facilities').set(as(admin)).send(aFacility(o)), 201)).id;

    at('2026-02-10T09:00:00Z');
    const C1 = await place(
      {
        person: {
          gender: 'female',
          age: 30,
          exploitation: ['sexual'],
          children: [
            { age: 4, sex: 'female' },
            { age: 2, sex: 'male' },
          ],
        },
      } as RequestOverrides,
      'F1',
    );
    await place({ person: { gender: 'female', age: 16, exploitation: ['labour'] } }, 'F3');
    const C3 = await place({ person: { gender: 'transgender', age: 28, exploitation: ['sexual'] } }, 'F1');
    const C4 = await place({ person: { gender: 'male', age: 35, exploitation: ['labour'] } }, 'F2');
    const C5 = await place({ person: { gender: 'female', age: 40, exploitation: ['domestic_servitude'] } }, 'F2');
    expect(C1).toBeDefined();
    at('2026-02-20T09:00:00Z');
    await discharge(C4, 'completed', '2026-02-20');

    at('2026-03-05T09:00:00Z');
    await place(
      { person: { gender: 'female', age: 22, exploitation: ['sexual'], children: [{ age: 1, sex: 'female' }] } } as RequestOverrides,
      'F1',
    );
    await place({ person: { gender: 'male', age: 17, exploitation: ['labour'] } }, 'F3');
    const N3 = await place({ person: { gender: 'transgender', age: 25, exploitation: ['begging'] } }, 'F2');
    at('2026-03-06T09:00:00Z');
    await place({ person: { gender: 'female', age: 17, exploitation: ['forced_crime', 'sexual'] } }, 'F3');
    const D1 = await open({ person: { gender: 'female', age: 26 } });
    await decide('F2', (await propose(D1.id, 'F2')).id, 'decline', { reason: 'staff_capacity' });
    const E1 = await open({ person: { gender: 'female', age: 27 } });
    await propose(E1.id, 'F2');
    at('2026-03-08T09:00:00Z');
    expect(await t.app.get(ProposalDecisionsService).expireDue()).toBe(1);
    for (const r of [D1, E1]) await ok(t.http().post(`/api/v1/placement-requests/${r.id}/cancel`).set(as(lig)));

    // C3's transfer to F2: the admission ends her placement in F1 (where a branch does not yet, by hand)
    at('2026-03-10T09:00:00Z');
    await place(
      {
        person: { gender: 'transgender', age: 28, exploitation: ['sexual'] },
        stage: 'second_reception',
        previousPlacementId: C3,
      } as RequestOverrides,
      'F2',
    );
    if ((await ok(t.http().get(`/api/v1/placements/${C3}`).set(as(lig)))).status === 'active')
      await discharge(C3, 'transferred', '2026-03-10');
    at('2026-03-15T09:00:00Z');
    await discharge(C5, 'left', '2026-03-15');
    at('2026-03-20T09:00:00Z');
    await discharge(N3, 'completed', '2026-03-20');
    at('2026-04-02T09:00:00Z');
  });
  afterAll(() => t.close());

  const cells = (carried: number, fresh: number) => ({ carriedOver: carried, newAdmissions: fresh });
  /** Every figure of March, exact (what a view without suppression shows). */
  const exact = {
    people: {
      rows: [
        { gender: 'female', age: 'adult', ...cells(2, 1) },
        { gender: 'female', age: 'minor', ...cells(1, 1) },
        { gender: 'male', age: 'adult', ...cells(0, 0) },
        { gender: 'male', age: 'minor', ...cells(0, 1) },
        { gender: 'transgender', age: 'adult', ...cells(1, 1) },
        { gender: 'transgender', age: 'minor', ...cells(0, 0) },
      ],
      totals: cells(4, 4),
    },
    children: {
      rows: [
        { sex: 'female', ...cells(1, 1) },
        { sex: 'male', ...cells(1, 0) },
      ],
      totals: cells(2, 1),
    },
    exploitation: {
      rows: [
        { exploitation: 'begging', ...cells(0, 1) },
        { exploitation: 'domestic_servitude', ...cells(1, 0) },
        { exploitation: 'forced_crime', ...cells(0, 1) },
        { exploitation: 'labour', ...cells(1, 1) },
        { exploitation: 'sexual', ...cells(2, 2) },
      ],
      totals: cells(4, 5),
    },
    exits: {
      rows: [
        { reason: 'completed', medianStayDays: 15, exits: 1 },
        { reason: 'left', medianStayDays: 33, exits: 1 },
        { reason: 'transferred', medianStayDays: 28, exits: 1 },
      ],
      totals: { exits: 3 },
      medianStayDays: 28,
    },
    transfers: 1,
    proposals: {
      made: 7,
      declined: 1,
      expired: 1,
      declinedByReason: { rows: [{ reason: 'staff_capacity', count: 1 }], totals: { count: 1 } },
    },
    requestsClosedUnplaced: 2,
  };
  const head = (regionCode: string | null = null, suppressed = true) => ({
    report: 'summary',
    from: '2026-03-01',
    to: '2026-03-31',
    filters: { regionCode },
    suppressed,
  });

  it('every figure exact where nothing is suppressed', async () => {
    const raw = await t.app.get(SummaryRepository).summary({ from: '2026-03-01', to: '2026-03-31' }, { regions: null, facilities: null });
    expect(summaryAnswer({ from: '2026-03-01', to: '2026-03-31', regionCode: null }, raw, false)).toEqual({
      ...head(null, false),
      ...exact,
    });
  });

  it('national: shown figures exact, 1 and 2 as "<3", a hidden cell never below 3', async () => {
    const a = await ok(summary(national));
    expect(a).toMatchObject(head());
    /** every cell of a suppressed table against the exact one */
    const check = (shown: Record<string, unknown>[], truth: Record<string, unknown>[], measures: string[]) => {
      expect(shown.length).toBe(truth.length);
      shown.forEach((row, i) =>
        measures.forEach((m) => {
          const v = truth[i][m] as number;
          if (v === 1 || v === 2) expect(row[m]).toBe('<3');
          else if (row[m] === null) expect(v).toBeGreaterThanOrEqual(3);
          else expect(row[m]).toBe(v);
        }),
      );
    };
    check(a.people.rows, exact.people.rows, ['carriedOver', 'newAdmissions']);
    // four new people, one in each of four cells shown "<3": the total would give each away
    expect(a.people.totals).toEqual({ carriedOver: 4, newAdmissions: null });
    check(a.children.rows, exact.children.rows, ['carriedOver', 'newAdmissions']);
    check(a.exploitation.rows, exact.exploitation.rows, ['carriedOver', 'newAdmissions']);
    check(a.exits.rows, exact.exits.rows, ['exits']);
    // one stay each: no median shown; three in all: the median of the three
    expect(a.exits.rows.map((r: { medianStayDays: unknown }) => r.medianStayDays)).toEqual([null, null, null]);
    expect(a.exits.medianStayDays).toBe(28);
    expect(a.exits.totals).toEqual({ exits: null }); // three exits of one each: the total would give them away
    expect(a.transfers).toBe('<3');
    expect(a.proposals).toMatchObject({ made: 7, declined: '<3', expired: '<3' });
    expect(a.requestsClosedUnplaced).toBe('<3');
  });

  it('scopes: Liguria sees its own, Tuscany nothing, a manager her facility without suppression', async () => {
    expect(await ok(summary(lig))).toEqual({ ...(await ok(summary(national))), filters: { regionCode: null } });
    const tuscany = await ok(summary(tos));
    expect(tuscany.people.totals).toEqual({ carriedOver: 0, newAdmissions: 0 });
    expect(tuscany.proposals).toMatchObject({ made: 0, declined: 0, expired: 0 });
    // the region filter never widens a UOR's scope
    expect((await ok(summary(tos, { regionCode: '07' }))).people.totals).toEqual({ carriedOver: 0, newAdmissions: 0 });
    const f3 = await ok(summary(manager('F3')));
    expect(f3.suppressed).toBe(false);
    expect(f3.people.rows.filter((r: { carriedOver: number; newAdmissions: number }) => r.carriedOver || r.newAdmissions)).toEqual([
      { gender: 'female', age: 'minor', ...cells(1, 1) },
      { gender: 'male', age: 'minor', ...cells(0, 1) },
    ]);
    expect(f3.exits.totals).toEqual({ exits: 0 });
  });

  it('proposals over whole months (the flow roll-up), part of a month (the facts) and both agree with the facts', async () => {
    const made = async (from: string, who: Principal = national) => (await ok(summary(who, { from }))).proposals.made;
    // five proposals on 10 February, seven in March
    expect(await made('2026-02-01')).toBe(12);
    expect(await made('2026-02-15')).toBe(7);
    expect(await made('2026-02-10')).toBe(12);
    expect(await made('2026-02-10', lig)).toBe(12);
  });

  it('CSV: one figure a line, the same numbers', async () => {
    const res = await summary(national, { format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain('approdo-summary-2026-03-01-2026-03-31.csv');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('section,key,key2,measure,value');
    expect(lines).toContain('people,female,adult,carriedOver,<3');
    expect(lines).toContain('people,total,,carriedOver,4');
    expect(lines).toContain('exits,total,,medianStayDays,28');
    expect(lines).toContain('proposals,made,,count,7');
  });

  /** A file of the API as bytes (supertest parses only text by default). */
  const bytes = (path: string, q: Record<string, string>, who: Principal = national) =>
    t
      .http()
      .get(path)
      .query(q)
      .set(as(who))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('xlsx: the monitoring sheet as a workbook Italian offices open, a sheet per table, Italian headers, "<3" and "x" as on the page', async () => {
    const res = await bytes('/api/v1/reports/summary', { from: '2026-03-01', to: '2026-03-31', format: 'xlsx' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain('approdo-riepilogo-2026-03-01-2026-03-31.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'In continuità',
      'Nuove prese in carico',
      'Figli al seguito',
      'Sfruttamento',
      'Uscite',
      'Proposte e richieste',
      'Note',
    ]);
    const carried = wb.getWorksheet('In continuità')!;
    expect(String(carried.getCell('A1').value)).toMatch(
      /^Accoglienze in continuità per genere ed età · Dal 1 marzo 2026 al 31 marzo 2026$/,
    );
    expect(carried.getRow(2).values).toEqual([undefined, 'Genere', 'Maggiorenni', 'Minorenni']);
    // the API's "people,female,adult,carriedOver,<3": on the sheet as on the page
    const woman = carried.getRows(3, 5)!.find((r) => r.getCell(1).value === 'Donna')!;
    expect(woman.getCell(2).value).toBe('<3');
    const total = carried.getRows(3, 6)!.find((r) => r.getCell(1).value === 'Totale')!;
    expect(total.getCell(2).value).toBe(4);
    const fresh = wb.getWorksheet('Nuove prese in carico')!;
    expect(
      fresh
        .getRows(3, 6)!
        .find((r) => r.getCell(1).value === 'Totale')!
        .getCell(2).value,
    ).toBe('x');
    const proposals = wb.getWorksheet('Proposte e richieste')!;
    expect(
      proposals
        .getRows(3, 10)!
        .find((r) => r.getCell(1).value === 'Proposte di inserimento')!
        .getCell(2).value,
    ).toBe(7);
    const notes = wb.getWorksheet('Note')!;
    expect(notes.getCell('B1').value).toBe('Dal 1 marzo 2026 al 31 marzo 2026');

    // a report: its one table, headers and labels in Italian, numbers as numbers
    const people = await bytes('/api/v1/reports/people', { from: '2026-03-01', to: '2026-03-31', by: 'gender', format: 'xlsx' });
    expect(people.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(people.body as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Persone accolte', 'Note']);
    const sheet = book.getWorksheet('Persone accolte')!;
    expect(sheet.getRow(2).values).toEqual([undefined, 'Genere', 'Ingressi', 'Figli al seguito', 'Figlie', 'Figli maschi']);
    const labels = sheet.getRows(3, sheet.rowCount - 2)!.map((r) => r.getCell(1).value);
    expect(labels).toEqual(expect.arrayContaining(['Donna', 'Persona transgender', 'Totale']));
    for (const code of ['female', 'male', 'transgender', 'unknown']) expect(labels).not.toContain(code);
  });

  it('csv-it: the CSV for people, ";"-separated, UTF-8 with a byte-order mark, Italian headers and labels, decimal commas', async () => {
    const res = await bytes('/api/v1/reports/people', { from: '2026-03-01', to: '2026-03-31', by: 'gender', format: 'csv-it' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('approdo-persone-accolte-2026-03-01-2026-03-31-it.csv');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Genere;Ingressi;Figli al seguito;Figlie;Figli maschi');
    expect(lines.some((l) => /^Donna;/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith('Totale;'))).toMatch(/^Totale;(\d+|x);/);
    expect(lines).toContain('Periodo;Dal 1 marzo 2026 al 31 marzo 2026');
    // the machine CSV is as it was
    const machine = await summaryOf('people', { from: '2026-03-01', to: '2026-03-31', by: 'gender', format: 'csv' });
    expect(machine.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('gender,admissions,accompanyingChildren,childrenFemale,childrenMale');
    // utilisation with a decimal comma and a percent sign
    const use = await bytes('/api/v1/reports/occupancy', { from: '2026-03-01', to: '2026-03-31', by: 'regionCode', format: 'csv-it' });
    const useLines = (use.body as Buffer).subarray(3).toString('utf8').split('\r\n');
    expect(useLines[0]).toBe('Regione;Notti-letto disponibili;Notti-letto occupate;Utilizzo;Fascia;Quota non confermata');
    expect(useLines.find((l) => l.startsWith('Liguria;'))).toMatch(
      /^Liguria;\d+;\d+;\d+(,\d)?%;(basso|adeguato|oltre la capienza);\d+(,\d)?%$/,
    );
    expect((await summaryOf('people', { format: 'ods' })).body.code).toBe('unknown_format');
  });

  it('bad input: 400 with a code', async () => {
    expect((await summary(national, { groupBy: 'month' })).body.code).toBe('unknown_parameter');
    expect((await summary(national, { from: '2026-04-01' })).body.code).toBe('invalid_period');
    expect((await summary(national, { regionCode: '99' })).body.code).toBe('invalid_region');
  });

  it('groupBy=month: the months add up to the report of the whole period', async () => {
    const period = { from: '2026-01-10', to: '2026-04-01' };
    const numeric = (row: Record<string, unknown>, skip: string[]) =>
      Object.fromEntries(Object.entries(row).filter(([k, v]) => typeof v === 'number' && !skip.includes(k)));
    /** monthly rows summed over the months, keyed by the other dimensions */
    const summed = (a: Record<string, any>, skip: string[]) => {
      const out = new Map<string, Record<string, number>>();
      for (const r of a.rows) {
        const key = JSON.stringify(a.dimensions.filter((d: string) => d !== 'month').map((d: string) => r[d]));
        const acc = out.get(key) ?? {};
        for (const [k, v] of Object.entries(numeric(r, skip))) acc[k] = (acc[k] ?? 0) + (v as number);
        out.set(key, acc);
      }
      return out;
    };
    const cases: [Principal, string, Record<string, string>, string[]][] = [
      [manager('F1'), 'people', {}, []],
      [manager('F2'), 'people', { by: 'gender,ageBand' }, []],
      [manager('F3'), 'flow', {}, []],
      [national, 'occupancy', { by: 'regionCode,kind' }, ['utilisation', 'staleShare']],
    ];
    for (const [who, name, q, skip] of cases) {
      const get = (extra: Record<string, string>) =>
        ok(
          t
            .http()
            .get(`/api/v1/reports/${name}`)
            .query({ ...period, ...q, ...extra })
            .set(as(who)),
        );
      const whole = await get({});
      const monthly = await get({ groupBy: 'month' });
      expect(monthly.dimensions).toEqual(['month', ...whole.dimensions]);
      expect(new Set(monthly.rows.map((r: { month: string }) => r.month))).toEqual(
        new Set(name === 'occupancy' ? ['2026-01', '2026-02', '2026-03', '2026-04'] : ['2026-02', '2026-03']),
      );
      expect(monthly.totals).toEqual(whole.totals);
      const expected = new Map(
        whole.rows.map((r: Record<string, unknown>) => [JSON.stringify(whole.dimensions.map((d: string) => r[d])), numeric(r, skip)]),
      );
      expect(summed(monthly, skip)).toEqual(expected);
      expect(monthly.totals.admissions ?? monthly.totals.placed ?? monthly.totals.bedNightsAvailable).toBeGreaterThan(0);
    }
    const csv = await t
      .http()
      .get('/api/v1/reports/people')
      .query({ ...period, by: 'gender', groupBy: 'month', format: 'csv' })
      .set(as(manager('F1')));
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'month,gender,admissions,accompanyingChildren,childrenFemale,childrenMale',
    );
    expect((await summaryOf('declines', { groupBy: 'month' })).body.code).toBe('unknown_dimension');
  });
  const summaryOf = (name: string, q: Record<string, string>) => t.http().get(`/api/v1/reports/${name}`).query(q).set(as(national));

  it('after the retention purge, the same sheet', async () => {
    const before = [await ok(summary(national)), (await summary(national, { format: 'csv' })).text, await ok(summary(manager('F3')))];
    t.clock.advance((t.config.retentionDays + 1) * 24 * HOUR);
    expect(await t.app.get(JobsService).purgeExpiredProfiles()).toBeGreaterThanOrEqual(3);
    const after = [await ok(summary(national)), (await summary(national, { format: 'csv' })).text, await ok(summary(manager('F3')))];
    expect(after).toEqual(before);
    const raw = await t.app.get(SummaryRepository).summary({ from: '2026-03-01', to: '2026-03-31' }, { regions: null, facilities: null });
    expect(summaryAnswer({ from: '2026-03-01', to: '2026-03-31', regionCode: null }, raw, false)).toEqual({
      ...head(null, false),
      ...exact,
    });
  });
});
