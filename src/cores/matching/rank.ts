import {
  Candidate,
  CandidateWarning,
  EXCLUSION_REASONS,
  ExclusionReason,
  FacilitySnapshot,
  Freshness,
  MatchingWeights,
  MatchRequest,
  MatchResult,
  PlaceKind,
} from '../../domain/types.js';
import { haversineKm } from './geo.js';
import { firstFailureOf, nearestKm } from './hard-constraints.js';
import { placeFor } from './place-kind.js';
import { factsOf, inExploitationArea, RequestFacts } from './request-facts.js';
import { scoreOf, scoreWith } from './scoring.js';

export const FRESHNESS_ORDER: Record<Freshness, number> = { fresh: 0, stale: 1, unknown: 2 };

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Plain code-unit comparison: locale-independent, so the order is the same on every server. */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** 1 for a house in a province where she was exploited (allowed by the operator), else 0. */
const inArea = (c: Candidate): number => (c.warnings.includes('in_exploitation_area') ? 1 : 0);

/** Score desc, then outside the exploitation area first, then fresher data, then nearer (as displayed), then id: a total order. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    inArea(a) - inArea(b) ||
    FRESHNESS_ORDER[a.freshness] - FRESHNESS_ORDER[b.freshness] ||
    a.distanceKm - b.distanceKm ||
    compareIds(a.facilityId, b.facilityId)
  );
}

export interface RankOptions {
  /** keep only the best `limit` candidates; excluded counts are unaffected */
  limit?: number;
  /** also name the facilities excluded under each reason ("Perché le altre no") */
  listExcluded?: boolean;
}

export function rankCandidates(
  req: MatchRequest,
  facilities: readonly FacilitySnapshot[],
  weights: MatchingWeights,
  opts: RankOptions = {},
): MatchResult {
  const q = factsOf(req);
  const tally = new Tally(q, weights, opts.limit, opts.listExcluded);
  for (const f of facilities) {
    // the first failing rule is the primary reason (the rules run in precedence order)
    const reason = firstFailureOf(q, f);
    if (reason === null) tally.admit(f);
    else tally.exclude(reason, 1, f.id);
  }
  return tally.result();
}

/**
 * What an operator must see about a candidate that passes: how far it is from where she was
 * exploited, whether it lies in an exploitation province (only when the operator allowed it) or
 * region (warnings, not exclusions), whether nothing guards her current province (exploitation
 * area not known, no minimum distance), and whether a single adult would take a mother-child unit
 * there (a fallback: only when no adult bed is free).
 */
export function exploitationSigns(
  q: RequestFacts,
  f: FacilitySnapshot,
  placeKind: PlaceKind,
): Pick<Candidate, 'exploitationDistanceKm' | 'warnings' | 'placeKindFallback'> {
  const warnings: CandidateWarning[] = [];
  if (inExploitationArea(q, f)) warnings.push('in_exploitation_area');
  if (q.exploitationRegions.has(f.regionCode)) warnings.push('same_region_as_exploitation');
  if (!q.exploitationAreas.length && q.minDistanceKm === null && f.provinceCode === q.req.origin.provinceCode)
    warnings.push('exploitation_area_unknown_same_province');
  return {
    exploitationDistanceKm: q.exploitationAreas.length
      ? round1(
          nearestKm(
            q.exploitationAreas.map((a) => a.point),
            f,
          ),
        )
      : null,
    warnings,
    placeKindFallback: placeKind !== q.placeKinds[0],
  };
}

interface Ranked {
  candidate: Candidate;
  facility: FacilitySnapshot;
}

/**
 * Excluded counts and the best candidates as facilities are judged; shared by rankCandidates and
 * rankPacked. With a limit it keeps only the best `limit` so far (the order is total, so they are
 * the first `limit` of a full sort) and writes the breakdown of those alone.
 */
export class Tally {
  private readonly counts = new Map<ExclusionReason, number>();
  private readonly named = new Map<ExclusionReason, string[]>();
  /** sorted best first */
  private readonly best: Ranked[] = [];
  private readonly keep: number;

  constructor(
    private readonly q: RequestFacts,
    private readonly weights: MatchingWeights,
    limit?: number,
    private readonly listExcluded = false,
  ) {
    // as Array.prototype.slice reads an end: fractions truncated, NaN as 0
    this.keep = limit == null ? Number.POSITIVE_INFINITY : Math.max(0, Math.trunc(limit) || 0);
  }

  /** `facilityId`: the one excluded facility counted, named when the excluded are listed. */
  exclude(reason: ExclusionReason, count = 1, facilityId?: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
    if (this.listExcluded && facilityId !== undefined) {
      const ids = this.named.get(reason);
      if (ids) ids.push(facilityId);
      else this.named.set(reason, [facilityId]);
    }
  }

  /** A facility that passes every hard constraint. */
  admit(f: FacilitySnapshot): void {
    const placeKind = placeFor(this.q.placeKinds, this.q.children, f)!.kind;
    const candidate: Candidate = {
      facilityId: f.id,
      placeKind,
      distanceKm: round1(haversineKm(f.point, this.q.req.origin.point)),
      ...exploitationSigns(this.q, f, placeKind),
      freshness: f.freshness,
      score: scoreOf(this.q, f, placeKind, this.weights),
      breakdown: [],
    };
    const best = this.best;
    if (best.length >= this.keep && (this.keep === 0 || compareCandidates(candidate, best[best.length - 1].candidate) >= 0)) return;
    // binary search for the first kept candidate that ranks after this one
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareCandidates(best[mid].candidate, candidate) < 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, { candidate, facility: f });
    if (best.length > this.keep) best.pop();
  }

  result(): MatchResult {
    const candidates = this.best.map(({ candidate, facility }) => ({
      ...candidate,
      breakdown: scoreWith(this.q, facility, candidate.placeKind, this.weights).breakdown,
    }));
    const excluded = [...this.counts.entries()]
      .map(([reason, count]) => (this.listExcluded ? { reason, count, facilityIds: this.named.get(reason) ?? [] } : { reason, count }))
      .sort((a, b) => b.count - a.count || EXCLUSION_REASONS.indexOf(a.reason) - EXCLUSION_REASONS.indexOf(b.reason));
    return { candidates, excluded };
  }
}
