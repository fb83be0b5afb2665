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
import { haversineKm } from './geo.js';
import { firstFailureOf } from './hard-constraints.js';
import { placeFor } from './place-kind.js';
import { factsOf, RequestFacts } from './request-facts.js';
import { scoreWith } from './scoring.js';

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
}

export function rankCandidates(
  req: MatchRequest,
  facilities: readonly FacilitySnapshot[],
  weights: MatchingWeights,
  opts: RankOptions = {},
): MatchResult {
  const q = factsOf(req);
  const tally = new Tally(q, weights);
  // the first failing rule is the primary reason (the rules run in precedence order)
  for (const f of facilities) tally.add(f, firstFailureOf(q, f));
  return tally.result(opts);
}

/** Excluded counts and candidates as facilities are judged; shared by rankCandidates and rankPacked. */
export class Tally {
  private readonly counts = new Map<ExclusionReason, number>();
  private readonly candidates: Candidate[] = [];

  constructor(
    private readonly q: RequestFacts,
    private readonly weights: MatchingWeights,
  ) {}

  /** `reason`: the facility's primary reason, null when it passes every hard constraint. */
  add(f: FacilitySnapshot, reason: ExclusionReason | null): void {
    if (reason !== null) {
      this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
      return;
    }
    const placeKind = placeFor(this.q.placeKinds, this.q.children, f)!.kind;
    const { score, breakdown } = scoreWith(this.q, f, placeKind, this.weights);
    this.candidates.push({
      facilityId: f.id,
      placeKind,
      distanceKm: round1(haversineKm(f.point, this.q.req.origin.point)),
      freshness: f.freshness,
      score,
      breakdown,
    });
  }

  result(opts: RankOptions): MatchResult {
    const candidates = this.candidates.sort(compareCandidates);
    const limited = opts.limit == null ? candidates : candidates.slice(0, Math.max(0, opts.limit));
    const excluded = [...this.counts.entries()]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || EXCLUSION_REASONS.indexOf(a.reason) - EXCLUSION_REASONS.indexOf(b.reason));
    return { candidates: limited, excluded };
  }
}
