// fast-check generators shared by the property specs of the core (no jest import).
import fc from 'fast-check';
import {
  CHILD_SEXES,
  EXPLOITATION_TYPES,
  FACILITY_TYPES,
  GENDERS,
  LEGAL_STATUSES,
  PLACE_KINDS,
  PROTECTION_LEVELS,
  SERVICES,
  SUPPORTS,
} from '../../src/domain/types.js';
import type { FacilitySnapshot, MatchRequest } from '../../src/domain/types.js';
import { POINTS } from './core-factories.js';

// A handful of provinces, so that distances, scores and ties repeat often.
export const PROVINCES = [
  { provinceCode: 'GE', regionCode: '07', point: POINTS.GE },
  { provinceCode: 'SP', regionCode: '07', point: POINTS.SP },
  { provinceCode: 'MI', regionCode: '03', point: POINTS.MI },
  { provinceCode: 'BS', regionCode: '03', point: POINTS.BS },
  { provinceCode: 'LU', regionCode: '09', point: POINTS.LU },
  { provinceCode: 'RM', regionCode: '12', point: POINTS.RM },
];
export const LANGS = ['it', 'en', 'fr', 'pcm', 'ar'];
export const TAGS = ['n1', 'n2', 'n3'];

/** Usually the permissive value, so that a good share of runs has candidates to check. */
const mostly = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, { arbitrary: other, weight: 1 });

/** What varies between the property suites' networks; the defaults are the matching core's. */
export interface FacilityShape {
  provinces?: readonly (typeof PROVINCES)[number][];
  langs?: readonly string[];
  tags?: readonly string[];
  maxFree?: number;
  /** at least this many place kinds per facility */
  minPlaces?: number;
  /** at most this many conflict tags per facility */
  maxTags?: number;
  /** high protection most of the time (the assignment suite: most requests need it) */
  mostlyHighProtection?: boolean;
}

export const arbFacility = (id: string, shape: FacilityShape = {}): fc.Arbitrary<FacilitySnapshot> =>
  fc
    .record({
      id: fc.constant(id),
      name: fc.constant(`Facility ${id}`),
      type: fc.constantFrom(...FACILITY_TYPES),
      place: fc.constantFrom(...(shape.provinces ?? PROVINCES)),
      protectionLevel: shape.mostlyHighProtection
        ? mostly('high' as const, fc.constantFrom(...PROTECTION_LEVELS))
        : fc.constantFrom(...PROTECTION_LEVELS),
      accepts: fc.record({
        genders: mostly([...GENDERS], fc.subarray([...GENDERS])),
        adults: mostly(true, fc.boolean()),
        minors: fc.boolean(),
        children: mostly(true, fc.boolean()),
        boysUpToAge: mostly(null, fc.integer({ min: 0, max: 17 })),
      }),
      languages: fc.subarray([...(shape.langs ?? LANGS)]),
      exploitationExpertise: fc.subarray([...EXPLOITATION_TYPES]),
      supports: mostly([...SUPPORTS], fc.subarray([...SUPPORTS])),
      services: fc.subarray([...SERVICES]),
      wheelchairAccessible: fc.boolean(),
      lgbtSafe: fc.boolean(),
      legalStatusesAccepted: mostly([], fc.subarray([...LEGAL_STATUSES], { minLength: 1 })),
      acceptingNewGuests: mostly(true, fc.boolean()),
      freshness: fc.constantFrom('fresh' as const, 'stale' as const, 'unknown' as const),
      places: fc.uniqueArray(
        fc.record({
          kind: fc.constantFrom(...PLACE_KINDS),
          free: fc.integer({ min: 0, max: shape.maxFree ?? 2 }),
          childCapacity: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
        }),
        { selector: (p) => p.kind, minLength: shape.minPlaces ?? 0, maxLength: 3 },
      ),
      conflictTags: mostly([], fc.subarray([...(shape.tags ?? TAGS)], { maxLength: shape.maxTags })),
    })
    .map(({ place, ...f }) => ({ ...f, ...place }));

export const arbNetwork: fc.Arbitrary<FacilitySnapshot[]> = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbFacility(`f-${String(i).padStart(2, '0')}`))));

export const arbRequest: fc.Arbitrary<MatchRequest> = fc.record({
  person: fc.record({
    gender: fc.constantFrom(...GENDERS),
    age: fc.integer({ min: 14, max: 60 }),
    children: mostly(
      [],
      fc.array(
        fc.oneof(
          fc.record({ age: fc.integer({ min: 0, max: 17 }), sex: fc.constantFrom(...CHILD_SEXES) }),
          // a profile stored before children had a sex
          fc.record({ age: fc.integer({ min: 0, max: 17 }) }),
        ),
        { maxLength: 3 },
      ),
    ),
    pregnant: mostly(false, fc.boolean()),
    languages: fc.subarray(LANGS),
    exploitation: fc.subarray([...EXPLOITATION_TYPES]),
    needs: mostly([], fc.subarray([...SUPPORTS], { maxLength: 2 })),
    legalStatus: fc.option(fc.constantFrom(...LEGAL_STATUSES), { nil: null }),
    nationality: fc.option(fc.constantFrom('NG', 'RO', 'AL'), { nil: null }),
    wheelchair: mostly(false, fc.boolean()),
  }),
  protectionLevel: fc.constantFrom(...PROTECTION_LEVELS),
  stage: fc.constantFrom('first_reception' as const, 'second_reception' as const),
  regionCode: fc.constantFrom('07', '03', '09'),
  origin: fc.constantFrom(...PROVINCES),
  safety: fc.record({
    excludedProvinces: mostly(
      [],
      fc.subarray(
        PROVINCES.map((p) => p.provinceCode),
        { maxLength: 2 },
      ),
    ),
    excludedRegions: mostly([], fc.subarray(['07', '03', '09', '12'], { maxLength: 1 })),
    minDistanceKm: mostly(null, fc.integer({ min: 0, max: 300 })),
    conflictTags: mostly([], fc.subarray(TAGS, { maxLength: 1 })),
    // where she was exploited (issue 28): none (not known) most of the time
    exploitationAreas: mostly([], fc.subarray([...PROVINCES], { minLength: 1, maxLength: 2 })),
    allowExploitationArea: mostly(false, fc.constant(true)),
  }),
  preferences: fc.record({
    crossRegion: mostly(true, fc.boolean()),
    maxDistanceKm: mostly(null, fc.integer({ min: 50, max: 800 })),
    near: fc.option(fc.constantFrom(...PROVINCES.map((p) => p.point)), { nil: null }),
    services: mostly([], fc.subarray([...SERVICES], { maxLength: 3 })),
    lgbtSafe: fc.boolean(),
  }),
  // a transfer from one of the first facilities of the network (arbNetwork's ids)
  currentFacilityId: fc.option(fc.constantFrom('f-00', 'f-01', 'f-02'), { nil: null }),
});
