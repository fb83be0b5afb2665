// Builders for specs (no jest import, so other test suites can reuse them).
import { FacilitySnapshot, GeoPoint, MatchingWeights, MatchRequest, PersonProfile } from '../../src/domain/types.js';

/** Province centroids (approximate) used across the specs. */
export const POINTS = {
  GE: { lat: 44.4056, lon: 8.9463 },
  SP: { lat: 44.1025, lon: 9.8241 },
  MI: { lat: 45.4642, lon: 9.19 },
  LU: { lat: 43.8429, lon: 10.5027 },
  BS: { lat: 45.5416, lon: 10.2118 },
  RM: { lat: 41.9028, lon: 12.4964 },
} satisfies Record<string, GeoPoint>;

/** Weights of the specs; the real defaults live in config/. Sum: 100. */
export const TEST_WEIGHTS: MatchingWeights = {
  stage_fit: 25,
  language: 15,
  exploitation_expertise: 15,
  proximity: 5,
  protection_fit: 15,
  place_kind_fit: 10,
  freshness: 10,
  services: 5,
};

export type FacilityOverrides = Omit<Partial<FacilitySnapshot>, 'accepts'> & {
  accepts?: Partial<FacilitySnapshot['accepts']>;
};

/** A casa di fuga in Genova that fully fits the default request. */
export function aFacility(overrides: FacilityOverrides = {}): FacilitySnapshot {
  const { accepts, ...rest } = overrides;
  return {
    id: 'fac-1',
    name: 'Casa Test',
    type: 'casa_di_fuga',
    regionCode: '07',
    provinceCode: 'GE',
    protectionLevel: 'high',
    languages: ['it', 'en'],
    exploitationExpertise: ['sexual'],
    supports: [],
    services: [],
    wheelchairAccessible: false,
    lgbtSafe: false,
    legalStatusesAccepted: [],
    acceptingNewGuests: true,
    point: POINTS.GE,
    freshness: 'fresh',
    places: [
      { kind: 'adult', free: 2 },
      { kind: 'mother_child', free: 1, childCapacity: 2 },
    ],
    conflictTags: [],
    ...rest,
    accepts: { genders: ['female', 'transgender'], adults: true, minors: false, children: true, boysUpToAge: null, ...accepts },
  };
}

export type RequestOverrides = Omit<Partial<MatchRequest>, 'person' | 'origin' | 'safety' | 'preferences'> & {
  person?: Partial<PersonProfile>;
  origin?: Partial<MatchRequest['origin']>;
  safety?: Partial<MatchRequest['safety']>;
  preferences?: Partial<MatchRequest['preferences']>;
};

/** A single adult woman from Genova, high protection, first reception, no safety limits. */
export function aRequest(overrides: RequestOverrides = {}): MatchRequest {
  const { person, origin, safety, preferences, ...rest } = overrides;
  return {
    protectionLevel: 'high',
    stage: 'first_reception',
    regionCode: '07',
    ...rest,
    person: {
      gender: 'female',
      age: 25,
      children: [],
      pregnant: false,
      languages: ['en'],
      exploitation: ['sexual'],
      needs: [],
      ...person,
    },
    origin: { provinceCode: 'GE', regionCode: '07', point: POINTS.GE, ...origin },
    safety: { excludedProvinces: [], excludedRegions: [], minDistanceKm: null, conflictTags: [], ...safety },
    preferences: { crossRegion: false, maxDistanceKm: null, near: null, ...preferences },
  };
}
