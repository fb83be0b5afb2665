import type { FacilitySnapshot, MatchRequest } from '../../domain/types.js';
import { aFacility, aRequest, POINTS, TEST_WEIGHTS } from '../../../test/support/core-factories.js';
import type { AssignmentInput, AssignmentResult } from './assignment.types.js';
import { bruteForceOptimum } from './brute-force.js';
import { greedyPlan } from './greedy.js';
import { buildLp, columnName, reducedOptions } from './lp-model.js';
import { buildProblem } from './options.js';
import { LpSolver, loadSolver, solveAssignment, solveAssignmentWith } from './solve.js';

let highs: LpSolver;
beforeAll(async () => {
  highs = await loadSolver();
});

const input = (requests: [string, MatchRequest][], facilities: FacilitySnapshot[]): AssignmentInput => ({
  requests: requests.map(([id, match], i) => ({ id, arrival: i + 1, match })),
  facilities,
  weights: TEST_WEIGHTS,
});

const placements = (r: { plan: { requestId: string; facilityId: string }[] }): Record<string, string> =>
  Object.fromEntries(r.plan.map((p) => [p.requestId, p.facilityId]));

const solve = (i: AssignmentInput): AssignmentResult => solveAssignmentWith(highs, i);

const twoChildren = [{ age: 3 }, { age: 6 }];
const inSP = { provinceCode: 'SP', point: POINTS.SP };
const notInSP = { safety: { excludedProvinces: ['SP'] } };

/** Greedy gives the only family unit to a single woman who could have gone elsewhere.
 * Scores: woman in A's mother-child unit 90 (no place-kind fit), woman in B 87.5 (medium-intensity
 * community for first reception: stage fit 12.5/25), mother in A 100. */
const familyUnit = () =>
  input(
    [
      ['woman', aRequest()],
      ['mother', aRequest({ person: { children: twoChildren } })],
    ],
    [
      aFacility({
        id: 'A',
        places: [
          { kind: 'adult', free: 0 },
          { kind: 'mother_child', free: 1, childCapacity: 2 },
        ],
      }),
      aFacility({ id: 'B', type: 'medium_intensity_community', places: [{ kind: 'adult', free: 1 }] }),
    ],
  );

describe('solveAssignment: hand-checked instances', () => {
  it('keeps the family unit for the family: both placed where greedy places one', () => {
    const r = solve(familyUnit());
    expect(r.greedy.plan.map((p) => [p.requestId, p.facilityId, p.placeKind, p.score])).toEqual([['woman', 'A', 'mother_child', 90]]);
    expect(r.greedy).toMatchObject({ placed: 1, totalScore: 90 });
    expect(r.optimal).toBe(true);
    expect(r.plan.map((p) => [p.requestId, p.facilityId, p.placeKind, p.score])).toEqual([
      ['woman', 'B', 'adult', 87.5],
      ['mother', 'A', 'mother_child', 100],
    ]);
    expect(r.objective).toEqual({ placed: 2, totalScore: 187.5 });
    expect(r.gain).toEqual({ placed: 1, totalScore: 97.5 });
    expect(r.unplaced).toEqual([]);
    expect(r.solver).toMatchObject({ status: 'Optimal', source: 'solver' });
  });

  it('carries each placement breakdown, summing to its score', () => {
    const r = solve(familyUnit());
    const woman = r.plan.find((p) => p.requestId === 'woman')!;
    expect(woman.breakdown.find((b) => b.criterion === 'stage_fit')).toEqual({ criterion: 'stage_fit', points: 12.5, max: 25 });
    for (const p of r.plan) expect(p.breakdown.reduce((s, b) => s + b.points, 0)).toBeCloseTo(p.score, 9);
  });

  it('never places two requests sharing a conflict tag in the same facility', () => {
    // GE (2 beds, score 100) is the only option of r2 and r3; r1 may also go to SP (95).
    // r3 speaks only French: 88.75 in GE. Greedy: r1 → GE, which shuts GE to r2 and r3.
    const tag = { conflictTags: ['net-7'] };
    const r = solve(
      input(
        [
          ['r1', aRequest({ safety: tag })],
          ['r2', aRequest({ safety: { ...tag, ...notInSP.safety } })],
          ['r3', aRequest({ person: { languages: ['fr'] }, safety: { ...tag, ...notInSP.safety } })],
        ],
        [
          aFacility({ id: 'GE', places: [{ kind: 'adult', free: 2 }] }),
          aFacility({ id: 'SP', ...inSP, type: 'high_intensity_community', places: [{ kind: 'adult', free: 1 }] }),
        ],
      ),
    );
    expect(r.greedy).toMatchObject({ placed: 1, totalScore: 100 });
    expect(placements(r.greedy)).toEqual({ r1: 'GE' });
    expect(r.optimal).toBe(true);
    expect(placements(r)).toEqual({ r1: 'SP', r2: 'GE' });
    expect(r.objective).toEqual({ placed: 2, totalScore: 195 });
    // GE still has a bed: what keeps r3 out is the tag it shares with r2
    expect(r.unplaced).toEqual([{ requestId: 'r3', reason: 'conflict_in_plan', candidateFacilities: 1 }]);
  });

  it('fills a two-bed facility with those who cannot go elsewhere', () => {
    // GE: 2 beds (100 each; 88.75 for r4, French only), SP: 1 bed (95). r3 and r4 must avoid SP.
    const r = solve(
      input(
        [
          ['r1', aRequest()],
          ['r2', aRequest()],
          ['r3', aRequest(notInSP)],
          ['r4', aRequest({ ...notInSP, person: { languages: ['fr'] } })],
        ],
        [
          aFacility({ id: 'GE', places: [{ kind: 'adult', free: 2 }] }),
          aFacility({ id: 'SP', ...inSP, type: 'high_intensity_community', places: [{ kind: 'adult', free: 1 }] }),
        ],
      ),
    );
    expect(placements(r.greedy)).toEqual({ r1: 'GE', r2: 'GE' });
    expect(r.optimal).toBe(true);
    expect(r.objective).toEqual({ placed: 3, totalScore: 295 });
    const p = placements(r);
    expect(p.r3).toBe('GE');
    expect([p.r1, p.r2].sort()).toEqual(['GE', 'SP']);
    expect(r.unplaced).toEqual([{ requestId: 'r4', reason: 'capacity_taken', candidateFacilities: 1 }]);
    expect(r.gain).toEqual({ placed: 1, totalScore: 95 });
  });

  it('beats greedy on score alone', () => {
    // GE: r1 100, r2 100; SP (French only staff, no italian): r1 (speaks fr) 95, r2 (en) 80
    const r = solve(
      input(
        [
          ['r1', aRequest({ person: { languages: ['en', 'fr'] } })],
          ['r2', aRequest()],
        ],
        [
          aFacility({ id: 'GE', places: [{ kind: 'adult', free: 1 }] }),
          aFacility({ id: 'SP', ...inSP, type: 'high_intensity_community', languages: ['fr'], places: [{ kind: 'adult', free: 1 }] }),
        ],
      ),
    );
    expect(placements(r.greedy)).toEqual({ r1: 'GE', r2: 'SP' });
    expect(r.greedy).toMatchObject({ placed: 2, totalScore: 180 });
    expect(placements(r)).toEqual({ r1: 'SP', r2: 'GE' });
    expect(r.objective).toEqual({ placed: 2, totalScore: 195 });
    expect(r.gain).toEqual({ placed: 0, totalScore: 15 });
  });

  it('places one more person even at the cost of total score (placed first, then score)', () => {
    // r1: A 100, B 35 (autonomy flat, no shared language, no expertise, unknown freshness);
    // r2 (must avoid SP) only fits A, poorly: 38.75. Score alone would leave r2 out (100 > 73.75).
    const r = solve(
      input(
        [
          ['r1', aRequest()],
          [
            'r2',
            aRequest({
              stage: 'second_reception',
              protectionLevel: 'low',
              person: { languages: ['fr'], exploitation: ['labour'] },
              ...notInSP,
            }),
          ],
        ],
        [
          aFacility({ id: 'A', places: [{ kind: 'adult', free: 1 }] }),
          aFacility({
            id: 'B',
            ...inSP,
            type: 'autonomy_flat',
            languages: ['de'],
            exploitationExpertise: [],
            freshness: 'unknown',
            places: [{ kind: 'adult', free: 1 }],
          }),
        ],
      ),
    );
    expect(r.greedy).toMatchObject({ placed: 1, totalScore: 100 });
    expect(r.optimal).toBe(true);
    expect(placements(r)).toEqual({ r1: 'B', r2: 'A' });
    expect(r.objective).toEqual({ placed: 2, totalScore: 73.75 });
    expect(r.gain).toEqual({ placed: 1, totalScore: -26.25 });
  });

  it('never splits a family: a mother of two does not take a unit for one child', () => {
    const r = solve(
      input(
        [
          ['mother', aRequest({ person: { children: twoChildren } })],
          ['woman', aRequest()],
        ],
        [aFacility({ id: 'A', places: [{ kind: 'mother_child', free: 2, childCapacity: 1 }] })],
      ),
    );
    expect(placements(r)).toEqual({ woman: 'A' });
    expect(r.plan[0].placeKind).toBe('mother_child');
    expect(r.unplaced).toEqual([{ requestId: 'mother', reason: 'children_not_accepted', candidateFacilities: 0 }]);
  });

  it('solves the 0-1 program when the LP relaxation is fractional (odd cycle of conflict tags)', () => {
    // one facility, 3 beds; tags a-b, b-c, c-a: the relaxation places everyone half; only one fits.
    const f = aFacility({ id: 'F', places: [{ kind: 'adult', free: 3 }] });
    const fr = { languages: ['fr'] }; // 88.75 in F
    const r = solve(
      input(
        [
          ['r1', aRequest({ person: fr, safety: { conflictTags: ['a', 'b'] } })],
          ['r2', aRequest({ safety: { conflictTags: ['b', 'c'] } })],
          ['r3', aRequest({ person: fr, safety: { conflictTags: ['c', 'a'] } })],
        ],
        [f],
      ),
    );
    expect(r.solver).toMatchObject({ method: 'mip', status: 'Optimal' });
    expect(r.optimal).toBe(true);
    expect(placements(r)).toEqual({ r2: 'F' });
    expect(r.greedy).toMatchObject({ placed: 1, totalScore: 88.75 });
    expect(r.unplaced.map((u) => [u.requestId, u.reason])).toEqual([
      ['r1', 'conflict_in_plan'],
      ['r3', 'conflict_in_plan'],
    ]);
  });
});

describe('binding reason of a request no facility takes', () => {
  const male = aRequest({ person: { gender: 'male' } });

  it('is the reason most facilities excluded it for', () => {
    const r = solve(
      input(
        [['m', aRequest({ person: { gender: 'male' }, safety: { conflictTags: ['t'] } })]],
        [aFacility({ id: 'A' }), aFacility({ id: 'B' }), aFacility({ id: 'C', conflictTags: ['t'], accepts: { genders: ['male'] } })],
      ),
    );
    expect(r.unplaced).toEqual([{ requestId: 'm', reason: 'gender_not_accepted', candidateFacilities: 0 }]);
    expect(r.optimal).toBe(true);
    expect(r.solver).toMatchObject({ status: 'Trivial', source: 'trivial' });
  });

  it('breaks ties by the precedence of EXCLUSION_REASONS', () => {
    const r = solve(
      input(
        [['m', male]],
        [
          aFacility({ id: 'A', accepts: { genders: ['male'] }, protectionLevel: 'low' }),
          aFacility({ id: 'B', accepts: { genders: ['male'] }, acceptingNewGuests: false }),
        ],
      ),
    );
    expect(r.unplaced[0].reason).toBe('protection_too_low');
  });

  it('is no_free_place when there is no facility at all', () => {
    const r = solve(input([['m', male]], []));
    expect(r.unplaced).toEqual([{ requestId: 'm', reason: 'no_free_place', candidateFacilities: 0 }]);
  });
});

describe('solveAssignment: contract', () => {
  it('handles an empty batch', async () => {
    const r = await solveAssignment(input([], [aFacility()]));
    expect(r).toMatchObject({ optimal: true, plan: [], unplaced: [], objective: { placed: 0, totalScore: 0 } });
  });

  it('refuses duplicate ids', () => {
    expect(() =>
      solve(
        input(
          [
            ['x', aRequest()],
            ['x', aRequest()],
          ],
          [],
        ),
      ),
    ).toThrow('duplicate request id: x');
    expect(() => solve(input([], [aFacility(), aFacility()]))).toThrow('duplicate facility id: fac-1');
  });

  it('does not mutate its input', () => {
    const i = familyUnit();
    const before = JSON.stringify(i);
    solve(i);
    greedyPlan(i);
    expect(JSON.stringify(i)).toBe(before);
  });

  it('does not depend on the order of the input arrays; lists in arrival order', () => {
    const i = familyUnit();
    const reversed = { ...i, requests: [...i.requests].reverse(), facilities: [...i.facilities].reverse() };
    const a = solve(i);
    const b = solve(reversed);
    expect({ ...b, solver: null }).toEqual({ ...a, solver: null });
    expect(a.plan.map((p) => p.requestId)).toEqual(['woman', 'mother']);
  });

  it('serves arrival order in the greedy plan, ties by id', () => {
    const i = familyUnit();
    i.requests[0].arrival = 5; // the mother now comes first
    expect(placements(greedyPlan(i))).toEqual({ mother: 'A', woman: 'B' });
  });
});

describe('time limit and solver failures', () => {
  const fake = (answer: (lp: string) => ReturnType<LpSolver['solve']>): LpSolver & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      solve: (lp: string) => {
        calls.push(lp.includes('\nBinary\n') ? 'mip' : 'lp');
        return answer(lp);
      },
    };
  };

  it('falls back to the greedy plan, flagged non-optimal, when the real solver has no time', () => {
    const r = solveAssignmentWith(highs, { ...familyUnit(), timeLimitSeconds: 0 });
    expect(r.optimal).toBe(false);
    expect(r.solver).toMatchObject({ status: 'Time limit reached', source: 'greedy' });
    expect(r.plan).toEqual(r.greedy.plan);
    expect(r.unplaced).toEqual([{ requestId: 'mother', reason: 'capacity_taken', candidateFacilities: 1 }]);
  });

  it('completes the best solution found within the limit, and keeps it when it beats greedy', () => {
    const i = familyUnit();
    const problem = buildProblem(i);
    const womanInB = problem.options.find((o) => problem.requests[o.request].id === 'woman' && problem.facilities[o.facility].id === 'B')!;
    const solver = fake(
      (lp) =>
        lp.includes('\nBinary\n')
          ? { Status: 'Time limit reached', Columns: { [columnName(womanInB.index)]: { Primal: 1 } } }
          : { Status: 'Optimal', ObjectiveValue: 1e9, Columns: {} }, // a bound no integral plan attains
    );
    const r = solveAssignmentWith(solver, i);
    expect(solver.calls).toEqual(['lp', 'mip']);
    expect(r.optimal).toBe(false);
    expect(r.solver).toMatchObject({ status: 'Time limit reached', method: 'mip', source: 'solver' });
    // the mother was added to the incumbent where a place was left
    expect(placements(r)).toEqual({ woman: 'B', mother: 'A' });
  });

  it('never trusts a solution that breaks a constraint', () => {
    const i = familyUnit();
    const all = Object.fromEntries(buildProblem(i).options.map((o) => [columnName(o.index), { Primal: 1 }]));
    const r = solveAssignmentWith(
      fake(() => ({ Status: 'Optimal', ObjectiveValue: 0, Columns: all })),
      i,
    );
    expect(r.optimal).toBe(false);
    expect(r.solver.source).toBe('greedy');
    expect(r.plan).toEqual(r.greedy.plan);
  });

  it('reports a solver error and answers with the greedy plan', () => {
    const r = solveAssignmentWith(
      fake(() => {
        throw new Error('wasm trap');
      }),
      familyUnit(),
    );
    expect(r.optimal).toBe(false);
    expect(r.solver).toMatchObject({ status: 'Error: wasm trap', source: 'greedy' });
    expect(r.objective).toEqual({ placed: 1, totalScore: 90 });
  });
});

describe('model reduction', () => {
  it('keeps, per request, its best 1 + (requests sharing a candidate facility) facilities', () => {
    // 2 women, 6 one-bed facilities of decreasing score for both: each needs only its best 2
    const types = [
      'casa_di_fuga',
      'high_intensity_community',
      'medium_intensity_community',
      'protected_flat',
      'semi_autonomy_flat',
      'autonomy_flat',
    ] as const;
    const i = input(
      [
        ['r1', aRequest()],
        ['r2', aRequest()],
      ],
      types.map((type, k) => aFacility({ id: `f${k}`, type, places: [{ kind: 'adult', free: 1 }] })),
    );
    const problem = buildProblem(i);
    const kept = reducedOptions(problem).map((opts) => [...new Set(opts.map((o) => problem.facilities[o.facility].id))]);
    expect(kept).toEqual([
      ['f0', 'f1'],
      ['f0', 'f1'],
    ]);
    expect(buildLp(problem).columns).toBe(4);
    const r = solve(i);
    expect(r.objective).toEqual({ placed: 2, totalScore: 195 });
    const brute = bruteForceOptimum(i);
    expect([r.objective.placed, Math.round(r.objective.totalScore * 100)]).toEqual([brute.placed, brute.cents]);
  });
});
