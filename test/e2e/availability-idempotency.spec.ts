import { aFacility, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 22: the bed board queues a manager's saves while her phone is offline and sends them when
 * the network returns, each with an Idempotency-Key: a replay returns the first answer and changes
 * nothing; a real version conflict stays 409 with the current numbers beside hers.
 */
describe('Idempotency-Key on PUT …/availability and POST …/availability/confirm', () => {
  let t: TestApp;
  let facilityId: string;
  let manager: string;
  const admin = () => bearer(t.token(principals.admin()));
  const as = () => bearer(manager);
  const url = () => `/api/v1/facilities/${facilityId}/availability`;
  const events = async () =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM availability_event WHERE facility_id = $1`, [facilityId]))[0].n;

  beforeAll(async () => {
    t = await startTestApp();
    facilityId = (
      await t
        .http()
        .post('/api/v1/facilities')
        .set(admin())
        .send(aFacility({ places: [{ kind: 'adult', total: 4 }] }))
    ).body.id;
    manager = t.token(principals.manager(facilityId));
  });
  afterAll(() => t.close());

  const current = async () => (await t.http().get(url()).set(as())).body as { version: number; places: { occupied: number }[] };
  const put = (version: number, occupied: number, key?: string) => {
    const r = t
      .http()
      .put(url())
      .set(as())
      .send({ version, places: [{ kind: 'adult', total: 4, occupied, outOfService: 0 }] });
    return key ? r.set('Idempotency-Key', key) : r;
  };

  it('a replayed save returns the first answer and saves nothing again, even after someone else changed the numbers', async () => {
    const v = (await current()).version;
    const first = await put(v, 1, 'board-save-0001');
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(v + 1);
    const after = await events();

    const again = await put(v, 1, 'board-save-0001');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await events()).toBe(after);
    expect((await current()).version).toBe(v + 1);

    // someone else saves meanwhile; the replay still answers what the first call answered
    expect((await put(v + 1, 2)).status).toBe(200);
    const late = await put(v, 1, 'board-save-0001');
    expect(late.status).toBe(200);
    expect(late.body).toEqual(first.body);
    expect(await current()).toMatchObject({ version: v + 2, places: [{ occupied: 2 }] });
  });

  it('the same key with another body is refused; a malformed key is 400', async () => {
    const v = (await current()).version;
    expect((await put(v, 3, 'board-save-0002')).status).toBe(200);
    const other = await put(v, 0, 'board-save-0002');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    const bad = await put(v + 1, 0, 'x');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_idempotency_key');
  });

  it('a real conflict stays 409 version_conflict with the current numbers, and its retry meets it again', async () => {
    const now = await current();
    const stale = await put(now.version - 1, 0, 'board-save-0003');
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'version_conflict',
      currentVersion: now.version,
      current: { facilityId, version: now.version, places: [{ kind: 'adult', occupied: now.places[0].occupied }] },
    });
    const retry = await put(now.version - 1, 0, 'board-save-0003');
    expect(retry.status).toBe(409);
    expect(await current()).toEqual(now);
  });

  it('concurrent replays of one save bump the version once', async () => {
    const v = (await current()).version;
    const answers = await Promise.all([1, 2, 3, 4].map(() => put(v, 1, 'board-save-0004')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await current()).version).toBe(v + 1);
  });

  it('a replayed confirmation answers the first confirmedAt and records one confirmation', async () => {
    const confirm = () => t.http().post(`${url()}/confirm`).set(as()).set('Idempotency-Key', 'board-confirm-0001');
    const first = await confirm();
    expect(first.status).toBe(200);
    const after = await events();
    t.clock.advance(60_000);
    const again = await confirm();
    expect(again.status).toBe(200);
    expect(again.body.confirmedAt).toBe(first.body.confirmedAt);
    expect(await events()).toBe(after);
    // without a key each confirmation counts
    const plain = await t.http().post(`${url()}/confirm`).set(as());
    expect(plain.body.confirmedAt).not.toBe(first.body.confirmedAt);
    expect(await events()).toBe(after + 1);
  });
});
