import {
  BreakdownItem,
  Criterion,
  FacilitySnapshot,
  FacilityType,
  Freshness,
  MatchingWeights,
  MatchRequest,
  PlaceKind,
  Stage,
} from '../../domain/types.js';
import { haversineKm } from './geo.js';
import { factsOf, inExploitationArea, protectionRank, RequestFacts } from './request-facts.js';

/** Breakdown order: the key order of MatchingWeights (not of whatever object config hands us). */
export const CRITERIA: readonly Criterion[] = [
  'stage_fit',
  'language',
  'exploitation_expertise',
  'proximity',
  'protection_fit',
  'place_kind_fit',
  'freshness',
  'services',
];

/** How well a facility type suits a stage: first reception needs the protected, staffed houses;
 * second reception is the path toward autonomy. */
export const STAGE_FIT: Record<Stage, Record<FacilityType, number>> = {
  first_reception: {
    casa_di_fuga: 1,
    high_intensity_community: 0.8,
    medium_intensity_community: 0.5,
    protected_flat: 0.4,
    semi_autonomy_flat: 0.1,
    autonomy_flat: 0,
    social_housing: 0,
    // a night or two in contracted lodging while a protected place is found
    emergency_accommodation: 0.3,
  },
  second_reception: {
    casa_di_fuga: 0.2,
    high_intensity_community: 0.6,
    medium_intensity_community: 1,
    protected_flat: 1,
    semi_autonomy_flat: 0.9,
    autonomy_flat: 0.7,
    social_housing: 0.6,
    emergency_accommodation: 0.1,
  },
};

/** Beyond this distance from the preferred province, proximity is worth nothing. */
export const PROXIMITY_RANGE_KM = 500;

/** Fraction of the language weight when the only common ground is Italian spoken by staff. */
export const ITALIAN_ONLY_FRACTION = 0.25;

export const FRESHNESS_FRACTION: Record<Freshness, number> = { fresh: 1, stale: 0.3, unknown: 0 };

/** By how many levels protection may exceed the requirement: 0 → 1, 1 → 0.5, 2 → 0. */
export const PROTECTION_FIT_BY_EXCESS = [1, 0.5, 0];

export const round2 = (x: number): number => Math.round(x * 100) / 100;

interface Fraction {
  fraction: number;
  note?: string;
}

type CriterionFn = (q: RequestFacts, f: FacilitySnapshot, placeKind: PlaceKind) => Fraction;

const CRITERION_FNS: Record<Criterion, CriterionFn> = {
  stage_fit: (q, f) => ({ fraction: STAGE_FIT[q.req.stage][f.type] }),

  language: (q, f) => {
    if (q.languages.size === 0) return { fraction: 1, note: 'no language given' };
    if (f.languages.some((l) => q.languages.has(l.toLowerCase()))) return { fraction: 1 };
    if (f.languages.some((l) => l.toLowerCase() === 'it')) return { fraction: ITALIAN_ONLY_FRACTION, note: 'italian only' };
    return { fraction: 0, note: 'no shared language' };
  },

  exploitation_expertise: (q, f) => {
    const types = q.exploitation;
    if (types.length === 0) return { fraction: 1, note: 'no exploitation type given' };
    let covered = 0;
    for (const t of types) if (f.exploitationExpertise.includes(t)) covered++;
    return { fraction: covered / types.length };
  },

  proximity: (q, f) => {
    // allowed by the operator, never a house to prefer for being near: her exploiters are near too
    if (inExploitationArea(q, f)) return { fraction: 0, note: 'in exploitation area' };
    const near = q.req.preferences.near;
    if (!near) return { fraction: 1, note: 'not requested' };
    return { fraction: Math.max(0, 1 - haversineKm(f.point, near) / PROXIMITY_RANGE_KM) };
  },

  protection_fit: (q, f) => {
    const excess = protectionRank(f.protectionLevel) - q.protectionRank;
    // Below the requirement is a hard exclusion; score it 0 should a caller ask anyway.
    if (excess < 0) return { fraction: 0, note: 'below required' };
    const fraction = PROTECTION_FIT_BY_EXCESS[excess] ?? 0;
    return excess === 0 ? { fraction } : { fraction, note: 'more protection than required' };
  },

  place_kind_fit: (q, _f, placeKind) => {
    if (placeKind === q.placeKinds[0]) return { fraction: 1 };
    if (placeKind === 'mother_child' && q.req.person.pregnant) return { fraction: 1, note: 'pregnant' };
    return { fraction: 0, note: 'single adult in a mother-child unit' };
  },

  services: (q, f) => {
    if (q.wanted.length === 0) return { fraction: 1, note: 'not requested' };
    let offered = 0;
    for (const w of q.wanted) if (w === 'lgbt_safe' ? f.lgbtSafe === true : f.services.includes(w)) offered++;
    return offered === q.wanted.length
      ? { fraction: 1 }
      : { fraction: offered / q.wanted.length, note: `${q.wanted.length - offered} of ${q.wanted.length} wanted missing` };
  },

  freshness: (_q, f) =>
    f.freshness === 'unknown'
      ? { fraction: 0, note: 'call first' }
      : { fraction: FRESHNESS_FRACTION[f.freshness], note: f.freshness === 'stale' ? 'stale' : undefined },
};

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Scores a candidate that already passed the hard constraints. `distanceKm` (from origin) is
 * not a criterion: proximity is measured to the preferred province, and origin distance is a
 * safety matter handled by the hard constraints. */
export function scoreCandidate(
  req: MatchRequest,
  f: FacilitySnapshot,
  placeKind: PlaceKind,
  distanceKm: number,
  weights: MatchingWeights,
): { score: number; breakdown: BreakdownItem[] } {
  void distanceKm;
  return scoreWith(factsOf(req), f, placeKind, weights);
}

/** scoreCandidate on facts already worked out for the request (see rankCandidates). */
export function scoreWith(
  q: RequestFacts,
  f: FacilitySnapshot,
  placeKind: PlaceKind,
  weights: MatchingWeights,
): { score: number; breakdown: BreakdownItem[] } {
  const breakdown = CRITERIA.map((criterion): BreakdownItem => {
    const { fraction, note } = CRITERION_FNS[criterion](q, f, placeKind);
    const max = weights[criterion];
    const item: BreakdownItem = { criterion, points: round2(clamp01(fraction) * max), max };
    if (note) item.note = note;
    return item;
  });
  // Sum the rounded points, then round once more, so the breakdown adds up to the score exactly.
  const score = round2(breakdown.reduce((sum, item) => sum + item.points, 0));
  return { score, breakdown };
}

/**
 * The score of scoreWith without its breakdown: the same points added in the same order, so the
 * same number. Ranking scores every candidate and writes the breakdown of the best few only.
 */
export function scoreOf(q: RequestFacts, f: FacilitySnapshot, placeKind: PlaceKind, weights: MatchingWeights): number {
  let sum = 0;
  for (const criterion of CRITERIA) sum += round2(clamp01(CRITERION_FNS[criterion](q, f, placeKind).fraction) * weights[criterion]);
  return round2(sum);
}
