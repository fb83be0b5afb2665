import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../../src/auth/principal.js';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { rankCandidates } from '../../src/cores/matching/index.js';
import { MatchingRepository } from '../../src/matching/matching.repository.js';
import { MatchingService } from '../../src/matching/matching.service.js';
import type { FacilitySnapshot, MatchRequest, MatchResult } from '../../src/domain/types.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Searches never fail because managers are saving beds, and each search is exactly what the pure
 * core gives on the one snapshot it read. Searches go to one instance, saves to another, so the
 * searching instance's catalogue must follow changes it did not make.
 */
const SEARCHERS = 10;
const MANAGERS = 10;
const SECONDS = Number(process.env.SEARCH_DURING_WRITES_SECONDS ?? 20);
const MIN_SAVES = 50;
const MIN_SEARCHES = 100;
const PROVINCES = ['GE', 'SP', 'SV', 'LU', 'FI', 'MI', 'TO', 'RM'];

interface Check {
  req: MatchRequest;
  limit: number;
  result: MatchResult;
  snapshots: FacilitySnapshot[];
}

describe(`${SEARCHERS} searchers while ${MANAGERS} managers save beds for ${SECONDS} s`, () => {
  let searching: TestApp;
  let saving: TestApp;
  const facilityIds: string[] = [];
  const admin: Principal = principals.admin();

  beforeAll(async () => {
    searching = await startTestApp({ DB_POOL_SIZE: '4' });
    saving = await startTestApp({ DB_POOL_SIZE: '4' }, searching.dbUrl);
    const facilities = searching.app.get(FacilitiesService);
    for (let i = 0; i < 60; i++) {
      const f = aFacility({
        provinceCode: PROVINCES[i % PROVINCES.length],
        type: (['casa_di_fuga', 'high_intensity_community', 'semi_autonomy_flat'] as const)[i % 3],
        accepts: { genders: i % 4 ? ['female', 'transgender'] : ['male'], adults: true, minors: i % 5 === 0, children: i % 2 === 0 },
        places: [
          { kind: 'adult', total: 1 + (i % 4) },
          ...(i % 2 === 0 ? [{ kind: 'mother_child' as const, total: 1, childCapacity: 2 }] : []),
        ],
      });
      facilityIds.push((await facilities.create(admin, f, { confirmedAt: searching.clock.now() })).id);
    }
  }, 120_000);
  afterAll(async () => {
    await saving.close();
    await searching.close();
  });

  it('answers every search, each equal to the core on its own snapshot', async () => {
    // each search records, inside its own snapshot, what the pure core would be given there
    const capture = new AsyncLocalStorage<{ snapshots?: FacilitySnapshot[] }>();
    const matching = searching.app.get(MatchingService);
    const repo = searching.app.get(MatchingRepository);
    const checks: Check[] = [];
    const originalSnapshot = repo.inSnapshot.bind(repo);
    repo.inSnapshot = (work) =>
      originalSnapshot(async (reader) => {
        const out = await work(reader);
        const store = capture.getStore();
        if (store) {
          // the ambient transaction is this snapshot: these reads see exactly what the search saw
          const tags = await matching.conflictTags(null, null);
          store.snapshots = await matching.loadSnapshots(undefined, (id) => tags.get(id) ?? []);
        }
        return out;
      });
    const originalRank = matching.rank.bind(matching);
    matching.rank = (req, limit, requestId) => {
      const store: { snapshots?: FacilitySnapshot[] } = {};
      return capture.run(store, async () => {
        const out = await originalRank(req, limit, requestId);
        checks.push({ req, limit, result: out.result, snapshots: store.snapshots! });
        return out;
      });
    };

    const until = Date.now() + SECONDS * 1000;
    const searchStatuses: number[] = [];
    const saveStatuses: number[] = [];
    // at least SECONDS, and long enough that many saves land between searches, however busy the machine
    const going = () =>
      Date.now() < until || saveStatuses.filter((x) => x === 200).length < MIN_SAVES || searchStatuses.length < MIN_SEARCHES;
    const national = bearer(searching.token(principals.national()));
    const searcher = async (n: number) => {
      for (let i = 0; going(); i++) {
        const {
          caseCode: _c,
          urgency: _u,
          ...profile
        } = aRequest({
          person: { gender: (['female', 'transgender', 'male'] as const)[(n + i) % 3], children: (n + i) % 2 ? [{ age: 4 }] : [] },
          protectionLevel: (['high', 'medium', 'low'] as const)[i % 3],
          origin: { provinceCode: PROVINCES[(n * 3 + i) % PROVINCES.length] },
          preferences: { crossRegion: true, maxDistanceKm: 200 + ((n * 97 + i * 31) % 800) },
        });
        const res = await searching
          .http()
          .post('/api/v1/capacity/search')
          .set(national)
          .send({ ...profile, limit: 100 });
        searchStatuses.push(res.status);
      }
    };
    const manager = async (n: number) => {
      for (let i = 0; going(); i++) {
        const id = facilityIds[(n * 7 + i * 13) % facilityIds.length];
        const auth = bearer(saving.token(principals.manager(id)));
        const { body } = await saving.http().get(`/api/v1/facilities/${id}/availability`).set(auth);
        const places = body.places.map((p: { kind: string; total: number; held: number; childCapacity?: number }) => ({
          kind: p.kind,
          total: p.total,
          occupied: Math.max(0, Math.min(p.total - p.held, (n + i) % (p.total + 1))),
          outOfService: 0,
          ...(p.childCapacity ? { childCapacity: p.childCapacity } : {}),
        }));
        const res =
          i % 4 === 3
            ? await saving
                .http()
                .post(`/api/v1/facilities/${id}/availability/intake`)
                .set(auth)
                .send({ acceptingNewGuests: i % 8 !== 3 })
            : await saving.http().put(`/api/v1/facilities/${id}/availability`).set(auth).send({ version: body.version, places });
        saveStatuses.push(res.status);
      }
    };
    try {
      await Promise.all([
        ...Array.from({ length: SEARCHERS }, (_, n) => searcher(n)),
        ...Array.from({ length: MANAGERS }, (_, n) => manager(n)),
      ]);
    } finally {
      repo.inSnapshot = originalSnapshot;
      matching.rank = originalRank;
    }

    expect(searchStatuses.filter((s) => s !== 200)).toEqual([]);
    expect(saveStatuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(checks).toHaveLength(searchStatuses.length);
    const weights = searching.config.matching.weights;
    let withCandidates = 0;
    for (const c of checks) {
      expect(c.result).toEqual(rankCandidates(c.req, c.snapshots, weights, { limit: c.limit }));
      if (c.result.candidates.length) withCandidates++;
    }
    // the comparison means something only when searches find places
    expect(withCandidates).toBeGreaterThan(checks.length / 4);
  }, 300_000);
});
