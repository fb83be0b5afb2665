// Public surface of the pure batch-assignment core (no Nest, no TypeORM).
export type {
  AssignmentInput,
  AssignmentRequest,
  AssignmentResult,
  Objective,
  PlannedAssignment,
  PlanSummary,
  SolverReport,
  UnplacedReason,
  UnplacedRequest,
} from './assignment.types.js';
export { greedyPlan } from './greedy.js';
export { compareObjectives, objectiveOf } from './options.js';
export { DEFAULT_TIME_LIMIT_SECONDS, loadSolver, solveAssignment, solveAssignmentWith } from './solve.js';
export type { LpSolver } from './solve.js';
