import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { foldStoredTag } from '../../migrations/1763900019000-fold-conflict-tags.js';
import type { Principal } from '../../src/auth/principal.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/migrate.js';
import { aRequest, principals, type RequestOverrides } from '../support/factories.js';
import { freshFacility } from '../support/fixtures.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

type Body = Record<string, any>;
const FOLD = MIGRATIONS.findIndex((m) => m.name === 'FoldConflictTags1763900019000');

/**
 * Migration 1763900019000 on a database holding tags as they were typed before issue 28: the tags
 * are folded in both places a request keeps them, and the conflict check, which compared them
 * byte for byte, protects again.
 */
describe('migration: conflict tags folded (integration)', () => {
  let t: TestApp;
  const uor = principals.uor('07');
  const as = (p: Principal) => bearer(t.token(p));
  let house: { id: string; manager: Principal };
  let other: { id: string; manager: Principal };
  let placed: Body;
  let pending: Body;
  let separatorsOnly: Body;
  /** typed after the woman was placed, the other way; opened before the rollback (today's code writes today's schema) */
  let typedBefore: Body;

  const open = async (o: RequestOverrides) => {
    const res = await t.http().post('/api/v1/placement-requests').set(as(uor)).send(aRequest(o));
    expect(res.status).toBe(201);
    return res.body as Body;
  };
  const propose = (requestId: string, facilityId: string) =>
    t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(as(uor)).send({ facilityId });
  const stored = async (id: string) =>
    (
      await t.sql<{ conflict_tags: string[]; tags: string[] }>(
        `SELECT conflict_tags, safety->'conflictTags' AS tags FROM placement_request WHERE id = $1`,
        [id],
      )
    )[0];
  /** Writes tags as an older version stored them (byte for byte what was typed). */
  const storeAsTyped = (id: string, tags: string[]) =>
    t.sql(
      `UPDATE placement_request SET conflict_tags = $2::text[], safety = jsonb_set(safety, '{conflictTags}', $3::jsonb) WHERE id = $1`,
      [id, tags, JSON.stringify(tags)],
    );
  /** The two houses a conflict keeps out: "Perché le altre no" counts them and never names them (both pass every other rule). */
  const conflictExcluded = async (requestId: string) => {
    const res = await t.http().get(`/api/v1/placement-requests/${requestId}/candidates`).query({ limit: 200 }).set(as(uor));
    expect(res.status).toBe(200);
    const listed = (res.body.candidates as Body[]).map((c) => c.facilityId as string);
    const out = [house.id, other.id].filter((id) => !listed.includes(id));
    expect((res.body.excluded as Body[]).find((e) => e.reason === 'conflict') ?? { count: 0, facilities: [] }).toMatchObject({
      count: out.length,
      facilities: [],
    });
    return out;
  };

  beforeAll(async () => {
    t = await startTestApp();
    house = await freshFacility(t, { name: 'Casa Ospite' });
    other = await freshFacility(t, { name: 'Casa Proposta', provinceCode: 'SP' });
    placed = await open({ safety: { conflictTags: ['rete-ge-77'] } });
    const p = await propose(placed.id, house.id);
    expect(p.status).toBe(201);
    for (const action of ['accept', 'admit'])
      expect((await t.http().post(`/api/v1/proposals/${p.body.id}/${action}`).set(as(house.manager)).send({})).status).toBe(200);
    pending = await open({ safety: { conflictTags: ['net-x'] } });
    expect((await propose(pending.id, other.id)).status).toBe(201);
    separatorsOnly = await open({ safety: { conflictTags: ['legacy'] } });
    typedBefore = await open({ safety: { conflictTags: ['rete-ge-77'] } });

    // back to the schema before the migration, with the tags as operators typed them then
    const ds = new DataSource({ ...dataSourceOptions(t.dbUrl, { poolSize: 1 }), migrations: MIGRATIONS });
    await ds.initialize();
    try {
      // this migration and every one after it (they are applied again below)
      for (let k = MIGRATIONS.length - 1; k >= FOLD; k--) await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    await storeAsTyped(placed.id, ['RETE_GE.77']);
    await storeAsTyped(pending.id, ['Net.X', 'NET-X']);
    await storeAsTyped(separatorsOnly.id, ['---', 'a']);
    await storeAsTyped(typedBefore.id, ['Rete GE 77']);
  });
  afterAll(() => t.close());

  it('before it, a tag typed another way does not conflict (the bug)', async () => {
    expect(await conflictExcluded(typedBefore.id)).not.toContain(house.id);
  });

  it('folds every stored tag, in the column the check reads and in the copy the request answers', async () => {
    expect(await runMigrations(t.dbUrl)).toEqual(MIGRATIONS.slice(FOLD).map((m) => m.name));
    expect(await stored(placed.id)).toEqual({ conflict_tags: ['rete-ge-77'], tags: ['rete-ge-77'] });
    expect(await stored(pending.id)).toEqual({ conflict_tags: ['net-x'], tags: ['net-x'] });
    // a tag of separators only keeps its protection under a stable name; a one-letter tag stays as it was
    const legacy = foldStoredTag('---');
    expect(legacy).toMatch(/^legacy-[0-9a-f]{16}$/);
    expect(await stored(separatorsOnly.id)).toEqual({ conflict_tags: [legacy, 'a'], tags: [legacy, 'a'] });
    const answered = await t.http().get(`/api/v1/placement-requests/${placed.id}`).set(as(uor));
    expect(answered.body.safety.conflictTags).toEqual(['rete-ge-77']);
  });

  it('after it, any spelling conflicts with the woman placed and with the pending proposal: 422 on proposing', async () => {
    const typedNow = await open({ safety: { conflictTags: ['Rete GE 77'] } });
    expect(await conflictExcluded(typedNow.id)).toEqual([house.id]);
    const res = await propose(typedNow.id, house.id);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'constraint_violated', reasons: expect.arrayContaining(['conflict']) });
    const sameNetwork = await open({ safety: { conflictTags: ['net x'] } });
    expect(await conflictExcluded(sameNetwork.id)).toEqual([other.id]);
  });

  it('holds every stored tag canonical from now on', async () => {
    await expect(t.sql(`UPDATE placement_request SET conflict_tags = '{"RETE GE 77"}' WHERE id = $1`, [placed.id])).rejects.toMatchObject({
      code: '23514',
    });
  });
});
