import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { MatchingRepository } from '../../src/matching/matching.repository.js';
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
    (await t.app.get(FacilitiesService).create(admin, aFacility({ provinceCode: 'SP', places: [{ kind: 'adult', total }] }), { confirmedAt: t.clock.now() })).id;

  /** Counts catalogue loads; `before` runs inside each load, before it reads. */
  function watchLoads(before: () => Promise<void> = async () => undefined) {
    const original = repo.loadCatalogue;
    let loads = 0;
    repo.loadCatalogue = async () => {
      loads++;
      await before();
      return original.call(repo);
    };
    return { loads: () => loads, restore: () => (repo.loadCatalogue = original) };
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
      await t.sql(`WITH h AS (UPDATE place_hold SET released_at = now(), release_reason = 'admitted' WHERE id = $1 RETURNING facility_id, kind)
                   UPDATE facility_place p SET occupied = occupied + 1 FROM h WHERE p.facility_id = h.facility_id AND p.kind = h.kind`, [hold.id]);
    });
    try {
      expect(await free()).toBe(true);
      expect(watch.loads()).toBe(1);
    } finally {
      watch.restore();
    }
    expect(await free()).toBe(true);
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

  it('moves freshness with the clock without a reload', async () => {
    const id = await newFacility(1);
    const freshness = async () => (await search()).candidates.find((c) => c.facilityId === id)?.freshness;
    expect(await freshness()).toBe('fresh');
    const watch = watchLoads();
    try {
      t.clock.advance((t.config.staleAfterHours + 1) * 3_600_000);
      expect(await freshness()).toBe('stale');
      expect(watch.loads()).toBe(0);
    } finally {
      watch.restore();
    }
  });
});
