import {
  EXCLUSION_REASONS,
  ExclusionReason,
  FacilitySnapshot,
  MatchRequest,
  PersonProfile,
  PlaceKind,
  PROTECTION_LEVELS,
  ProtectionLevel,
  Support,
} from '../matching.types.js';
import { haversineKm } from './geo.js';
import { choosePlace, hasChildren, isMinor, unitTakesChildren } from './place-kind.js';

export type HardConstraintResult =
  | { ok: true; placeKind: PlaceKind; distanceKm: number }
  | { ok: false; reasons: ExclusionReason[]; distanceKm: number };

export const protectionRank = (level: ProtectionLevel): number => PROTECTION_LEVELS.indexOf(level);

const precedence = (reason: ExclusionReason): number => EXCLUSION_REASONS.indexOf(reason);

/** The reason an excluded facility is counted under: the first in EXCLUSION_REASONS order. */
export function primaryReason(reasons: readonly ExclusionReason[]): ExclusionReason | null {
  if (reasons.length === 0) return null;
  return reasons.reduce((best, r) => (precedence(r) < precedence(best) ? r : best));
}

/** Needs the facility must support; pregnancy is a need even when not listed. */
export function requiredSupports(person: PersonProfile): Support[] {
  const needs = new Set<Support>(person.needs);
  if (person.pregnant) needs.add('pregnancy');
  return [...needs];
}

const intersects = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x));

/** Checks every hard constraint and reports all failures (not just the first), so an
 * operator relaxing one constraint can see what else stands in the way. */
export function checkHardConstraints(req: MatchRequest, f: FacilitySnapshot): HardConstraintResult {
  const { person, safety, preferences } = req;
  const distanceKm = haversineKm(f.point, req.origin.point);
  const failing = new Set<ExclusionReason>();
  const fail = (reason: ExclusionReason, condition: boolean): void => {
    if (condition) failing.add(reason);
  };

  fail('conflict', intersects(f.conflictTags, safety.conflictTags));
  fail(
    'excluded_area',
    safety.excludedProvinces.includes(f.provinceCode) || safety.excludedRegions.includes(f.regionCode),
  );
  const minKm = safety.minDistanceKm;
  fail('too_close', minKm != null && minKm > 0 && distanceKm < minKm);
  fail('out_of_region', !preferences.crossRegion && f.regionCode !== req.regionCode);
  const maxKm = preferences.maxDistanceKm;
  fail('too_far', maxKm != null && distanceKm > maxKm);
  fail('gender_not_accepted', !f.accepts.genders.includes(person.gender));
  fail('age_not_accepted', isMinor(person) ? !f.accepts.minors : !f.accepts.adults);
  if (hasChildren(person)) {
    // Structural check, whatever is free now: could this facility ever host this family?
    const hasUnit = f.places.some(
      (p) => p.kind === 'mother_child' && unitTakesChildren(p, person.children.length),
    );
    fail('children_not_accepted', !f.accepts.children || !hasUnit);
  }
  fail('protection_too_low', protectionRank(f.protectionLevel) < protectionRank(req.protectionLevel));
  fail('needs_unsupported', requiredSupports(person).some((n) => !f.supports.includes(n)));
  fail('not_accepting', !f.acceptingNewGuests);
  const place = choosePlace(person, f);
  fail('no_free_place', place === null);

  if (failing.size > 0 || place === null) {
    const reasons = EXCLUSION_REASONS.filter((r) => failing.has(r));
    return { ok: false, reasons, distanceKm };
  }
  return { ok: true, placeKind: place.kind, distanceKm };
}
