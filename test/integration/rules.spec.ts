import fc from 'fast-check';
import pg from 'pg';
import { freeOf } from '../../src/domain/free-places.js';
import { freshnessOf } from '../../src/domain/freshness.js';
import { createTestDatabase } from '../support/databases.js';

/**
 * Each rule is written once per language: SQL functions (migration 1763900013000) for the queries and
 * the hold function, src/domain for TypeScript. Here both answer the same inputs, so they cannot drift.
 */
describe('the rules SQL and TypeScript share', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c.end();
    await db.drop();
  });

  it('free places: free_places() and freeOf agree, negatives included', async () => {
    const n = fc.integer({ min: 0, max: 60 });
    const cases = fc.sample(fc.record({ total: n, occupied: n, outOfService: n, held: n }), 400);
    cases.push(
      { total: 4, occupied: 4, outOfService: 0, held: 0 },
      { total: 4, occupied: 1, outOfService: 1, held: 1 },
      { total: 0, occupied: 0, outOfService: 0, held: 3 },
    );
    const { rows } = await c.query<{ free: number }>(
      `SELECT free_places(t, o, s, h) AS free FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) WITH ORDINALITY AS x(t, o, s, h, i) ORDER BY i`,
      [cases.map((x) => x.total), cases.map((x) => x.occupied), cases.map((x) => x.outOfService), cases.map((x) => x.held)],
    );
    expect(rows.map((r) => r.free)).toEqual(cases.map(freeOf));
    expect(rows.at(-3)!.free).toBe(0);
    expect(rows.at(-2)!.free).toBe(1);
  });

  it('freshness: freshness() and freshnessOf agree, at the threshold to the millisecond', async () => {
    const now = new Date('2026-11-30T02:00:00.000Z');
    const hours = 48;
    const edge = now.getTime() - hours * 3_600_000;
    const offsets = [...fc.sample(fc.integer({ min: -10 * 86_400_000, max: 86_400_000 }), 300), 0, -1, 1];
    const confirmed: (Date | null)[] = [...offsets.map((o) => new Date(edge + o)), null];
    const { rows } = await c.query<{ f: string }>(
      `SELECT freshness(c, $2::timestamptz, $3::integer) AS f FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(c, i) ORDER BY i`,
      [confirmed, now, hours],
    );
    expect(rows.map((r) => r.f)).toEqual(confirmed.map((d) => freshnessOf(d, now, hours)));
    // exactly at the threshold is still fresh; a millisecond earlier is stale; never confirmed is unknown
    expect(rows.slice(-4).map((r) => r.f)).toEqual(['fresh', 'stale', 'fresh', 'unknown']);
  });

  it('the hold function refuses by the same rule', async () => {
    const src = (await c.query<{ src: string }>(`SELECT prosrc AS src FROM pg_proc WHERE proname = 'approdo_hold'`)).rows[0].src;
    expect(src).toContain('free_places(p.total, p.occupied, p.out_of_service, h) <= 0');
  });
});
