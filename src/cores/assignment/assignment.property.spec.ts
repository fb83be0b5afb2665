import fc from 'fast-check';
import { EXCLUSION_REASONS, EXPLOITATION_TYPES, FACILITY_TYPES, GENDERS, PROTECTION_LEVELS, SUPPORTS } from '../../domain/types.js';
import type { FacilitySnapshot, MatchRequest } from '../../domain/types.js';
import { checkHardConstraints } from '../matching/hard-constraints.js';
import { choosePlace, neededPlaceKinds } from '../matching/place-kind.js';
import { rankCandidates } from '../matching/rank.js';
import { scoreCandidate } from '../matching/scoring.js';
import { aFacility, aRequest, POINTS, TEST_WEIGHTS } from '../../../test/support/core-factories.js';
import { arbFacility as arbCoreFacility } from '../../../test/support/core-arbitraries.js';
import type { AssignmentInput, AssignmentResult, PlannedAssignment } from './assignment.types.js';
import { bruteForceOptimum } from './brute-force.js';
import { greedyPlan } from './greedy.js';
import { compareObjectives } from './options.js';
import { LpSolver, loadSolver, solveAssignmentWith } from './solve.js';

let highs: LpSolver;
beforeAll(async () => {
  highs = await loadSolver();
});

// Few provinces, languages and tags, mostly permissive values: requests compete for the same places.
const PROVINCES = [
  { provinceCode: 'GE', regionCode: '07', point: POINTS.GE },
  { provinceCode: 'SP', regionCode: '07', point: POINTS.SP },
  { provinceCode: 'MI', regionCode: '03', point: POINTS.MI },
  { provinceCode: 'LU', regionCode: '09', point: POINTS.LU },
];
const LANGS = ['it', 'en', 'fr', 'pcm'];
const TAGS = ['a', 'b', 'c'];

const mostly = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, { arbitrary: other, weight: 1 });

interface Shape {
  maxFree: number;
  /** most conflict tags on one request (a quarter of the requests carry some) */
  maxTags: number;
}

const arbFacility = (id: string, shape: Shape): fc.Arbitrary<FacilitySnapshot> =>
  arbCoreFacility(id, {
    provinces: PROVINCES,
    langs: LANGS,
    tags: TAGS,
    maxFree: shape.maxFree,
    minPlaces: 1,
    maxTags: 1,
    mostlyHighProtection: true,
  });

const arbMatch = (shape: Shape): fc.Arbitrary<MatchRequest> =>
  fc.record({
    person: fc.record({
      gender: mostly('female' as const, fc.constantFrom(...GENDERS)),
      age: mostly(25, fc.integer({ min: 15, max: 50 })),
      children: mostly([], fc.array(fc.record({ age: fc.integer({ min: 0, max: 17 }) }), { minLength: 1, maxLength: 3 })),
      pregnant: mostly(false, fc.boolean()),
      languages: fc.subarray(LANGS),
      exploitation: fc.subarray([...EXPLOITATION_TYPES]),
      needs: mostly([], fc.subarray([...SUPPORTS], { maxLength: 1 })),
    }),
    protectionLevel: fc.constantFrom(...PROTECTION_LEVELS),
    stage: fc.constantFrom('first_reception' as const, 'second_reception' as const),
    regionCode: fc.constantFrom('07', '03', '09'),
    origin: fc.constantFrom(...PROVINCES),
    safety: fc.record({
      excludedProvinces: mostly(
        [],
        fc.subarray(
          PROVINCES.map((p) => p.provinceCode),
          { maxLength: 1 },
        ),
      ),
      excludedRegions: fc.constant([]),
      minDistanceKm: mostly(null, fc.integer({ min: 0, max: 200 })),
      conflictTags: mostly([], fc.subarray(TAGS, { minLength: 1, maxLength: shape.maxTags })),
    }),
    preferences: fc.record({
      crossRegion: mostly(true, fc.boolean()),
      maxDistanceKm: mostly(null, fc.integer({ min: 50, max: 600 })),
      near: fc.option(fc.constantFrom(...PROVINCES.map((p) => p.point)), { nil: null }),
    }),
  });

const arbInput = (maxRequests: number, maxFacilities: number, shape: Shape): fc.Arbitrary<AssignmentInput> =>
  fc.tuple(fc.integer({ min: 0, max: maxRequests }), fc.integer({ min: 0, max: maxFacilities })).chain(([nr, nf]) =>
    fc.record({
      requests: fc.tuple(
        ...Array.from({ length: nr }, (_, i) =>
          fc.record({ id: fc.constant(`r${i}`), arrival: fc.integer({ min: 0, max: 3 }), match: arbMatch(shape) }),
        ),
      ),
      facilities: fc.tuple(...Array.from({ length: nf }, (_, i) => arbFacility(`f${i}`, shape))),
      weights: fc.constant(TEST_WEIGHTS),
    }),
  );

const SMALL: Shape = { maxFree: 2, maxTags: 1 };

// ---- independent checks (the matching core is the source of truth for one pair) ----

/** Every violation of a plan against the original snapshots. */
function violations(input: AssignmentInput, plan: readonly PlannedAssignment[]): string[] {
  const requests = new Map(input.requests.map((r) => [r.id, r]));
  const facilities = new Map(input.facilities.map((f) => [f.id, f]));
  const v: string[] = [];
  const seen = new Set<string>();
  const taken = new Map<string, number>(); // facility + kind → count
  const tagsAt = new Map<string, string[]>(); // facility → tags of planned requests there
  for (const p of plan) {
    const r = requests.get(p.requestId);
    const f = facilities.get(p.facilityId);
    if (!r || !f) {
      v.push(`unknown ${p.requestId} → ${p.facilityId}`);
      continue;
    }
    if (seen.has(r.id)) v.push(`${r.id} placed twice`);
    seen.add(r.id);
    const check = checkHardConstraints(r.match, f);
    if (!check.ok) {
      v.push(`${r.id} → ${f.id}: ${check.reasons.join(',')}`);
      continue;
    }
    const person = r.match.person;
    if (!neededPlaceKinds(person).includes(p.placeKind)) v.push(`${r.id}: kind ${p.placeKind}`);
    const n = person.children.length;
    const fitting = f.places.filter(
      (x) => x.kind === p.placeKind && x.free > 0 && (p.placeKind !== 'mother_child' || n === 0 || (x.childCapacity ?? 0) >= n),
    );
    if (fitting.length === 0) v.push(`${r.id} → ${f.id}: no fitting ${p.placeKind} place`);
    const key = `${f.id}/${p.placeKind}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    const capacity = f.places.filter((x) => x.kind === p.placeKind).reduce((s, x) => s + Math.max(0, x.free), 0);
    if (taken.get(key)! > capacity) v.push(`${key} over capacity ${capacity}`);
    const there = tagsAt.get(f.id) ?? [];
    const shared = r.match.safety.conflictTags.filter((t) => there.includes(t));
    if (shared.length > 0) v.push(`${r.id} shares ${shared.join(',')} in ${f.id}`);
    tagsAt.set(f.id, [...there, ...r.match.safety.conflictTags]);
    const expected = scoreCandidate(r.match, f, p.placeKind, check.distanceKm, input.weights);
    if (p.score !== expected.score) v.push(`${r.id} → ${f.id}: score ${p.score} ≠ ${expected.score}`);
  }
  return v;
}

/** The plan is maximal: no unplaced request has a facility passing its hard constraints with a fitting
 * place left and no planned request sharing a tag there. */
function stillPlaceable(input: AssignmentInput, result: AssignmentResult): string[] {
  const out: string[] = [];
  for (const u of result.unplaced) {
    const r = input.requests.find((x) => x.id === u.requestId)!;
    for (const f of input.facilities) {
      if (!checkHardConstraints(r.match, f).ok) continue;
      const here = result.plan.filter((p) => p.facilityId === f.id);
      const tags = here.flatMap((p) => input.requests.find((x) => x.id === p.requestId)!.match.safety.conflictTags);
      if (r.match.safety.conflictTags.some((t) => tags.includes(t))) continue;
      const n = r.match.person.children.length;
      for (const kind of neededPlaceKinds(r.match.person)) {
        const left =
          f.places.filter((x) => x.kind === kind).reduce((s, x) => s + x.free, 0) - here.filter((p) => p.placeKind === kind).length;
        const fits = f.places.some(
          (x) => x.kind === kind && x.free > 0 && (kind !== 'mother_child' || n === 0 || (x.childCapacity ?? 0) >= n),
        );
        if (fits && left > 0) out.push(`${r.id} could still take ${kind} in ${f.id}`);
      }
    }
  }
  return out;
}

const cents = (plan: readonly PlannedAssignment[]): number => plan.reduce((s, p) => s + Math.round(p.score * 100), 0);

/** Greedy as the service does it today: rankCandidates on live snapshots, one request at a time. */
function referenceGreedy(input: AssignmentInput): Pick<PlannedAssignment, 'requestId' | 'facilityId' | 'placeKind' | 'score'>[] {
  const live = input.facilities.map((f) => ({ ...f, places: f.places.map((p) => ({ ...p })), conflictTags: [...f.conflictTags] }));
  const order = [...input.requests].sort((a, b) => a.arrival - b.arrival || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const plan: Pick<PlannedAssignment, 'requestId' | 'facilityId' | 'placeKind' | 'score'>[] = [];
  for (const r of order) {
    const [best] = rankCandidates(r.match, live, input.weights).candidates;
    if (!best) continue;
    const f = live.find((x) => x.id === best.facilityId)!;
    choosePlace(r.match.person, f)!.free -= 1;
    f.conflictTags.push(...r.match.safety.conflictTags);
    plan.push({ requestId: r.id, facilityId: f.id, placeKind: best.placeKind, score: best.score });
  }
  return plan;
}

describe('solveAssignment properties', () => {
  it('every plan (exact and greedy) respects every hard constraint, capacity and conflict tag; the exact one is maximal', () => {
    let contested = 0; // runs where someone is left out, so capacity and tags really bind
    fc.assert(
      fc.property(arbInput(8, 6, SMALL), (input) => {
        const r = solveAssignmentWith(highs, input);
        expect(r.optimal).toBe(true);
        expect(violations(input, r.plan)).toEqual([]);
        expect(violations(input, r.greedy.plan)).toEqual([]);
        expect(stillPlaceable(input, r)).toEqual([]);
        // plan and unplaced partition the requests
        const ids = [...r.plan.map((p) => p.requestId), ...r.unplaced.map((u) => u.requestId)];
        expect(ids.sort()).toEqual(input.requests.map((x) => x.id).sort());
        expect(r.objective).toEqual({ placed: r.plan.length, totalScore: cents(r.plan) / 100 });
        expect(compareObjectives(r.objective, r.greedy)).toBeGreaterThanOrEqual(0);
        for (const u of r.unplaced) {
          if (u.candidateFacilities === 0) expect(EXCLUSION_REASONS).toContain(u.reason);
          else expect(['capacity_taken', 'conflict_in_plan']).toContain(u.reason);
        }
        if (r.unplaced.some((u) => u.candidateFacilities > 0)) contested++;
      }),
      { numRuns: 100 },
    );
    expect(contested).toBeGreaterThan(5);
  });

  it('the exact objective (placed, then total score) equals the brute-force optimum on tiny instances', () => {
    fc.assert(
      fc.property(arbInput(5, 4, SMALL), (input) => {
        const r = solveAssignmentWith(highs, input);
        const best = bruteForceOptimum(input);
        expect([r.objective.placed, cents(r.plan)]).toEqual([best.placed, best.cents]);
      }),
      { numRuns: 60 },
    );
  });

  it('equals brute force when there are more facilities than competitors (the model reduction is active)', () => {
    fc.assert(
      fc.property(arbInput(3, 9, { maxFree: 1, maxTags: 1 }), (input) => {
        const r = solveAssignmentWith(highs, input);
        const best = bruteForceOptimum(input);
        expect([r.objective.placed, cents(r.plan)]).toEqual([best.placed, best.cents]);
        expect(violations(input, r.plan)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('equals brute force with dense conflict tags (fractional relaxations, solved by branch and bound)', () => {
    // permissive women and houses; what varies is the pair of tags each request carries, languages and beds
    const arb = fc.tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 1, max: 3 })).chain(([nr, nf]) =>
      fc.record({
        requests: fc.tuple(
          ...Array.from({ length: nr }, (_, i) =>
            fc
              .record({ tags: fc.subarray(TAGS, { minLength: 2, maxLength: 2 }), languages: fc.subarray(LANGS, { maxLength: 1 }) })
              .map(({ tags, languages }) => ({
                id: `r${i}`,
                arrival: i,
                match: aRequest({ person: { languages }, safety: { conflictTags: tags } }),
              })),
          ),
        ),
        facilities: fc.tuple(
          ...Array.from({ length: nf }, (_, i) =>
            fc
              .record({ free: fc.integer({ min: 1, max: 4 }), type: fc.constantFrom(...FACILITY_TYPES), languages: fc.subarray(LANGS) })
              .map(({ free, type, languages }) => aFacility({ id: `f${i}`, type, languages, places: [{ kind: 'adult', free }] })),
          ),
        ),
        weights: fc.constant(TEST_WEIGHTS),
      }),
    );
    let mip = 0;
    fc.assert(
      fc.property(arb, (input) => {
        const r = solveAssignmentWith(highs, input);
        if (r.solver.method === 'mip') mip++;
        expect(r.optimal).toBe(true);
        expect(violations(input, r.plan)).toEqual([]);
        const best = bruteForceOptimum(input);
        expect([r.objective.placed, cents(r.plan)]).toEqual([best.placed, best.cents]);
      }),
      { numRuns: 60 },
    );
    expect(mip).toBeGreaterThan(0); // the branch-and-bound path was exercised
  });

  it('greedyPlan is what serving requests one by one with rankCandidates gives', () => {
    fc.assert(
      fc.property(arbInput(8, 6, { maxFree: 2, maxTags: 2 }), (input) => {
        const fast = greedyPlan(input).plan.map(({ requestId, facilityId, placeKind, score }) => ({
          requestId,
          facilityId,
          placeKind,
          score,
        }));
        expect(fast).toEqual(referenceGreedy(input));
      }),
      { numRuns: 100 },
    );
  });
});
