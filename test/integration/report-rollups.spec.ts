import type { QueryRunner } from 'typeorm';
import { ReportRollups1763900012000 } from '../../migrations/1763900012000-report-rollups.js';
import { ReportOrderedReads1763900014000 } from '../../migrations/1763900014000-report-ordered-reads.js';
import { ReportRollupDeltas1763900022000 } from '../../migrations/1763900022000-report-rollup-deltas.js';
import { FACT_EVENTS } from '../../src/reports/report-facts.js';
import { REPORTS } from '../../src/reports/report-definitions.js';
import { ReportsRepository, type Period, type Scope } from '../../src/reports/reports.repository.js';
import { ReportsService } from '../../src/reports/reports.service.js';
import { RollupFoldRepository } from '../../src/reports/rollup-fold.repository.js';
import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** A small seeded generator, so that a failing sequence can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  return { next, pick, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const KINDS = ['adult', 'mother_child', 'minor'];
const NATIONAL: Scope = { regions: null, facilities: null };
/** Instants between 20 October 2025 and 10 March 2026: month ends, a year end, the end of summer time. */
const START = Date.parse('2025-10-20T00:00:00Z');
const SPAN = Date.parse('2026-03-10T00:00:00Z') - START;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The monthly roll-ups (migration 1763900012000) against the facts and day rows they sum, on the
 * real database: random sequences of facts (single and multi-row statements, some deleted again)
 * and of bed changes; every report read from the roll-ups equals the same report read from the
 * facts and day rows alone, over periods with and without whole months; and the migration fills
 * the roll-ups of a database that already holds facts.
 */
describe('report roll-ups (integration)', () => {
  let t: TestApp;
  let repo: ReportsRepository;
  let fold: RollupFoldRepository;
  const facilities: { id: string; kinds: string[] }[] = [];

  /** `n` random facts in statements of 1 to 25 rows; returns nothing, the database is the record. */
  const insertFacts = async (seed: number, n: number) => {
    const r = random(seed);
    for (let done = 0; done < n;) {
      const size = Math.min(n - done, r.next() < 0.5 ? 1 : r.int(2, 25));
      const params: unknown[] = [];
      const rows: string[] = [];
      for (let i = 0; i < size; i++) {
        const event = r.pick(FACT_EVENTS);
        const durable = ['first_proposal', 'acceptance', 'admission'].includes(event);
        // near midnight now and then: the day in Italy is not the day in UTC
        const at =
          r.next() < 0.2
            ? Math.floor((START + r.next() * SPAN) / 86_400_000) * 86_400_000 - r.int(1, 90) * 60_000
            : START + r.next() * SPAN;
        const children = r.int(0, 3);
        const female = r.int(0, children);
        const values = [
          event,
          iso(at),
          r.pick(['07', '09', '03']),
          r.pick(['07', '09', '03', null]),
          event === 'admission' ? r.pick(['07', '09', '12']) : null,
          r.pick(['casa_di_fuga', 'high_intensity_community', null]),
          r.pick(['immediate', 'within_24h', 'planned', null]),
          r.pick(['female', 'male', 'transgender', null]),
          r.pick(['minor', '18_24', '25_34', '35_plus', null]),
          r.pick([[], ['sexual'], ['labour', 'sexual'], ['begging']]),
          r.pick(['helpline', 'street_unit', 'self', null]),
          r.pick(['NG', 'RO', 'CN', null]),
          children,
          female,
          children - female - r.int(0, children - female),
          r.next() < 0.2,
          r.pick(['no_capacity', 'safety', null]),
          durable && r.next() < 0.9 ? r.int(0, 20_000) / 100 : null,
        ];
        const base = params.length;
        params.push(...values);
        const p = (k: number) => `$${base + k + 1}`;
        rows.push(
          `(${values.map((_, k) => (k === 1 ? `${p(k)}::timestamptz` : p(k))).join(', ')}, (${p(1)}::timestamptz AT TIME ZONE 'Europe/Rome')::date)`,
        );
      }
      await t.sql(
        `INSERT INTO report_fact (event, at, region_code, facility_region_code, from_region_code, facility_type, urgency, gender, age_band, exploitation,
           referral_channel, nationality, children, children_female, children_male, transfer, reason, hours, day) VALUES ${rows.join(', ')}`,
        params,
      );
      done += size;
    }
  };

  /** Bed changes and confirmations in time order, a few per statement, as the services append them. */
  const insertBedEvents = async (seed: number, n: number) => {
    const r = random(seed);
    const times = Array.from({ length: n }, () => START + r.next() * SPAN).sort((a, b) => a - b);
    for (const at of times) {
      const f = r.pick(facilities);
      if (r.next() < 0.15) {
        await t.sql(
          `INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at) VALUES ($1, NULL, 'confirm', 'test', 'shelter_manager', $2)`,
          [f.id, iso(at)],
        );
        continue;
      }
      const delta = { total: r.int(-1, 2), occupied: r.int(-1, 1), outOfService: r.int(-1, 1), held: 0 };
      await t.sql(
        `INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta) VALUES ($1, $2, 'update', 'test', 'shelter_manager', $3, $4)`,
        [f.id, r.pick(f.kinds), iso(at), delta],
      );
    }
  };

  /** What the triggers keep (with and without their pending deltas), and the same summed again from the facts and day rows. */
  const rollupState = async () => {
    const bedCols = KINDS.flatMap((k) => [
      `d_available_${k}`,
      `d_occupied_${k}`,
      `fresh_available_${k}`,
      `w_available_${k}`,
      `w_occupied_${k}`,
    ]);
    const sumOf = (c: string) =>
      c.startsWith('w_') ? `sum(d${c.slice(1)}::bigint * (day - DATE '2000-01-01'))::bigint` : `sum(${c})::int`;
    const peopleKey = 'facility_region_code, gender, age_band, exploitation, referral_channel, nationality';
    const q = (sql: string) => t.sql(sql).then((rows) => JSON.stringify(rows));
    /** `table` as it stands (folded), or (`now`) with its pending deltas summed in per key, rows summing to nothing left out */
    const keptOf = async (now: boolean) => ({
      people: await q(
        now
          ? `SELECT month, ${peopleKey}, exploitation_key, sum(n)::int AS n, sum(children)::int AS children, sum(children_female)::int AS children_female,
                    sum(children_male)::int AS children_male FROM report_people_now GROUP BY month, ${peopleKey}, exploitation_key HAVING sum(n) <> 0
             ORDER BY month, ${peopleKey}`
          : `SELECT month, ${peopleKey}, exploitation_key, n, children, children_female, children_male FROM report_people_month ORDER BY month, ${peopleKey}`,
      ),
      flow: await q(
        now
          ? `SELECT month, event, region_code, urgency, sum(n)::int AS n FROM report_flow_now GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4`
          : `SELECT month, event, region_code, urgency, n FROM report_flow_month ORDER BY 1, 2, 3, 4`,
      ),
      durations: await q(`SELECT fact_id, day, event, region_code, urgency, hours FROM report_duration ORDER BY fact_id`),
      beds: await q(
        now
          ? `SELECT month, region_code, facility_type, ${bedCols.map((c) => `sum(${c})::bigint AS ${c}`).join(', ')} FROM report_bed_change_month_now GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
          : `SELECT month, region_code, facility_type, ${bedCols.map((c) => `${c}::bigint AS ${c}`).join(', ')} FROM report_bed_change_month ORDER BY 1, 2, 3`,
      ),
    });
    return {
      kept: await keptOf(true),
      folded: await keptOf(false),
      summed: {
        // the stored key as reports show the dimension: 'none' for no type, else the types joined by '+'
        people: await q(`SELECT date_trunc('month', day)::date AS month, ${peopleKey},
                           CASE WHEN exploitation = '{}' THEN 'none' ELSE array_to_string(exploitation, '+') END AS exploitation_key,
                           count(*)::int AS n, sum(children)::int AS children,
                           sum(children_female)::int AS children_female, sum(children_male)::int AS children_male
                         FROM report_fact WHERE event = 'admission' GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY month, ${peopleKey}`),
        flow: await q(
          `SELECT date_trunc('month', day)::date AS month, event, region_code, urgency, count(*)::int AS n FROM report_fact GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
        ),
        durations: await q(
          `SELECT id AS fact_id, day, event, region_code, urgency, hours FROM report_fact WHERE event IN ('first_proposal', 'acceptance', 'admission') ORDER BY id`,
        ),
        beds: await q(`SELECT date_trunc('month', day)::date AS month, region_code, facility_type, ${bedCols.map((c) => `${sumOf(c)}::bigint AS ${c}`).join(', ')}
                       FROM report_bed_change_group_now GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
      },
    };
  };

  /** Periods with whole months, with none, across the year end, single days, month ends. */
  const periods = (seed: number): Period[] => {
    const r = random(seed);
    const fixed: Period[] = [
      { from: '2025-11-01', to: '2025-11-30' },
      { from: '2025-10-01', to: '2026-03-31' },
      { from: '2025-12-01', to: '2026-01-31' },
      { from: '2025-11-05', to: '2025-12-04' },
      { from: '2025-10-25', to: '2026-02-03' },
      { from: '2025-12-31', to: '2026-01-01' },
      { from: '2026-01-31', to: '2026-01-31' },
      { from: '2026-02-01', to: '2026-02-28' },
      // whole months without any fact
      { from: '2024-01-01', to: '2024-12-31' },
    ];
    const day = (ms: number) => iso(ms).slice(0, 10);
    const random_: Period[] = Array.from({ length: 8 }, () => {
      const a = START - 10 * 86_400_000 + r.next() * (SPAN + 20 * 86_400_000);
      const b = a + r.next() * 120 * 86_400_000;
      return { from: day(a), to: day(b) };
    });
    return [...fixed, ...random_];
  };

  /** Every report, several dimension sets, read both ways over `ps`: the differences (none expected) and how many answers had rows. */
  const compare = async (ps: Period[]) => {
    const differences: string[] = [];
    let answered = 0;
    const factReports = [
      ['people', [...REPORTS.people.dims]],
      ['people', ['gender']],
      ['people', ['regionCode', 'exploitation']],
      ['people', ['ageBand', 'exploitation', 'nationality']],
      ['people', ['exploitation', 'referralChannel']],
      ['flow', [...REPORTS.flow.dims]],
      ['flow', ['urgency']],
      ['declines', [...REPORTS.declines.dims]],
      ['unmet', [...REPORTS.unmet.dims]],
      ['movements', [...REPORTS.movements.dims]],
    ] as const;
    for (const period of ps) {
      for (const [name, dims] of factReports) {
        const rolled = await repo.facts(name, [...dims], period, NATIONAL);
        const raw = await repo.facts(name, [...dims], period, NATIONAL, { rollups: false });
        if (JSON.stringify(rolled) !== JSON.stringify(raw)) differences.push(`${name} ${dims.join(',')} ${period.from}..${period.to}`);
        if (raw.length > 1) answered++;
      }
      for (const dims of [['regionCode', 'facilityType', 'kind'], ['kind'], ['facilityType']]) {
        const rolled = await repo.occupancy(dims, period, NATIONAL, false);
        const raw = await repo.occupancy(dims, period, NATIONAL, false, { rollups: false });
        if (JSON.stringify(rolled) !== JSON.stringify(raw)) differences.push(`occupancy ${dims.join(',')} ${period.from}..${period.to}`);
        if (raw.length > 1) answered++;
      }
    }
    return { differences, answered };
  };

  beforeAll(async () => {
    t = await startTestApp();
    repo = t.app.get(ReportsRepository);
    fold = t.app.get(RollupFoldRepository);
    const admin = bearer(t.token(principals.admin()));
    for (const o of [
      {
        provinceCode: 'GE',
        places: [
          { kind: 'adult' as const, total: 4 },
          { kind: 'mother_child' as const, total: 1, childCapacity: 2 },
        ],
      },
      { provinceCode: 'SP', type: 'high_intensity_community' as const, places: [{ kind: 'adult' as const, total: 4 }] },
      {
        provinceCode: 'LU',
        places: [
          { kind: 'adult' as const, total: 3 },
          { kind: 'minor' as const, total: 2 },
        ],
      },
    ]) {
      const res = await t.http().post('/api/v1/facilities').set(admin).send(aFacility(o));
      if (res.status !== 201) throw new Error(`facility: ${res.status} ${JSON.stringify(res.body)}`);
      facilities.push({ id: res.body.id as string, kinds: o.places.map((p) => p.kind) });
    }
  });
  afterAll(() => t.close());

  it.each([1, 2, 3])(
    'random facts and bed changes (seed %i): the roll-ups hold their sums, and every report reads the same from them as from the facts',
    async (seed) => {
      await insertFacts(seed * 101, 400);
      await insertBedEvents(seed * 103, 150);
      // some facts deleted again, in one statement and one by one
      await t.sql(`DELETE FROM report_fact WHERE id IN (SELECT id FROM report_fact ORDER BY md5(id::text || $1) LIMIT 15)`, [String(seed)]);
      await t.sql(`DELETE FROM report_fact WHERE id = (SELECT max(id) FROM report_fact WHERE event = 'admission')`);

      // pending deltas read with the roll-ups (the fold job has not run)
      expect((await fold.pending()).rows).toBeGreaterThan(0);
      const state = await rollupState();
      expect(state.kept).toEqual(state.summed);
      // not vacuous: whole months of facts and of bed changes are rolled up
      expect(JSON.parse(state.kept.people).length).toBeGreaterThan(10);
      expect(JSON.parse(state.kept.beds).length).toBeGreaterThan(3);
      const { differences, answered } = await compare(periods(seed));
      expect(differences).toEqual([]);
      expect(answered).toBeGreaterThan(50);

      // folded (twice at once: each delta counts once): the roll-up rows alone hold the sums, the answers are the same
      const moved = await Promise.all([fold.fold(), fold.fold()]);
      expect(moved[0] + moved[1]).toBeGreaterThan(0);
      expect(await fold.pending()).toEqual({ rows: 0, oldestS: 0 });
      const after = await rollupState();
      expect(after.folded).toEqual(after.summed);
      expect(after.kept).toEqual(after.summed);
      expect((await compare(periods(seed))).differences).toEqual([]);
    },
  );

  it('the migration fills the roll-ups from the facts and day rows of an existing database', async () => {
    await insertFacts(7, 150);
    await insertBedEvents(11, 60);
    const ps = periods(13);
    const before = await Promise.all(ps.map((p) => repo.facts('people', [...REPORTS.people.dims], p, NATIONAL)));
    const bedsBefore = await Promise.all(ps.map((p) => repo.occupancy(['regionCode', 'facilityType', 'kind'], p, NATIONAL, false)));

    // the roll-ups and what migrations 1763900014000 (its stored key, its indexes) and 1763900022000 (the deltas) added to them
    const migrations = [new ReportRollups1763900012000(), new ReportOrderedReads1763900014000(), new ReportRollupDeltas1763900022000()];
    const runner = { query: (sql: string) => t.sql(sql) } as unknown as QueryRunner;
    for (const m of [...migrations].reverse()) await m.down(runner);
    // written while the roll-ups do not exist: only the backfill can count them
    await insertFacts(17, 100);
    await insertBedEvents(19, 40);
    for (const m of migrations) await m.up(runner);
    // from the facts alone (the facts' own reading needs migration 1763900014000's key function)
    const raw = await Promise.all(ps.map((p) => repo.facts('people', [...REPORTS.people.dims], p, NATIONAL, { rollups: false })));

    const state = await rollupState();
    expect(state.kept).toEqual(state.summed);
    // the down of migration 1763900022000 folded what was pending: the roll-up rows alone hold the backfill
    expect(state.folded).toEqual(state.summed);
    const after = await Promise.all(ps.map((p) => repo.facts('people', [...REPORTS.people.dims], p, NATIONAL)));
    expect(after).toEqual(raw);
    // the facts written meanwhile count: the answers changed
    expect(after).not.toEqual(before);
    expect((await compare(ps)).differences).toEqual([]);
    expect(await Promise.all(ps.map((p) => repo.occupancy(['regionCode', 'facilityType', 'kind'], p, NATIONAL, false)))).not.toEqual(
      bedsBefore,
    );
  });

  it('a TRUNCATE of the facts empties the fact roll-ups with them', async () => {
    await insertFacts(23, 30);
    await fold.fold();
    await insertFacts(29, 30);
    await t.sql(`TRUNCATE report_fact`);
    const [n] = await t.sql<{ people: number; flow: number; durations: number }>(
      `SELECT (SELECT count(*) FROM report_people_now)::int AS people, (SELECT count(*) FROM report_flow_now)::int AS flow, (SELECT count(*) FROM report_duration)::int AS durations`,
    );
    expect(n).toEqual({ people: 0, flow: 0, durations: 0 });
  });

  it('a large answer through HTTP, sent in chunks, is the answer the service built (JSON and CSV)', async () => {
    await t.sql(`TRUNCATE report_fact`);
    // 2,000 admissions, each its own combination of dimensions: 2,000 rows, far more than one chunk
    await t.sql(
      `INSERT INTO report_fact (event, at, region_code, facility_region_code, from_region_code, facility_type, urgency, gender, age_band,
         exploitation, referral_channel, nationality, children, children_female, children_male, transfer, reason, hours, day)
       SELECT 'admission', '2026-02-10T12:00:00Z', '07', (ARRAY['03', '07', '09', '12'])[1 + i % 4], '07', 'casa_di_fuga', 'planned',
              (ARRAY['female', 'male', 'transgender'])[1 + (i / 4) % 3], (ARRAY['minor', '18_24', '25_34', '35_plus'])[1 + (i / 12) % 4],
              CASE WHEN i % 2 = 0 THEN ARRAY['sexual'] ELSE ARRAY['labour', 'sexual'] END, 'helpline',
              chr(65 + (i / 48) % 26) || chr(65 + (i / 1248) % 26), i % 3, 0, i % 3, false, NULL, 12.5, DATE '2026-02-10'
         FROM generate_series(0, 1999) AS i`,
    );
    const query = { from: '2026-02-01', to: '2026-02-28' };
    const service = t.app.get(ReportsService);
    const auth = bearer(t.token(principals.national()));
    const url = `/api/v1/reports/people?from=${query.from}&to=${query.to}`;

    const json = await t.http().get(url).set(auth);
    expect(json.status).toBe(200);
    expect(json.headers['transfer-encoding']).toBe('chunked');
    const built = await service.render(principals.national(), 'people', { ...query });
    expect('json' in built && built.json.rows.length).toBe(2000);
    expect(json.body).toEqual(JSON.parse(JSON.stringify('json' in built ? built.json : null)));

    const csv = await t
      .http()
      .get(`${url}&format=csv`)
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done(null, Buffer.concat(parts)));
      });
    expect(csv.status).toBe(200);
    const builtCsv = await service.render(principals.national(), 'people', { ...query, format: 'csv' });
    expect((csv.body as Buffer).equals(Buffer.concat('csv' in builtCsv ? builtCsv.csv : []))).toBe(true);
    expect((csv.body as Buffer).toString('utf8').split('\r\n')).toHaveLength(2000 + 3); // header, rows, total, and the last CRLF
  });
});
