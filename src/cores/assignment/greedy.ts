import type { Candidate } from '../../domain/types.js';
import { compareCandidates, round1 } from '../matching/rank.js';
import type { AssignmentInput, PlanSummary } from './assignment.types.js';
import { AssignmentOption, buildProblem, objectiveOf, PlanState, Problem, toPlanned } from './options.js';

/** Today's behaviour: requests served one by one in arrival order, each taking the top-ranked
 * candidate of the matching core on the live state (places taken by earlier requests are gone, and
 * their conflict tags now live in their facility). Equivalent to calling rankCandidates on updated
 * snapshots before each request (a spec checks it), without re-running the hard constraints: a
 * facility passing on the live state passes on the original one (fewer places, more tags only). */
export function greedyState(problem: Problem): PlanState {
  const state = new PlanState(problem);
  problem.byRequest.forEach((opts) => {
    let best: { option: AssignmentOption; candidate: Candidate } | null = null;
    let facility = -1;
    let decided = false; // whether the current facility's place was already chosen
    for (const o of opts) {
      if (o.facility !== facility) {
        facility = o.facility;
        decided = false;
      }
      // options of a facility come in choosePlace order: the first open one is the live choice
      if (decided || state.poolFull(o)) continue;
      decided = true;
      if (state.conflictsAt(o)) continue;
      const f = problem.facilities[o.facility];
      const candidate: Candidate = {
        facilityId: f.id,
        placeKind: o.placeKind,
        distanceKm: round1(o.distanceKm),
        // not part of the order: compareCandidates reads score, freshness, distance and id here (no warnings:
        // a house in an allowed exploitation area already scores no proximity)
        exploitationDistanceKm: null,
        warnings: [],
        placeKindFallback: false,
        freshness: f.freshness,
        score: o.score,
        breakdown: o.breakdown,
      };
      if (best === null || compareCandidates(candidate, best.candidate) < 0) best = { option: o, candidate };
    }
    if (best) state.take(best.option);
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
