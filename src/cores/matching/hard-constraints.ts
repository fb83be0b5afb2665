import { EXCLUSION_REASONS, ExclusionReason, FacilitySnapshot, GeoPoint, MatchRequest, PlaceKind } from '../../domain/types.js';
import { haversineKm } from './geo.js';
import { placeFor, unitTakesChildren } from './place-kind.js';
import { factsOf, protectionRank, RequestFacts } from './request-facts.js';

export type HardConstraintResult =
  { ok: true; placeKind: PlaceKind; distanceKm: number } | { ok: false; reasons: ExclusionReason[]; distanceKm: number };

const precedence = (reason: ExclusionReason): number => EXCLUSION_REASONS.indexOf(reason);

/** The reason an excluded facility is counted under: the first in EXCLUSION_REASONS order. */
export function primaryReason(reasons: readonly ExclusionReason[]): ExclusionReason | null {
  if (reasons.length === 0) return null;
  return reasons.reduce((best, r) => (precedence(r) < precedence(best) ? r : best));
}

/** A boy older than the facility's limit comes along (null: no limit). */
export const boyTooOld = (q: RequestFacts, f: FacilitySnapshot): boolean =>
  f.accepts.boysUpToAge != null && q.oldestBoy > f.accepts.boysUpToAge;

/** Distance from the nearest of `from` (the exploitation areas, or the origin): what too_close measures. */
export function nearestKm(from: readonly GeoPoint[], f: FacilitySnapshot): number {
  let km = Number.POSITIVE_INFINITY;
  for (const p of from) km = Math.min(km, haversineKm(f.point, p));
  return km;
}

/** Every hard constraint: true when the facility FAILS it. `km` is the facility's distance from the origin. */
const RULE_OF: Record<ExclusionReason, (q: RequestFacts, f: FacilitySnapshot, km: number) => boolean> = {
  // a transfer: the person's own tags are in her current house, and must not shut her out of it
  conflict: (q, f) => f.id !== q.currentFacilityId && f.conflictTags.some((t) => q.conflictTags.has(t)),
  exploitation_area: (q, f) => q.exploitationProvinces.has(f.provinceCode),
  excluded_area: (q, f) => q.excludedProvinces.has(f.provinceCode) || q.excludedRegions.has(f.regionCode),
  // from where she was exploited, not from where she is now (the origin only when that is not known)
  too_close: (q, f) => q.minDistanceKm !== null && nearestKm(q.tooCloseFrom, f) < q.minDistanceKm,
  out_of_region: (q, f) => !q.req.preferences.crossRegion && f.regionCode !== q.req.regionCode,
  too_far: (q, _f, km) => q.maxDistanceKm !== null && km > q.maxDistanceKm,
  gender_not_accepted: (q, f) => !f.accepts.genders.includes(q.req.person.gender),
  age_not_accepted: (q, f) => (q.minor ? !f.accepts.minors : !f.accepts.adults),
  // structural, whatever is free now: could this facility ever host this family?
  children_not_accepted: (q, f) =>
    q.children > 0 &&
    (!f.accepts.children || boyTooOld(q, f) || !f.places.some((p) => p.kind === 'mother_child' && unitTakesChildren(p, q.children))),
  // unknown (not given) is never excluded: the operator checks it on the phone
  legal_status_not_accepted: (q, f) =>
    q.legalStatus !== null && f.legalStatusesAccepted.length > 0 && !f.legalStatusesAccepted.includes(q.legalStatus),
  protection_too_low: (q, f) => protectionRank(f.protectionLevel) < q.protectionRank,
  needs_unsupported: (q, f) => q.requiredSupports.some((n) => !f.supports.includes(n)),
  not_wheelchair_accessible: (q, f) => q.wheelchair && f.wheelchairAccessible !== true,
  not_accepting: (_q, f) => !f.acceptingNewGuests,
  no_free_place: (q, f) => placeFor(q.placeKinds, q.children, f) === null,
};

/** The rules in precedence order (EXCLUSION_REASONS), so the first failing one is the primary reason. */
const RULES = EXCLUSION_REASONS.map((reason) => ({ reason, fails: RULE_OF[reason] }));

const distanceKm = (q: RequestFacts, f: FacilitySnapshot): number => haversineKm(f.point, q.req.origin.point);

/** Checks every hard constraint and reports all failures (not just the first), so an
 * operator relaxing one constraint can see what else stands in the way. */
export function checkHardConstraints(req: MatchRequest, f: FacilitySnapshot): HardConstraintResult {
  const q = factsOf(req);
  const km = distanceKm(q, f);
  const reasons = RULES.filter((rule) => rule.fails(q, f, km)).map((rule) => rule.reason);
  if (reasons.length > 0) return { ok: false, reasons, distanceKm: km };
  return { ok: true, placeKind: placeFor(q.placeKinds, q.children, f)!.kind, distanceKm: km };
}

/** The primary reason only: the first failing rule, as rankCandidates counts it. */
export function firstFailureOf(q: RequestFacts, f: FacilitySnapshot): ExclusionReason | null {
  const km = distanceKm(q, f);
  for (const rule of RULES) if (rule.fails(q, f, km)) return rule.reason;
  return null;
}

export const firstFailure = (req: MatchRequest, f: FacilitySnapshot): ExclusionReason | null => firstFailureOf(factsOf(req), f);
