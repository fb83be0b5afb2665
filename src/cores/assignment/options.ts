import type {
  BreakdownItem,
  ExclusionReason,
  FacilitySnapshot,
  MatchingWeights,
  PlaceKind,
  PlaceSnapshot,
  PersonProfile,
} from '../../domain/types.js';
import { EXCLUSION_REASONS } from '../../domain/types.js';
import { checkHardConstraints, primaryReason } from '../matching/hard-constraints.js';
import { hasChildren, neededPlaceKinds, unitTakesChildren } from '../matching/place-kind.js';
import { scoreCandidate } from '../matching/scoring.js';
import type { AssignmentInput, AssignmentRequest, Objective, PlannedAssignment } from './assignment.types.js';

/** One way to place one request: a (request, facility, place entry) triple, i.e. one binary variable. */
export interface AssignmentOption {
  index: number;
  request: number;
  facility: number;
  /** index of the capacity pool (one per facility place entry) in Problem.pools */
  pool: number;
  placeKind: PlaceKind;
  distanceKm: number;
  score: number;
  /** score in integer cents (scores are rounded to cents by the core) */
  cents: number;
  breakdown: BreakdownItem[];
}

export interface CapacityPool {
  facility: number;
  placeKind: PlaceKind;
  /** free places of this entry: the most options of this pool that may be chosen */
  capacity: number;
}

export interface Problem {
  /** requests sorted by arrival, then id */
  requests: AssignmentRequest[];
  /** facilities sorted by id */
  facilities: FacilitySnapshot[];
  weights: MatchingWeights;
  pools: CapacityPool[];
  /** facility index → place entry index → pool index */
  poolIndex: number[][];
  options: AssignmentOption[];
  /** options of each request in the matching core's order: facility (by id), then the person's place
   * kinds in preference order, then place entry; so the first open option at a facility is the one
   * choosePlace would take */
  byRequest: AssignmentOption[][];
  /** per request: facilities that pass every hard constraint */
  candidateFacilities: number[];
  /** per request: the exclusion reason most facilities gave (ties by EXCLUSION_REASONS order), null if none */
  mainExclusion: (ExclusionReason | null)[];
  /** per request: its conflict tags, deduplicated */
  tags: string[][];
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const compareArrival = (a: AssignmentRequest, b: AssignmentRequest): number => a.arrival - b.arrival || compareIds(a.id, b.id);

/** Same rule as the matching core's choosePlace, for one given entry. */
export function placeFits(person: PersonProfile, place: PlaceSnapshot, kind: PlaceKind): boolean {
  if (place.kind !== kind || freeOf(place) <= 0) return false;
  if (kind === 'mother_child' && hasChildren(person)) return unitTakesChildren(place, person.children.length);
  return true;
}

/** Whole free places; a negative or fractional count never creates capacity. */
export const freeOf = (place: PlaceSnapshot): number => Math.max(0, Math.floor(place.free));

function assertUniqueIds(items: readonly { id: string }[], what: string): void {
  const seen = new Set<string>();
  for (const { id } of items) {
    if (seen.has(id)) throw new Error(`duplicate ${what} id: ${id}`);
    seen.add(id);
  }
}

/** Every feasible (request, facility, place) triple with its score. Deterministic whatever the input order. */
export function buildProblem(input: AssignmentInput): Problem {
  assertUniqueIds(input.requests, 'request');
  assertUniqueIds(input.facilities, 'facility');
  const requests = [...input.requests].sort(compareArrival);
  const facilities = [...input.facilities].sort((a, b) => compareIds(a.id, b.id));

  const pools: CapacityPool[] = [];
  const poolIndex: number[][] = facilities.map((f, fi) =>
    f.places.map((p) => {
      pools.push({ facility: fi, placeKind: p.kind, capacity: freeOf(p) });
      return pools.length - 1;
    }),
  );

  const options: AssignmentOption[] = [];
  const byRequest: AssignmentOption[][] = [];
  const candidateFacilities: number[] = [];
  const mainExclusion: (ExclusionReason | null)[] = [];
  const tags = requests.map((r) => [...new Set(r.match.safety.conflictTags)]);

  requests.forEach((r, ri) => {
    const mine: AssignmentOption[] = [];
    const counts = new Map<ExclusionReason, number>();
    let candidates = 0;
    const kinds = neededPlaceKinds(r.match.person);
    facilities.forEach((f, fi) => {
      const check = checkHardConstraints(r.match, f);
      if (!check.ok) {
        const reason = primaryReason(check.reasons) ?? 'no_free_place';
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
        return;
      }
      candidates++;
      for (const kind of kinds) {
        f.places.forEach((place, pi) => {
          if (!placeFits(r.match.person, place, kind)) return;
          const { score, breakdown } = scoreCandidate(r.match, f, kind, check.distanceKm, input.weights);
          mine.push({
            index: -1,
            request: ri,
            facility: fi,
            pool: poolIndex[fi][pi],
            placeKind: kind,
            distanceKm: check.distanceKm,
            score,
            cents: Math.round(score * 100),
            breakdown,
          });
        });
      }
    });
    for (const o of mine) {
      o.index = options.length;
      options.push(o);
    }
    byRequest.push(mine);
    candidateFacilities.push(candidates);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || EXCLUSION_REASONS.indexOf(a[0]) - EXCLUSION_REASONS.indexOf(b[0]));
    mainExclusion.push(ranked.length > 0 ? ranked[0][0] : null);
  });

  return { requests, facilities, weights: input.weights, pools, poolIndex, options, byRequest, candidateFacilities, mainExclusion, tags };
}

/** Tracks what a (partial) plan uses, so further options can be tested against capacity and tags. */
export class PlanState {
  readonly chosen: (AssignmentOption | null)[];
  private readonly used: number[];
  /** facility index → conflict tags of the requests planned there */
  private readonly tagsAt: Map<number, Set<string>>;

  constructor(private readonly problem: Problem) {
    this.chosen = problem.requests.map(() => null);
    this.used = problem.pools.map(() => 0);
    this.tagsAt = new Map();
  }

  poolFull(o: AssignmentOption): boolean {
    return this.used[o.pool] >= this.problem.pools[o.pool].capacity;
  }

  conflictsAt(o: AssignmentOption): boolean {
    const there = this.tagsAt.get(o.facility);
    return there !== undefined && this.problem.tags[o.request].some((t) => there.has(t));
  }

  canTake(o: AssignmentOption): boolean {
    return this.chosen[o.request] === null && !this.poolFull(o) && !this.conflictsAt(o);
  }

  take(o: AssignmentOption): void {
    if (!this.canTake(o)) throw new Error(`option ${o.index} is not available`);
    this.chosen[o.request] = o;
    this.used[o.pool]++;
    let there = this.tagsAt.get(o.facility);
    if (!there) this.tagsAt.set(o.facility, (there = new Set()));
    for (const t of this.problem.tags[o.request]) there.add(t);
  }

  /** Places every still unplaced request, in arrival order, on its best-scoring still available option. */
  fill(): void {
    this.problem.byRequest.forEach((opts, ri) => {
      if (this.chosen[ri] !== null) return;
      let best: AssignmentOption | null = null;
      for (const o of opts) if (this.canTake(o) && (best === null || o.cents > best.cents)) best = o;
      if (best) this.take(best);
    });
  }

  objectiveCents(): { placed: number; cents: number } {
    let placed = 0;
    let cents = 0;
    for (const o of this.chosen) {
      if (o) {
        placed++;
        cents += o.cents;
      }
    }
    return { placed, cents };
  }
}

/** Builds a PlanState from a set of chosen options; null when they break a constraint. */
export function stateOf(problem: Problem, chosen: readonly AssignmentOption[]): PlanState | null {
  const state = new PlanState(problem);
  for (const o of chosen) {
    if (!state.canTake(o)) return null;
    state.take(o);
  }
  return state;
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;

export function toPlanned(problem: Problem, o: AssignmentOption): PlannedAssignment {
  return {
    requestId: problem.requests[o.request].id,
    facilityId: problem.facilities[o.facility].id,
    placeKind: o.placeKind,
    distanceKm: o.distanceKm,
    score: o.score,
    breakdown: o.breakdown,
  };
}

export function objectiveOf(plan: readonly { score: number }[]): Objective {
  return { placed: plan.length, totalScore: round2(plan.reduce((s, p) => s + Math.round(p.score * 100), 0) / 100) };
}

/** Lexicographic comparison: > 0 when a is better than b. */
export function compareObjectives(a: Objective, b: Objective): number {
  return a.placed - b.placed || Math.round(a.totalScore * 100) - Math.round(b.totalScore * 100);
}
