import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/** The triggers of migration 1763900016000, on the database itself. */
describe('live events (integration)', () => {
  let t: TestApp;
  const facilities: string[] = [];
  const events = (after: number) =>
    t.sql<{ id: number; type: string; facility_id: string | null }>(
      `SELECT id::int, type, facility_id FROM live_event WHERE id > $1 ORDER BY id`,
      [after],
    );
  const last = async () => (await t.sql<{ n: number }>(`SELECT coalesce(max(id), 0)::int AS n FROM live_event`))[0].n;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = bearer(t.token(principals.admin()));
    for (let i = 0; i < 205; i++)
      facilities.push(
        (
          await t
            .http()
            .post('/api/v1/facilities')
            .set(admin)
            .send(aFacility({ places: [{ kind: 'adult', total: 3 }] }))
        ).body.id,
      );
  });
  afterAll(() => t.close());

  it('a transaction touching a facility several times writes one availability event, with the final numbers', async () => {
    const from = await last();
    await t.sql('BEGIN');
    await t.sql(`UPDATE facility_place SET occupied = 1 WHERE facility_id = $1`, [facilities[0]]);
    await t.sql(`UPDATE facility_place SET occupied = 2 WHERE facility_id = $1`, [facilities[0]]);
    await t.sql(`UPDATE facility SET availability_version = availability_version + 1 WHERE id = $1`, [facilities[0]]);
    await t.sql('COMMIT');
    const rows = await t.sql<{ data: { places: { kind: string; free: number }[] } }>(`SELECT data FROM live_event WHERE id > $1`, [from]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data.places).toEqual([{ kind: 'adult', free: 1 }]);
  });

  it('a rolled back change writes nothing', async () => {
    const from = await last();
    await t.sql('BEGIN');
    await t.sql(`UPDATE facility_place SET occupied = 0 WHERE facility_id = $1`, [facilities[1]]);
    await t.sql('ROLLBACK');
    expect(await events(from)).toEqual([]);
  });

  it('a bulk change reports 200 facilities one by one, then one reset for the rest', async () => {
    const from = await last();
    await t.sql(`UPDATE facility SET confirmed_at = now() WHERE id = ANY($1::uuid[])`, [facilities]);
    const rows = await events(from);
    expect(rows.filter((r) => r.type === 'availability')).toHaveLength(200);
    expect(rows.filter((r) => r.type === 'reset')).toHaveLength(1);
    expect(rows).toHaveLength(201);
  });
});
