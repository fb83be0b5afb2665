import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AvailabilityService } from '../../src/availability/availability.service.js';
import { HoldsService, SYSTEM } from '../../src/availability/holds.service.js';
import type { Principal } from '../../src/auth/principal.js';
import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import { rankCandidates } from '../../src/cores/matching/index.js';
import type { MatchProfileDto } from '../../src/matching/dto/match-profile.dto.js';
import { MatchingRepository } from '../../src/matching/matching.repository.js';
import { MatchingService } from '../../src/matching/matching.service.js';
import {
  CHILD_SEXES,
  EXPLOITATION_TYPES,
  FACILITY_TYPES,
  GENDERS,
  LEGAL_STATUSES,
  PROTECTION_LEVELS,
  SERVICES,
  STAGES,
  SUPPORTS,
} from '../../src/domain/types.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PROVINCES = ['GE', 'SP', 'SV', 'IM', 'LU', 'FI', 'PI', 'MI', 'BS', 'TO', 'RM', 'NA', 'PA', 'BO', 'VE'];
const TAGS = ['net-1', 'net-2', 'net-3'];
const sub = <T>(xs: readonly T[]) => fc.subarray([...xs]);
/** Usually the permissive value, so that many profiles still find places. */
const mostly = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 4 }, { arbitrary: other, weight: 1 });

const facilityArb: fc.Arbitrary<CreateFacilityDto> = fc.record({
  name: fc.constant('Casa'),
  organization: fc.constant('Coop'),
  type: fc.constantFrom(...FACILITY_TYPES),
  provinceCode: fc.constantFrom(...PROVINCES),
  protectionLevel: fc.constantFrom(...PROTECTION_LEVELS),
  accepts: fc.record({
    genders: fc.subarray([...GENDERS], { minLength: 1 }),
    adults: fc.boolean(),
    minors: fc.boolean(),
    children: fc.boolean(),
    boysUpToAge: mostly<number | undefined>(undefined, fc.integer({ min: 0, max: 17 })),
  }),
  services: sub(SERVICES),
  wheelchairAccessible: fc.boolean(),
  lgbtSafe: fc.boolean(),
  legalStatusesAccepted: mostly<(typeof LEGAL_STATUSES)[number][]>([], fc.subarray([...LEGAL_STATUSES], { minLength: 1 })),
  languages: sub(['it', 'en', 'fr', 'pcm']),
  exploitationExpertise: sub(EXPLOITATION_TYPES),
  supports: sub(SUPPORTS),
  secretAddress: fc.boolean(),
  address: fc.constant('Via Generata 1'),
  location: fc.option(fc.record({ lat: fc.double({ min: 37, max: 46, noNaN: true }), lon: fc.double({ min: 7, max: 16, noNaN: true }) }), {
    nil: undefined,
  }),
  contactEmail: fc.constant('casa@example.org'),
  places: fc.uniqueArray(
    fc.oneof(
      fc.record({ kind: fc.constant('adult' as const), total: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('minor' as const), total: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        kind: fc.constant('mother_child' as const),
        total: fc.integer({ min: 0, max: 2 }),
        childCapacity: fc.integer({ min: 1, max: 3 }),
      }),
    ),
    { minLength: 1, maxLength: 3, selector: (p) => p.kind },
  ),
  acceptingNewGuests: fc.boolean(),
});

const profileArb: fc.Arbitrary<MatchProfileDto> = fc.record({
  person: fc.record({
    gender: fc.constantFrom(...GENDERS),
    age: fc.integer({ min: 14, max: 50 }),
    children: fc.array(fc.record({ age: fc.integer({ min: 0, max: 14 }), sex: fc.constantFrom(...CHILD_SEXES) }), { maxLength: 3 }),
    pregnant: fc.boolean(),
    languages: sub(['en', 'fr', 'pcm', 'ro']),
    exploitation: sub(EXPLOITATION_TYPES),
    needs: fc.subarray([...SUPPORTS], { maxLength: 1 }),
    legalStatus: fc.option(fc.constantFrom(...LEGAL_STATUSES), { nil: undefined }),
    wheelchair: mostly(false, fc.constant(true)),
  }),
  protectionLevel: fc.constantFrom(...PROTECTION_LEVELS),
  stage: fc.constantFrom(...STAGES),
  origin: fc.record({ provinceCode: fc.constantFrom(...PROVINCES) }),
  safety: fc.record({
    excludedProvinces: fc.subarray(PROVINCES, { maxLength: 3 }),
    excludedRegions: fc.subarray(['07', '09', '03', '12'], { maxLength: 1 }),
    minDistanceKm: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    conflictTags: fc.subarray(TAGS),
  }),
  preferences: fc.record({
    crossRegion: fc.boolean(),
    maxDistanceKm: fc.option(fc.integer({ min: 50, max: 1000 }), { nil: undefined }),
    nearProvinceCode: fc.option(fc.constantFrom(...PROVINCES), { nil: undefined }),
    services: fc.subarray([...SERVICES], { maxLength: 2 }),
    lgbtSafe: fc.boolean(),
  }),
});

/** Judging on the in-memory catalogue must change nothing: same candidates, same order, same excluded counts. */
describe('matching on the cached catalogue agrees with the pure core on live snapshots', () => {
  let t: TestApp;
  const admin: Principal = { sub: 'gen', role: 'admin', facilities: [] };

  beforeAll(async () => {
    t = await startTestApp();
    const facilities = t.app.get(FacilitiesService);
    const ids: string[] = [];
    for (const dto of fc.sample(facilityArb, { numRuns: 160, seed: 4242 })) {
      const total = (k: string) => dto.places.find((p) => p.kind === k)?.total ?? 0;
      dto.places = dto.places.map((p) => ({ ...p, occupied: Math.min(p.total, total(p.kind) > 1 ? 1 : 0) }));
      ids.push((await facilities.create(admin, dto, { confirmedAt: t.clock.now() })).id);
    }
    // live holds take beds the catalogue counts as free (some the last one); a released hold takes none
    const holds = t.app.get(HoldsService);
    let held = 0;
    for (const [i, id] of ids.entries()) {
      if (i % 3) continue;
      for (const kind of ['adult', 'mother_child', 'minor'] as const) {
        const outcome = await holds.hold(SYSTEM, id, kind).then(
          (h) => h,
          () => null,
        );
        if (outcome && i % 2) await holds.release(SYSTEM, outcome.id, 'released');
        else if (outcome) held++;
      }
    }
    expect(held).toBeGreaterThan(10);
    // people hosted or held with conflict tags, in some facilities
    for (let i = 0; i < 12; i++) {
      const requestId = randomUUID();
      await t.sql(
        `INSERT INTO placement_request (id, case_code, region_code, status, profile, protection_level, stage, origin_province, safety, preferences, conflict_tags, urgency, created_by_sub, created_at, updated_at)
         VALUES ($1, $2, '07', 'proposed', '{}', 'high', 'first_reception', 'GE', '{}', '{}', $3, 'immediate', 'gen', now(), now())`,
        [requestId, `GEN-${i}`, [TAGS[i % 3]]],
      );
      await t.sql(
        `INSERT INTO proposal (id, request_id, facility_id, place_kind, status, created_by_sub, created_at) VALUES ($1, $2, $3, 'adult', 'pending', 'gen', now())`,
        [randomUUID(), requestId, ids[(i * 13) % ids.length]],
      );
    }
  }, 120_000);
  afterAll(() => t.close());

  const compare = async (seed: number) => {
    const matching = t.app.get(MatchingService);
    const tags = await matching.conflictTags(null, null);
    const all = await matching.loadSnapshots(undefined, (id) => tags.get(id) ?? []);
    let withCandidates = 0;
    for (const dto of fc.sample(profileArb, { numRuns: 150, seed })) {
      const req = matching.toMatchRequest(dto, '07');
      const viaDb = (await matching.rank(req, 1000)).result;
      const pure = rankCandidates(req, all, t.config.matching.weights, { limit: 1000 });
      expect(viaDb).toEqual(pure);
      if (pure.candidates.length) withCandidates++;
    }
    // the comparison means something only if many profiles find places. Which facilities the writes
    // hit follows their random ids, and the seeds' rules (legal status, wheelchair, boys' ages) exclude
    // more: as few as 19 of the 150 found places in one run of ten, so the floor is 10, not 20
    expect(withCandidates).toBeGreaterThan(10);
  };

  it('on 150 random profiles over a random network of 160 facilities', async () => {
    await compare(77);
  });

  it('after changes merged into the catalogue facility by facility, and after a deletion reloads it whole', async () => {
    const repo = t.app.get(MatchingRepository);
    // the catalogue is loaded before the changes, whichever test ran first
    await compare(76);
    const loads: { whole: boolean; rows: number }[] = [];
    const original = repo.inSnapshot;
    repo.inSnapshot = (work) =>
      original.call(repo, (reader) =>
        work({
          ...reader,
          facilities: async (since) => {
            const rows = await reader.facilities(since);
            loads.push({ whole: since === undefined, rows: rows.length });
            return rows;
          },
        }),
      ) as never;
    try {
      await t.sql(
        `UPDATE facility SET accepting_new_guests = NOT accepting_new_guests WHERE id IN (SELECT id FROM facility ORDER BY id LIMIT 5)`,
      );
      await t.sql(`UPDATE facility_place p SET occupied = occupied + 1
                   WHERE occupied + out_of_service + (SELECT count(*) FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind AND h.released_at IS NULL) < total
                     AND facility_id IN (SELECT id FROM facility ORDER BY id DESC LIMIT 6)`);
      await t.app.get(FacilitiesService).create(admin, fc.sample(facilityArb, { numRuns: 1, seed: 5 })[0], { confirmedAt: t.clock.now() });
      await compare(78);
      expect(loads[0]).toEqual({ whole: false, rows: expect.any(Number) });
      expect(loads[0].rows).toBeGreaterThanOrEqual(7);
      expect(loads[0].rows).toBeLessThanOrEqual(12);

      await t.sql(`DELETE FROM facility_place WHERE (facility_id, kind) IN (SELECT facility_id, kind FROM facility_place p
                     WHERE NOT EXISTS (SELECT 1 FROM place_hold h WHERE h.facility_id = p.facility_id AND h.kind = p.kind) ORDER BY facility_id LIMIT 3)`);
      await compare(79);
      expect(loads.at(-1)).toEqual({ whole: true, rows: 161 });
    } finally {
      repo.inSnapshot = original;
    }
  });

  it('while another instance writes: searches never fail, and the next one after the writes agrees with the core', async () => {
    const other = await startTestApp({}, t.dbUrl);
    const ids = (await t.sql<{ id: string }>(`SELECT id FROM facility ORDER BY id`)).map((r) => r.id);
    const matching = t.app.get(MatchingService);
    const requests = fc.sample(profileArb, { numRuns: 20, seed: 80 }).map((dto) => matching.toMatchRequest(dto, '07'));
    let writing = true;
    let searches = 0;
    try {
      const writer = (async () => {
        const holds = other.app.get(HoldsService);
        const availability = other.app.get(AvailabilityService);
        for (let i = 0; i < 60; i++) {
          const id = ids[(i * 37) % ids.length];
          if (i % 3 === 0) await availability.setIntake(admin, id, i % 2 === 0);
          const hold = await holds.hold(SYSTEM, id, (['adult', 'mother_child', 'minor'] as const)[i % 3]).catch(() => null);
          if (hold && i % 2) await holds.release(SYSTEM, hold.id, 'released');
        }
      })().finally(() => (writing = false));
      const reader = (async () => {
        while (writing) {
          await matching.rank(requests[searches % requests.length], 1000);
          searches++;
        }
      })();
      await Promise.all([writer, reader]);
    } finally {
      await other.close();
    }
    expect(searches).toBeGreaterThan(10);
    await compare(81);
  });
});
