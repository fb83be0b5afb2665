// Plain types of the batch assignment core. No Nest or TypeORM import may appear in src/cores.
import type { BreakdownItem, ExclusionReason, FacilitySnapshot, MatchingWeights, MatchRequest, PlaceKind } from '../../domain/types.js';

export interface AssignmentRequest {
  id: string;
  /** arrival order key (e.g. epoch ms of creation): the greedy baseline serves lower first; ties by id */
  arrival: number;
  match: MatchRequest;
}

export interface AssignmentInput {
  requests: AssignmentRequest[];
  /** places[].free is the capacity per kind; conflictTags are tags of people already there */
  facilities: FacilitySnapshot[];
  weights: MatchingWeights;
  /** solver wall-clock limit (default 10 s); when reached the best feasible plan found is returned, flagged non-optimal */
  timeLimitSeconds?: number;
}

export interface PlannedAssignment {
  requestId: string;
  facilityId: string;
  placeKind: PlaceKind;
  /** great-circle km from the request's origin (unrounded) */
  distanceKm: number;
  score: number;
  breakdown: BreakdownItem[];
}

/** Why a request got no place in the plan:
 * - an ExclusionReason: no facility passes its hard constraints; the reason most facilities excluded it for;
 * - `capacity_taken`: some facilities would take it, but their fitting places went to other requests;
 * - `conflict_in_plan`: the facilities that would take it host a planned request sharing a conflict tag. */
export type UnplacedReason = ExclusionReason | 'capacity_taken' | 'conflict_in_plan';

export interface UnplacedRequest {
  requestId: string;
  reason: UnplacedReason;
  /** facilities passing every hard constraint for it (before the plan took their places) */
  candidateFacilities: number;
}

/** Compared lexicographically: placed first, then totalScore. */
export interface Objective {
  placed: number;
  /** sum of the scores of the plan, rounded to cents */
  totalScore: number;
}

export interface PlanSummary extends Objective {
  plan: PlannedAssignment[];
}

export interface SolverReport {
  /** HiGHS model status ('Optimal', 'Time limit reached', …), 'Trivial' when no solver run was needed,
   * or 'Error: …' when the solver failed (the plan then falls back to the best feasible one known) */
  status: string;
  /** the last model solved: the LP relaxation (enough when its optimum is integral) or the 0-1 program */
  method: 'lp_relaxation' | 'mip' | null;
  /** which plan was returned */
  source: 'solver' | 'greedy' | 'trivial';
  /** columns and rows of the model given to HiGHS (after the exact reduction, see lp-model.ts) */
  variables: number;
  constraints: number;
  /** wall-clock time of the whole call: options, greedy, model and solver */
  timeMs: number;
}

export interface AssignmentResult {
  /** true when the plan is proven optimal (placed, then total score) */
  optimal: boolean;
  /** in arrival order */
  plan: PlannedAssignment[];
  /** in arrival order */
  unplaced: UnplacedRequest[];
  objective: Objective;
  /** the arrival-order greedy plan on the same data */
  greedy: PlanSummary;
  /** objective minus greedy: extra people placed and extra score */
  gain: Objective;
  solver: SolverReport;
}
