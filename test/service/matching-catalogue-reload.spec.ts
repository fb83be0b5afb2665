import { AvailabilityService } from '../../src/availability/availability.service.js';
import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { Transactions } from '../../src/database/transactions.repository.js';
import { detached } from '../../src/database/tx-context.js';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { type CatalogueReader, MatchingRepository } from '../../src/matching/matching.repository.js';
import { PlacementRequestsService } from '../../src/lifecycle/requests/placement-requests.service.js';
import { ProposalsService } from '../../src/lifecycle/proposals/proposals.service.js';
import { MatchingService } from '../../src/matching/matching.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** How the in-memory catalogue pairs with live holds when the catalogue version moves during a search. */
describe('matching catalogue reloads', () => {
  let t: TestApp;
  let matching: MatchingService;
  let repo: MatchingRepository;
  const admin = principals.admin();

  beforeAll(async () => {
    t = await startTestApp();
    matching = t.app.get(MatchingService);
    repo = t.app.get(MatchingRepository);
  });
  afterAll(() => t.close());

  const { caseCode: _c, urgency: _u, ...profile } = aRequest({ preferences: { crossRegion: true } });
  const search = () => matching.rank(matching.toMatchRequest(profile), 50).then((r) => r.result);
  const newFacility = async (total: number) =>
    (
      await t.app
        .get(FacilitiesService)
        .create(admin, aFacility({ provinceCode: 'SP', places: [{ kind: 'adult', total }] }), { confirmedAt: t.clock.now() })
    ).id;

  /** Counts catalogue loads (reads of facility rows); `before` runs inside each load's snapshot, before it reads. */
  function watchLoads(before: () => Promise<void> = async () => undefined) {
    const original = repo.inSnapshot;
    let loads = 0;
    repo.inSnapshot = (work) =>
      original.call(repo, (reader) =>
        work({
          ...reader,
          facilities: async (since) => {
            loads++;
            // another caller, not part of this search's snapshot
            await detached(before);
            return reader.facilities(since);
          },
        }),
      ) as never;
    return { loads: () => loads, restore: () => (repo.inSnapshot = original) };
  }

  it('never pairs holds read at one version with a catalogue loaded at another', async () => {
    const id = await newFacility(2);
    const hold = await t.app.get(HoldsService).hold(SYSTEM, id, 'adult');
    const free = async () => (await search()).candidates.some((c) => c.facilityId === id);
    expect(await free()).toBe(true); // 2 beds, 1 held

    // Move the version so the next search reloads, and admit the held person while it loads: the
    // search read its holds (1 live) before the admission, the reload sees occupied 1 and 0 holds.
    // Paired wrongly (occupied 1 and 1 hold of 2 beds) the facility would look full.
    await newFacility(1);
    const watch = watchLoads(async () => {
      await t.sql(
        `WITH h AS (UPDATE place_hold SET released_at = now(), release_reason = 'admitted' WHERE id = $1 RETURNING facility_id, kind)
                   UPDATE facility_place p SET occupied = occupied + 1 FROM h WHERE p.facility_id = h.facility_id AND p.kind = h.kind`,
        [hold.id],
      );
    });
    try {
      expect(await free()).toBe(true);
      expect(watch.loads()).toBe(1);
    } finally {
      watch.restore();
    }
    expect(await free()).toBe(true);
  });

  it('reads conflict tags and holds at the version of the catalogue it ranks on', async () => {
    // A proposal writes a hold and its request's conflict tags together without moving the version.
    // Committed during a reload, it must show in both or in neither: paired wrongly, the facility
    // would be counted full instead of a conflict.
    const uor = principals.uor('07');
    const x = await newFacility(1);
    const tagged = await t.app.get(PlacementRequestsService).create(uor, aRequest({ safety: { conflictTags: ['net-9'] } }));
    const { caseCode: _c, urgency: _u, ...same } = aRequest({ safety: { conflictTags: ['net-9'] }, preferences: { crossRegion: true } });
    const searchTagged = () => matching.rank(matching.toMatchRequest(same, '07'), 50).then((r) => r.result);
    const before = await searchTagged();
    expect(before.candidates.map((c) => c.facilityId)).toContain(x);

    const other = await newFacility(1);
    const watch = watchLoads(async () => {
      await t.app.get(ProposalsService).propose(uor, tagged.id, x);
      // and the version moves on while the catalogue loads
      await t.sql(`UPDATE facility SET name = name WHERE id = $1`, [other]);
    });
    let during: Awaited<ReturnType<typeof searchTagged>>;
    try {
      during = await searchTagged();
      expect(watch.loads()).toBeGreaterThanOrEqual(1);
    } finally {
      watch.restore();
    }
    const after = await searchTagged();
    const count = (r: typeof after, reason: string) => r.excluded.find((e) => e.reason === reason)?.count ?? 0;
    expect(count(after, 'conflict')).toBeGreaterThanOrEqual(1);
    // one moment or the other: x a candidate (before the proposal) or a conflict (after), never full
    const xCandidate = during.candidates.some((c) => c.facilityId === x);
    expect(count(during, 'no_free_place')).toBe(count(after, 'no_free_place'));
    expect(count(during, 'conflict')).toBe(count(after, 'conflict') - (xCandidate ? 1 : 0));
  });

  it('loads once per version however many searches ask at once, and not at all while it holds', async () => {
    await newFacility(1);
    const watch = watchLoads();
    try {
      const results = await Promise.all(Array.from({ length: 8 }, search));
      expect(watch.loads()).toBe(1);
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
      await search();
      // a hold moves no version
      const [some] = results[0].candidates;
      await t.app.get(HoldsService).hold(SYSTEM, some.facilityId, some.placeKind);
      await search();
      expect(watch.loads()).toBe(1);
    } finally {
      watch.restore();
    }
  });

  it('stamps the facility a change touches, and moves the epoch when a row leaves its facility', async () => {
    const epoch = async () => (await t.sql<{ epoch: string }>(`SELECT epoch::text FROM catalog_version`))[0].epoch;
    const stamp = async (id: string) => (await t.sql<{ v: string }>(`SELECT catalog_v::text AS v FROM facility WHERE id = $1`, [id]))[0].v;
    const [a, b] = [await newFacility(2), await newFacility(1)];
    const [e0, a0] = [await epoch(), await stamp(a)];
    await t.sql(`UPDATE facility_place SET total = 3 WHERE facility_id = $1`, [a]);
    expect(BigInt(await stamp(a))).toBeGreaterThan(BigInt(a0));
    expect(await epoch()).toBe(e0);
    // b has no adult place left to clash with: a's moves over, and a loses it
    await t.sql(`DELETE FROM facility_place WHERE facility_id = $1`, [b]);
    const e1 = await epoch();
    expect(BigInt(e1)).toBeGreaterThan(BigInt(e0));
    await t.sql(`UPDATE facility_place SET facility_id = $2 WHERE facility_id = $1`, [a, b]);
    expect(BigInt(await epoch())).toBeGreaterThan(BigInt(e1));
  });

  it('moves the version once for a transaction that writes many facilities, and the next search sees them all', async () => {
    const version = async () => BigInt((await t.sql<{ v: string }>(`SELECT v::text FROM catalog_version`))[0].v);
    await search();
    const before = await version();
    const ids = await t.app.get(Transactions).run((tx) =>
      t.app.get(FacilitiesService).createManyIn(
        tx,
        admin,
        [1, 2, 3].map(() => aFacility({ provinceCode: 'SP', places: [{ kind: 'adult', total: 1 }] })),
        { confirmedAt: t.clock.now() },
      ),
    );
    expect(await version()).toBe(before + 1n);
    const stamps = await t.sql<{ v: string }>(`SELECT DISTINCT catalog_v::text AS v FROM facility WHERE id = ANY($1)`, [ids]);
    expect(stamps).toEqual([{ v: String(before + 1n) }]);
    expect((await search()).candidates.map((c) => c.facilityId)).toEqual(expect.arrayContaining(ids));
  });

  it('follows changes another instance makes, on its very next search', async () => {
    const other = await startTestApp({}, t.dbUrl);
    try {
      const mine = () => matching.rank(matching.toMatchRequest(profile), 500).then((r) => r.result);
      const id = await newFacility(1);
      expect((await mine()).candidates.map((c) => c.facilityId)).toContain(id);
      // the other instance pauses its intake: a facility change
      await other.app.get(AvailabilityService).setIntake(admin, id, false);
      expect((await mine()).candidates.map((c) => c.facilityId)).not.toContain(id);
      // and holds the last bed of another: no facility change, only a live hold
      const next = await newFacility(1);
      expect((await mine()).candidates.map((c) => c.facilityId)).toContain(next);
      await other.app.get(HoldsService).hold(SYSTEM, next, 'adult');
      expect((await mine()).candidates.map((c) => c.facilityId)).not.toContain(next);
    } finally {
      await other.close();
    }
  });

  it('answers on its first snapshot even when the version moves before and during every read', async () => {
    const id = await newFacility(1);
    const original = repo.inSnapshot;
    let snapshots = 0;
    const move = () => t.sql(`UPDATE facility SET name = name WHERE id = $1`, [id]);
    repo.inSnapshot = async <T>(work: (reader: CatalogueReader) => Promise<T>): Promise<T> => {
      snapshots++;
      await move();
      return original.bind(repo)(async (reader) => {
        const out = await work({ ...reader, facilities: async (since) => (await Promise.all([reader.facilities(since), move()]))[0] });
        await move();
        return out;
      });
    };
    try {
      for (let i = 0; i < 5; i++) expect((await search()).candidates.map((c) => c.facilityId)).toContain(id);
      // one snapshot per search: nothing is retried, so nothing can starve
      expect(snapshots).toBe(5);
    } finally {
      repo.inSnapshot = original;
    }
    expect((await search()).candidates.length).toBeGreaterThan(0);
  });

  it('moves freshness with the clock without a reload', async () => {
    const id = await newFacility(1);
    const freshness = async () => (await search()).candidates.find((c) => c.facilityId === id)?.freshness;
    expect(await freshness()).toBe('fresh');
    const watch = watchLoads();
    try {
      t.clock.advance((t.config.staleAfterHours + 1) * 3_600_000);
      expect(await freshness()).toBe('stale');
      // a clock set back (as tests and a corrected server clock do) is followed too
      t.clock.advance(-(t.config.staleAfterHours + 1) * 3_600_000);
      expect(await freshness()).toBe('fresh');
      expect(watch.loads()).toBe(0);
    } finally {
      watch.restore();
    }
  });
});
