import * as highsModule from 'highs';
import type { Highs, InitOptions } from 'highs';
import type {
  AssignmentInput,
  AssignmentResult,
  SolverReport,
  UnplacedReason,
  UnplacedRequest,
} from './assignment.types.js';
import { greedyState, summarize } from './greedy.js';
import { buildLp, columnName } from './lp-model.js';
import { buildProblem, objectiveOf, PlanState, Problem, round2, stateOf, toPlanned } from './options.js';

/** The part of the highs runtime used here (injectable in tests). */
export interface LpSolver {
  solve(lp: string, options?: Record<string, string | number | boolean>): {
    Status: string;
    /** by column name; a column carries `Primal` only when a primal solution is available */
    Columns?: Record<string, unknown>;
  };
}

export const DEFAULT_TIME_LIMIT_SECONDS = 10;

type Loader = (options?: InitOptions) => Promise<Highs>;
// highs ships ESM-style declarations in a package typed as CommonJS, so under "nodenext" TypeScript
// sees the loader one `default` too deep. At runtime the ESM build's default export is the loader.
const highsExports = highsModule as unknown as { default: Loader | { default: Loader } };
const loadHighs: Loader =
  typeof highsExports.default === 'function' ? highsExports.default : highsExports.default.default;

let solverPromise: Promise<LpSolver> | undefined;

/** Loads (once per process) the HiGHS WebAssembly runtime. */
export function loadSolver(): Promise<LpSolver> {
  solverPromise ??= loadHighs().catch((error: unknown) => {
    solverPromise = undefined;
    throw error;
  });
  return solverPromise;
}

/** The assignment that maximises the number of people placed, then the total match score, under every
 * hard constraint of the matching core, the free places by kind and the conflict tags. */
export async function solveAssignment(input: AssignmentInput, solver?: LpSolver): Promise<AssignmentResult> {
  return solveAssignmentWith(solver ?? (await loadSolver()), input);
}

/** Synchronous form, with an already loaded solver. */
export function solveAssignmentWith(solver: LpSolver, input: AssignmentInput): AssignmentResult {
  const started = performance.now();
  const problem = buildProblem(input);
  const greedy = greedyState(problem);

  let state: PlanState;
  let optimal: boolean;
  let report: Omit<SolverReport, 'timeMs'>;

  if (problem.options.length === 0) {
    state = new PlanState(problem);
    optimal = true;
    report = { status: 'Trivial', source: 'trivial', variables: 0, constraints: 0 };
  } else {
    const lp = buildLp(problem);
    const options = {
      time_limit: input.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS,
      // The objective has integer coefficients, so a gap below 1 proves optimality; the default
      // relative gap (1e-4 of ~BIG × placed) would accept plans with a lower total score.
      mip_rel_gap: 0,
      mip_abs_gap: 0.99,
      output_flag: false,
    };
    let status: string;
    let solved: PlanState | null = null;
    try {
      const result = solver.solve(lp.text, options);
      status = result.Status;
      const chosen = problem.options.filter((o) => primalOf(result.Columns?.[columnName(o.index)]) > 0.5);
      solved = stateOf(problem, chosen);
    } catch (error) {
      status = `Error: ${error instanceof Error ? error.message : String(error)}`;
    }
    const better = (a: PlanState, b: PlanState): boolean => compareCents(a, b) > 0;
    if (status === 'Optimal' && solved && !better(greedy, solved)) {
      state = solved;
      optimal = true;
    } else {
      // Time limit (or anything else): the best feasible plan known, completed where places remain.
      solved?.fill();
      state = solved && !better(greedy, solved) ? solved : greedy;
      optimal = false;
    }
    report = {
      status,
      source: state === greedy ? 'greedy' : 'solver',
      variables: lp.columns,
      constraints: lp.rows,
    };
  }

  const plan = state.chosen.filter((o) => o !== null).map((o) => toPlanned(problem, o));
  const objective = objectiveOf(plan);
  const greedySummary = summarize(problem, greedy);
  return {
    optimal,
    plan,
    unplaced: unplacedOf(problem, state),
    objective,
    greedy: greedySummary,
    gain: {
      placed: objective.placed - greedySummary.placed,
      totalScore: round2(objective.totalScore - greedySummary.totalScore),
    },
    solver: { ...report, timeMs: Math.round((performance.now() - started) * 10) / 10 },
  };
}

function primalOf(column: unknown): number {
  const primal = (column as { Primal?: unknown } | undefined)?.Primal;
  return typeof primal === 'number' && Number.isFinite(primal) ? primal : 0;
}

function compareCents(a: PlanState, b: PlanState): number {
  const [x, y] = [a.objectiveCents(), b.objectiveCents()];
  return x.placed - y.placed || x.cents - y.cents;
}

/** The binding reason of each request left out. With no feasible facility at all: the exclusion reason
 * most facilities gave. Otherwise each candidate facility is blocked either by a planned request sharing
 * a conflict tag (conflict_in_plan) or by its fitting places all being taken (capacity_taken); the more
 * frequent wins, a tie going to the conflict (safety first, as in EXCLUSION_REASONS). */
function unplacedOf(problem: Problem, state: PlanState): UnplacedRequest[] {
  const out: UnplacedRequest[] = [];
  problem.requests.forEach((r, ri) => {
    if (state.chosen[ri] !== null) return;
    const opts = problem.byRequest[ri];
    let reason: UnplacedReason;
    if (opts.length === 0) {
      reason = problem.mainExclusion[ri] ?? 'no_free_place';
    } else {
      const conflictAt = new Set<number>();
      const facilities = new Set<number>();
      for (const o of opts) {
        facilities.add(o.facility);
        if (state.conflictsAt(o)) conflictAt.add(o.facility);
      }
      reason = conflictAt.size * 2 >= facilities.size ? 'conflict_in_plan' : 'capacity_taken';
    }
    out.push({ requestId: r.id, reason, candidateFacilities: problem.candidateFacilities[ri] });
  });
  return out;
}
