import {
  ExploitationArea,
  ExploitationType,
  GeoPoint,
  LegalStatus,
  MatchRequest,
  PersonProfile,
  PlaceKind,
  PROTECTION_LEVELS,
  ProtectionLevel,
  Service,
  Support,
} from '../../domain/types.js';
import { hasChildren, isMinor, neededPlaceKinds } from './place-kind.js';

// a Map, not an object: a level named like an Object.prototype member must not find a rank
const PROTECTION_RANK = new Map<string, number>(PROTECTION_LEVELS.map((l, i) => [l, i]));

/** -1 for an unknown level: below every requirement, so such a facility never passes for protected. */
export const protectionRank = (level: ProtectionLevel): number => PROTECTION_RANK.get(level) ?? -1;

/** Needs the facility must support; pregnancy is a need even when not listed. */
export function requiredSupports(person: PersonProfile): Support[] {
  const needs = new Set<Support>(person.needs);
  if (person.pregnant) needs.add('pregnancy');
  return [...needs];
}

/**
 * What the rules and the score ask of a request, worked out once per search rather than once per
 * facility: judging a national network repeats them ten thousand times.
 */
export interface RequestFacts {
  readonly req: MatchRequest;
  readonly conflictTags: ReadonlySet<string>;
  readonly excludedProvinces: ReadonlySet<string>;
  readonly excludedRegions: ReadonlySet<string>;
  /** null when not set (0 means not set too) */
  readonly minDistanceKm: number | null;
  /** where minDistanceKm is measured from: the exploitation areas, or the origin when none is given */
  readonly tooCloseFrom: readonly GeoPoint[];
  /** provinces of the exploitation areas (exploitation_area), empty when allowed */
  readonly exploitationProvinces: ReadonlySet<string>;
  /** regions of the exploitation areas (the same_region_as_exploitation warning) */
  readonly exploitationRegions: ReadonlySet<string>;
  readonly exploitationAreas: readonly ExploitationArea[];
  readonly maxDistanceKm: number | null;
  readonly minor: boolean;
  /** how many children come with the person (0: none) */
  readonly children: number;
  /** place kinds that can host the person, best first */
  readonly placeKinds: readonly PlaceKind[];
  readonly requiredSupports: readonly Support[];
  readonly protectionRank: number;
  /** spoken languages, lower case, without repeats */
  readonly languages: ReadonlySet<string>;
  readonly exploitation: readonly ExploitationType[];
  /** age of the oldest boy coming along; -1 when none (a child of unknown sex is not judged) */
  readonly oldestBoy: number;
  /** null when not given: never excluded for it */
  readonly legalStatus: LegalStatus | null;
  readonly wheelchair: boolean;
  /** services wanted, without repeats; 'lgbt_safe' stands for an LGBT+-safe house */
  readonly wanted: readonly (Service | 'lgbt_safe')[];
  /** the facility the person lives in now (a transfer), or null */
  readonly currentFacilityId: string | null;
}

/** In a province where she was exploited, whether or not the operator allowed it (exploitationProvinces is empty then). */
export const inExploitationArea = (q: RequestFacts, f: { provinceCode: string }): boolean =>
  q.exploitationAreas.some((a) => a.provinceCode === f.provinceCode);

/** The profile as stored and judged: a child without a sex (the old shape) is of 'unknown' sex. */
export function withChildSexes<P extends PersonProfile>(person: P): P {
  return { ...person, children: person.children.map((c) => ({ age: c.age, sex: c.sex ?? 'unknown' })) };
}

/** The oldest boy among the children, -1 when none. */
export function oldestBoy(person: PersonProfile): number {
  let oldest = -1;
  for (const c of person.children) if (c.sex === 'male' && c.age > oldest) oldest = c.age;
  return oldest;
}

/** What the `services` criterion looks for: the services asked for, and LGBT+-safety when asked. */
export function wantedServices(req: MatchRequest): (Service | 'lgbt_safe')[] {
  const wanted: (Service | 'lgbt_safe')[] = [...new Set(req.preferences.services ?? [])];
  if (req.preferences.lgbtSafe) wanted.push('lgbt_safe');
  return wanted;
}

export function factsOf(req: MatchRequest): RequestFacts {
  const { person, safety, preferences } = req;
  const areas = safety.exploitationAreas ?? [];
  return {
    req,
    tooCloseFrom: areas.length ? areas.map((a) => a.point) : [req.origin.point],
    exploitationProvinces: new Set(safety.allowExploitationArea ? [] : areas.map((a) => a.provinceCode)),
    exploitationRegions: new Set(areas.map((a) => a.regionCode)),
    exploitationAreas: areas,
    conflictTags: new Set(safety.conflictTags),
    excludedProvinces: new Set(safety.excludedProvinces),
    excludedRegions: new Set(safety.excludedRegions),
    minDistanceKm: safety.minDistanceKm != null && safety.minDistanceKm > 0 ? safety.minDistanceKm : null,
    maxDistanceKm: preferences.maxDistanceKm ?? null,
    minor: isMinor(person),
    children: hasChildren(person) ? person.children.length : 0,
    placeKinds: neededPlaceKinds(person),
    requiredSupports: requiredSupports(person),
    protectionRank: protectionRank(req.protectionLevel),
    languages: new Set(person.languages.map((l) => l.toLowerCase())),
    exploitation: [...new Set(person.exploitation)],
    oldestBoy: oldestBoy(person),
    legalStatus: person.legalStatus ?? null,
    wheelchair: person.wheelchair === true,
    wanted: wantedServices(req),
    currentFacilityId: req.currentFacilityId ?? null,
  };
}
