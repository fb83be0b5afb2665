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

interface Ctx {
  distanceKm: number;
}

/** Every hard constraint, in precedence order; each says whether the facility FAILS it. */
const RULES: readonly [ExclusionReason, (req: MatchRequest, f: FacilitySnapshot, ctx: Ctx) => boolean][] = [
  ['conflict', (req, f) => intersects(f.conflictTags, req.safety.conflictTags)],
  ['excluded_area', (req, f) => req.safety.excludedProvinces.includes(f.provinceCode) || req.safety.excludedRegions.includes(f.regionCode)],
  ['too_close', (req, _f, c) => req.safety.minDistanceKm != null && req.safety.minDistanceKm > 0 && c.distanceKm < req.safety.minDistanceKm],
  ['out_of_region', (req, f) => !req.preferences.crossRegion && f.regionCode !== req.regionCode],
  ['too_far', (req, _f, c) => req.preferences.maxDistanceKm != null && c.distanceKm > req.preferences.maxDistanceKm],
  ['gender_not_accepted', (req, f) => !f.accepts.genders.includes(req.person.gender)],
  ['age_not_accepted', (req, f) => (isMinor(req.person) ? !f.accepts.minors : !f.accepts.adults)],
  // structural, whatever is free now: could this facility ever host this family?
  [
    'children_not_accepted',
    (req, f) =>
      hasChildren(req.person) &&
      (!f.accepts.children || !f.places.some((p) => p.kind === 'mother_child' && unitTakesChildren(p, req.person.children.length))),
  ],
  ['protection_too_low', (req, f) => protectionRank(f.protectionLevel) < protectionRank(req.protectionLevel)],
  ['needs_unsupported', (req, f) => requiredSupports(req.person).some((n) => !f.supports.includes(n))],
  ['not_accepting', (_req, f) => !f.acceptingNewGuests],
  ['no_free_place', (req, f) => choosePlace(req.person, f) === null],
];

/** Checks every hard constraint and reports all failures (not just the first), so an
 * operator relaxing one constraint can see what else stands in the way. */
export function checkHardConstraints(req: MatchRequest, f: FacilitySnapshot): HardConstraintResult {
  const ctx: Ctx = { distanceKm: haversineKm(f.point, req.origin.point) };
  const reasons = RULES.filter(([, fails]) => fails(req, f, ctx)).map(([reason]) => reason);
  if (reasons.length > 0) return { ok: false, reasons, distanceKm: ctx.distanceKm };
  return { ok: true, placeKind: choosePlace(req.person, f)!.kind, distanceKm: ctx.distanceKm };
}

/** The primary reason only, stopping at the first failing rule: the cheap form for judging a whole network. */
export function firstFailure(req: MatchRequest, f: FacilitySnapshot): ExclusionReason | null {
  const ctx: Ctx = { distanceKm: haversineKm(f.point, req.origin.point) };
  for (const [reason, fails] of RULES) if (fails(req, f, ctx)) return reason;
  return null;
}
