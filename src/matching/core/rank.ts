import {
  Candidate,
  EXCLUSION_REASONS,
  ExclusionReason,
  FacilitySnapshot,
  Freshness,
  MatchingWeights,
  MatchRequest,
  MatchResult,
} from '../matching.types.js';
import { checkHardConstraints, primaryReason } from './hard-constraints.js';
import { scoreCandidate } from './scoring.js';

export const FRESHNESS_ORDER: Record<Freshness, number> = { fresh: 0, stale: 1, unknown: 2 };

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Plain code-unit comparison: locale-independent, so the order is the same on every server. */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Score desc, then fresher data, then nearer (as displayed), then id: a total order. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    FRESHNESS_ORDER[a.freshness] - FRESHNESS_ORDER[b.freshness] ||
    a.distanceKm - b.distanceKm ||
    compareIds(a.facilityId, b.facilityId)
  );
}

export interface RankOptions {
  /** keep only the best `limit` candidates; excluded counts are unaffected */
  limit?: number;
  /** facilities already excluded elsewhere (judged on the catalogue), counted in with these */
  preExcluded?: ReadonlyMap<ExclusionReason, number>;
}

export function rankCandidates(
  req: MatchRequest,
  facilities: readonly FacilitySnapshot[],
  weights: MatchingWeights,
  opts: RankOptions = {},
): MatchResult {
  const counts = new Map<ExclusionReason, number>(opts.preExcluded ?? []);
  const candidates: Candidate[] = [];

  for (const f of facilities) {
    const check = checkHardConstraints(req, f);
    if (!check.ok) {
      // reasons is never empty when ok is false; the fallback only satisfies the type.
      const reason = primaryReason(check.reasons) ?? 'no_free_place';
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      continue;
    }
    const { score, breakdown } = scoreCandidate(req, f, check.placeKind, check.distanceKm, weights);
    candidates.push({
      facilityId: f.id,
      placeKind: check.placeKind,
      distanceKm: round1(check.distanceKm),
      freshness: f.freshness,
      score,
      breakdown,
    });
  }

  candidates.sort(compareCandidates);
  const limited = opts.limit == null ? candidates : candidates.slice(0, Math.max(0, opts.limit));

  const excluded = [...counts.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort(
      (a, b) =>
        b.count - a.count || EXCLUSION_REASONS.indexOf(a.reason) - EXCLUSION_REASONS.indexOf(b.reason),
    );
  return { candidates: limited, excluded };
}
