import type { FacilitySnapshot } from '../matching/matching.types.js';
import { choosePlace } from '../matching/core/place-kind.js';
import { rankCandidates } from '../matching/core/rank.js';
import type { AssignmentInput, PlanSummary } from './assignment.types.js';
import { buildProblem, objectiveOf, PlanState, Problem, toPlanned } from './options.js';

/** Today's behaviour: requests served one by one in arrival order, each taking the top-ranked
 * candidate of the matching core on the live state (places taken by earlier requests are gone,
 * and their conflict tags now live in their facility). */
export function greedyState(problem: Problem): PlanState {
  const state = new PlanState(problem);
  // working copies: the caller's snapshots are never mutated
  const live: FacilitySnapshot[] = problem.facilities.map((f) => ({
    ...f,
    places: f.places.map((p) => ({ ...p })),
    conflictTags: [...f.conflictTags],
  }));
  const facilityIndex = new Map(problem.facilities.map((f, i) => [f.id, i]));

  problem.requests.forEach((r, ri) => {
    const [best] = rankCandidates(r.match, live, problem.weights, { limit: 1 }).candidates;
    if (!best) return;
    const fi = facilityIndex.get(best.facilityId)!;
    const place = choosePlace(r.match.person, live[fi])!;
    const pool = problem.poolIndex[fi][live[fi].places.indexOf(place)];
    const option = problem.byRequest[ri].find((o) => o.pool === pool && o.placeKind === best.placeKind);
    // A candidate on the live state is one on the original state too (only fewer places, more tags).
    if (!option) throw new Error(`greedy pick ${r.id} → ${best.facilityId} is not a feasible option`);
    state.take(option);
    place.free -= 1;
    live[fi].conflictTags.push(...problem.tags[ri]);
  });
  return state;
}

export function summarize(problem: Problem, state: PlanState): PlanSummary {
  const plan = state.chosen.filter((o) => o !== null).map((o) => toPlanned(problem, o));
  return { ...objectiveOf(plan), plan };
}

/** The arrival-order greedy plan, for comparison with the optimal one. */
export function greedyPlan(input: AssignmentInput): PlanSummary {
  const problem = buildProblem(input);
  return summarize(problem, greedyState(problem));
}
