import * as highsModule from 'highs';
import type { Highs, InitOptions } from 'highs';
import type { AssignmentInput, AssignmentResult, SolverReport, UnplacedReason, UnplacedRequest } from './assignment.types.js';
import { greedyState, summarize } from './greedy.js';
import { buildLp, columnName, LpModel } from './lp-model.js';
import { buildProblem, objectiveOf, PlanState, Problem, round2, stateOf, toPlanned } from './options.js';

/** The part of the highs runtime used here (injectable in tests). */
export interface LpSolver {
  solve(
    lp: string,
    options?: Record<string, string | number | boolean>,
  ): {
    Status: string;
    ObjectiveValue?: number;
    /** by column name; a column carries `Primal` only when a primal solution is available */
    Columns?: Record<string, unknown>;
  };
}

export const DEFAULT_TIME_LIMIT_SECONDS = 10;

type Loader = (options?: InitOptions) => Promise<Highs>;
// highs ships ESM-style declarations in a package typed as CommonJS, so under "nodenext" TypeScript
// sees the loader one `default` too deep. At runtime the ESM build's default export is the loader.
const highsExports = highsModule as unknown as { default: Loader | { default: Loader } };
const loadHighs: Loader = typeof highsExports.default === 'function' ? highsExports.default : highsExports.default.default;

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
    report = { status: 'Trivial', method: null, source: 'trivial', variables: 0, constraints: 0 };
  } else {
    const lp = buildLp(problem);
    const run = runSolver(solver, problem, lp, input.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS);
    const better = (a: PlanState, b: PlanState): boolean => compareCents(a, b) > 0;
    const solved = run.solved;
    if (run.proven && solved && !better(greedy, solved)) {
      state = solved;
      optimal = true;
    } else {
      // Time limit (or anything else): the best feasible plan known, completed where places remain.
      solved?.fill();
      state = solved && !better(greedy, solved) ? solved : greedy;
      optimal = false;
    }
    const { status, method } = run;
    report = {
      status,
      method,
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

interface SolverRun {
  status: string;
  method: 'lp_relaxation' | 'mip';
  /** the solver's plan, when it returned a feasible one */
  solved: PlanState | null;
  /** whether that plan is proven optimal */
  proven: boolean;
}

const INTEGRALITY_TOLERANCE = 1e-6;

/** Solves the LP relaxation first: without conflict-tag rows the matrix is a bipartite incidence matrix
 * (totally unimodular), so the simplex vertex is integral, and an integral optimum of the relaxation
 * that is feasible and attains the relaxation's bound is an optimum of the 0-1 program. Only when it
 * is fractional does the branch-and-bound run, within what is left of the time limit. */
function runSolver(solver: LpSolver, problem: Problem, lp: LpModel, timeLimitSeconds: number): SolverRun {
  const deadline = performance.now() + timeLimitSeconds * 1000;
  const remaining = (): number => Math.max(0, (deadline - performance.now()) / 1000);
  const planOf = (columns: Record<string, unknown> | undefined): { values: number[]; state: PlanState | null } => {
    const values = lp.options.map((o) => primalOf(columns?.[columnName(o.index)]));
    return {
      values,
      state: stateOf(
        problem,
        lp.options.filter((_, i) => values[i] > 0.5),
      ),
    };
  };
  let method: SolverRun['method'] = 'lp_relaxation';
  try {
    const relaxed = solver.solve(lp.relaxation, { time_limit: remaining(), output_flag: false });
    if (relaxed.Status === 'Optimal') {
      const { values, state } = planOf(relaxed.Columns);
      const integral = values.every((v) => Math.abs(v - Math.round(v)) <= INTEGRALITY_TOLERANCE);
      if (integral && state && valueOf(state, lp.big) >= (relaxed.ObjectiveValue ?? Infinity) - 0.5) {
        return { status: 'Optimal', method, solved: state, proven: true };
      }
    } else if (relaxed.Status === 'Time limit reached') {
      return { status: relaxed.Status, method, solved: null, proven: false };
    }
    method = 'mip';
    const result = solver.solve(lp.text, {
      time_limit: remaining(),
      // The objective has integer coefficients, so a gap below 1 proves optimality; the default
      // relative gap (1e-4 of ~BIG × placed) would accept plans with a lower total score.
      mip_rel_gap: 0,
      mip_abs_gap: 0.99,
      output_flag: false,
    });
    const { state } = planOf(result.Columns);
    return { status: result.Status, method, solved: state, proven: result.Status === 'Optimal' };
  } catch (error) {
    const status = `Error: ${error instanceof Error ? error.message : String(error)}`;
    return { status, method, solved: null, proven: false };
  }
}

/** The 0-1 program's objective for a plan, computed exactly. */
function valueOf(state: PlanState, big: number): number {
  const { placed, cents } = state.objectiveCents();
  return big * placed + cents;
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
